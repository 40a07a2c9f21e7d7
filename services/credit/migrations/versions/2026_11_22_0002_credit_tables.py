"""Credit tables: credit files (+ versions, documents), assessments, profiles, applications
(+ steps), temporary limits, visits, holds, reservations, checks, the receivable projection,
repayments, broken promises, red flags, ledger facts and the customer timeline.

Revision ID: credit_0002
Revises: credit_0001
Create Date: 2026-11-23
"""
import sqlalchemy as sa
from alembic import op

revision = "credit_0002"
down_revision = "credit_0001"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _id(name: str, length: int = 100) -> sa.Column:
    return sa.Column(name, sa.String(length), nullable=False)


def _minor(name: str) -> sa.Column:
    return sa.Column(name, sa.BigInteger, nullable=False)


def _index(table: str, column: str = "customer_id") -> None:
    op.create_index(f"ix_{table}_{column}", table, [column])


def upgrade() -> None:
    op.create_table(
        "credit_files",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        _id("name", 200),
        sa.Column("region", sa.String(100), nullable=True),
        sa.Column("customer_type", sa.String(100), nullable=True),
        sa.Column("industry", sa.String(100), nullable=True),
        sa.Column("salesperson", sa.String(100), nullable=True),
        sa.Column("onboarded_on", sa.Date, nullable=True),
        _id("currency", 3),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
        _id("updated_by"),
    )
    op.create_table(
        "credit_file_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _id("customer_id"),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("snapshot", sa.JSON, nullable=False),
        _id("changed_by"),
        sa.Column("changed_at", TS, nullable=False),
        sa.UniqueConstraint("customer_id", "version", name="uq_credit_file_versions"),
    )
    _index("credit_file_versions")
    op.create_table(
        "credit_documents",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(40), primary_key=True),
        _id("reference", 200),
        sa.Column("received_on", sa.Date, nullable=True),
        sa.Column("expires_on", sa.Date, nullable=True),
    )
    op.create_table(
        "assessments",
        sa.Column("assessment_id", sa.String(40), primary_key=True),
        _id("customer_id"),
        sa.Column("as_of", sa.Date, nullable=False),
        _id("trigger", 80),
        _id("assessed_by"),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("inputs", sa.JSON, nullable=False),
        _id("grade", 10),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("result", sa.JSON, nullable=False),
        _minor("suggested_limit_minor"),
        sa.Column("suggested_term_days", sa.Integer, nullable=False),
        _id("currency", 3),
        sa.Column("created_at", TS, nullable=False),
    )
    _index("assessments")
    op.create_table(
        "credit_profiles",
        sa.Column("customer_id", sa.String(100), primary_key=True),
        _id("currency", 3),
        sa.Column("grade", sa.String(10), nullable=True),
        sa.Column("rated_grade", sa.String(10), nullable=True),
        sa.Column("approved_grade", sa.String(10), nullable=True),
        sa.Column("total_score", sa.Integer, nullable=True),
        _minor("limit_minor"),
        sa.Column("term_days", sa.Integer, nullable=False),
        sa.Column("blacklisted", sa.Boolean, nullable=False),
        sa.Column("special_approval_ref", sa.String(100), nullable=True),
        sa.Column("special_approval_by", sa.String(100), nullable=True),
        sa.Column("special_approval_on", sa.Date, nullable=True),
        sa.Column("last_rated_on", sa.Date, nullable=True),
        sa.Column("last_assessment_id", sa.String(40), nullable=True),
        sa.Column("updated_at", TS, nullable=False),
    )
    op.create_table(
        "applications",
        sa.Column("application_id", sa.String(40), primary_key=True),
        _id("customer_id"),
        _id("kind", 30),
        sa.Column("request", sa.JSON, nullable=False),
        _id("state", 30),
        sa.Column("pending_role", sa.String(40), nullable=True),
        _id("submitted_by"),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("updated_at", TS, nullable=False),
    )
    _index("applications")
    op.create_table(
        "application_steps",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _id("application_id", 40),
        sa.Column("seq", sa.Integer, nullable=False),
        _id("actor_id"),
        _id("actor_name", 200),
        _id("role", 40),
        _id("decision", 20),
        sa.Column("from_state", sa.String(30), nullable=True),
        _id("to_state", 30),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("at", TS, nullable=False),
    )
    _index("application_steps", "application_id")
    op.create_table(
        "temporary_limits",
        sa.Column("id", sa.String(40), primary_key=True),
        _id("customer_id"),
        _minor("amount_minor"),
        _id("currency", 3),
        sa.Column("valid_from", sa.Date, nullable=True),
        sa.Column("expires_on", sa.Date, nullable=False),
        _id("application_id", 40),
        sa.Column("created_at", TS, nullable=False),
    )
    _index("temporary_limits")
    op.create_table(
        "customer_visits",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _id("customer_id"),
        _id("role", 40),
        sa.Column("visited_on", sa.Date, nullable=False),
        _id("visited_by"),
        sa.Column("note", sa.Text, nullable=False),
    )
    _index("customer_visits")
    op.create_table(
        "holds",
        sa.Column("hold_id", sa.String(40), primary_key=True),
        _id("customer_id"),
        _id("kind", 20),
        sa.Column("reason", sa.Text, nullable=False),
        _id("placed_by"),
        sa.Column("placed_on", sa.Date, nullable=False),
        sa.Column("invoice_numbers", sa.JSON, nullable=False),
        sa.Column("released_on", sa.Date, nullable=True),
        sa.Column("released_by", sa.String(100), nullable=True),
        sa.Column("release_reason", sa.Text, nullable=True),
    )
    _index("holds")
    op.create_table(
        "reservations",
        sa.Column("order_ref", sa.String(100), primary_key=True),
        _id("customer_id"),
        _minor("amount_minor"),
        _id("currency", 3),
        sa.Column("reserved_on", sa.Date, nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("released_on", sa.Date, nullable=True),
        sa.Column("release_reason", sa.String(20), nullable=True),
    )
    _index("reservations")
    op.create_table(
        "credit_checks",
        sa.Column("order_ref", sa.String(100), primary_key=True),
        _id("check_id", 40),
        _id("customer_id"),
        _id("request_hash", 64),
        _id("decision", 30),
        sa.Column("result", sa.Text, nullable=False),
        _id("checked_by"),
        sa.Column("checked_at", TS, nullable=False),
    )
    _index("credit_checks")
    op.create_table(
        "receivables",
        sa.Column("invoice_number", sa.String(100), primary_key=True),
        _id("customer_id"),
        _id("currency", 3),
        sa.Column("issue_date", sa.Date, nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        _minor("amount_minor"),
        _minor("open_minor"),
        _minor("disputed_minor"),
        sa.Column("instalments", sa.JSON, nullable=False),
        sa.Column("order_ref", sa.String(100), nullable=True),
        sa.Column("highest_threshold", sa.Integer, nullable=False),
        sa.Column("extended_days", sa.Integer, nullable=False),
        sa.Column("settled_on", sa.Date, nullable=True),
        _minor("written_off_minor"),
        sa.Column("our_fault", sa.Boolean, nullable=False),
    )
    _index("receivables")
    op.create_table(
        "repayments",
        sa.Column("payment_reference", sa.String(100), primary_key=True),
        sa.Column("invoice_number", sa.String(100), primary_key=True),
        sa.Column("instalment_seq", sa.Integer, primary_key=True, autoincrement=False),
        _id("customer_id"),
        _minor("amount_minor"),
        _id("currency", 3),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("paid_on", sa.Date, nullable=False),
        sa.Column("days_late", sa.Integer, nullable=False),
        sa.Column("reversed", sa.Boolean, nullable=False),
    )
    _index("repayments")
    op.create_table(
        "broken_promises",
        sa.Column("promise_id", sa.String(100), primary_key=True),
        _id("customer_id"),
        sa.Column("promised_date", sa.Date, nullable=False),
        _minor("amount_minor"),
        _id("currency", 3),
        sa.Column("broken_on", sa.Date, nullable=False),
    )
    _index("broken_promises")
    op.create_table(
        "red_flags",
        sa.Column("source_key", sa.String(200), primary_key=True),
        _id("customer_id"),
        _id("flag", 40),
        sa.Column("invoice_number", sa.String(100), nullable=True),
        _id("source_topic", 80),
        sa.Column("own_fault_cause", sa.String(40), nullable=True),
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("raised_on", sa.Date, nullable=False),
    )
    _index("red_flags")
    op.create_table(
        "ledger_facts",
        sa.Column("kind", sa.String(40), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        _id("customer_id"),
        sa.Column("invoice_number", sa.String(100), nullable=True),
        sa.Column("effective_date", sa.Date, nullable=False),
        _minor("amount_minor"),
        _id("currency", 3),
    )
    _index("ledger_facts")
    op.create_table(
        "customer_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        _id("customer_id"),
        sa.Column("at", TS, nullable=False),
        sa.Column("effective_date", sa.Date, nullable=False),
        _id("kind", 40),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("detail", sa.JSON, nullable=False),
    )
    _index("customer_history")


TABLES = ("customer_history", "ledger_facts", "red_flags", "broken_promises", "repayments",
          "receivables", "credit_checks", "reservations", "holds", "customer_visits",
          "temporary_limits", "application_steps", "applications", "credit_profiles",
          "assessments", "credit_documents", "credit_file_versions", "credit_files")


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
