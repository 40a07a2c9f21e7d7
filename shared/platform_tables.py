"""Tables every service database carries: outbox, inbox, dead letters, API keys,
idempotency keys and the embedded mode's delivery cursors. Plain SQLAlchemy Core so the same Table objects serve all four
databases. Their DDL is the platform's own frozen migration history
(`shared/platform_migrations/`), applied to every service database before the service's;
a test keeps these definitions and that history equal."""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")  # SQLite rowid autoincrement

outbox = sa.Table(
    "outbox", metadata,
    sa.Column("seq", BigIntId, primary_key=True, autoincrement=True),
    sa.Column("event_id", sa.String(64), nullable=False, unique=True),
    sa.Column("topic", sa.String(120), nullable=False),
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("event_type", sa.String(200), nullable=False),
    sa.Column("attributes", sa.Text, nullable=False),  # CloudEvents attributes as JSON
    sa.Column("payload", sa.Text, nullable=False),  # event data as JSON
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    sa.Index("ix_outbox_unpublished", "seq",
             postgresql_where=sa.text("published_at IS NULL"),
             sqlite_where=sa.text("published_at IS NULL")),
)

inbox = sa.Table(
    "inbox", metadata,
    sa.Column("consumer", sa.String(80), primary_key=True),
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("topic", sa.String(120), nullable=False),
    sa.Column("outcome", sa.String(20), nullable=False),  # applied | dead_lettered
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
)

dead_letters = sa.Table(
    # Every consumer's dead letters, in both run modes (Kafka mode also publishes them to
    # <service>.dead-letter); the admin API lists and replays them.
    "dead_letters", metadata,
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
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # platform_0002: operators list and replay them (shared/dead_letters.py)
    sa.Column("status", sa.String(20), nullable=False, server_default="open"),  # open | replayed
    sa.Column("correlation_id", sa.String(100), nullable=True),
    sa.Column("replay_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_replay_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("key", sa.String(400), nullable=True),  # the message's Kafka key
    sa.Index("ix_dead_letters_status", "status", "id"),
)

api_keys = sa.Table(
    "api_keys", metadata,
    sa.Column("key_id", sa.String(64), primary_key=True),
    sa.Column("key_hash", sa.String(64), nullable=False, unique=True),  # sha256 hex
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("roles", sa.String(400), nullable=False),  # comma separated
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
)

idempotency_keys = sa.Table(
    "idempotency_keys", metadata,
    sa.Column("scope", sa.String(200), primary_key=True),  # method + route
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("request_hash", sa.String(64), nullable=False),
    sa.Column("status_code", sa.Integer, nullable=False),
    sa.Column("response", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

delivery_cursors = sa.Table(
    # The embedded mode's consumer offsets: how far this service (consumer) has applied each
    # producer's outbox, per lane (platform, business). Kafka keeps these in the distributed mode.
    "delivery_cursors", metadata,
    sa.Column("consumer", sa.String(80), primary_key=True),
    sa.Column("producer", sa.String(80), primary_key=True),
    sa.Column("lane", sa.String(20), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

PLATFORM_TABLES = (outbox, inbox, dead_letters, api_keys, idempotency_keys, delivery_cursors)
