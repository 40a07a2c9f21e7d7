"""Disputed amounts dated: an append-only record of each instalment's disputed amount
moving, so balances and aging as of a past date show what was disputed then.

Instalments disputed before this revision get one change dated from their open dispute's
opening date (or the instalment's start when no dispute row names it).

Revision ID: ledger_0004
Revises: ledger_0003
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "ledger_0004"
down_revision = "ledger_0003"
branch_labels = None
depends_on = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "disputed_changes",
        sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("instalment_id", sa.BigInteger, nullable=False),
        sa.Column("invoice_number", sa.String(100), nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("delta_minor", sa.BigInteger, nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_disputed_changes_instalment", "disputed_changes", ["instalment_id", "effective_date"])
    op.create_index("ix_disputed_changes_customer", "disputed_changes", ["customer_id", "effective_date"])
    op.execute("""
        INSERT INTO disputed_changes (instalment_id, invoice_number, customer_id, delta_minor, effective_date,
                                      created_at)
        SELECT i.id, i.invoice_number, i.customer_id, i.disputed_minor,
               COALESCE((SELECT MAX(d.opened_date) FROM disputes d WHERE d.invoice_number = i.invoice_number
                         AND d.status IN ('open', 'investigating')), i.effective_from), CURRENT_TIMESTAMP
        FROM instalments i WHERE i.disputed_minor > 0""")
    if op.get_bind().dialect.name == "postgresql":  # append-only, like the journal (ledger_0002)
        op.execute("CREATE TRIGGER disputed_changes_append_only BEFORE UPDATE OR DELETE ON disputed_changes "
                   "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()")
        op.execute("CREATE TRIGGER disputed_changes_no_truncate BEFORE TRUNCATE ON disputed_changes "
                   "FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER disputed_changes_no_{action.lower()} BEFORE {action} ON disputed_changes "
                       f"BEGIN SELECT RAISE(ABORT, 'disputed_changes is append-only: {action} refused'); END")


def downgrade() -> None:
    op.drop_table("disputed_changes")
    if op.get_bind().dialect.name == "postgresql":
        pass  # the triggers went with the table
