"""The reports' queries on the read model: what was open on a date, by aging slab and by
any dimension. What was open on D is the current spans begun by D and the ended spans
that ended after D (`spans_on`); aggregation happens in SQL, one GROUP BY per question, and
the rows that come back are groups, never invoices (but for the few disputed ones)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

import sqlalchemy as sa

from services.reporting.domain.aging import Basis, Slab
from services.reporting.tables import CustomerRow, FactRow, InvoiceRow, OpenSpanRow, PastSpanRow
from shared.db import UnitOfWork, chunked

CURRENT = OpenSpanRow.__table__
PAST = PastSpanRow.__table__
I = InvoiceRow.__table__
C = CustomerRow.__table__
F = FactRow.__table__

#: where each dimension is read: the invoice's own (as booked), else the customer's profile
_INVOICE_DIMS = ("region", "product_line", "customer_type", "salesperson")
_CUSTOMER_DIMS = ("industry", "size", "collector", "grade")
NONE = ""  # a dimension not given: reported as "unassigned"
_SPAN_COLUMNS = ("invoice_number", "customer_id", "currency", "issue_date", "due_date", "open_minor")


async def no_jit(uow: UnitOfWork) -> None:
    """PostgreSQL's JIT compiler costs a quarter of a second on each of these scans of a
    million rows and saves nothing (bench/reporting_aging.py): off for this transaction."""
    if not uow.db.is_sqlite:
        await uow.execute(sa.text("SET LOCAL jit = off"))


def spans_on(on: date, currency: str | None = None, numbers: Sequence[str] | None = None):
    """The spans open on `on` (a subquery with `_SPAN_COLUMNS`)."""
    def part(table, *where):
        cond = [table.c.valid_from <= on, *where]
        if currency is not None:
            cond.append(table.c.currency == currency)
        if numbers is not None:
            cond.append(table.c.invoice_number.in_(list(numbers)))
        return sa.select(*(table.c[c] for c in _SPAN_COLUMNS)).where(*cond)
    return sa.union_all(part(CURRENT), part(PAST, PAST.c.valid_to > on)).subquery("spans")


def dimension(name: str | None, src):
    """The SQL expression of a dimension of `src` (spans, facts or invoices: a selectable
    with customer_id, currency) and the joins it needs (invoice, customer)."""
    if name is None:
        return sa.literal(NONE), set()
    if name == "customer":
        return src.c.customer_id, set()
    if name == "currency":
        return src.c.currency, set()
    if name in _INVOICE_DIMS:
        fallback = C.c[name] if name != "product_line" else sa.literal(None)
        return sa.func.coalesce(I.c[name], fallback, NONE), {"invoice", "customer"}
    if name in _CUSTOMER_DIMS:
        return sa.func.coalesce(C.c[name], NONE), {"customer"}
    raise ValueError(name)


def keys(dims: Sequence[str | None], src) -> tuple[list, set[str]]:
    """The SQL expressions of several dimensions and the joins they need."""
    exprs, joins = [], set()
    for name in dims:
        expr, need = dimension(name, src)
        exprs.append(expr)
        joins |= need
    return exprs, joins


def joined(src, joins: set[str]):
    """`src` joined to what its dimensions need (an invoice of `src` itself needs no join)."""
    base = src
    if "invoice" in joins and src is not I:
        base = base.outerjoin(I, I.c.invoice_number == src.c.invoice_number)
    if "customer" in joins:
        base = base.outerjoin(C, C.c.customer_id == src.c.customer_id)
    return base


def slab_case(on: date, slabs: Sequence[Slab], basis: Basis, sp):
    """The slab index of a span on `on`, as SQL: days ≤ high ⇔ reference date ≥ on − high
    (plain date comparisons, which use no function and run the same on both databases)."""
    ref = sp.c.due_date if basis is Basis.DUE_DATE else sp.c.issue_date
    whens = [(ref.is_(None), 0)]
    for i, slab in enumerate(slabs[:-1]):
        whens.append((ref >= on - timedelta(days=slab.high), i))
    return sa.case(*whens, else_=len(slabs) - 1)


def slab_conditions(on: date, slabs: Sequence[Slab], basis: Basis, sp) -> list:
    """One condition per slab on the reference date (a range each, no date arithmetic per row)."""
    ref = sp.c.due_date if basis is Basis.DUE_DATE else sp.c.issue_date
    out, newer = [], None  # newer: the lower date bound of the slab before (exclusive upper bound here)
    for i, slab in enumerate(slabs):
        cond = []
        if slab.high is not None:
            cond.append(ref >= on - timedelta(days=slab.high))
        if newer is not None:
            cond.append(ref < newer)
        test = sa.and_(*cond) if cond else sa.true()
        out.append(sa.or_(ref.is_(None), test) if i == 0 else test)
        newer = on - timedelta(days=slab.high) if slab.high is not None else None
    return out


async def aging_cells(uow: UnitOfWork, on: date, currency: str, slabs: Sequence[Slab], basis: Basis,
                      dims: Sequence[str | None]) -> list[tuple]:
    """(key..., open minor in slab 0, in slab 1, …) for every group with something open on
    `on`: pivoted in SQL, one row per group (a GROUP BY on group and slab has six times the
    groups and spills to disk on a million rows)."""
    sp = spans_on(on, currency)
    cols, joins = keys(dims, sp)
    sums = [sa.func.sum(sa.case((cond, sp.c.open_minor), else_=0))
            for cond in slab_conditions(on, slabs, basis, sp)]
    stmt = sa.select(*cols, *sums).select_from(joined(sp, joins)).group_by(*cols)
    return [tuple(r) for r in (await uow.execute(stmt)).all()]


async def open_split(uow: UnitOfWork, on: date, currency: str, dims: Sequence[str | None] = (None,),
                     overdue_before: date | None = None) -> dict[tuple, tuple[int, int]]:
    """Per group: (overdue, not overdue) open on `on`; overdue = due before `overdue_before`
    (default `on`)."""
    limit = overdue_before or on
    sp = spans_on(on, currency)
    cols, joins = keys(dims, sp)
    overdue = sa.func.sum(sa.case((sp.c.due_date < limit, sp.c.open_minor), else_=0))
    stmt = (sa.select(*cols, overdue, sa.func.sum(sp.c.open_minor)).select_from(joined(sp, joins))
            .group_by(*cols))
    return {tuple(r[:-2]): (int(r[-2] or 0), int(r[-1] or 0) - int(r[-2] or 0))
            for r in (await uow.execute(stmt)).all()}


async def disputed_on(uow: UnitOfWork, on: date, currency: str) -> dict[str, int]:
    """Invoice → amount under dispute on `on` (opened by then, not resolved by then)."""
    resolved = sa.select(F.c.key).where(F.c.kind == "dispute_resolved", F.c.effective_date <= on)
    stmt = (sa.select(F.c.invoice_number, sa.func.sum(F.c.amount_minor))
            .where(F.c.kind == "dispute", F.c.currency == currency, F.c.effective_date <= on,
                   F.c.key.not_in(resolved))
            .group_by(F.c.invoice_number))
    return {n: int(m) for n, m in (await uow.execute(stmt)).all()}


async def spans_of_invoices(uow: UnitOfWork, numbers: Sequence[str], on: date, slabs: Sequence[Slab],
                            basis: Basis, dims: Sequence[str | None]) -> list[tuple]:
    """(invoice, key..., slab, open) of the named invoices' spans open on `on`."""
    out: list[tuple] = []
    for chunk in chunked(list(numbers), 400):
        sp = spans_on(on, None, chunk)
        cols, joins = keys(dims, sp)
        stmt = sa.select(sp.c.invoice_number, *cols, slab_case(on, slabs, basis, sp), sp.c.open_minor) \
            .select_from(joined(sp, joins))
        out.extend(tuple(r) for r in (await uow.execute(stmt)).all())
    return out


