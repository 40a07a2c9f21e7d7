"""What the ledger's facts change in credit: the receivable projection (open items per
instalment, exposure), repayment history and purchases (sub-scores), red flags, holds,
reservations. The rules are `domain.projection`, `domain.red_flags` and `domain.holds`.

Every handler runs in its own unit of work (inside a consumer batch, the batch's) and is
idempotent by the fact's business key (invoice number, payment reference + invoice +
instalment, credit note, write-off, dispute, the instalment's highest threshold, a due-date
change's invoice + reason + reference) as well as
by event id (the inbox): a fact republished under a new event id changes nothing.
Customers with an assessment are re-rated when a fact changes a sub-score."""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from services.credit import repository
from services.credit.deps import CreditDeps
from services.credit.domain.exposure import Reservation, ReleaseMode, release_mode, release_on_invoice
from services.credit.domain.holds import places_overdue_hold
from services.credit.domain.projection import (
    Applied, EarlierFacts, InstalmentBalance, catch_up, extension_days, invoice_due_date, is_new_threshold,
    move_due_dates, open_total, recorded, reduce, released_dispute, reopen,
)
from services.credit.domain.red_flags import (
    OwnFaultCause, RaisedFlag, RedFlag, excused_by_dispute, write_off_cause,
)
from services.credit.handlers import grading, holds
from services.credit.handlers.common import history, money
from services.credit.tables import (
    DueDateChangeRow, InstalmentRow, LedgerFactRow, ReceivableRow, RedFlagRow, RepaymentRow,
)
from shared.context import Context
from shared.db import UnitOfWork
from shared.events.ledger import (
    CreditNoteIssuedV1, DisputeOpenedV1, DisputeResolvedV1, InvoiceDueDatesChangedV1, InvoiceRecordedV1,
    InvoiceSettledV1, InvoiceWrittenOffV1, OverdueThresholdV1, PaymentAllocatedV1, PaymentReversedV1,
)
from shared.money import to_minor


# --- the projection: rows <-> the domain's instalment balances ------------------------------

def _balances(rows: list[InstalmentRow]) -> list[InstalmentBalance]:
    return [InstalmentBalance(i.seq, i.due_date, i.amount_minor, i.open_minor) for i in rows]


def _store(receivable: ReceivableRow, rows: list[InstalmentRow], applied: Applied) -> int:
    """Write the new open amounts on the loaded rows (flushed at commit); what was applied."""
    by_seq = {b.seq: b for b in applied.instalments}
    for row in rows:
        row.open_minor = by_seq[row.seq].open_minor
    receivable.open_minor = open_total(applied.instalments)
    return applied.applied_minor


async def _reduce(uow: UnitOfWork, receivable: ReceivableRow, minor: int, seq: int | None = None) -> int:
    rows = await repository.instalments_of(uow, receivable.invoice_number)
    return _store(receivable, rows, reduce(_balances(rows), minor, seq))


async def _rerate(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str, topic: str) -> None:
    """Once per customer and transaction, on the state all of its facts left (a consumer
    batch carries many facts about few customers)."""
    uow.once(("rerate", customer_id), lambda: grading.rerate(deps, uow, ctx, customer_id, f"event:{topic}"))


async def _after_relief(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str, effective: date,
                        topic: str | None) -> None:
    """Overdue debt went down (a payment, settlement, credit note, write-off, a dispute, a due
    date moved later): the overdue hold may go (judged today, or on a later effective date),
    and the sub-scores changed (unless `topic` is None). Both once per customer and
    transaction, hold first."""
    await repository.flush(uow)

    async def lift() -> None:
        await repository.flush(uow)
        await holds.lift_after_payment(deps, uow, ctx, customer_id, max(effective, ctx.today))
    uow.once(("lift-holds", customer_id), lift)
    if topic is not None:
        await _rerate(deps, uow, ctx, customer_id, topic)


# --- invoices --------------------------------------------------------------------------------

