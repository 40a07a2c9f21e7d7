"""Every read and every write credit makes; handlers never touch the session. New rows go
through `add`; rows read here may be changed by the handler and are written at commit (or
at `flush`, when a later query must see them). The credit check's queries (the sales hot
path) are in `repository.checks`, batched across concurrent checks on PostgreSQL in
`repository.check_store`; the lists people work from in `repository.lists`."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import select

from services.credit.tables import (
    ApplicationRow, ApplicationStepRow, AssessmentRow, BrokenPromiseRow, CheckRow, CreditDocumentRow,
    CreditFileRow, CreditFileVersionRow, CreditProfileRow, DueDateChangeRow, HistoryRow, HoldRow, InstalmentRow,
    LedgerFactRow, RedFlagRow, ReceivableRow, RepaymentRow, ReservationRow, TemporaryLimitRow, VisitRow,
)
from shared.db import UnitOfWork, chunked


async def _all(uow: UnitOfWork, stmt) -> list:
    return list((await uow.execute(stmt)).scalars())


def add(uow: UnitOfWork, *rows) -> None:
    """New rows, written at the next flush or commit."""
    uow.session.add_all(rows)


async def flush(uow: UnitOfWork) -> None:
    """Write what is pending now (before a query that reads it without autoflush, or to have
    an insert's conflict raised here rather than at commit)."""
    await uow.session.flush()


# --- credit file, profile, assessments -----------------------------------------------------

async def get_file(uow: UnitOfWork, customer_id: str) -> CreditFileRow | None:
    return await uow.session.get(CreditFileRow, customer_id)


async def documents_of(uow: UnitOfWork, customer_id: str) -> list[CreditDocumentRow]:
    return await _all(uow, select(CreditDocumentRow).where(CreditDocumentRow.customer_id == customer_id)
                      .order_by(CreditDocumentRow.kind))


async def replace_documents(uow: UnitOfWork, customer_id: str, rows: list[CreditDocumentRow]) -> None:
    await uow.execute(sa.delete(CreditDocumentRow).where(CreditDocumentRow.customer_id == customer_id))
    add(uow, *rows)


async def file_versions(uow: UnitOfWork, customer_id: str) -> list[CreditFileVersionRow]:
    return await _all(uow, select(CreditFileVersionRow).where(CreditFileVersionRow.customer_id == customer_id)
                      .order_by(CreditFileVersionRow.version))


async def get_profile(uow: UnitOfWork, customer_id: str) -> CreditProfileRow | None:
    return await uow.session.get(CreditProfileRow, customer_id)


async def get_assessment(uow: UnitOfWork, assessment_id: str) -> AssessmentRow | None:
    return await uow.session.get(AssessmentRow, assessment_id)


async def latest_manual_assessment(uow: UnitOfWork, customer_id: str) -> AssessmentRow | None:
    """The latest assessment a person entered: its scores are reused by re-ratings."""
    stmt = (select(AssessmentRow).where(AssessmentRow.customer_id == customer_id,
                                        AssessmentRow.trigger == "manual")
            .order_by(AssessmentRow.created_at.desc(), AssessmentRow.assessment_id.desc()).limit(1))
    return (await uow.execute(stmt)).scalars().first()


async def profiles_with_assessment(uow: UnitOfWork) -> list[CreditProfileRow]:
    return await _all(uow, select(CreditProfileRow).where(CreditProfileRow.last_assessment_id.is_not(None))
                      .order_by(CreditProfileRow.customer_id))


async def profiles_with_limit(uow: UnitOfWork) -> list[CreditProfileRow]:
    return await _all(uow, select(CreditProfileRow).where(CreditProfileRow.limit_minor > 0)
                      .order_by(CreditProfileRow.customer_id))


# --- what the ledger and dunning told us ---------------------------------------------------

async def get_receivable(uow: UnitOfWork, invoice_number: str) -> ReceivableRow | None:
    return await uow.session.get(ReceivableRow, invoice_number)


async def instalments_of(uow: UnitOfWork, invoice_number: str) -> list[InstalmentRow]:
    return await _all(uow, select(InstalmentRow).where(InstalmentRow.invoice_number == invoice_number)
                      .order_by(InstalmentRow.seq))


async def get_instalment(uow: UnitOfWork, invoice_number: str, seq: int) -> InstalmentRow | None:
    return await uow.session.get(InstalmentRow, (invoice_number, seq))


async def instalments_of_invoices(uow: UnitOfWork, invoice_numbers) -> dict[tuple[str, int], InstalmentRow]:
    """Every instalment credit knows of these invoices, by (invoice, seq), in one query per
    chunk of invoices (a sweep's run of overdue facts names thousands)."""
    numbers = sorted(set(invoice_numbers))
    found: dict[tuple[str, int], InstalmentRow] = {}
    for chunk in chunked(numbers):
        for row in await _all(uow, select(InstalmentRow).where(InstalmentRow.invoice_number.in_(chunk))):
            found[(row.invoice_number, row.seq)] = row
    return found


_DUE_ORDER = (InstalmentRow.due_date.asc().nulls_last(), InstalmentRow.invoice_number, InstalmentRow.seq)


def _open_instalments(customer_id: str):
    return (select(InstalmentRow, ReceivableRow)
            .join(ReceivableRow, ReceivableRow.invoice_number == InstalmentRow.invoice_number)
            .where(InstalmentRow.customer_id == customer_id, InstalmentRow.open_minor > 0))


async def open_instalments(uow: UnitOfWork, customer_id: str) -> list[tuple[InstalmentRow, ReceivableRow]]:
    """The customer's open items: each open instalment with its invoice (dispute, extension)."""
    stmt = _open_instalments(customer_id).order_by(*_DUE_ORDER)
    return [tuple(row) for row in await uow.execute(stmt)]


async def open_instalments_page(uow: UnitOfWork, customer_id: str, limit: int,
                                offset: int) -> tuple[list[tuple[InstalmentRow, ReceivableRow]], int]:
    """One page of the open items, oldest due first, and how many there are in all."""
    total = await uow.scalar(sa.select(sa.func.count()).select_from(
        _open_instalments(customer_id).with_only_columns(InstalmentRow.seq).subquery()))
    stmt = _open_instalments(customer_id).order_by(*_DUE_ORDER).limit(limit).offset(offset)
    return [tuple(row) for row in await uow.execute(stmt)], int(total or 0)


async def purchases_between(uow: UnitOfWork, customer_id: str, currency: str, after: date, upto: date) -> int:
    stmt = sa.select(sa.func.coalesce(sa.func.sum(ReceivableRow.amount_minor), 0)).where(
        ReceivableRow.customer_id == customer_id, ReceivableRow.currency == currency,
        ReceivableRow.issue_date > after, ReceivableRow.issue_date <= upto)
    return int((await uow.execute(stmt)).scalar_one())


async def repayments_of(uow: UnitOfWork, customer_id: str) -> list[RepaymentRow]:
    return await _all(uow, select(RepaymentRow).where(RepaymentRow.customer_id == customer_id,
                                                      RepaymentRow.reversed.is_(False)))


async def get_repayment(uow: UnitOfWork, payment_reference: str, invoice_number: str,
                        seq: int) -> RepaymentRow | None:
    return await uow.session.get(RepaymentRow, (payment_reference, invoice_number, seq))


async def repayments_of_invoice(uow: UnitOfWork, invoice_number: str) -> list[RepaymentRow]:
    return await _all(uow, select(RepaymentRow).where(RepaymentRow.invoice_number == invoice_number,
                                                      RepaymentRow.reversed.is_(False)))


async def repayments_of_payment(uow: UnitOfWork, payment_reference: str) -> list[RepaymentRow]:
    return await _all(uow, select(RepaymentRow).where(RepaymentRow.payment_reference == payment_reference))


async def get_broken_promise(uow: UnitOfWork, promise_id: str) -> BrokenPromiseRow | None:
    return await uow.session.get(BrokenPromiseRow, promise_id)


async def broken_promises_since(uow: UnitOfWork, customer_id: str, after: date, upto: date) -> int:
    stmt = sa.select(sa.func.count()).select_from(BrokenPromiseRow).where(
        BrokenPromiseRow.customer_id == customer_id, BrokenPromiseRow.broken_on > after,
        BrokenPromiseRow.broken_on <= upto)
    return int((await uow.execute(stmt)).scalar_one())


async def red_flags_of(uow: UnitOfWork, customer_id: str) -> list[RedFlagRow]:
    return await _all(uow, select(RedFlagRow).where(RedFlagRow.customer_id == customer_id)
                      .order_by(RedFlagRow.raised_on, RedFlagRow.source_key))


async def get_red_flag(uow: UnitOfWork, source_key: str) -> RedFlagRow | None:
    return await uow.session.get(RedFlagRow, source_key)


async def red_flags_of_invoice(uow: UnitOfWork, invoice_number: str) -> list[RedFlagRow]:
    return await _all(uow, select(RedFlagRow).where(RedFlagRow.invoice_number == invoice_number))


async def add_fact(uow: UnitOfWork, kind: str, key: str, customer_id: str, effective_date: date,
                   amount_minor: int, currency: str, invoice_number: str | None = None) -> bool:
    """Record a ledger fact by its business key; False if it was already applied."""
    if await uow.session.get(LedgerFactRow, (kind, key)) is not None:
        return False
    add(uow, LedgerFactRow(kind=kind, key=key, customer_id=customer_id, invoice_number=invoice_number,
                                  effective_date=effective_date, amount_minor=amount_minor, currency=currency))
    await uow.session.flush()
    return True


async def write_offs_of(uow: UnitOfWork, customer_id: str) -> list[LedgerFactRow]:
    """The customer's write-offs (bad debt), as applied: the worst repayments."""
    return await _all(uow, select(LedgerFactRow).where(LedgerFactRow.customer_id == customer_id,
                                                       LedgerFactRow.kind == "write_off")
                      .order_by(LedgerFactRow.effective_date, LedgerFactRow.key))


async def fact_keys(uow: UnitOfWork, kind: str, keys) -> set[str]:
    """Which of these business keys were applied already, for a batch of facts of one kind."""
    found: set[str] = set()
    for chunk in chunked(sorted(set(keys))):
        rows = await uow.execute(sa.select(LedgerFactRow.key).where(LedgerFactRow.kind == kind,
                                                                    LedgerFactRow.key.in_(chunk)))
        found.update(r[0] for r in rows)
    return found


async def receivables_by_number(uow: UnitOfWork, numbers) -> dict[str, ReceivableRow]:
    found: dict[str, ReceivableRow] = {}
    for chunk in chunked(sorted(set(numbers))):
        for row in await _all(uow, select(ReceivableRow).where(ReceivableRow.invoice_number.in_(chunk))):
            found[row.invoice_number] = row
    return found


async def invoices_with_earlier_facts(uow: UnitOfWork, numbers) -> set[str]:
    """Which of these invoices have allocations or other facts recorded before them (topics
    are separate, so a payment's allocation may overtake its invoice): most have none."""
    found: set[str] = set()
    for chunk in chunked(sorted(set(numbers))):
        for table, column in ((RepaymentRow, RepaymentRow.invoice_number),
                              (LedgerFactRow, LedgerFactRow.invoice_number),
                              (DueDateChangeRow, DueDateChangeRow.invoice_number)):
            rows = await uow.execute(sa.select(column).where(column.in_(chunk)).distinct())
            found.update(r[0] for r in rows if r[0] is not None)
    return found


async def due_date_changes_applied(uow: UnitOfWork, keys: set[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    """Which of these (invoice, reason, reference) changes of due dates were applied already."""
    found: set[tuple[str, str, str]] = set()
    for chunk in chunked(sorted({number for number, _, _ in keys})):
        rows = await uow.execute(sa.select(DueDateChangeRow.invoice_number, DueDateChangeRow.reason,
                                           DueDateChangeRow.reference)
                                 .where(DueDateChangeRow.invoice_number.in_(chunk)).distinct())
        found.update(tuple(r) for r in rows if tuple(r) in keys)
    return found


async def due_date_changes_of(uow: UnitOfWork, invoice_number: str) -> list[DueDateChangeRow]:
    """The due dates the ledger moved for an invoice, in the order they came."""
    return await _all(uow, select(DueDateChangeRow).where(DueDateChangeRow.invoice_number == invoice_number)
                      .order_by(DueDateChangeRow.id))


async def get_fact(uow: UnitOfWork, kind: str, key: str) -> LedgerFactRow | None:
    return await uow.session.get(LedgerFactRow, (kind, key))


async def facts_of_invoice(uow: UnitOfWork, invoice_number: str, kinds: tuple[str, ...]) -> list[LedgerFactRow]:
    """The facts recorded about an invoice, oldest effective first."""
    return await _all(uow, select(LedgerFactRow).where(LedgerFactRow.invoice_number == invoice_number,
                                                       LedgerFactRow.kind.in_(kinds))
                      .order_by(LedgerFactRow.effective_date, LedgerFactRow.key))


# --- holds, reservations, temporary limits -------------------------------------------------

async def customers_on_overdue_hold(uow: UnitOfWork, customer_ids) -> set[str]:
    found: set[str] = set()
    for chunk in chunked(sorted(set(customer_ids))):
        rows = await uow.execute(sa.select(HoldRow.customer_id).where(
            HoldRow.customer_id.in_(chunk), HoldRow.kind == "overdue", HoldRow.released_on.is_(None)).distinct())
        found.update(r[0] for r in rows)
    return found


async def customers_assessed(uow: UnitOfWork, customer_ids) -> set[str]:
    """Those with an assessment (the ones an event re-rates: a person's scores are needed)."""
    found: set[str] = set()
    for chunk in chunked(sorted(set(customer_ids))):
        rows = await uow.execute(sa.select(CreditProfileRow.customer_id).where(
            CreditProfileRow.customer_id.in_(chunk), CreditProfileRow.last_assessment_id.is_not(None)))
        found.update(r[0] for r in rows)
    return found


async def active_holds(uow: UnitOfWork, customer_id: str) -> list[HoldRow]:
    return await _all(uow, select(HoldRow).where(HoldRow.customer_id == customer_id,
                                                 HoldRow.released_on.is_(None))
                      .order_by(HoldRow.placed_on, HoldRow.hold_id))


async def get_hold(uow: UnitOfWork, hold_id: str) -> HoldRow | None:
    return await uow.session.get(HoldRow, hold_id)


async def overdue_hold_dates(uow: UnitOfWork, customer_id: str) -> list[date]:
    stmt = sa.select(HoldRow.placed_on).where(HoldRow.customer_id == customer_id, HoldRow.kind == "overdue")
    return [r[0] for r in await uow.execute(stmt)]


async def get_reservation(uow: UnitOfWork, order_ref: str) -> ReservationRow | None:
    return await uow.session.get(ReservationRow, order_ref)


async def active_reservations(uow: UnitOfWork, customer_id: str, today: date) -> list[ReservationRow]:
    return await _all(uow, select(ReservationRow).where(
        ReservationRow.customer_id == customer_id, ReservationRow.released_on.is_(None),
        ReservationRow.expires_on >= today).order_by(ReservationRow.expires_on))


async def lapsed_reservations(uow: UnitOfWork, today: date) -> list[ReservationRow]:
    return await _all(uow, select(ReservationRow).where(ReservationRow.released_on.is_(None),
                                                        ReservationRow.expires_on < today))


async def temporary_limits_of(uow: UnitOfWork, customer_id: str, today: date) -> list[TemporaryLimitRow]:
    return await _all(uow, select(TemporaryLimitRow).where(
        TemporaryLimitRow.customer_id == customer_id, TemporaryLimitRow.expires_on >= today)
        .order_by(TemporaryLimitRow.expires_on))


# --- applications, visits ----------------------------------------------------------------------

async def get_application(uow: UnitOfWork, application_id: str) -> ApplicationRow | None:
    return await uow.session.get(ApplicationRow, application_id)


async def steps_of(uow: UnitOfWork, application_id: str) -> list[ApplicationStepRow]:
    return await _all(uow, select(ApplicationStepRow).where(ApplicationStepRow.application_id == application_id)
                      .order_by(ApplicationStepRow.seq))


async def visits_of(uow: UnitOfWork, customer_ids: list[str]) -> list[VisitRow]:
    if not customer_ids:
        return []
    return await _all(uow, select(VisitRow).where(VisitRow.customer_id.in_(customer_ids)))


# --- the timeline --------------------------------------------------------------------------------

def add_history(uow: UnitOfWork, customer_id: str, at: datetime, effective_date: date, kind: str,
                summary: str, detail: dict | None = None) -> None:
    add(uow, HistoryRow(customer_id=customer_id, at=at, effective_date=effective_date, kind=kind,
                               summary=summary, detail=detail or {}))


async def history_of(uow: UnitOfWork, customer_id: str, limit: int) -> list[HistoryRow]:
    return await _all(uow, select(HistoryRow).where(HistoryRow.customer_id == customer_id)
                      .order_by(HistoryRow.at.desc(), HistoryRow.id.desc()).limit(limit))


async def checks_of(uow: UnitOfWork, customer_id: str, limit: int) -> list[CheckRow]:
    return await _all(uow, select(CheckRow).where(CheckRow.customer_id == customer_id)
                      .order_by(CheckRow.checked_at.desc()).limit(limit))
