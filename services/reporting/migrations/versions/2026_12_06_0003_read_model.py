"""The read model of the ledger's and credit's facts: invoices, instalments, facts by
business key, open spans for aging as of any date, customers, payments; the month-end packs.

Revision ID: reporting_0003
Revises: reporting_0002
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op

revision = "reporting_0003"
down_revision = "reporting_0002"
branch_labels = None
depends_on = None

_text = sa.String(100)


def upgrade() -> None:
    op.create_table(
        "rpt_invoices",
        sa.Column("invoice_number", _text, primary_key=True),
        sa.Column("customer_id", _text, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        *(sa.Column(name, _text) for name in ("region", "product_line", "customer_type", "salesperson")),
    )
    op.create_index("ix_rpt_invoices_customer_id", "rpt_invoices", ["customer_id"])
    op.create_table(
        "rpt_instalments",
        sa.Column("invoice_number", _text, primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True),
        sa.Column("due_date", sa.Date),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "rpt_facts",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(320), primary_key=True),
        sa.Column("invoice_number", _text),
        sa.Column("seq", sa.Integer),
        sa.Column("customer_id", _text, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("label", _text),
        sa.Column("reference", _text),
    )
    op.create_index("ix_rpt_facts_invoice_number", "rpt_facts", ["invoice_number"])
    op.create_index("ix_rpt_facts_customer_id", "rpt_facts", ["customer_id"])
    op.create_table(
        "rpt_open_spans",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("invoice_number", _text, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("customer_id", _text, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date),
        sa.Column("open_minor", sa.BigInteger, nullable=False),
        sa.Column("valid_from", sa.Date, nullable=False),
        sa.Column("valid_to", sa.Date),
    )
    op.create_index("ix_rpt_open_spans_invoice_number", "rpt_open_spans", ["invoice_number"])
    op.create_index("ix_rpt_open_spans_current", "rpt_open_spans", ["currency", "customer_id"],
                    postgresql_where=sa.text("valid_to IS NULL"), sqlite_where=sa.text("valid_to IS NULL"))
    op.create_index("ix_rpt_open_spans_period", "rpt_open_spans", ["currency", "valid_to", "valid_from"])
    op.create_table(
        "rpt_customers",
        sa.Column("customer_id", _text, primary_key=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        *(sa.Column(name, _text) for name in ("region", "customer_type", "industry", "size", "salesperson",
                                              "collector")),
        sa.Column("grade", sa.String(10)),
        sa.Column("blacklisted", sa.Boolean, nullable=False),
        sa.Column("on_hold", sa.Boolean, nullable=False),
    )
    op.create_table(
        "rpt_payments",
        sa.Column("payment_reference", _text, primary_key=True),
        sa.Column("customer_id", _text, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("received_date", sa.Date, nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("reversed_on", sa.Date),
    )
    op.create_index("ix_rpt_payments_customer_id", "rpt_payments", ["customer_id"])
    op.create_table(
        "month_end_packs",
        sa.Column("pack_id", _text, primary_key=True),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("requested_by", _text, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.Column("error", sa.String(2000)),
        sa.Column("xlsx", sa.LargeBinary),
        sa.Column("csv_zip", sa.LargeBinary),
    )
    op.create_index("ix_month_end_packs_period", "month_end_packs", ["period"])


def downgrade() -> None:
    for table in ("month_end_packs", "rpt_payments", "rpt_customers", "rpt_open_spans", "rpt_facts",
                  "rpt_instalments", "rpt_invoices"):
        op.drop_table(table)
