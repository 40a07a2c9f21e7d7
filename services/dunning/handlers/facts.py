"""The ledger's and credit's facts, applied to items, cases and customers. Each is
idempotent by its business key (`repository.first_time`) besides the inbox's event id. A
fact about an invoice not seen yet is parked and applied when the invoice arrives
(invoice-recorded, or its first overdue-threshold)."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from services.dunning import repository
from services.dunning.deps import DunningDeps
from services.dunning.domain.policies import choose
from services.dunning.domain.worklist import assign
from services.dunning.handlers import changes, ladder, policies
from services.dunning.tables import CaseRow, CustomerRow, ItemRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.events.credit import CustomerHoldPlacedV1, CustomerHoldReleasedV1, CustomerProfileChangedV1
from shared.events.ledger import (
    CreditNoteIssuedV1, DisputeOpenedV1, DisputeResolvedV1, InvoiceDueDatesChangedV1, InvoiceRecordedV1,
    InvoiceSettledV1, InvoiceWrittenOffV1, OverdueThresholdV1, PaymentAllocatedV1, PaymentReversedV1,
)
from shared.money import from_minor, to_minor

# --- invoices and their overdue thresholds ---------------------------------------------------------


async def invoices_recorded(deps: DunningDeps, uow: UnitOfWork, facts: list[tuple[InvoiceRecordedV1, Context]]) -> None:
    async with uow:
        known = await repository.items_of_invoices(uow, [e.invoice_number for e, _ in facts])
        for e, _ in facts:
            for line in e.instalments:
                item = known.get((e.invoice_number, line.seq))
                if item is None:
                    item = known[(e.invoice_number, line.seq)] = ItemRow(
                        invoice_number=e.invoice_number, seq=line.seq, customer_id=e.customer_id,
                        due_date=line.due_date, amount_minor=to_minor(line.amount, e.currency),
                        open_minor=to_minor(line.amount, e.currency), currency=e.currency)
                    repository.add(uow, item)
                elif item.invoice_known:
                    continue  # billing resent it: the first recording stands
                item.invoice_known = True
                item.contract_ref, item.region, item.salesperson = e.contract_ref, e.region, e.salesperson
                if e.bill_to is not None:
                    item.bill_name, item.bill_email, item.bill_mobile = e.bill_to.name, e.bill_to.email, e.bill_to.mobile
                    item.bill_address, item.bill_language = e.bill_to.address, e.bill_to.language
        await repository.flush(uow)
        await _apply_parked(deps, uow, [e.invoice_number for e, _ in facts])
        await uow.commit()


async def overdue_thresholds(deps: DunningDeps, uow: UnitOfWork,
                             facts: list[tuple[OverdueThresholdV1, Context]]) -> None:
    """Items enter the ladder, cases open (one open case per customer, on the policy that
    fits its grade or segment), then the ladder runs for those cases as of the sweep's date."""
    ctx = facts[-1][1]
    async with uow:
        await policies.ensure_seeded(uow, ctx)
        items = await repository.items_of_invoices(uow, [e.invoice_number for e, _ in facts])
        created: list[str] = []
        for e, _ in facts:
            item = items.get((e.invoice_number, e.instalment_seq))
            if item is None:
                item = items[(e.invoice_number, e.instalment_seq)] = ItemRow(
                    invoice_number=e.invoice_number, seq=e.instalment_seq, customer_id=e.customer_id,
                    due_date=e.due_date, amount_minor=to_minor(e.open_amount, e.currency),
                    open_minor=to_minor(e.open_amount, e.currency), currency=e.currency, region=e.region,
                    salesperson=e.salesperson)
                repository.add(uow, item)
                created.append(e.invoice_number)
            item.overdue = True
            item.max_days_overdue = max(item.max_days_overdue, e.days_overdue)
        await repository.flush(uow)
        if created:
            await _apply_parked(deps, uow, created)
        live = [(e, items[(e.invoice_number, e.instalment_seq)]) for e, _ in facts]
        live = [(e, i) for e, i in live if i.status == "open"]
        cases = await _open_cases(deps, uow, ctx, [(e.customer_id, e.as_of, i) for e, i in live])
        for e, item in live:
            if item.case_id is None or item.case_id != cases[e.customer_id].case_id:
                item.case_id = cases[e.customer_id].case_id
        await repository.flush(uow)
        by_day: dict[date, set[str]] = defaultdict(set)
        for e, item in live:
            by_day[e.as_of].add(item.case_id)
        for day in sorted(by_day):
            await ladder.advance(deps, uow, ctx, sorted(by_day[day]), day)
        await uow.commit()


async def _open_cases(deps: DunningDeps, uow: UnitOfWork, ctx: Context,
                      wanted: list[tuple[str, date, ItemRow]]) -> dict[str, CaseRow]:
    customer_ids = {c for c, _, _ in wanted}
    cases = await repository.open_cases_of(uow, customer_ids)
    customers = await repository.customers(uow, customer_ids)
    current = await policies.load(uow)
    for customer_id, as_of, item in wanted:
        if customer_id in cases:
            continue
        customer = customers.get(customer_id)
        if customer is None:
            customer = customers[customer_id] = CustomerRow(customer_id=customer_id, region=item.region,
                                                            salesperson=item.salesperson)
            repository.add(uow, customer)
        name = choose(list(current.values()), customer.grade, _segment(customer, as_of), deps.config.default_policy)
        version = next((v for (n, v) in current if n == name), None)
        if version is None:
            name, version = next(iter(sorted(current)))
        cases[customer_id] = case = CaseRow(
            case_id=ladder.new_id("DC"), customer_id=customer_id, status="open", policy_name=name,
            policy_version=version, opened_on=as_of, updated_at=ctx.now,
            collector=assign(deps.config.rules(), customer.region or item.region,
                             customer.salesperson or item.salesperson, from_minor(item.open_minor, item.currency)))
        repository.add(uow, case)
    return cases


