"""Table handles and dialect helpers shared by the repository modules."""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from services.ledger.tables import (Allocation, CreditNote, Dispute, DisputedChange, DueDateChange, ImportBatch,
                                    Instalment, Invoice, JournalEntry, ParkedPayment, ParkedPaymentInvoice, Payment,
                                    Recovery, Refund, ThresholdCrossing, WriteOff)
from shared.bulk import in_chunks
from shared.db import UnitOfWork

invoices: sa.Table = Invoice.__table__
instalments: sa.Table = Instalment.__table__
payments: sa.Table = Payment.__table__
credit_notes: sa.Table = CreditNote.__table__
refunds: sa.Table = Refund.__table__
allocations: sa.Table = Allocation.__table__
disputes: sa.Table = Dispute.__table__
disputed_changes: sa.Table = DisputedChange.__table__
write_offs: sa.Table = WriteOff.__table__
recoveries: sa.Table = Recovery.__table__
journal: sa.Table = JournalEntry.__table__
crossings: sa.Table = ThresholdCrossing.__table__
import_batches: sa.Table = ImportBatch.__table__
parked_payments: sa.Table = ParkedPayment.__table__
parked_invoices: sa.Table = ParkedPaymentInvoice.__table__
due_date_changes: sa.Table = DueDateChange.__table__

def is_postgres(uow: UnitOfWork) -> bool:
    return not uow.db.is_sqlite


async def lock_customers(uow: UnitOfWork, customer_ids) -> None:
    """Serialise writers per customer on PostgreSQL (allocation reads then writes a
    customer's open items). Locks are taken in key order, so two batches never deadlock.
    SQLite already has a single writer."""
    if not is_postgres(uow) or not customer_ids:
        return  # pg_advisory_xact_lock is re-entrant within a transaction: locking again is harmless
    await uow.execute(sa.text(
        "SELECT pg_advisory_xact_lock(k) FROM (SELECT DISTINCT hashtextextended(c, 7) AS k "
        "FROM unnest(CAST(:cs AS TEXT[])) AS c ORDER BY 1) AS keys"), {"cs": sorted(set(customer_ids))})


async def rows_where_in(uow: UnitOfWork, stmt_for, values: Sequence) -> list:
    """Run `stmt_for(chunk)` over chunks of `values` (an IN list) and concatenate."""
    out: list = []
    values = list(values)
    for chunk in in_chunks(uow, values):
        out.extend((await uow.execute(stmt_for(list(chunk)))).all())
    return out
