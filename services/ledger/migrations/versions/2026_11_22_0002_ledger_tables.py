"""Ledger tables: invoices, instalments, payments, credit notes, refunds, allocations,
disputes, write-offs, recoveries, the append-only journal, threshold crossings, imports.

On PostgreSQL (and SQLite) triggers make journal_entries, allocations and recoveries
append-only: UPDATE and DELETE are refused; a correction is a reversing entry.

Revision ID: ledger_0002
Revises: ledger_0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "ledger_0002"
down_revision = "ledger_0001"
branch_labels = None
depends_on = None

BigIntId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
APPEND_ONLY = ("journal_entries", "allocations", "recoveries")


def _money(name: str, default: bool = False) -> sa.Column:
    return sa.Column(name, sa.BigInteger, nullable=False, **({"server_default": "0"} if default else {}))


def _created() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), nullable=False)


def _partial(name: str, table: str, columns: str | list[str], where: str) -> None:
    columns = [columns] if isinstance(columns, str) else columns
    op.create_index(name, table, columns, postgresql_where=sa.text(where), sqlite_where=sa.text(where))


def upgrade() -> None:
    op.create_table(
        "invoices",
        sa.Column("invoice_number", sa.String(100), primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("payment_terms", sa.String(40)),
        sa.Column("shipment_date", sa.Date),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("amount_minor"), _money("open_minor"), _money("credited_minor", True),
        _money("written_off_minor", True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("settled_date", sa.Date),
        *(sa.Column(name, sa.String(100)) for name in (
            "contract_ref", "delivery_ref", "order_ref", "region", "product_line", "customer_type", "salesperson")),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        _created(),
    )
    op.create_index("ix_invoices_customer", "invoices", ["customer_id", "issue_date"])

    op.create_table(
        "instalments",
        sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("invoice_number", sa.String(100), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("amount_minor"), _money("open_minor"), _money("disputed_minor", True),
        sa.Column("last_threshold_index", sa.Integer, nullable=False, server_default="-1"),
        sa.Column("next_threshold_date", sa.Date),
        sa.UniqueConstraint("invoice_number", "seq", name="uq_instalments_invoice_seq"),
    )
    _partial("ix_instalments_next_threshold", "instalments", ["next_threshold_date", "id"],
             "next_threshold_date IS NOT NULL")
    _partial("ix_instalments_customer_open", "instalments", "customer_id", "open_minor > 0")

    op.create_table(
        "payments",
        sa.Column("payment_reference", sa.String(100), primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("received_date", sa.Date, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("amount_minor"), _money("applied_minor", True), _money("unapplied_minor", True),
        _money("recovered_minor", True), _money("refunded_minor", True),
        sa.Column("method", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reversed_date", sa.Date),
        sa.Column("reversal_reason", sa.String(500)),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        _created(),
    )
    op.create_index("ix_payments_customer", "payments", ["customer_id", "received_date"])
    _partial("ix_payments_unapplied", "payments", "customer_id", "unapplied_minor > 0")

    op.create_table(
        "credit_notes",
        sa.Column("credit_note_number", sa.String(100), primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("invoice_number", sa.String(100)),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("amount_minor"), _money("applied_minor", True), _money("unapplied_minor", True),
        _money("refunded_minor", True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.Column("dispute_id", sa.String(40)),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        _created(),
    )
    op.create_index("ix_credit_notes_customer", "credit_notes", ["customer_id"])
    _partial("ix_credit_notes_unapplied", "credit_notes", "customer_id", "unapplied_minor > 0")

    op.create_table(
        "refunds",
        sa.Column("refund_reference", sa.String(100), primary_key=True),
        sa.Column("customer_id", sa.String(100), nullable=False, index=True),
        sa.Column("refund_date", sa.Date, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("amount_minor"),
        sa.Column("sources", sa.Text, nullable=False),
        sa.Column("note", sa.String(500)),
        sa.Column("content_hash", sa.String(64), nullable=False),
        _created(),
    )

    op.create_table(
        "allocations",
        sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("instalment_id", sa.BigInteger, nullable=False),
        sa.Column("invoice_number", sa.String(100), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("amount_minor"),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("source_type", sa.String(20), nullable=False),
        sa.Column("source_ref", sa.String(100), nullable=False),
        sa.Column("journal_entry_id", sa.BigInteger),
        _created(),
    )
    op.create_index("ix_allocations_instalment", "allocations", ["instalment_id", "effective_date"])
    op.create_index("ix_allocations_source", "allocations", ["source_type", "source_ref"])
    op.create_index("ix_allocations_customer", "allocations", ["customer_id", "effective_date"])

    op.create_table(
        "disputes",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("invoice_number", sa.String(100), nullable=False, index=True),
        sa.Column("instalment_seq", sa.Integer),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("amount_minor"),
        sa.Column("category", sa.String(30), nullable=False),
        sa.Column("note", sa.String(2000), nullable=False),
        sa.Column("opened_date", sa.Date, nullable=False),
        sa.Column("fact_finding_due", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20)),
        sa.Column("settlement", sa.String(20)),
        _money("credit_minor", True), _money("released_minor", True),
        sa.Column("resolved_date", sa.Date),
        sa.Column("resolution_note", sa.String(2000)),
        sa.Column("our_fault", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("opened_by", sa.String(100), nullable=False),
        sa.Column("resolved_by", sa.String(100)),
        _created(),
    )

    op.create_table(
        "write_offs",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("invoice_number", sa.String(100), nullable=False, index=True),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("amount_minor"),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("requested_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(100)),
        sa.Column("decided_date", sa.Date),
        sa.Column("decision_note", sa.String(2000)),
        sa.Column("effective_date", sa.Date),
        _money("recovered_minor", True),
        _created(),
    )

    op.create_table(
        "recoveries",
        sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("write_off_id", sa.String(40), nullable=False, index=True),
        sa.Column("payment_reference", sa.String(100), nullable=False, index=True),
        _money("amount_minor"),
        sa.Column("effective_date", sa.Date, nullable=False),
        _created(),
    )

    op.create_table(
        "journal_entries",
        sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        _money("amount_minor"), _money("balance_delta_minor"),
        sa.Column("reference", sa.String(100), nullable=False),
        sa.Column("invoice_number", sa.String(100)),
        sa.Column("lines", sa.Text),
        sa.Column("reverses_entry_id", sa.BigInteger),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        _created(),
    )
    op.create_index("ix_journal_customer_date", "journal_entries", ["customer_id", "effective_date"])

    op.create_table(
        "threshold_crossings",
        sa.Column("instalment_id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("threshold_days", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("as_of", sa.Date, nullable=False),
        _created(),
    )

    op.create_table(
        "import_batches",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("file_format", sa.String(10), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        *(sa.Column(name, sa.Integer, nullable=False) for name in (
            "total_rows", "valid_rows", "rejected_rows", "imported_invoices", "imported_payments")),
        sa.Column("result", sa.Text, nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        _created(),
    )
    _append_only_triggers()


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '% is append-only: % refused (book a reversing entry instead)',
                    TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
            END $$""")
        for table in APPEND_ONLY:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()")
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       f"FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()")
    else:
        for table in APPEND_ONLY:
            for action in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {action} refused'); END")


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in ("import_batches", "threshold_crossings", "journal_entries", "recoveries", "write_offs",
                  "disputes", "allocations", "refunds", "credit_notes", "payments", "instalments", "invoices"):
        op.drop_table(table)
    if postgres:
        op.execute("DROP FUNCTION IF EXISTS ledger_refuse_change()")