async def open_totals(uow: UnitOfWork, dates: Sequence[date], currency: str) -> list[int]:
    """Σ open on each of `dates`, in one scan (the rolling DSO's month ends): the current
    spans and the spans ending after the first date, a sum per date."""
    first = min(dates)
    parts = [sa.select(CURRENT.c.open_minor, CURRENT.c.valid_from, sa.null().label("valid_to"))
             .where(CURRENT.c.currency == currency),
             sa.select(PAST.c.open_minor, PAST.c.valid_from, PAST.c.valid_to)
             .where(PAST.c.currency == currency, PAST.c.valid_to > first)]
    sp = sa.union_all(*parts).subquery("spans")
    sums = [sa.func.coalesce(sa.func.sum(sa.case(
        (sa.and_(sp.c.valid_from <= d, sa.or_(sp.c.valid_to.is_(None), sp.c.valid_to > d)), sp.c.open_minor),
        else_=0)), 0) for d in dates]
    return [int(v) for v in (await uow.execute(sa.select(*sums))).one()]


async def slab_totals(uow: UnitOfWork, dates: Sequence[date], currency: str,
                      slabs: Sequence[Slab]) -> list[list[int]]:
    """Σ open per due-date slab on each of `dates`, in one scan (ECL's month ends)."""
    first = min(dates)
    parts = [sa.select(CURRENT.c.open_minor, CURRENT.c.due_date, CURRENT.c.valid_from,
                       sa.null().label("valid_to")).where(CURRENT.c.currency == currency),
             sa.select(PAST.c.open_minor, PAST.c.due_date, PAST.c.valid_from, PAST.c.valid_to)
             .where(PAST.c.currency == currency, PAST.c.valid_to > first)]
    sp = sa.union_all(*parts).subquery("spans")
    sums = []
    for d in dates:
        open_then = sa.and_(sp.c.valid_from <= d, sa.or_(sp.c.valid_to.is_(None), sp.c.valid_to > d))
        for cond in slab_conditions(d, slabs, Basis.DUE_DATE, sp):
            sums.append(sa.func.coalesce(sa.func.sum(sa.case((sa.and_(open_then, cond), sp.c.open_minor),
                                                             else_=0)), 0))
    values = [int(v) for v in (await uow.execute(sa.select(*sums))).one()]
    return [values[i * len(slabs):(i + 1) * len(slabs)] for i in range(len(dates))]


