"""The invoice's bill-to contact; payments parked until the invoice they name is booked.

Revision ID: ledger_0003
Revises: ledger_0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "ledger_0003"
down_revision = "ledger_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("bill_to", sa.Text))
    op.create_table(
        "parked_payments",
        sa.Column("payment_reference", sa.String(100), primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("received_date", sa.Date, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("correlation_id", sa.String(100)),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("parked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
    )
    op.create_index("ix_parked_payments_status", "parked_payments", ["status", "parked_at"])
    op.create_table(
        "parked_payment_invoices",
        sa.Column("invoice_number", sa.String(100), primary_key=True),
        sa.Column("payment_reference", sa.String(100), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("parked_payment_invoices")
    op.drop_index("ix_parked_payments_status", "parked_payments")
    op.drop_table("parked_payments")
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("bill_to")
