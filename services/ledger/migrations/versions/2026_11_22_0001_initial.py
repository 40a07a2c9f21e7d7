"""Initial ledger schema: nothing of its own (the platform tables come from shared/platform_migrations).

Revision ID: ledger_0001
Revises:
Create Date: 2026-11-22
"""
revision = "ledger_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # the platform tables: shared/platform_migrations (applied before this history)


def downgrade() -> None:
    pass
