"""A write-off's documented cause (bankruptcy, court ruling, agreement, deregistration)
and the reference of the document proving it.

Revision ID: ledger_0005
Revises: ledger_0004
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "ledger_0005"
down_revision = "ledger_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("write_offs") as batch:
        batch.add_column(sa.Column("cause", sa.String(20)))
        batch.add_column(sa.Column("cause_reference", sa.String(200)))


def downgrade() -> None:
    with op.batch_alter_table("write_offs") as batch:
        batch.drop_column("cause_reference")
        batch.drop_column("cause")
