"""The reports' queries on the read model: what was open on a date (from the open spans),
by aging slab and by any dimension. Aggregation happens in SQL, one GROUP BY per question;
the rows that come back are groups, never invoices (but for the few disputed ones)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Sequence

import sqlalchemy as sa

from services.reporting.domain.aging import Basis, Slab
from services.reporting.tables import CustomerRow, FactRow, InvoiceRow, OpenSpanRow
from shared.db import UnitOfWork, chunked

S = OpenSpanRow.__table__
I = InvoiceRow.__table__
C = CustomerRow.__table__
F = FactRow.__table__

#: where each dimension is read: the invoice's own (as booked), else the customer's profile
_INVOICE_DIMS = ("region", "product_line", "customer_type", "salesperson")
_CUSTOMER_DIMS = ("industry", "size", "collector", "grade")
NONE = ""  # a dimension not given: reported as "unassigned"


def open_on(on: date, table=S):
    return sa.and_(table.c.valid_from <= on, sa.or_(table.c.valid_to.is_(None), table.c.valid_to > on))


def dimension(name: str | None, customer_col=None):
    """The SQL expression of a dimension and the joins it needs (invoice, customer)."""
    customer_col = S.c.customer_id if customer_col is None else customer_col
    if name is None:
        return sa.literal(NONE), set()
    if name == "customer":
        return customer_col, set()
    if name == "currency":
        return S.c.currency, set()
    if name in _INVOICE_DIMS:
        fallback = C.c[name] if name != "product_line" else sa.literal(None)
        return sa.func.coalesce(I.c[name], fallback, NONE), {"invoice", "customer"}
    if name in _CUSTOMER_DIMS:
        return sa.func.coalesce(C.c[name], NONE), {"customer"}
    raise ValueError(name)


def keys(dims: Sequence[str | None], customer_col=None) -> tuple[list, set[str]]:
    """The SQL expressions of several dimensions and the joins they need."""
    exprs, joins = [], set()
    for name in dims:
        expr, need = dimension(name, customer_col)
        exprs.append(expr)
        joins |= need
    return exprs, joins


def _joined(base, joins: set[str], invoice_col=None, customer_col=None):
    invoice_col = S.c.invoice_number if invoice_col is None else invoice_col
    customer_col = S.c.customer_id if customer_col is None else customer_col
    if "invoice" in joins:
        base = base.outerjoin(I, I.c.invoice_number == invoice_col)
    if "customer" in joins:
        base = base.outerjoin(C, C.c.customer_id == customer_col)
    return base


def slab_case(on: date, slabs: Sequence[Slab], basis: Basis):
    """The slab index of a span on `on`, as SQL: days ≤ high ⇔ reference date ≥ on − high
    (plain date comparisons, which use no function and run the same on both databases)."""
    ref = S.c.due_date if basis is Basis.DUE_DATE else S.c.issue_date
    whens = [(ref.is_(None), 0)]
    for i, slab in enumerate(slabs[:-1]):
        whens.append((ref >= on - timedelta(days=slab.high), i))
    return sa.case(*whens, else_=len(slabs) - 1)


async def aging_cells(uow: UnitOfWork, on: date, currency: str, slabs: Sequence[Slab], basis: Basis,
                      dims: Sequence[str | None]) -> list[tuple]:
    """(key..., slab, open minor) for every group and slab with something open on `on`."""
    cols, joins = keys(dims)
    slab = slab_case(on, slabs, basis).label("slab")
    stmt = (sa.select(*cols, slab, sa.func.sum(S.c.open_minor))
            .select_from(_joined(S, joins))
            .where(S.c.currency == currency, open_on(on))
            .group_by(*cols, slab))
    return [tuple(r) for r in (await uow.execute(stmt)).all()]


async def open_split(uow: UnitOfWork, on: date, currency: str, dims: Sequence[str | None] = (None,),
                     overdue_before: date | None = None) -> dict[tuple, tuple[int, int]]:
    """Per group: (overdue, not overdue) open on `on`; overdue = due before `overdue_before`
    (default `on`)."""
    limit = overdue_before or on
    cols, joins = keys(dims)
    overdue = sa.func.sum(sa.case((S.c.due_date < limit, S.c.open_minor), else_=0))
    stmt = (sa.select(*cols, overdue, sa.func.sum(S.c.open_minor)).select_from(_joined(S, joins))
            .where(S.c.currency == currency, open_on(on)).group_by(*cols))
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
    cols, joins = keys(dims)
    for chunk in chunked(list(numbers)):
        stmt = (sa.select(S.c.invoice_number, *cols, slab_case(on, slabs, basis), S.c.open_minor)
                .select_from(_joined(S, joins)).where(open_on(on), S.c.invoice_number.in_(chunk)))
        out.extend(tuple(r) for r in (await uow.execute(stmt)).all())
    return out


async def credit_sales(uow: UnitOfWork, currency: str, after: date, upto: date,
                       dims: Sequence[str | None] = (None,)) -> dict[tuple, int]:
    """Invoiced in (after, upto], per group."""
    cols, joins = keys(dims, I.c.customer_id)
    cols = [I.c.currency if d == "currency" else c for d, c in zip(dims, cols)]
    base = I.outerjoin(C, C.c.customer_id == I.c.customer_id) if "customer" in joins else I
    stmt = (sa.select(*cols, sa.func.sum(I.c.amount_minor)).select_from(base)
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
