"""Every read and write dunning makes. Rows loaded here are tracked by the unit of work: a
handler changes their fields and the commit writes them; new rows go through `add`. The
ladder's bulk reads and inserts are in `repository.ladder`, the lists in `repository.lists`."""
from __future__ import annotations

from datetime import date
from typing import TypeVar

import sqlalchemy as sa
from sqlmodel import select

from services.dunning.tables import (
    AppliedFactRow, CaseRow, ConcessionRow, ContactRow, CustomerRow, DunningTable, EscalationRow, ItemRow, LegalCaseRow, PendingFactRow, PlanRow,
    PlanInstalmentRow, PolicyRow, PolicyStepRow, PromiseRow, ScriptRow,
)
from services.dunning.repository._sql import chunks
from shared.bulk import one_of
from shared.db import UnitOfWork

T = TypeVar("T", bound=DunningTable)


def add(uow: UnitOfWork, row: DunningTable) -> None:
    uow.session.add(row)


def add_all(uow: UnitOfWork, rows) -> None:
    uow.session.add_all(rows)


async def flush(uow: UnitOfWork) -> None:
    await uow.session.flush()


async def get(uow: UnitOfWork, table: type[T], key) -> T | None:
    return await uow.session.get(table, key)


async def _all(uow: UnitOfWork, stmt) -> list:
    # populate_existing: the ladder's bulk path writes items, cases and customers with Core
    # statements, so rows this session loaded earlier are refreshed, not trusted
    return list((await uow.session.execute(stmt.execution_options(populate_existing=True))).scalars())


# --- facts ------------------------------------------------------------------------------------

async def first_time(uow: UnitOfWork, fact_key: str) -> bool:
    """True the first time a fact's business key is seen (and records it)."""
    if await uow.session.get(AppliedFactRow, fact_key) is not None:
        return False
    uow.session.add(AppliedFactRow(fact_key=fact_key))
    return True


async def park(uow: UnitOfWork, fact_key: str, invoice_number: str, topic: str, payload: str) -> None:
    if await uow.session.get(PendingFactRow, fact_key) is None:
        uow.session.add(PendingFactRow(fact_key=fact_key, invoice_number=invoice_number, topic=topic, payload=payload))


async def take_parked(uow: UnitOfWork, invoice_numbers: list[str]) -> list[PendingFactRow]:
    """The facts kept for these invoices, removed from the parking table."""
    found: list[PendingFactRow] = []
    for chunk in chunks(uow, invoice_numbers):
        found += await _all(uow, select(PendingFactRow).where(one_of(uow, PendingFactRow.invoice_number, chunk))
                            .order_by(PendingFactRow.fact_key))
    for row in found:
        await uow.session.delete(row)
    return found


# --- items and cases -----------------------------------------------------------------------------

async def items_of_invoices(uow: UnitOfWork, invoice_numbers) -> dict[tuple[str, int], ItemRow]:
    out: dict[tuple[str, int], ItemRow] = {}
    for chunk in chunks(uow, invoice_numbers):
        for row in await _all(uow, select(ItemRow).where(one_of(uow, ItemRow.invoice_number, chunk))):
            out[(row.invoice_number, row.seq)] = row
    return out


async def invoice_items(uow: UnitOfWork, invoice_number: str) -> list[ItemRow]:
    return await _all(uow, select(ItemRow).where(ItemRow.invoice_number == invoice_number).order_by(ItemRow.seq))


async def case_items(uow: UnitOfWork, case_id: str) -> list[ItemRow]:
    return await _all(uow, select(ItemRow).where(ItemRow.case_id == case_id)
                      .order_by(ItemRow.due_date, ItemRow.invoice_number, ItemRow.seq))


async def open_cases_of(uow: UnitOfWork, customer_ids) -> dict[str, CaseRow]:
    out: dict[str, CaseRow] = {}
    for chunk in chunks(uow, customer_ids):
        for row in await _all(uow, select(CaseRow).where(one_of(uow, CaseRow.customer_id, chunk), CaseRow.status == "open")):
            out[row.customer_id] = row
    return out


async def latest_case_of(uow: UnitOfWork, customer_id: str) -> CaseRow | None:
    rows = await _all(uow, select(CaseRow).where(CaseRow.customer_id == customer_id)
                      .order_by(CaseRow.opened_on.desc(), CaseRow.case_id.desc()).limit(1))
    return rows[0] if rows else None


async def cases_by_id(uow: UnitOfWork, case_ids) -> dict[str, CaseRow]:
    out: dict[str, CaseRow] = {}
    for chunk in chunks(uow, case_ids):
        for row in await _all(uow, select(CaseRow).where(one_of(uow, CaseRow.case_id, chunk))):
            out[row.case_id] = row
    return out


async def open_item_count(uow: UnitOfWork, case_id: str) -> int:
    return int(await uow.scalar(sa.select(sa.func.count()).select_from(ItemRow).where(
        ItemRow.case_id == case_id, ItemRow.status == "open")) or 0)


