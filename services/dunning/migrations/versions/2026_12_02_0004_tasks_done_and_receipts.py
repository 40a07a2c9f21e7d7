"""Tasks marked done and letters' signed receipts on the actions.

Revision ID: dunning_0004
Revises: dunning_0003
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "dunning_0004"
down_revision = "dunning_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dunning_actions") as batch:
        batch.add_column(sa.Column("completed_by", sa.String(100), nullable=True))
        batch.add_column(sa.Column("completed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("receipt_returned_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dunning_actions") as batch:
        batch.drop_column("receipt_returned_on")
        batch.drop_column("completed_on")
        batch.drop_column("completed_by")
