"""Due dates that move: a term extension approved in credit, the receipt of an invoice on
RECEIPT+N terms. The invoice's receipt (date, proof); an append-only history of due-date
changes; the aging clock's guard keyed by due date too, so the ladder runs again from a
moved due date (rows already there keep their instalment's current due date).

Revision ID: ledger_0007
Revises: ledger_0006
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = "ledger_0007"
down_revision = "ledger_0006"
branch_labels = None
depends_on = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("invoices") as batch:
        batch.add_column(sa.Column("receipt_date", sa.Date))
        batch.add_column(sa.Column("receipt_proof", sa.String(200)))
    op.create_table(
        "due_date_changes",
        sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("instalment_id", sa.BigInteger, nullable=False),
        sa.Column("invoice_number", sa.String(100), nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("previous_due_date", sa.Date),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_due_date_changes_invoice", "due_date_changes", ["invoice_number", "reason", "reference"])
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute("CREATE TRIGGER due_date_changes_append_only BEFORE UPDATE OR DELETE ON due_date_changes "
                   "FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()")
        op.execute("ALTER TABLE threshold_crossings ADD COLUMN due_date DATE")
        op.execute("UPDATE threshold_crossings AS c SET due_date = i.due_date FROM instalments AS i "
                   "WHERE i.id = c.instalment_id")
        op.execute("DELETE FROM threshold_crossings WHERE due_date IS NULL")  # an instalment gone: no guard needed
        op.execute("ALTER TABLE threshold_crossings ALTER COLUMN due_date SET NOT NULL")
        op.execute("ALTER TABLE threshold_crossings DROP CONSTRAINT threshold_crossings_pkey")
        op.execute("ALTER TABLE threshold_crossings ADD CONSTRAINT threshold_crossings_pkey "
                   "PRIMARY KEY (instalment_id, threshold_days, due_date)")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER due_date_changes_no_{action.lower()} BEFORE {action} ON due_date_changes "
                       f"BEGIN SELECT RAISE(ABORT, 'due_date_changes is append-only: {action} refused'); END")
        op.create_table(
            "threshold_crossings_new",
            sa.Column("instalment_id", sa.BigInteger, primary_key=True, autoincrement=False),
            sa.Column("threshold_days", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("due_date", sa.Date, primary_key=True),
            sa.Column("as_of", sa.Date, nullable=False),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        )
        op.execute("INSERT INTO threshold_crossings_new (instalment_id, threshold_days, due_date, as_of, created_at) "
                   "SELECT c.instalment_id, c.threshold_days, i.due_date, c.as_of, c.created_at "
                   "FROM threshold_crossings c JOIN instalments i ON i.id = c.instalment_id")
        op.drop_table("threshold_crossings")
        op.rename_table("threshold_crossings_new", "threshold_crossings")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE threshold_crossings DROP CONSTRAINT threshold_crossings_pkey")
        op.execute("DELETE FROM threshold_crossings a USING threshold_crossings b WHERE a.instalment_id = "
                   "b.instalment_id AND a.threshold_days = b.threshold_days AND a.due_date < b.due_date")
        op.execute("ALTER TABLE threshold_crossings DROP COLUMN due_date")
        op.execute("ALTER TABLE threshold_crossings ADD PRIMARY KEY (instalment_id, threshold_days)")
    else:
        with op.batch_alter_table("threshold_crossings", recreate="always") as batch:
            batch.drop_column("due_date")
    op.drop_table("due_date_changes")
    with op.batch_alter_table("invoices") as batch:
        batch.drop_column("receipt_proof")
        batch.drop_column("receipt_date")
