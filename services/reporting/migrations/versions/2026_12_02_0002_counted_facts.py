"""The facts already counted, by business key.

Revision ID: reporting_0002
Revises: reporting_0001
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "reporting_0002"
down_revision = "reporting_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "counted_facts",
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(100), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("counted_facts")
