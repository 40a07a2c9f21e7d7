"""Initial dunning schema: cases, overdue items.

Revision ID: dunning_0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "dunning_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "overdue_items",
        sa.Column("invoice_number", sa.String(100), primary_key=True),
        sa.Column("instalment_seq", sa.Integer, primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=False, index=True),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("threshold_days", sa.Integer, nullable=False),
        sa.Column("days_overdue", sa.Integer, nullable=False),
        sa.Column("open_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
    )
    op.create_table(
        "collection_cases",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("highest_threshold", sa.Integer, nullable=False),
        sa.Column("opened_on", sa.Date, nullable=False),
        sa.Column("last_payment_on", sa.Date, nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("collection_cases")
    op.drop_table("overdue_items")