async def sales_windows(uow: UnitOfWork, currency: str, windows: Sequence[tuple[date, date]]) -> list[int]:
    """Σ invoiced in each (after, upto] window, in one scan."""
    first = min(a for a, _ in windows)
    sums = [sa.func.coalesce(sa.func.sum(sa.case((sa.and_(I.c.issue_date > a, I.c.issue_date <= b), I.c.amount_minor),
                                                 else_=0)), 0) for a, b in windows]
    stmt = sa.select(*sums).where(I.c.currency == currency, I.c.issue_date > first)
    return [int(v) for v in (await uow.execute(stmt)).one()]


async def credit_sales(uow: UnitOfWork, currency: str, after: date, upto: date,
                       dims: Sequence[str | None] = (None,)) -> dict[tuple, int]:
    """Invoiced in (after, upto], per group."""
    cols, joins = keys(dims, I)
    stmt = (sa.select(*cols, sa.func.sum(I.c.amount_minor)).select_from(joined(I, joins))
            .where(I.c.currency == currency, I.c.issue_date > after, I.c.issue_date <= upto).group_by(*cols))
    return {tuple(r[:-1]): int(r[-1]) for r in (await uow.execute(stmt)).all()}


async def monthly_sales(uow: UnitOfWork, currency: str, months: Sequence[tuple[date, date]]) -> list[int]:
    """Invoiced in each [first, last] period."""
    out = []
    for first, last in months:
        out.append(int(await uow.scalar(sa.select(sa.func.coalesce(sa.func.sum(I.c.amount_minor), 0))
                                        .where(I.c.currency == currency, I.c.issue_date >= first,
                                               I.c.issue_date <= last)) or 0))
    return out