async def invoices_recorded(deps: CreditDeps, uow: UnitOfWork,
                            facts: list[tuple[InvoiceRecordedV1, Context]]) -> None:
    """Invoices as the ledger booked them: each instalment with the ledger's own due date and
    amount (credit never interprets payment terms). Facts about an invoice that came first
    (other topics) are applied to it now. A batch (an import publishes thousands) is read
    in a few queries; the customers are re-rated once each."""
    async with uow:
        numbers = [e.invoice_number for e, _ in facts]
        done = await repository.fact_keys(uow, "invoice_recorded", numbers)
        receivables = await repository.receivables_by_number(uow, numbers)
        provisional = await repository.instalments_of_invoices(uow, numbers)
        earlier = await repository.invoices_with_earlier_facts(uow, numbers)
        for e, ctx in facts:
            if e.invoice_number in done:
                continue  # the same invoice again (republished): already projected
            done.add(e.invoice_number)
            await _record(deps, uow, ctx, e, receivables.get(e.invoice_number),
                          {seq: row for (n, seq), row in provisional.items() if n == e.invoice_number},
                          e.invoice_number in earlier)
        await uow.commit()


async def _record(deps: CreditDeps, uow: UnitOfWork, ctx: Context, e: InvoiceRecordedV1,
                  receivable: ReceivableRow | None, provisional: dict[int, InstalmentRow], earlier: bool) -> None:
    amount = to_minor(e.amount, e.currency)
    repository.add(uow, LedgerFactRow(kind="invoice_recorded", key=e.invoice_number, customer_id=e.customer_id,
                                      invoice_number=None, effective_date=e.issue_date, amount_minor=amount,
                                      currency=e.currency))
    schedule = recorded((i.seq, i.due_date, to_minor(i.amount, e.currency)) for i in e.instalments)
    facts = (await _earlier_facts(uow, e.invoice_number, applied=receivable is not None) if earlier
             else EarlierFacts({}))  # due dates the ledger moved since: applied in any case
    caught = catch_up(schedule, facts)
    if receivable is None:
        receivable = ReceivableRow(invoice_number=e.invoice_number, customer_id=e.customer_id,
                                   currency=e.currency, issue_date=e.issue_date, due_date=e.due_date,
                                   amount_minor=amount, open_minor=0, disputed_minor=caught.disputed_minor,
                                   extended_days=0, written_off_minor=caught.written_off_minor, our_fault=False)
        repository.add(uow, receivable)
    receivable.issue_date, receivable.amount_minor = e.issue_date, amount
    receivable.due_date = invoice_due_date(caught.instalments) if facts.due_dates else e.due_date
    receivable.order_ref = e.order_ref
    receivable.open_minor = 0
    for b in caught.instalments:
        row = provisional.get(b.seq)
        if row is None:
            row = InstalmentRow(invoice_number=e.invoice_number, seq=b.seq, customer_id=e.customer_id,
                                currency=e.currency, due_date=b.due_date, amount_minor=b.amount_minor,
                                open_minor=b.open_minor, highest_threshold=0)
            repository.add(uow, row)
        else:  # an overdue fact came first: what the ledger said of it then, or what credit learnt since
            row.due_date, row.amount_minor = b.due_date, b.amount_minor
            row.open_minor = min(b.open_minor, row.open_minor)
        receivable.open_minor += row.open_minor
    if e.order_ref:
        await _release_reservation(deps, uow, ctx, e.order_ref, money(amount, e.currency), e.issue_date)
    await _rerate(deps, uow, ctx, e.customer_id, InvoiceRecordedV1.topic)


