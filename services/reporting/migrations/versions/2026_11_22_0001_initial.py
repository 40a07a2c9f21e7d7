"""Initial reporting schema: daily activity.

Revision ID: reporting_0001
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

revision = "reporting_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_activity",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("currency", sa.String(3), primary_key=True),
        sa.Column("credit_sales_minor", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("cash_received_minor", sa.BigInteger, nullable=False, server_default="0"),
        sa.Column("invoices", sa.Integer, nullable=False, server_default="0"),
        sa.Column("payments", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    op.drop_table("daily_activity")
