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
from services.dunning.repository import ladder as store
from services.dunning.tables import CustomerRow, ItemRow
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
    fits its grade or segment), then the ladder runs for those cases as of the sweep's date.
    A sweep publishes one fact per instalment: bulk reads and writes, no ORM objects."""
    ctx = facts[-1][1]
    async with uow:
        await repository.flush(uow)  # what earlier facts of the consumer batch left in the session
        await policies.ensure_seeded(uow, ctx)
        states = await store.item_states(uow, [e.invoice_number for e, _ in facts])
        new: dict[tuple[str, int], dict] = {}
        for e, _ in facts:
            key = (e.invoice_number, e.instalment_seq)
            if key not in states and key not in new:
                new[key] = _item(e)
        await store.insert_items(uow, list(new.values()))
        if new:
            await _apply_parked(deps, uow, sorted({n for n, _ in new}))
            await repository.flush(uow)
            states = await store.item_states(uow, [e.invoice_number for e, _ in facts])
        live: dict[tuple[str, int], tuple[OverdueThresholdV1, int]] = {}  # key -> (latest fact, most days)
        for e, _ in facts:
            key = (e.invoice_number, e.instalment_seq)
            if states[key][0] == "open":
                most = max(states[key][2], e.days_overdue, live[key][1] if key in live else 0)
                live[key] = (e, most)
        case_of = await _open_cases(deps, uow, ctx, [(e, states[k]) for k, (e, _) in live.items()])
        await store.enter_ladder(uow, [{"n": k[0], "s": k[1], "c": case_of[e.customer_id], "d": most}
                                       for k, (e, most) in live.items()])
        by_day: dict[date, set[str]] = defaultdict(set)
        for e, _ in facts:
            if (e.invoice_number, e.instalment_seq) in live:
                by_day[e.as_of].add(case_of[e.customer_id])
        for day in sorted(by_day):
            await ladder.advance(deps, uow, ctx, sorted(by_day[day]), day)
        await uow.commit()


def _item(e: OverdueThresholdV1) -> dict:
    """An item first seen in an overdue fact (its invoice-recorded fills the rest later)."""
    minor = to_minor(e.open_amount, e.currency)
    return {"invoice_number": e.invoice_number, "seq": e.instalment_seq, "customer_id": e.customer_id,
            "case_id": None, "due_date": e.due_date, "amount_minor": minor, "open_minor": minor, "disputed_minor": 0,
            "currency": e.currency, "status": "open", "overdue": False, "invoice_known": False,
            "max_days_overdue": 0, "contract_ref": None, "region": e.region, "salesperson": e.salesperson,
            "bill_name": None, "bill_email": None, "bill_mobile": None, "bill_address": None, "bill_language": None}


async def _open_cases(deps: DunningDeps, uow: UnitOfWork, ctx: Context, wanted: list[tuple]) -> dict[str, str]:
    """customer -> its open case's id, opening the missing ones (and the customers credit has
    not told us about yet) in bulk."""
    customer_ids = {e.customer_id for e, _ in wanted}
    open_cases = await store.open_cases_of(uow, customer_ids)
    missing = [(e, state) for e, state in wanted if e.customer_id not in open_cases]
    if not missing:
        return open_cases
    customers = await store.customers(uow, {e.customer_id for e, _ in missing})
    current = await policies.load(uow)
    new_cases, new_customers = [], []
    for e, (_, _, _, open_minor, currency, region, salesperson) in missing:
        if e.customer_id in open_cases:
            continue
        customer = customers.get(e.customer_id)
        if customer is None:
            new_customers.append(_customer(e.customer_id, region, salesperson))
        grade = customer.grade if customer else None
        segment = _segment(customer, e.as_of) if customer else None
        name = choose(list(current.values()), grade, segment, deps.config.default_policy)
        version = next((v for (n, v) in current if n == name), None)
        if version is None:
            name, version = next(iter(sorted(current)))
        region = (customer.region if customer else None) or region
        salesperson = (customer.salesperson if customer else None) or salesperson
        case_id = open_cases[e.customer_id] = ladder.new_id("DC")
        new_cases.append({"case_id": case_id, "customer_id": e.customer_id, "status": "open", "policy_name": name,
                          "policy_version": version, "opened_on": e.as_of, "closed_on": None, "updated_at": ctx.now,
                          "collector": assign(deps.config.rules(), region, salesperson,
                                              from_minor(open_minor, currency))})
    await store.insert_customers(uow, new_customers)
    await store.insert_cases(uow, new_cases)
    return open_cases


def _customer(customer_id: str, region: str | None = None, salesperson: str | None = None) -> dict:
    return {"customer_id": customer_id, "name": None, "region": region, "customer_type": None,
            "salesperson": salesperson, "grade": None, "onboarded_on": None, "blacklisted": False, "on_hold": False,
            "profile_revision": 0, "blacklist_requested_on": None}


def _segment(customer, on: date) -> str | None:
    """003: "new" for a customer with us less than a year (credit's file says so: no first
    business date, or a recent one), else its type; nothing while credit has said nothing."""
    if customer.profile_revision == 0:
        return None
    if customer.onboarded_on is None or (on - customer.onboarded_on).days < 365:
        return "new"
    return customer.customer_type


# --- what shrinks, closes, re-opens or pauses an item ----------------------------------------------


async def item_changed(deps: DunningDeps, uow: UnitOfWork, ctx: Context,
                       e: PaymentAllocatedV1 | PaymentReversedV1 | InvoiceSettledV1 | CreditNoteIssuedV1
                       | InvoiceWrittenOffV1 | DisputeOpenedV1 | DisputeResolvedV1) -> None:
    """An allocation, a reversal, a settlement, a credit note, a write-off or a dispute: one
    transaction; `changes.apply` knows what each does to the items it names."""
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