async def _earlier_facts(uow: UnitOfWork, invoice_number: str, *, applied: bool) -> EarlierFacts:
    """Allocations recorded for the invoice before it came; and, unless they were applied to
    a provisional projection already, its credit notes, write-offs and open disputes."""
    paid: dict[int, int] = defaultdict(int)
    for p in await repository.repayments_of_invoice(uow, invoice_number):
        paid[p.instalment_seq] += p.amount_minor
    due_dates = {c.seq: c.due_date for c in await repository.due_date_changes_of(uow, invoice_number)}  # latest
    if applied:
        return EarlierFacts(dict(paid), due_dates=due_dates)
    facts = await repository.facts_of_invoice(uow, invoice_number, ("credit_note", "write_off", "dispute_opened",
                                                                    "dispute_resolved"))
    resolved = {f.key for f in facts if f.kind == "dispute_resolved"}
    reductions = [f for f in facts if f.kind in ("credit_note", "write_off")]
    return EarlierFacts(dict(paid), tuple(f.amount_minor for f in reductions),
                        sum(f.amount_minor for f in reductions if f.kind == "write_off"),
                        sum(f.amount_minor for f in facts if f.kind == "dispute_opened" and f.key not in resolved),
                        due_dates)


async def _release_reservation(deps: CreditDeps, uow: UnitOfWork, ctx: Context, order_ref: str, invoiced,
                               on: date) -> None:
    res = await repository.get_reservation(uow, order_ref)
    if res is None or res.released_on is not None:
        return
    mode = release_mode(deps.policy.config.reservation_release, invoiced.currency, res.currency)
    domain = Reservation(res.order_ref, money(res.amount_minor, res.currency), res.expires_on, res.reserved_on)
    update = release_on_invoice([domain], order_ref, invoiced if mode is ReleaseMode.BY_AMOUNT else None, mode)
    if update.remaining:
        res.amount_minor = update.remaining[0].amount.minor
    else:
        res.released_on, res.release_reason = on, "invoiced"
    released = update.released[0].released_amount
    history(uow, res.customer_id, ctx.now, on, "reservation_released",
            f"reservation {order_ref} released by invoice ({released})", order_ref=order_ref, amount=released)


async def invoice_settled(deps: CreditDeps, uow: UnitOfWork, ctx: Context, e: InvoiceSettledV1) -> None:
    async with uow:
        r = await repository.get_receivable(uow, e.invoice_number)
        if r is None or r.settled_on is not None:
            return
        r.settled_on = e.settled_date
        if r.open_minor:
            await _reduce(uow, r, r.open_minor)
        await _after_relief(deps, uow, ctx, e.customer_id, e.settled_date, InvoiceSettledV1.topic)
        await uow.commit()


# --- cash ------------------------------------------------------------------------------------

async def payment_allocated(deps: CreditDeps, uow: UnitOfWork, ctx: Context, e: PaymentAllocatedV1) -> None:
    async with uow:
        changed = False
        for line in e.lines:
            if await repository.get_repayment(uow, e.payment_reference, line.invoice_number,
                                              line.instalment_seq) is not None:
                continue  # this line was applied already
            minor = to_minor(line.amount, e.currency)
            repository.add(uow, RepaymentRow(
                payment_reference=e.payment_reference, invoice_number=line.invoice_number,
                instalment_seq=line.instalment_seq, customer_id=e.customer_id, amount_minor=minor,
                currency=e.currency, due_date=line.due_date, paid_on=e.received_date,
                days_late=max(0, (e.received_date - line.due_date).days), reversed=False))
            r = await repository.get_receivable(uow, line.invoice_number)
            if r is not None:
                await _reduce(uow, r, minor, line.instalment_seq)
            changed = True
        if changed:
            await _after_relief(deps, uow, ctx, e.customer_id, e.effective_date, PaymentAllocatedV1.topic)
        await uow.commit()