def _segment(customer: CustomerRow, on: date) -> str | None:
    """003: "new" for a customer with us less than a year (credit's file says so: no first
    business date, or a recent one), else its type; nothing while credit has said nothing."""
    if customer.profile_revision == 0:
        return None
    if customer.onboarded_on is None or (on - customer.onboarded_on).days < 365:
        return "new"
    return customer.customer_type


# --- what shrinks, closes, re-opens or pauses an item ----------------------------------------------


async def payment_allocated(deps: DunningDeps, uow: UnitOfWork, ctx: Context, e: PaymentAllocatedV1) -> None:
    async with uow:
        await _apply(deps, uow, ctx, e)
        await uow.commit()


async def payment_reversed(deps, uow, ctx, e: PaymentReversedV1) -> None:
    async with uow:
        await _apply(deps, uow, ctx, e)
        await uow.commit()


async def invoice_settled(deps, uow, ctx, e: InvoiceSettledV1) -> None:
    async with uow:
        await _apply(deps, uow, ctx, e)
        await uow.commit()


async def credit_note_issued(deps, uow, ctx, e: CreditNoteIssuedV1) -> None:
    async with uow:
        await _apply(deps, uow, ctx, e)
        await uow.commit()


async def invoice_written_off(deps, uow, ctx, e: InvoiceWrittenOffV1) -> None:
    async with uow:
        await _apply(deps, uow, ctx, e)
        await uow.commit()


async def dispute_opened(deps, uow, ctx, e: DisputeOpenedV1) -> None:
    async with uow:
        await _apply(deps, uow, ctx, e)
        await uow.commit()


async def dispute_resolved(deps, uow, ctx, e: DisputeResolvedV1) -> None:
    async with uow:
        await _apply(deps, uow, ctx, e)
        await uow.commit()


async def due_dates_changed(deps: DunningDeps, uow: UnitOfWork,
                            facts: list[tuple[InvoiceDueDatesChangedV1, Context]]) -> None:
    async with uow:
        for e, ctx in facts:
            await _apply(deps, uow, ctx, e)
        await uow.commit()


async def _apply(deps: DunningDeps, uow: UnitOfWork, ctx: Context, e) -> None:
    parts = changes.units(e)
    items = await repository.items_of_invoices(uow, [invoice for _, invoice in parts])
    for key, invoice in parts:
        mine = sorted((i for k, i in items.items() if k[0] == invoice), key=lambda i: i.seq)
        if not mine:
            await repository.park(uow, key, invoice, e.topic, e.model_dump_json())
        elif await repository.first_time(uow, key):
            await changes.apply(deps, uow, ctx, e, invoice, mine)


async def _apply_parked(deps: DunningDeps, uow: UnitOfWork, invoice_numbers: list[str]) -> None:
    for row in await repository.take_parked(uow, invoice_numbers):
        fact = changes.parse(row.topic, row.payload)
        ctx = Context(actor="event:/ledger", today=fact_day(fact), now=_now(deps), source="event")
        await _apply(deps, uow, ctx, fact)


def fact_day(fact) -> date:
    for name in ("effective_date", "settled_date", "issue_date", "opened_date", "resolved_date", "reversed_date",
                 "received_date"):
        if hasattr(fact, name):
            return getattr(fact, name)
    raise AttributeError(fact)


def _now(deps: DunningDeps):
    return deps.clock.now()


# --- credit's facts -----------------------------------------------------------------------------------


async def profile_changed(deps: DunningDeps, uow: UnitOfWork, ctx: Context, e: CustomerProfileChangedV1) -> None:
    async with uow:
        row = (await repository.customers(uow, [e.customer_id])).get(e.customer_id)
        if row is None:
            row = CustomerRow(customer_id=e.customer_id)
            repository.add(uow, row)
        if e.revision > row.profile_revision:  # keep the highest revision seen
            row.profile_revision, row.name, row.region, row.customer_type = e.revision, e.name, e.region, e.customer_type
            row.salesperson, row.grade, row.onboarded_on, row.blacklisted = (e.salesperson, e.grade, e.onboarded_on,
                                                                              e.blacklisted)
        await uow.commit()


async def hold_changed(deps: DunningDeps, uow: UnitOfWork, ctx: Context,
                       e: CustomerHoldPlacedV1 | CustomerHoldReleasedV1) -> None:
    async with uow:
        if await repository.first_time(uow, f"{e.topic}:{e.hold_id}"):
            row = (await repository.customers(uow, [e.customer_id])).get(e.customer_id)
            if row is None:
                row = CustomerRow(customer_id=e.customer_id)
                repository.add(uow, row)
            row.on_hold = isinstance(e, CustomerHoldPlacedV1)
        await uow.commit()
