"""Initial credit schema: platform tables (outbox, inbox, dead letters, keys, idempotency).

Revision ID: credit_0001
Revises:
Create Date: 2026-11-22
"""
from alembic import op

from shared.platform_tables import create_platform_tables, drop_platform_tables

revision = "credit_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_platform_tables(op.get_bind())


def downgrade() -> None:
    drop_platform_tables(op.get_bind())
