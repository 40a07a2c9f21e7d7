"""What a rule found about an invoice and let through for a person to look at (a large
order without its down payment, seed 000).

Revision ID: ledger_0006
Revises: ledger_0005
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "ledger_0006"
down_revision = "ledger_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("flags", sa.Text))


def downgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("flags")
