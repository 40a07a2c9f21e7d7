"""Every query credit makes, in one place. The credit check's read is one UNION ALL
select (`load_check_state`) so the sales hot path costs one round trip to read."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

import sqlalchemy as sa
from sqlmodel import select

from services.credit.tables import (
    ApplicationRow, ApplicationStepRow, AssessmentRow, BrokenPromiseRow, CheckRow, CreditDocumentRow,
    CreditFileRow, CreditFileVersionRow, CreditProfileRow, HistoryRow, HoldRow, LedgerFactRow,
    RedFlagRow, ReceivableRow, RepaymentRow, ReservationRow, TemporaryLimitRow, VisitRow,
)
from shared.db import UnitOfWork


def utc(at: datetime) -> datetime:
    """SQLite gives naive datetimes back: they were stored in UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=timezone.utc)


async def _all(uow: UnitOfWork, stmt) -> list:
    return list((await uow.session.execute(stmt)).scalars())


# --- credit file, profile, assessments -----------------------------------------------------

async def get_file(uow: UnitOfWork, customer_id: str) -> CreditFileRow | None:
    return await uow.session.get(CreditFileRow, customer_id)


async def documents_of(uow: UnitOfWork, customer_id: str) -> list[CreditDocumentRow]:
    return await _all(uow, select(CreditDocumentRow).where(CreditDocumentRow.customer_id == customer_id)
                      .order_by(CreditDocumentRow.kind))


async def replace_documents(uow: UnitOfWork, customer_id: str, rows: list[CreditDocumentRow]) -> None:
    await uow.session.execute(sa.delete(CreditDocumentRow).where(CreditDocumentRow.customer_id == customer_id))
    uow.session.add_all(rows)


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
    return (await uow.session.execute(stmt)).scalars().first()


async def profiles_with_assessment(uow: UnitOfWork) -> list[CreditProfileRow]:
    return await _all(uow, select(CreditProfileRow).where(CreditProfileRow.last_assessment_id.is_not(None))
                      .order_by(CreditProfileRow.customer_id))


async def profiles_with_limit(uow: UnitOfWork) -> list[CreditProfileRow]:
    return await _all(uow, select(CreditProfileRow).where(CreditProfileRow.limit_minor > 0)
                      .order_by(CreditProfileRow.customer_id))


# --- what the ledger and dunning told us ---------------------------------------------------

async def get_receivable(uow: UnitOfWork, invoice_number: str) -> ReceivableRow | None:
    return await uow.session.get(ReceivableRow, invoice_number)


async def receivables_of(uow: UnitOfWork, customer_id: str, *, open_only: bool = False) -> list[ReceivableRow]:
    stmt = select(ReceivableRow).where(ReceivableRow.customer_id == customer_id)
    if open_only:
        stmt = stmt.where(ReceivableRow.open_minor > 0)
    return await _all(uow, stmt.order_by(ReceivableRow.due_date, ReceivableRow.invoice_number))


async def purchases_between(uow: UnitOfWork, customer_id: str, currency: str, after: date, upto: date) -> int:
    stmt = sa.select(sa.func.coalesce(sa.func.sum(ReceivableRow.amount_minor), 0)).where(
        ReceivableRow.customer_id == customer_id, ReceivableRow.currency == currency,
        ReceivableRow.issue_date > after, ReceivableRow.issue_date <= upto)
    return int((await uow.session.execute(stmt)).scalar_one())


async def repayments_of(uow: UnitOfWork, customer_id: str) -> list[RepaymentRow]:
    return await _all(uow, select(RepaymentRow).where(RepaymentRow.customer_id == customer_id,
                                                      RepaymentRow.reversed.is_(False)))


async def get_repayment(uow: UnitOfWork, payment_reference: str, invoice_number: str,
                        seq: int) -> RepaymentRow | None:
    return await uow.session.get(RepaymentRow, (payment_reference, invoice_number, seq))


async def repayments_of_payment(uow: UnitOfWork, payment_reference: str) -> list[RepaymentRow]:
    return await _all(uow, select(RepaymentRow).where(RepaymentRow.payment_reference == payment_reference))


async def get_broken_promise(uow: UnitOfWork, promise_id: str) -> BrokenPromiseRow | None:
    return await uow.session.get(BrokenPromiseRow, promise_id)


async def broken_promises_since(uow: UnitOfWork, customer_id: str, after: date, upto: date) -> int:
    stmt = sa.select(sa.func.count()).select_from(BrokenPromiseRow).where(
        BrokenPromiseRow.customer_id == customer_id, BrokenPromiseRow.broken_on > after,
        BrokenPromiseRow.broken_on <= upto)
    return int((await uow.session.execute(stmt)).scalar_one())


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
    uow.session.add(LedgerFactRow(kind=kind, key=key, customer_id=customer_id, invoice_number=invoice_number,
                                  effective_date=effective_date, amount_minor=amount_minor, currency=currency))
    await uow.session.flush()
    return True


async def get_fact(uow: UnitOfWork, kind: str, key: str) -> LedgerFactRow | None:
    return await uow.session.get(LedgerFactRow, (kind, key))


# --- holds, reservations, temporary limits -------------------------------------------------

async def active_holds(uow: UnitOfWork, customer_id: str) -> list[HoldRow]:
    return await _all(uow, select(HoldRow).where(HoldRow.customer_id == customer_id,
                                                 HoldRow.released_on.is_(None))
                      .order_by(HoldRow.placed_on, HoldRow.hold_id))


async def get_hold(uow: UnitOfWork, hold_id: str) -> HoldRow | None:
    return await uow.session.get(HoldRow, hold_id)