async def customers(uow: UnitOfWork, customer_ids) -> dict[str, CustomerRow]:
    out: dict[str, CustomerRow] = {}
    for chunk in chunks(uow, customer_ids):
        for row in await _all(uow, select(CustomerRow).where(one_of(uow, CustomerRow.customer_id, chunk))):
            out[row.customer_id] = row
    return out


async def contacts(uow: UnitOfWork, customer_ids) -> dict[str, ContactRow]:
    out: dict[str, ContactRow] = {}
    for chunk in chunks(uow, customer_ids):
        for row in await _all(uow, select(ContactRow).where(one_of(uow, ContactRow.customer_id, chunk))):
            out[row.customer_id] = row
    return out


# --- policies and scripts ----------------------------------------------------------------------

async def policy_versions(uow: UnitOfWork, name: str | None = None, current_only: bool = False) -> list[PolicyRow]:
    stmt = select(PolicyRow)
    if name is not None:
        stmt = stmt.where(PolicyRow.name == name)
    if current_only:
        stmt = stmt.where(PolicyRow.current.is_(True))
    return await _all(uow, stmt.order_by(PolicyRow.name, PolicyRow.version))


async def policy_steps(uow: UnitOfWork, keys: list[tuple[str, int]]) -> dict[tuple[str, int], list[PolicyStepRow]]:
    out: dict[tuple[str, int], list[PolicyStepRow]] = {k: [] for k in keys}
    for name in sorted({n for n, _ in keys}):
        for row in await _all(uow, select(PolicyStepRow).where(PolicyStepRow.policy_name == name)
                              .order_by(PolicyStepRow.policy_version, PolicyStepRow.position)):
            if (name, row.policy_version) in out:
                out[(name, row.policy_version)].append(row)
    return out


async def has_policies(uow: UnitOfWork) -> bool:
    return await uow.scalar(sa.select(sa.func.count()).select_from(PolicyRow)) > 0


async def scripts(uow: UnitOfWork) -> list[ScriptRow]:
    return await _all(uow, select(ScriptRow).order_by(ScriptRow.level))


# --- promises, plans, legal --------------------------------------------------------------------------

async def open_promises(uow: UnitOfWork, case_ids) -> list[PromiseRow]:
    out: list[PromiseRow] = []
    for chunk in chunks(uow, case_ids):
        out += await _all(uow, select(PromiseRow).where(one_of(uow, PromiseRow.case_id, chunk), PromiseRow.status == "open"))
    return out


async def current_plans(uow: UnitOfWork, case_ids) -> list[PlanRow]:
    out: list[PlanRow] = []
    for chunk in chunks(uow, case_ids):
        out += await _all(uow, select(PlanRow).where(one_of(uow, PlanRow.case_id, chunk), PlanRow.status == "current"))
    return out


async def instalments(uow: UnitOfWork, plan_ids) -> dict[str, list[PlanInstalmentRow]]:
    out: dict[str, list[PlanInstalmentRow]] = {p: [] for p in plan_ids}
    for chunk in chunks(uow, plan_ids):
        for row in await _all(uow, select(PlanInstalmentRow).where(one_of(uow, PlanInstalmentRow.plan_id, chunk))
                              .order_by(PlanInstalmentRow.plan_id, PlanInstalmentRow.seq)):
            out[row.plan_id].append(row)
    return out


async def open_legal_cases(uow: UnitOfWork, case_ids) -> dict[str, LegalCaseRow]:
    out: dict[str, LegalCaseRow] = {}
    for chunk in chunks(uow, case_ids):
        for row in await _all(uow, select(LegalCaseRow).where(one_of(uow, LegalCaseRow.case_id, chunk),
                                                              LegalCaseRow.stage != "closed")):
            out[row.case_id] = row
    return out


async def open_cases_on_policy(uow: UnitOfWork, name: str) -> list[CaseRow]:
    return await _all(uow, select(CaseRow).where(CaseRow.policy_name == name, CaseRow.status == "open"))


async def escalations_of(uow: UnitOfWork, case_id: str) -> list[EscalationRow]:
    return await _all(uow, select(EscalationRow).where(EscalationRow.case_id == case_id)
                      .order_by(EscalationRow.position))


async def concessions_of(uow: UnitOfWork, case_id: str) -> list[ConcessionRow]:
    return await _all(uow, select(ConcessionRow).where(ConcessionRow.case_id == case_id)
                      .order_by(ConcessionRow.requested_on, ConcessionRow.concession_id))


async def grace_periods(uow: UnitOfWork, case_ids) -> dict[str, date]:
    """case -> the latest end of its approved grace periods."""
    out: dict[str, date] = {}
    for chunk in chunks(uow, case_ids):
        for row in await _all(uow, select(ConcessionRow).where(one_of(uow, ConcessionRow.case_id, chunk),
                                                               ConcessionRow.until.is_not(None))):
            out[row.case_id] = max(out.get(row.case_id, row.until), row.until)
    return out
