"""The lists people work from (`views.customers`, `views.applications`): filtered, paged, with
the total count. Filters that were not given filter nothing."""
from __future__ import annotations

import sqlalchemy as sa

from services.credit.tables import ApplicationRow, ApplicationStepRow, CreditFileRow, CreditProfileRow, HoldRow
from shared.db import UnitOfWork, chunked


def _matching(*filters) -> list:
    """`column == value` for each (column, value) of a list's filters that was given."""
    return [column == value for column, value in filters if value is not None]


async def customers_page(uow: UnitOfWork, *, name: str | None = None, region: str | None = None,
                         salesperson: str | None = None, grade: str | None = None, on_hold: bool | None = None,
                         limit: int, offset: int) -> tuple[list[tuple[CreditFileRow, CreditProfileRow]], int]:
    """Credit files with their profile, by name (then id), and how many match: the name
    containing `name` (any case; `%` and `_` are characters), in `region`, of `salesperson`,
    at the effective `grade`, with (or without) an active hold."""
    where = _matching((CreditFileRow.region, region), (CreditFileRow.salesperson, salesperson),
                      (CreditProfileRow.grade, grade))
    if name is not None:
        where.append(sa.func.lower(CreditFileRow.name).contains(name.lower(), autoescape=True))
    if on_hold is not None:
        held = sa.exists().where(HoldRow.customer_id == CreditFileRow.customer_id, HoldRow.released_on.is_(None))
        where.append(held if on_hold else ~held)
    joined = sa.select(CreditFileRow, CreditProfileRow).join(
        CreditProfileRow, CreditProfileRow.customer_id == CreditFileRow.customer_id).where(*where)
    total = await uow.scalar(sa.select(sa.func.count()).select_from(joined.subquery()))
    stmt = joined.order_by(sa.func.lower(CreditFileRow.name), CreditFileRow.name, CreditFileRow.customer_id)
    return [tuple(row) for row in await uow.execute(stmt.limit(limit).offset(offset))], int(total or 0)


async def active_hold_kinds(uow: UnitOfWork, customer_ids) -> dict[str, list[str]]:
    """customer -> the kinds of its active holds, for a page of customers."""
    found: dict[str, list[str]] = {}
    for chunk in chunked(sorted(set(customer_ids))):
        rows = await uow.execute(sa.select(HoldRow.customer_id, HoldRow.kind).where(
            HoldRow.customer_id.in_(chunk), HoldRow.released_on.is_(None)).distinct()
            .order_by(HoldRow.customer_id, HoldRow.kind))
        for customer_id, kind in rows:
            found.setdefault(customer_id, []).append(kind)
    return found


async def applications_page(uow: UnitOfWork, *, awaiting: frozenset[str] | None = None, state: str | None = None,
                            customer_id: str | None = None, kind: str | None = None, decidable_by: str | None = None,
                            limit: int, offset: int) -> tuple[list[tuple[ApplicationRow, str | None]], int]:
    """Applications (with their customer's name), oldest first, and how many match: those
    awaiting one of the roles `awaiting`, in `state`, of `customer_id`, of `kind`; with
    `decidable_by`, not those that actor submitted or already took a step on."""
    where = _matching((ApplicationRow.state, state), (ApplicationRow.customer_id, customer_id),
                      (ApplicationRow.kind, kind))
    if awaiting is not None:
        where.append(ApplicationRow.pending_role.in_(sorted(awaiting)))
    if decidable_by is not None:
        acted = sa.exists().where(ApplicationStepRow.application_id == ApplicationRow.application_id,
                                  ApplicationStepRow.actor_id == decidable_by)
        where += [ApplicationRow.submitted_by != decidable_by, ~acted]
    total = await uow.scalar(sa.select(sa.func.count()).select_from(ApplicationRow).where(*where))
    stmt = (sa.select(ApplicationRow, CreditFileRow.name)
            .outerjoin(CreditFileRow, CreditFileRow.customer_id == ApplicationRow.customer_id).where(*where)
            .order_by(ApplicationRow.created_at, ApplicationRow.application_id).limit(limit).offset(offset))
    return [tuple(row) for row in await uow.execute(stmt)], int(total or 0)
