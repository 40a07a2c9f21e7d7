"""Open items per instalment; the revision of the published customer profile.

Credit dated a whole instalment invoice from its earliest open instalment and so
overstated overdue debt: each instalment is now a row of its own (`receivable_instalments`:
its due date, open amount and the highest overdue threshold it crossed), moved out of the
receivable's JSON column. `credit_profiles` gets the revision of the last
`customer-profile-changed` it published and the digest of that profile (no event when
nothing published changed). On PostgreSQL the new table notifies the check's state cache
like the five tables of credit_0003.

Revision ID: credit_0004
Revises: credit_0003
Create Date: 2026-12-03
"""
import json
from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "credit_0004"
down_revision = "credit_0003"
branch_labels = None
depends_on = None

_receivables = sa.table("receivables", sa.column("invoice_number", sa.String), sa.column("customer_id", sa.String),
                        sa.column("currency", sa.String), sa.column("instalments", sa.JSON),
                        sa.column("highest_threshold", sa.Integer))
_instalments = sa.table("receivable_instalments", *(sa.column(name) for name in (
    "invoice_number", "seq", "customer_id", "currency", "due_date", "amount_minor", "open_minor",
    "highest_threshold")))


def upgrade() -> None:
    op.create_table(
        "receivable_instalments",
        sa.Column("invoice_number", sa.String(100), primary_key=True),
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("open_minor", sa.BigInteger, nullable=False),
        sa.Column("highest_threshold", sa.Integer, nullable=False),
    )
    op.create_index("ix_receivable_instalments_customer_id", "receivable_instalments", ["customer_id"])
    bind = op.get_bind()
    rows = []
    for r in bind.execute(sa.select(_receivables)):
        items = r.instalments if isinstance(r.instalments, list) else json.loads(r.instalments or "[]")
        for i in items:
            rows.append({"invoice_number": r.invoice_number, "seq": i["seq"], "customer_id": r.customer_id,
                         "currency": r.currency, "due_date": date.fromisoformat(i["due_date"]),
                         "amount_minor": i["amount_minor"], "open_minor": i["open_minor"],
                         "highest_threshold": r.highest_threshold})
    if rows:
        bind.execute(sa.insert(_instalments), rows)
    with op.batch_alter_table("receivables") as batch:
        batch.drop_column("instalments")
        batch.drop_column("highest_threshold")
    with op.batch_alter_table("credit_profiles") as batch:
        batch.add_column(sa.Column("profile_revision", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("profile_digest", sa.String(64), nullable=True))
    if bind.dialect.name == "postgresql":  # the function is credit_0003's
        op.execute("CREATE TRIGGER receivable_instalments_state_changed AFTER INSERT OR UPDATE OR DELETE ON "
                   "receivable_instalments FOR EACH ROW EXECUTE FUNCTION credit_state_changed()")
        op.execute("CREATE TRIGGER receivable_instalments_state_truncated AFTER TRUNCATE ON receivable_instalments "
                   "FOR EACH STATEMENT EXECUTE FUNCTION credit_state_changed()")


def downgrade() -> None:
    with op.batch_alter_table("credit_profiles") as batch:
        batch.drop_column("profile_digest")
        batch.drop_column("profile_revision")
    with op.batch_alter_table("receivables") as batch:
        batch.add_column(sa.Column("instalments", sa.JSON, nullable=False, server_default="[]"))
        batch.add_column(sa.Column("highest_threshold", sa.Integer, nullable=False, server_default="0"))
    op.drop_table("receivable_instalments")  # its triggers go with it; the open amounts per instalment too
