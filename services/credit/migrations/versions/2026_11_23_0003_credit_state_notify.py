"""Notify every change to the rows a credit check reads, for the checks' in-memory state cache
(`repository.state_cache`): channel `credit_state_changed`, payload the customer_id; `*` for a
TRUNCATE (everyone). Delivered when the changing transaction commits, once per customer and
transaction. PostgreSQL only: on SQLite checks run without the cache.

Revision ID: credit_0003
Revises: credit_0002
Create Date: 2026-11-23
"""
from alembic import op

revision = "credit_0003"
down_revision = "credit_0002"
branch_labels = None
depends_on = None

CHANNEL = "credit_state_changed"  # repository.state_cache.CHANNEL; a migration keeps its own copy
TABLES = ("credit_profiles", "receivables", "reservations", "holds", "temporary_limits")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"""
        CREATE FUNCTION credit_state_changed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'TRUNCATE' THEN
                PERFORM pg_notify('{CHANNEL}', '*');
                RETURN NULL;
            END IF;
            IF TG_OP <> 'INSERT' THEN
                PERFORM pg_notify('{CHANNEL}', OLD.customer_id);
            END IF;
            IF TG_OP <> 'DELETE' THEN
                PERFORM pg_notify('{CHANNEL}', NEW.customer_id);  -- a repeat in one transaction is sent once
            END IF;
            RETURN NULL;
        END $$""")
    for table in TABLES:
        op.execute(f"CREATE TRIGGER {table}_state_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION credit_state_changed()")
        op.execute(f"CREATE TRIGGER {table}_state_truncated AFTER TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION credit_state_changed()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_state_changed ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_state_truncated ON {table}")
    op.execute("DROP FUNCTION IF EXISTS credit_state_changed()")