async def payment_reversed(deps: CreditDeps, uow: UnitOfWork, ctx: Context, e: PaymentReversedV1) -> None:
    """A bounced payment (空头支票): red flag, the paid lines reopened, holds re-evaluated."""
    async with uow:
        if not await repository.add_fact(uow, "payment_reversed", e.payment_reference, e.customer_id,
                                         e.reversed_date, to_minor(e.amount, e.currency), e.currency):
            return
        paid = {(p.invoice_number, p.instalment_seq): p
                for p in await repository.repayments_of_payment(uow, e.payment_reference)}
        reopened = [(ln.invoice_number, ln.instalment_seq, to_minor(ln.amount, e.currency)) for ln in e.reopened]
        if not reopened:
            reopened = [(k[0], k[1], p.amount_minor) for k, p in paid.items() if not p.reversed]
        for number, seq, minor in reopened:
            p = paid.get((number, seq))
            if p is not None:
                p.reversed = True
            r = await repository.get_receivable(uow, number)
            if r is not None:
                rows = await repository.instalments_of(uow, number)
                _store(r, rows, reopen(_balances(rows), minor, seq))
                r.settled_on = None
        if e.bounced:
            await _flag(uow, ctx, f"bounced:{e.payment_reference}", e.customer_id, RedFlag.BOUNCED_CHEQUE,
                        PaymentReversedV1.topic, e.reversed_date,
                        f"payment {e.payment_reference} bounced: {e.reason}")
        await repository.flush(uow)
        await holds.evaluate_overdue(deps, uow, ctx, e.customer_id, max(e.reversed_date, ctx.today))
        await _rerate(deps, uow, ctx, e.customer_id, PaymentReversedV1.topic)
        await uow.commit()


async def credit_note_issued(deps: CreditDeps, uow: UnitOfWork, ctx: Context, e: CreditNoteIssuedV1) -> None:
    async with uow:
        minor = to_minor(e.amount, e.currency)
        if not await repository.add_fact(uow, "credit_note", e.credit_note_number, e.customer_id, e.issue_date,
                                         minor, e.currency, e.invoice_number):
            return
        r = await repository.get_receivable(uow, e.invoice_number) if e.invoice_number else None
        if r is not None:
            await _reduce(uow, r, minor)
            await _after_relief(deps, uow, ctx, e.customer_id, e.issue_date, None)
        await uow.commit()


async def invoice_written_off(deps: CreditDeps, uow: UnitOfWork, ctx: Context, e: InvoiceWrittenOffV1) -> None:
    """Bad debt (不良欠款): the amount leaves exposure and raises the red flag, unless a
    dispute on the invoice was resolved as our own fault (002 §8.1)."""
    async with uow:
        minor = to_minor(e.amount, e.currency)
        if not await repository.add_fact(uow, "write_off", e.write_off_id, e.customer_id, e.effective_date,
                                         minor, e.currency, e.invoice_number):
            return
        r = await repository.get_receivable(uow, e.invoice_number)
        cause = None
        if r is not None:
            r.written_off_minor += await _reduce(uow, r, minor)
            cause = write_off_cause(r.our_fault)
        await _flag(uow, ctx, f"write_off:{e.write_off_id}", e.customer_id, RedFlag.PRIOR_BAD_DEBT_OR_BREACH,
                    InvoiceWrittenOffV1.topic, e.effective_date,
                    f"invoice {e.invoice_number} written off: {e.reason}", e.invoice_number, cause)
        await _after_relief(deps, uow, ctx, e.customer_id, e.effective_date, InvoiceWrittenOffV1.topic)
        await uow.commit()


async def _flag(uow: UnitOfWork, ctx: Context, key: str, customer_id: str, flag: RedFlag, topic: str, on: date,
                note: str, invoice_number: str | None = None, cause: OwnFaultCause | None = None) -> None:
    if await repository.get_red_flag(uow, key) is not None:
        return
    repository.add(uow, RedFlagRow(source_key=key, customer_id=customer_id, flag=flag.value,
                                   invoice_number=invoice_number, source_topic=topic,
                                   own_fault_cause=cause.value if cause else None, note=note, raised_on=on))
    history(uow, customer_id, ctx.now, on, "red_flag",
            f"red flag {flag.value}{' (excused: our own fault)' if cause else ''}: {note}", flag=flag.value,
            source=key)


# --- overdue, disputes -----------------------------------------------------------------------

