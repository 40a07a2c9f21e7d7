"""The reports' queries on what moved in a period: cash applied, amounts falling due,
write-offs and recoveries, disputes, payment behaviour, grade changes."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

import sqlalchemy as sa

from services.reporting.repository.reports import C, F, I, joined, keys, spans_on
from services.reporting.tables import InstalmentRow, PaymentRow
from shared.db import UnitOfWork

N = InstalmentRow.__table__
P = PaymentRow.__table__


Dims = Sequence[str | None]


def _fact_dims(dims: Dims):
    """Dimensions of a fact, through its invoice (and that invoice's customer)."""
    cols, joins = keys(dims, F)
    return cols, joined(F, joins)


def _grouped(rows) -> dict[tuple, int]:
    return {tuple(r[:-1]): int(r[-1]) for r in rows}


async def fact_sums(uow: UnitOfWork, kind: str, currency: str, start: date, end: date,
                    dims: Dims = (None,)) -> dict[tuple, int]:
    """Σ amount of facts of `kind` effective in [start, end], per group."""
    cols, base = _fact_dims(dims)
    stmt = (sa.select(*cols, sa.func.sum(F.c.amount_minor)).select_from(base)
            .where(F.c.kind == kind, F.c.currency == currency, F.c.effective_date >= start,
                   F.c.effective_date <= end).group_by(*cols))
    return _grouped((await uow.execute(stmt)).all())


async def collected(uow: UnitOfWork, currency: str, start: date, end: date, dims: Dims = (None,)) -> dict:
    """Cash applied to invoices in [start, end], less what bounced in it."""
    paid = await fact_sums(uow, "allocation", currency, start, end, dims)
    for k, v in (await fact_sums(uow, "reversal", currency, start, end, dims)).items():
        paid[k] = paid.get(k, 0) - v
    return paid


async def falling_due(uow: UnitOfWork, currency: str, start: date, end: date, dims: Dims = (None,)) -> dict:
    """What was to be collected in [start, end]: open the day before `start` and due by
    `end` (overdue already or falling due), plus instalments of invoices issued in the
    period and due by its end."""
    before = start - timedelta(days=1)
    sp = spans_on(before, currency)
    cols, joins = keys(dims, sp)
    stmt = (sa.select(*cols, sa.func.sum(sp.c.open_minor)).select_from(joined(sp, joins))
            .where(sp.c.due_date <= end).group_by(*cols))
    out = _grouped((await uow.execute(stmt)).all())
    cols, joins = keys(dims, I)
    base = N.join(I, I.c.invoice_number == N.c.invoice_number)
    if "customer" in joins:
        base = base.outerjoin(C, C.c.customer_id == I.c.customer_id)
    stmt = (sa.select(*cols, sa.func.sum(N.c.amount_minor)).select_from(base)
            .where(I.c.currency == currency, I.c.issue_date >= start, I.c.issue_date <= end, N.c.due_date <= end)
            .group_by(*cols))
    for k, v in _grouped((await uow.execute(stmt)).all()).items():
        out[k] = out.get(k, 0) + v
    return out


async def write_off_exposures(uow: UnitOfWork, currency: str, after: date, upto: date) -> dict[str, int]:
    """Invoice → written off in (after, upto]."""
    stmt = (sa.select(F.c.invoice_number, sa.func.sum(F.c.amount_minor))
            .where(F.c.kind == "write_off", F.c.currency == currency, F.c.effective_date > after,
                   F.c.effective_date <= upto).group_by(F.c.invoice_number))
    return {n: int(m) for n, m in (await uow.execute(stmt)).all()}


async def disputes(uow: UnitOfWork, start: date, end: date, currency: str | None) -> list[tuple]:
    """(category, amount, opened, resolved date | None, outcome | None) of disputes opened in [start, end]."""
    R = F.alias("resolved")
    stmt = (sa.select(F.c.label, F.c.amount_minor, F.c.effective_date, R.c.effective_date, R.c.label)
            .select_from(F.outerjoin(R, sa.and_(R.c.kind == "dispute_resolved", R.c.key == F.c.key)))
            .where(F.c.kind == "dispute", F.c.effective_date >= start, F.c.effective_date <= end))
    if currency:
        stmt = stmt.where(F.c.currency == currency)
    return [tuple(r) for r in (await uow.execute(stmt)).all()]


async def payments_applied(uow: UnitOfWork, currency: str, start: date, end: date,
                           customers: Sequence[str] | None = None) -> list[tuple]:
    """(customer, payment, amount, issue date, due date, applied on, method) of cash
    applied in [start, end], bounced payments left out."""
    bounced = sa.select(F.c.reference).where(F.c.kind == "reversal", F.c.effective_date <= end)
    stmt = (sa.select(F.c.customer_id, F.c.reference, F.c.amount_minor, I.c.issue_date, F.c.due_date,
                      F.c.effective_date, sa.func.coalesce(P.c.method, "other"))
            .select_from(F.join(I, I.c.invoice_number == F.c.invoice_number)
                         .outerjoin(P, P.c.payment_reference == F.c.reference))
            .where(F.c.kind == "allocation", F.c.currency == currency, F.c.effective_date >= start,
                   F.c.effective_date <= end, F.c.reference.not_in(bounced)))
    if customers is not None:
        stmt = stmt.where(F.c.customer_id.in_(list(customers)))
    return [tuple(r) for r in (await uow.execute(stmt)).all()]


def _days_between(uow: UnitOfWork, later, earlier):
    if uow.db.is_sqlite:
        return sa.cast(sa.func.julianday(later) - sa.func.julianday(earlier), sa.Integer)
    return later - earlier


async def lateness(uow: UnitOfWork, currency: str, start: date, end: date) -> dict[str, tuple[int, int]]:
    """Per customer, cash applied in [start, end] (bounced payments left out): (amount,
    Σ amount × days paid after due) — the weighted days late, aggregated in SQL."""
    bounced = sa.select(F.c.reference).where(F.c.kind == "reversal", F.c.effective_date <= end)
    late = sa.case((F.c.effective_date > F.c.due_date, _days_between(uow, F.c.effective_date, F.c.due_date)),
                   else_=0)
    stmt = (sa.select(F.c.customer_id, sa.func.sum(F.c.amount_minor), sa.func.sum(F.c.amount_minor * late))
            .where(F.c.kind == "allocation", F.c.currency == currency, F.c.effective_date >= start,
                   F.c.effective_date <= end, F.c.due_date.is_not(None), F.c.reference.not_in(bounced))
            .group_by(F.c.customer_id))
    return {c: (int(a), int(w)) for c, a, w in (await uow.execute(stmt)).all()}


async def paying_customers(uow: UnitOfWork, currency: str, start: date, end: date, offset: int, limit: int,
                           customer_id: str | None) -> tuple[list[str], int]:
    where = (F.c.kind == "allocation", F.c.currency == currency, F.c.effective_date >= start,
             F.c.effective_date <= end, *((F.c.customer_id == customer_id,) if customer_id else ()))
    ids = sa.select(F.c.customer_id).where(*where).distinct()
    total = await uow.scalar(sa.select(sa.func.count()).select_from(ids.subquery()))
    page = (await uow.execute(ids.order_by(F.c.customer_id).offset(offset).limit(limit))).scalars().all()
    return list(page), int(total or 0)


async def grade_changes(uow: UnitOfWork, after: date, upto: date) -> list[tuple]:
    """(customer, date, previous grade, grade) of grade changes in (after, upto]."""
    stmt = (sa.select(F.c.customer_id, F.c.effective_date, F.c.reference, F.c.label)
            .where(F.c.kind == "grade", F.c.effective_date > after, F.c.effective_date <= upto))
    return [tuple(r) for r in (await uow.execute(stmt)).all()]


async def customer_names(uow: UnitOfWork, ids: Sequence[str]) -> dict[str, str]:
    if not ids:
        return {}
    stmt = sa.select(C.c.customer_id, C.c.name).where(C.c.customer_id.in_(list(ids)))
    return {k: v for k, v in (await uow.execute(stmt)).all() if v}
