"""The platform tables every service database carries: outbox, inbox, dead letters, API
keys, idempotency keys. Frozen DDL: a later change is a new revision of this history.

Databases created before this history existed got these tables from their service's first
migration (SQLAlchemy's create_all, the same DDL); there the tables are left as they are
and only the version is recorded.

Revision ID: platform_0001
Revises:
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "platform_0001"
down_revision = None
branch_labels = None
depends_on = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite rowid autoincrement
TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if "outbox" not in existing:
        op.create_table(
            "outbox",
            sa.Column("seq", BigIntId, primary_key=True, autoincrement=True),
            sa.Column("event_id", sa.String(64), nullable=False, unique=True),
            sa.Column("topic", sa.String(120), nullable=False),
            sa.Column("key", sa.String(200), nullable=False),
            sa.Column("event_type", sa.String(200), nullable=False),
            sa.Column("attributes", sa.Text, nullable=False),
            sa.Column("payload", sa.Text, nullable=False),
            sa.Column("created_at", TS, nullable=False),
            sa.Column("published_at", TS, nullable=True),
        )
        op.create_index("ix_outbox_unpublished", "outbox", ["seq"],
                        postgresql_where=sa.text("published_at IS NULL"),
                        sqlite_where=sa.text("published_at IS NULL"))
    if "inbox" not in existing:
        op.create_table(
            "inbox",
            sa.Column("consumer", sa.String(80), primary_key=True),
            sa.Column("event_id", sa.String(64), primary_key=True),
            sa.Column("topic", sa.String(120), nullable=False),
            sa.Column("outcome", sa.String(20), nullable=False),
            sa.Column("received_at", TS, nullable=False),
        )
    if "dead_letters" not in existing:
        op.create_table(
            "dead_letters",
            sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
            sa.Column("consumer", sa.String(80), nullable=False),
            sa.Column("event_id", sa.String(64), nullable=True),
            sa.Column("topic", sa.String(120), nullable=False),
            sa.Column("partition", sa.Integer, nullable=True),
            sa.Column("offset", sa.BigInteger, nullable=True),
            sa.Column("error_type", sa.String(200), nullable=False),
            sa.Column("error", sa.Text, nullable=False),
            sa.Column("headers", sa.Text, nullable=False),
            sa.Column("value", sa.LargeBinary, nullable=True),
            sa.Column("created_at", TS, nullable=False),
        )
    if "api_keys" not in existing:
        op.create_table(
            "api_keys",
            sa.Column("key_id", sa.String(64), primary_key=True),
            sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
            sa.Column("name", sa.String(200), nullable=False),
            sa.Column("roles", sa.String(400), nullable=False),
            sa.Column("created_at", TS, nullable=False),
            sa.Column("revoked_at", TS, nullable=True),
        )
    if "idempotency_keys" not in existing:
        op.create_table(
            "idempotency_keys",
            sa.Column("scope", sa.String(200), primary_key=True),
            sa.Column("key", sa.String(200), primary_key=True),
            sa.Column("request_hash", sa.String(64), nullable=False),
            sa.Column("status_code", sa.Integer, nullable=False),
            sa.Column("response", sa.Text, nullable=False),
            sa.Column("created_at", TS, nullable=False),
        )


def downgrade() -> None:
    for table in ("idempotency_keys", "api_keys", "dead_letters", "inbox", "outbox"):
        op.drop_table(table)