async def overdue_thresholds(deps: CreditDeps, uow: UnitOfWork,
                             facts: list[tuple[OverdueThresholdV1, Context]]) -> None:
    """Instalments crossed overdue thresholds (one sweep emits tens of thousands): each
    instalment counts its own thresholds; then, once per customer, holds are evaluated on
    every open instalment (at the hold threshold) and the customer is re-rated — as after
    the customer's last fact of the run, which is what the per-fact order would end in."""
    async with uow:
        known = await repository.instalments_of_invoices(uow, [e.invoice_number for e, _ in facts])
        to_hold: dict[str, tuple[date, Context]] = {}
        to_rerate: dict[str, Context] = {}
        for e, ctx in facts:
            key = (e.invoice_number, e.instalment_seq)
            inst = known.get(key)
            if inst is None:  # its invoice has not reached us (yet): project what the fact says
                inst = known[key] = await _provisional(uow, e)
            if not is_new_threshold(inst.highest_threshold, e.threshold_days):
                continue
            inst.highest_threshold = max(inst.highest_threshold, e.threshold_days)
            if places_overdue_hold(e.threshold_days, deps.policy.holds):
                on = max(e.as_of, to_hold[e.customer_id][0]) if e.customer_id in to_hold else e.as_of
                to_hold[e.customer_id] = (on, ctx)
            if e.threshold_days > 0:
                to_rerate[e.customer_id] = ctx
        await repository.flush(uow)
        # what the per-customer work needs, read for the whole run: most customers of a sweep are
        # on an automatic hold already after its first facts, and few have an assessment
        on_hold = await repository.customers_on_overdue_hold(uow, to_hold)
        for customer_id, (on, ctx) in sorted(to_hold.items()):
            if customer_id not in on_hold:
                await holds.evaluate_overdue(deps, uow, ctx, customer_id, on)
        for customer_id in sorted(await repository.customers_assessed(uow, to_rerate)):
            await _rerate(deps, uow, to_rerate[customer_id], customer_id, OverdueThresholdV1.topic)
        await uow.commit()


async def _provisional(uow: UnitOfWork, e: OverdueThresholdV1) -> InstalmentRow:
    """The instalment as the overdue fact describes it, until `invoice-recorded` completes it."""
    minor = to_minor(e.open_amount, e.currency)
    r = await repository.get_receivable(uow, e.invoice_number)
    if r is None:
        r = ReceivableRow(invoice_number=e.invoice_number, customer_id=e.customer_id, currency=e.currency,
                          issue_date=e.due_date, due_date=e.due_date, amount_minor=0, open_minor=0,
                          disputed_minor=0, order_ref=None, extended_days=0, written_off_minor=0, our_fault=False)
        repository.add(uow, r)
    r.amount_minor += minor
    r.open_minor += minor
    inst = InstalmentRow(invoice_number=e.invoice_number, seq=e.instalment_seq, customer_id=e.customer_id,
                         currency=e.currency, due_date=e.due_date, amount_minor=minor, open_minor=minor,
                         highest_threshold=0)
    repository.add(uow, inst)
    return inst


async def dispute_opened(deps: CreditDeps, uow: UnitOfWork, ctx: Context, e: DisputeOpenedV1) -> None:
    async with uow:
        minor = to_minor(e.amount, e.currency)
        if not await repository.add_fact(uow, "dispute_opened", e.dispute_id, e.customer_id, e.opened_date,
                                         minor, e.currency, e.invoice_number):
            return
        r = await repository.get_receivable(uow, e.invoice_number)
        if r is not None:
            r.disputed_minor += minor
            await _after_relief(deps, uow, ctx, e.customer_id, e.opened_date, None)  # less undisputed overdue
        await uow.commit()


