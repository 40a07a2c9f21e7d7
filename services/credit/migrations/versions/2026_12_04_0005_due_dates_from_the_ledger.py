"""Due dates follow the ledger: an instalment may have none yet (RECEIPT+N terms, the invoice
not received), the ledger's changes of due dates are kept, and term extensions credit
applied on its own are baked into the instalments' due dates.

Credit used to move its own view of an extended invoice (`receivables.extended_days`, added
to every instalment's due date when read) while the ledger kept ageing it from the old date.
Now the ledger moves the due dates (`invoice-due-dates-changed`) and credit stores them as
they are; `extended_days` only records how far term extensions moved the invoice. So the
extensions already applied are added to the stored due dates once, here, and credit's view
of those invoices stays what it was. `due_date_changes` keeps every change the ledger
published, per instalment, by (invoice, reason, reference): the idempotency key of the fact,
and what an invoice that arrives after its change (another topic) is caught up with.

Revision ID: credit_0005
Revises: credit_0004
Create Date: 2026-12-04
"""
from datetime import date, timedelta

import sqlalchemy as sa
from alembic import op

revision = "credit_0005"
down_revision = "credit_0004"
branch_labels = None
depends_on = None

_receivables = sa.table("receivables", sa.column("invoice_number", sa.String), sa.column("issue_date", sa.Date),
                        sa.column("due_date", sa.Date), sa.column("extended_days", sa.Integer))
_instalments = sa.table("receivable_instalments", sa.column("invoice_number", sa.String),
                        sa.column("seq", sa.Integer), sa.column("due_date", sa.Date))


def _shift(sign: int) -> None:
    """Move the instalments (and the invoice's due date) of extended invoices by
    `sign` × extended_days."""
    bind = op.get_bind()
    extended = bind.execute(sa.select(_receivables.c.invoice_number, _receivables.c.due_date,
                                      _receivables.c.extended_days)
                            .where(_receivables.c.extended_days != 0)).all()
    for number, due, days in extended:
        delta = timedelta(days=sign * days)
        rows = bind.execute(sa.select(_instalments.c.seq, _instalments.c.due_date)
                            .where(_instalments.c.invoice_number == number)).all()
        for seq, inst_due in rows:
            if inst_due is not None:
                bind.execute(sa.update(_instalments).where(_instalments.c.invoice_number == number,
                                                           _instalments.c.seq == seq)
                             .values(due_date=_day(inst_due) + delta))
        if due is not None:
            bind.execute(sa.update(_receivables).where(_receivables.c.invoice_number == number)
                         .values(due_date=_day(due) + delta))


def _day(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def upgrade() -> None:
    with op.batch_alter_table("receivables") as batch:
        batch.alter_column("due_date", existing_type=sa.Date, nullable=True)
    with op.batch_alter_table("receivable_instalments") as batch:
        batch.alter_column("due_date", existing_type=sa.Date, nullable=True)
    _shift(+1)
    op.create_table(
        "due_date_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("invoice_number", sa.String(100), nullable=False),
        sa.Column("reason", sa.String(20), nullable=False),
        sa.Column("reference", sa.String(200), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("customer_id", sa.String(100), nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("previous_due_date", sa.Date, nullable=True),
        sa.Column("effective_date", sa.Date, nullable=False),
        sa.UniqueConstraint("invoice_number", "reason", "reference", "seq", name="uq_due_date_changes"),
    )


def downgrade() -> None:
    op.drop_table("due_date_changes")
    _shift(-1)
    bind = op.get_bind()
    bind.execute(sa.update(_instalments).where(_instalments.c.due_date.is_(None))
                 .values(due_date=sa.select(_receivables.c.issue_date)
                         .where(_receivables.c.invoice_number == _instalments.c.invoice_number).scalar_subquery()))
    bind.execute(sa.update(_receivables).where(_receivables.c.due_date.is_(None))
                 .values(due_date=_receivables.c.issue_date))
    with op.batch_alter_table("receivable_instalments") as batch:
        batch.alter_column("due_date", existing_type=sa.Date, nullable=False)
    with op.batch_alter_table("receivables") as batch:
        batch.alter_column("due_date", existing_type=sa.Date, nullable=False)
