"""Escalations inside the company and concessions with their approval.

Revision ID: dunning_0003
Revises: dunning_0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "dunning_0003"
down_revision = "dunning_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dunning_concessions',
    sa.Column('concession_id', sa.String(40), nullable=False),
    sa.Column('case_id', sa.String(40), nullable=False),
    sa.Column('kind', sa.String(30), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=True),
    sa.Column('currency', sa.String(3), nullable=True),
    sa.Column('days', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(2000), nullable=False),
    sa.Column('status', sa.String(20), nullable=False),
    sa.Column('requested_by', sa.String(100), nullable=False),
    sa.Column('requested_on', sa.Date(), nullable=False),
    sa.Column('decided_by', sa.String(100), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('until', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('concession_id')
    )
    op.create_index(op.f('ix_dunning_concessions_case_id'), 'dunning_concessions', ['case_id'], unique=False)
    op.create_table('dunning_escalations',
    sa.Column('escalation_id', sa.String(40), nullable=False),
    sa.Column('case_id', sa.String(40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(30), nullable=False),
    sa.Column('handed_to', sa.String(500), nullable=False),
    sa.Column('reason', sa.String(2000), nullable=False),
    sa.Column('decision', sa.String(30), nullable=True),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('by', sa.String(100), nullable=False),
    sa.PrimaryKeyConstraint('escalation_id')
    )
    op.create_index(op.f('ix_dunning_escalations_case_id'), 'dunning_escalations', ['case_id'], unique=False)


def downgrade() -> None:
    op.drop_table("dunning_concessions")
    op.drop_table("dunning_escalations")