async def dispute_resolved(deps: CreditDeps, uow: UnitOfWork, ctx: Context, e: DisputeResolvedV1) -> None:
    """The disputed amount is released; a dispute found to be our own fault excuses the
    bad-debt flags on its invoice (`domain.red_flags.excused_by_dispute`)."""
    async with uow:
        if not await repository.add_fact(uow, "dispute_resolved", e.dispute_id, e.customer_id, e.resolved_date,
                                         to_minor(e.amount, e.currency), e.currency, e.invoice_number):
            return
        opened = await repository.get_fact(uow, "dispute_opened", e.dispute_id)
        r = await repository.get_receivable(uow, e.invoice_number)
        if r is None:
            await uow.commit()
            return
        r.disputed_minor = released_dispute(r.disputed_minor, opened.amount_minor if opened else None)
        await repository.flush(uow)  # the debt is undisputed again: overdue beyond the threshold, held again
        await holds.evaluate_overdue(deps, uow, ctx, e.customer_id, max(e.resolved_date, ctx.today))
        rows = await repository.red_flags_of_invoice(uow, e.invoice_number)
        excused = set(excused_by_dispute(
            [RaisedFlag(f.source_key, RedFlag(f.flag), OwnFaultCause(f.own_fault_cause) if f.own_fault_cause
                        else None) for f in rows], e.our_fault, r.our_fault))
        r.our_fault = r.our_fault or e.our_fault
        for flag in rows:
            if flag.source_key in excused:
                flag.own_fault_cause = OwnFaultCause.OTHER_NONCONFORMITY.value
        if excused:
            await repository.flush(uow)
            await _rerate(deps, uow, ctx, e.customer_id, DisputeResolvedV1.topic)
        await uow.commit()


# --- due dates ----------------------------------------------------------------------------------

async def due_dates_changed(deps: CreditDeps, uow: UnitOfWork,
                            facts: list[tuple[InvoiceDueDatesChangedV1, Context]]) -> None:
    """The ledger moved an invoice's due dates: a term extension (展期) approved here and
    applied there, or the receipt of a RECEIPT+N invoice. Credit takes the ledger's dates
    (it never moves them by itself), so credit, dunning and reporting follow one fact. Once
    per (invoice, reason, reference); a change for an invoice not recorded yet is kept and
    applied when it comes (`_record`). The hold and the sub-scores follow, once per customer."""
    async with uow:
        numbers = [e.invoice_number for e, _ in facts]
        done = await repository.due_date_changes_applied(uow, {(e.invoice_number, e.reason, e.reference)
                                                               for e, _ in facts})
        receivables = await repository.receivables_by_number(uow, numbers)
        instalments: dict[str, list[InstalmentRow]] = defaultdict(list)
        for (number, _), row in sorted((await repository.instalments_of_invoices(uow, numbers)).items()):
            instalments[number].append(row)
        for e, ctx in facts:
            key = (e.invoice_number, e.reason, e.reference)
            if key in done:
                continue  # the same fact again (republished)
            done.add(key)
            for change in e.instalments:
                repository.add(uow, DueDateChangeRow(
                    invoice_number=e.invoice_number, reason=e.reason, reference=e.reference, seq=change.seq,
                    customer_id=e.customer_id, due_date=change.due_date, previous_due_date=change.previous_due_date,
                    effective_date=e.effective_date))
            r = receivables.get(e.invoice_number)
            if r is None:
                continue  # applied when its invoice comes
            rows = instalments[e.invoice_number]
            moved = {b.seq: b for b in move_due_dates(_balances(rows), {c.seq: c.due_date for c in e.instalments})}
            for row in rows:
                row.due_date = moved[row.seq].due_date
            r.due_date = e.due_date
            if e.reason == "term_extension":
                r.extended_days = (r.extended_days or 0) + extension_days(
                    (c.due_date, c.previous_due_date) for c in e.instalments)
            history(uow, e.customer_id, ctx.now, e.effective_date, "due_dates_changed",
                    f"invoice {e.invoice_number} due {e.due_date} ({e.reason}: {e.reference})",
                    invoice_number=e.invoice_number, reason=e.reason, reference=e.reference, due_date=e.due_date)
            await _after_relief(deps, uow, ctx, e.customer_id, e.effective_date, InvoiceDueDatesChangedV1.topic)
        await uow.commit()
