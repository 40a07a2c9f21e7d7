"""Delivery cursors of the embedded mode: per subscribing service, its position in each
producer's outbox and lane (platform events, business events), like a Kafka consumer
group's committed offsets. Written by the subscriber after each batch commits
(shared/embedded_delivery.py). Unused in the distributed mode, where Kafka keeps offsets.

Revision ID: platform_0003
Revises: platform_0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "platform_0003"
down_revision = "platform_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_cursors",
        sa.Column("consumer", sa.String(80), primary_key=True),
        sa.Column("producer", sa.String(80), primary_key=True),
        sa.Column("lane", sa.String(20), primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("delivery_cursors")
