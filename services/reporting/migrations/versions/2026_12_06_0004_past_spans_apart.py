"""The ended spans apart from the current ones: today's aging scans only what is open
today (1 row in 5 of a mature book, bench/reporting_aging.py), a past date's the current
spans begun by then and the ended spans ending after it (an index on valid_to).

Revision ID: reporting_0004
Revises: reporting_0003
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "reporting_0004"
down_revision = "reporting_0003"
branch_labels = None
depends_on = None

_COLUMNS = "invoice_number, seq, customer_id, currency, issue_date, due_date, open_minor, valid_from"


def upgrade() -> None:
    op.create_table(
        "rpt_past_spans",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("invoice_number", sa.String(100), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("open_minor", sa.BigInteger, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date, nullable=False),
    )
    op.execute(f"INSERT INTO rpt_past_spans ({_COLUMNS}, valid_to) SELECT {_COLUMNS}, valid_to "
               "FROM rpt_open_spans WHERE valid_to IS NOT NULL")
    op.execute("DELETE FROM rpt_open_spans WHERE valid_to IS NOT NULL")
    op.create_index("ix_rpt_past_spans_invoice_number", "rpt_past_spans", ["invoice_number"])
    op.create_index("ix_rpt_past_spans_currency_valid_to", "rpt_past_spans", ["currency", "valid_to"])
    op.drop_index("ix_rpt_open_spans_current", "rpt_open_spans")
    op.drop_index("ix_rpt_open_spans_period", "rpt_open_spans")
    with op.batch_alter_table("rpt_open_spans") as batch:
        batch.drop_column("valid_to")
    op.create_index("ix_rpt_open_spans_currency_customer", "rpt_open_spans", ["currency", "customer_id"])


def downgrade() -> None:
    op.drop_index("ix_rpt_open_spans_currency_customer", "rpt_open_spans")
    with op.batch_alter_table("rpt_open_spans") as batch:
        batch.add_column(sa.Column("valid_to", sa.Date))
    op.execute(f"INSERT INTO rpt_open_spans ({_COLUMNS}, valid_to) SELECT {_COLUMNS}, valid_to FROM rpt_past_spans")
    op.create_index("ix_rpt_open_spans_current", "rpt_open_spans", ["currency", "customer_id"],
                    postgresql_where=sa.text("valid_to IS NULL"), sqlite_where=sa.text("valid_to IS NULL"))
    op.create_index("ix_rpt_open_spans_period", "rpt_open_spans", ["currency", "valid_to", "valid_from"])
    op.drop_table("rpt_past_spans")
