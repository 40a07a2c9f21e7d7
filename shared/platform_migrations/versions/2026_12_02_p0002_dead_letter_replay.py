"""Dead letters an operator can list and replay: each row says whether it is still open
(`status`: open | replayed), how often it was replayed and when last, and the
correlation id of the request that caused the event (to follow it across the logs), and
the message's Kafka key (a replay rebuilds the message exactly).
Rows written before this revision are open. Columns or the index already there (a
database whose platform tables were created from shared/platform_tables.py) are kept.

Revision ID: platform_0002
Revises: platform_0001
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "platform_0002"
down_revision = "platform_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    have = {c["name"] for c in inspector.get_columns("dead_letters")}
    new = [sa.Column("status", sa.String(20), nullable=False, server_default="open"),
           sa.Column("correlation_id", sa.String(100), nullable=True),
           sa.Column("replay_count", sa.Integer, nullable=False, server_default="0"),
           sa.Column("last_replay_at", sa.DateTime(timezone=True), nullable=True),
           sa.Column("key", sa.String(400), nullable=True)]
    missing = [c for c in new if c.name not in have]
    if missing:
        with op.batch_alter_table("dead_letters") as batch:
            for column in missing:
                batch.add_column(column)
    if "ix_dead_letters_status" not in {i["name"] for i in inspector.get_indexes("dead_letters")}:
        op.create_index("ix_dead_letters_status", "dead_letters", ["status", "id"])


def downgrade() -> None:
    op.drop_index("ix_dead_letters_status", table_name="dead_letters")
    with op.batch_alter_table("dead_letters") as batch:
        for column in ("key", "last_replay_at", "replay_count", "correlation_id", "status"):
            batch.drop_column(column)