async def overdue_hold_dates(uow: UnitOfWork, customer_id: str) -> list[date]:
    stmt = sa.select(HoldRow.placed_on).where(HoldRow.customer_id == customer_id, HoldRow.kind == "overdue")
    return [r[0] for r in await uow.session.execute(stmt)]


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


# --- checks: the hot path ------------------------------------------------------------------------

_P, _C, _R, _V, _H, _T = (CreditProfileRow.__table__, CheckRow.__table__, ReceivableRow.__table__,
                          ReservationRow.__table__, HoldRow.__table__, TemporaryLimitRow.__table__)


def _cols(tag: str, k=None, s=None, n1=None, n2=None, n3=None, d1=None, d2=None):
    def typed(value, type_):  # no SQL CAST: SQLite's CAST(... AS DATE) would make a number of a date
        return sa.type_coerce(sa.null() if value is None else value, type_)
    return [sa.literal(tag, sa.String(1)).label("tag"), typed(k, sa.String(200)).label("k"),
            typed(s, sa.Text).label("s"), typed(n1, sa.BigInteger).label("n1"),
            typed(n2, sa.BigInteger).label("n2"), typed(n3, sa.BigInteger).label("n3"),
            typed(d1, sa.Date).label("d1"), typed(d2, sa.Date).label("d2")]


def _check_state_query():
    cid, ref, today = sa.bindparam("cid"), sa.bindparam("ref"), sa.bindparam("today", type_=sa.Date)
    return sa.union_all(
        sa.select(*_cols("p", _P.c.grade, _P.c.currency, _P.c.limit_minor, _P.c.term_days,
                         sa.cast(_P.c.blacklisted, sa.Integer))).where(_P.c.customer_id == cid),
        sa.select(*_cols("c", _C.c.request_hash, _C.c.result)).where(_C.c.order_ref == ref),
        sa.select(*_cols("r", _R.c.invoice_number, _R.c.currency, _R.c.open_minor, _R.c.disputed_minor,
                         _R.c.extended_days, _R.c.due_date)).where(_R.c.customer_id == cid, _R.c.open_minor > 0),
        sa.select(*_cols("v", _V.c.order_ref, _V.c.currency, _V.c.amount_minor, d1=_V.c.expires_on)).where(
            _V.c.customer_id == cid, _V.c.released_on.is_(None), _V.c.expires_on >= today),
        sa.select(*_cols("h", _H.c.hold_id, _H.c.kind, d1=_H.c.placed_on)).where(
            _H.c.customer_id == cid, _H.c.released_on.is_(None)),
        sa.select(*_cols("t", None, _T.c.currency, _T.c.amount_minor, d1=_T.c.valid_from,
                         d2=_T.c.expires_on)).where(_T.c.customer_id == cid, _T.c.expires_on >= today),
    )


_CHECK_STATE = _check_state_query()


@dataclass
class CheckState:
    """Everything the check reads, from one select."""
    profile: Any = None  # row: k=grade, s=currency, n1=limit_minor, n2=term_days, n3=blacklisted
    existing: Any = None  # row: k=request_hash, s=result JSON
    receivables: list = field(default_factory=list)  # k=invoice, s=currency, n1=open, n2=disputed, n3=ext, d1=due
    reservations: list = field(default_factory=list)  # k=order_ref, s=currency, n1=amount, d1=expires_on
    holds: list = field(default_factory=list)  # k=hold_id, s=kind, d1=placed_on
    temporary_limits: list = field(default_factory=list)  # s=currency, n1=amount, d1=valid_from, d2=expires_on


async def load_check_state(uow: UnitOfWork, customer_id: str, order_ref: str, today: date) -> CheckState:
    rows = await uow.session.execute(_CHECK_STATE, {"cid": customer_id, "ref": order_ref, "today": today})
    state = CheckState()
    for row in rows:
        tag = row[0]
        if tag == "r":
            state.receivables.append(row)
        elif tag == "p":
            state.profile = row
        elif tag == "c":
            state.existing = row
        elif tag == "v":
            state.reservations.append(row)
        elif tag == "h":
            state.holds.append(row)
        else:
            state.temporary_limits.append(row)
    return state


async def insert_check(uow: UnitOfWork, values: dict) -> None:
    await uow.session.execute(sa.insert(_C).values(**values))


async def insert_reservation(uow: UnitOfWork, values: dict) -> None:
    await uow.session.execute(sa.insert(_V).values(**values))


async def get_check(uow: UnitOfWork, order_ref: str) -> CheckRow | None:
    return await uow.session.get(CheckRow, order_ref)


async def update_check(uow: UnitOfWork, order_ref: str, decision: str, result: str) -> None:
    await uow.session.execute(sa.update(_C).where(_C.c.order_ref == order_ref)
                              .values(decision=decision, result=result))


# --- the timeline --------------------------------------------------------------------------------

def add_history(uow: UnitOfWork, customer_id: str, at: datetime, effective_date: date, kind: str,
                summary: str, detail: dict | None = None) -> None:
    uow.session.add(HistoryRow(customer_id=customer_id, at=at, effective_date=effective_date, kind=kind,
                               summary=summary, detail=detail or {}))


async def history_of(uow: UnitOfWork, customer_id: str, limit: int) -> list[HistoryRow]:
    return await _all(uow, select(HistoryRow).where(HistoryRow.customer_id == customer_id)
                      .order_by(HistoryRow.at.desc(), HistoryRow.id.desc()).limit(limit))


async def checks_of(uow: UnitOfWork, customer_id: str, limit: int) -> list[CheckRow]:
    return await _all(uow, select(CheckRow).where(CheckRow.customer_id == customer_id)
                      .order_by(CheckRow.checked_at.desc()).limit(limit))
