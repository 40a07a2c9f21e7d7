"""What the ledger's and dunning's events change in credit: the receivable projection
(exposure), repayment history and purchases (sub-scores), red flags, holds, reservations.

Every handler joins the consumer batch's transaction and is idempotent on its business
key (invoice number, payment reference + line, credit note, write-off, dispute, promise),
besides the inbox's event-id dedup. Customers with an assessment are re-rated when a fact
changes a sub-score."""
from __future__ import annotations

from datetime import date

from services.credit import repository
from services.credit.context import of
from services.credit.domain.exposure import ReleaseMode, Reservation, release_on_invoice
from services.credit.domain.red_flags import OwnFaultCause, RedFlag
from services.credit.handlers import grading, holds
from services.credit.handlers.common import history, money
from services.credit.tables import BrokenPromiseRow, ReceivableRow, RedFlagRow, RepaymentRow
from shared.db import UnitOfWork
from shared.errors import RuleError
from shared.events.dunning import PromiseToPayBrokenV1
from shared.events.ledger import (
    CreditNoteIssuedV1, DisputeOpenedV1, DisputeResolvedV1, InvoiceRecordedV1, InvoiceSettledV1,
    InvoiceWrittenOffV1, OverdueThresholdV1, PaymentAllocatedV1, PaymentReversedV1,
)
from shared.money import to_minor


def _sync_due(r: ReceivableRow) -> None:
    """due_date = the earliest instalment still open (or the last one once all are paid)."""
    open_ = [i for i in r.instalments if i["open_minor"] > 0]
    pick = open_ or r.instalments[-1:]
    if pick:
        r.due_date = min(date.fromisoformat(i["due_date"]) for i in pick)
    r.open_minor = sum(i["open_minor"] for i in r.instalments)


def _reduce(r: ReceivableRow, minor: int, seq: int | None = None) -> int:
    """Take `minor` off the open amount (a given instalment first, then oldest first);
    returns what could be applied. JSON columns are replaced, not mutated in place."""
    items = [dict(i) for i in r.instalments]
    left = minor
    order = sorted(items, key=lambda i: (i["seq"] != seq, i["due_date"], i["seq"]))
    for inst in order:
        take = min(left, inst["open_minor"])
        inst["open_minor"] -= take
        left -= take
        if not left:
            break
    r.instalments = items
    _sync_due(r)
    return minor - left


def _reopen(r: ReceivableRow, minor: int, seq: int) -> None:
    items = [dict(i) for i in r.instalments]
    target = next((i for i in items if i["seq"] == seq), items[0] if items else None)
    if target is not None:
        target["open_minor"] = min(target["amount_minor"], target["open_minor"] + minor)
    r.instalments = items
    r.settled_on = None
    _sync_due(r)


async def _rerate(uow: UnitOfWork, customer_id: str, topic: str) -> None:
    await grading.rerate(uow, customer_id, f"event:{topic}")


async def _apply(uow: UnitOfWork, fn) -> None:
    async with uow:
        await fn()
        await uow.commit()


# --- invoices ------------------------------------------------------------------------------

async def invoice_recorded(uow: UnitOfWork, e: InvoiceRecordedV1) -> None:
    """The invoice as the ledger booked it: its instalments with the ledger's own due dates
    and amounts (credit never interprets payment terms itself)."""
    async def run():
        if await repository.get_receivable(uow, e.invoice_number) is not None:
            return  # the same invoice again (republished): already projected
        instalments = [{"seq": i.seq, "due_date": i.due_date.isoformat(), "amount_minor": to_minor(i.amount, e.currency),
                        "open_minor": to_minor(i.amount, e.currency)} for i in e.instalments]
        amount = to_minor(e.amount, e.currency)
        row = ReceivableRow(invoice_number=e.invoice_number, customer_id=e.customer_id, currency=e.currency,
                            issue_date=e.issue_date, due_date=e.due_date, amount_minor=amount,
                            open_minor=amount, disputed_minor=0, instalments=instalments, order_ref=e.order_ref,
                            highest_threshold=0, extended_days=0, written_off_minor=0, our_fault=False)
        _sync_due(row)
        uow.session.add(row)
        if e.order_ref:
            await _release_reservation(uow, e.order_ref, money(amount, e.currency), e.issue_date)
        await _rerate(uow, e.customer_id, InvoiceRecordedV1.topic)
    await _apply(uow, run)


async def _release_reservation(uow: UnitOfWork, order_ref: str, invoiced, on: date) -> None:
    ctx = of(uow)
    res = await repository.get_reservation(uow, order_ref)
    if res is None or res.released_on is not None:
        return
    mode = ctx.policy.config.reservation_release
    if invoiced.currency != res.currency:
        mode = ReleaseMode.FULL
    domain = Reservation(res.order_ref, money(res.amount_minor, res.currency), res.expires_on, res.reserved_on)
    update = release_on_invoice([domain], order_ref, invoiced if mode is ReleaseMode.BY_AMOUNT else None, mode)
    if update.remaining:
        res.amount_minor = update.remaining[0].amount.minor
    else:
        res.released_on, res.release_reason = on, "invoiced"
    uow.session.add(res)
    released = update.released[0].released_amount
    history(uow, res.customer_id, ctx.clock.now(), on, "reservation_released",
            f"reservation {order_ref} released by invoice ({released})", order_ref=order_ref, amount=released)


async def invoice_settled(uow: UnitOfWork, e: InvoiceSettledV1) -> None:
    async def run():
        r = await repository.get_receivable(uow, e.invoice_number)
        if r is None or r.settled_on is not None:
            return
        r.settled_on = e.settled_date
        if r.open_minor:
            _reduce(r, r.open_minor)
        uow.session.add(r)
        await holds.lift_after_payment(uow, e.customer_id, max(e.settled_date, of(uow).clock.today()))
        await _rerate(uow, e.customer_id, InvoiceSettledV1.topic)
    await _apply(uow, run)


# --- cash ------------------------------------------------------------------------------------

async def payment_allocated(uow: UnitOfWork, e: PaymentAllocatedV1) -> None:
    async def run():
        changed = False
        for line in e.lines:
            if await repository.get_repayment(uow, e.payment_reference, line.invoice_number,
                                              line.instalment_seq) is not None:
                continue  # this line was applied already
            minor = to_minor(line.amount, e.currency)
            uow.session.add(RepaymentRow(
                payment_reference=e.payment_reference, invoice_number=line.invoice_number,
                instalment_seq=line.instalment_seq, customer_id=e.customer_id, amount_minor=minor,
                currency=e.currency, due_date=line.due_date, paid_on=e.received_date,
                days_late=max(0, (e.received_date - line.due_date).days), reversed=False))
            r = await repository.get_receivable(uow, line.invoice_number)
            if r is not None:
                _reduce(r, minor, line.instalment_seq)
                uow.session.add(r)
            changed = True
        if changed:
            await uow.session.flush()
            await holds.lift_after_payment(uow, e.customer_id, max(e.effective_date, of(uow).clock.today()))
            await _rerate(uow, e.customer_id, PaymentAllocatedV1.topic)
    await _apply(uow, run)


async def payment_reversed(uow: UnitOfWork, e: PaymentReversedV1) -> None:
    """A bounced payment (空头支票): red flag, the paid lines reopened, holds re-evaluated."""
    async def run():
        if not await repository.add_fact(uow, "payment_reversed", e.payment_reference, e.customer_id,
                                         e.reversed_date, to_minor(e.amount, e.currency), e.currency):
            return
        paid = {(p.invoice_number, p.instalment_seq): p
                for p in await repository.repayments_of_payment(uow, e.payment_reference)}
        reopen = [(ln.invoice_number, ln.instalment_seq, to_minor(ln.amount, e.currency)) for ln in e.reopened]
        if not reopen:
            reopen = [(k[0], k[1], p.amount_minor) for k, p in paid.items() if not p.reversed]
        for number, seq, minor in reopen:
            p = paid.get((number, seq))
            if p is not None:
                p.reversed = True
                uow.session.add(p)
            r = await repository.get_receivable(uow, number)
            if r is not None:
                _reopen(r, minor, seq)
                uow.session.add(r)
        if e.bounced:
            await _flag(uow, f"bounced:{e.payment_reference}", e.customer_id, RedFlag.BOUNCED_CHEQUE,
                        PaymentReversedV1.topic, e.reversed_date, f"payment {e.payment_reference} bounced: {e.reason}")
        await uow.session.flush()
        await holds.evaluate_overdue(uow, e.customer_id, max(e.reversed_date, of(uow).clock.today()))
        await _rerate(uow, e.customer_id, PaymentReversedV1.topic)
    await _apply(uow, run)


async def credit_note_issued(uow: UnitOfWork, e: CreditNoteIssuedV1) -> None:
    async def run():
        minor = to_minor(e.amount, e.currency)
        if not await repository.add_fact(uow, "credit_note", e.credit_note_number, e.customer_id, e.issue_date,
                                         minor, e.currency, e.invoice_number):
            return
        r = await repository.get_receivable(uow, e.invoice_number) if e.invoice_number else None
        if r is None:
            return
        _reduce(r, minor)
        uow.session.add(r)
        await uow.session.flush()
        await holds.lift_after_payment(uow, e.customer_id, max(e.issue_date, of(uow).clock.today()))
    await _apply(uow, run)


async def invoice_written_off(uow: UnitOfWork, e: InvoiceWrittenOffV1) -> None:
    """Bad debt (不良欠款): the amount leaves exposure and raises the red flag, unless a
    dispute on the invoice was resolved as our own fault (002 §8.1)."""
    async def run():
        minor = to_minor(e.amount, e.currency)
        if not await repository.add_fact(uow, "write_off", e.write_off_id, e.customer_id, e.effective_date,
                                         minor, e.currency, e.invoice_number):
            return
        r = await repository.get_receivable(uow, e.invoice_number)
        cause = None
        if r is not None:
            r.written_off_minor += _reduce(r, minor)
            uow.session.add(r)
            cause = OwnFaultCause.OTHER_NONCONFORMITY if r.our_fault else None
        await _flag(uow, f"write_off:{e.write_off_id}", e.customer_id, RedFlag.PRIOR_BAD_DEBT_OR_BREACH,
                    InvoiceWrittenOffV1.topic, e.effective_date,
                    f"invoice {e.invoice_number} written off: {e.reason}", e.invoice_number, cause)
        await uow.session.flush()
        await holds.lift_after_payment(uow, e.customer_id, max(e.effective_date, of(uow).clock.today()))
        await _rerate(uow, e.customer_id, InvoiceWrittenOffV1.topic)
    await _apply(uow, run)


async def _flag(uow: UnitOfWork, key: str, customer_id: str, flag: RedFlag, topic: str, on: date, note: str,
                invoice_number: str | None = None, cause: OwnFaultCause | None = None) -> None:
    if await repository.get_red_flag(uow, key) is not None:
        return
    uow.session.add(RedFlagRow(source_key=key, customer_id=customer_id, flag=flag.value,
                               invoice_number=invoice_number, source_topic=topic,
                               own_fault_cause=cause.value if cause else None, note=note, raised_on=on))
    history(uow, customer_id, of(uow).clock.now(), on, "red_flag",
            f"red flag {flag.value}{' (excused: our own fault)' if cause else ''}: {note}", flag=flag.value,
            source=key)


# --- overdue, disputes, promises -------------------------------------------------------------

async def overdue_threshold(uow: UnitOfWork, e: OverdueThresholdV1) -> None:
    async def run():
        r = await repository.get_receivable(uow, e.invoice_number)
        if r is None:  # the invoice itself has not reached us (yet): project what the event says
            minor = to_minor(e.open_amount, e.currency)
            r = ReceivableRow(invoice_number=e.invoice_number, customer_id=e.customer_id, currency=e.currency,
                              issue_date=e.due_date, due_date=e.due_date, amount_minor=minor, open_minor=minor,
                              disputed_minor=0, order_ref=None, highest_threshold=0, extended_days=0,
                              written_off_minor=0, our_fault=False,
                              instalments=[{"seq": e.instalment_seq, "due_date": e.due_date.isoformat(),
                                            "amount_minor": minor, "open_minor": minor}])
        if e.threshold_days <= r.highest_threshold and r.highest_threshold:
            return
        r.highest_threshold = max(r.highest_threshold, e.threshold_days)
        uow.session.add(r)
        await uow.session.flush()
        if e.threshold_days >= of(uow).policy.holds.overdue_threshold_days:
            await holds.evaluate_overdue(uow, e.customer_id, e.as_of)
        if e.threshold_days > 0:
            await _rerate(uow, e.customer_id, OverdueThresholdV1.topic)
    await _apply(uow, run)


async def dispute_opened(uow: UnitOfWork, e: DisputeOpenedV1) -> None:
    async def run():
        minor = to_minor(e.amount, e.currency)
        if not await repository.add_fact(uow, "dispute_opened", e.dispute_id, e.customer_id, e.opened_date,
                                         minor, e.currency, e.invoice_number):
            return
        r = await repository.get_receivable(uow, e.invoice_number)
        if r is not None:
            r.disputed_minor += minor
            uow.session.add(r)
    await _apply(uow, run)


async def dispute_resolved(uow: UnitOfWork, e: DisputeResolvedV1) -> None:
    async def run():
        if not await repository.add_fact(uow, "dispute_resolved", e.dispute_id, e.customer_id, e.resolved_date,
                                         to_minor(e.amount, e.currency), e.currency, e.invoice_number):
            return
        opened = await repository.get_fact(uow, "dispute_opened", e.dispute_id)
        r = await repository.get_receivable(uow, e.invoice_number)
        if r is None:
            return
        r.disputed_minor = max(0, r.disputed_minor - (opened.amount_minor if opened else r.disputed_minor))
        excused = False
        if e.our_fault and not r.our_fault:
            r.our_fault = True
            for flag in await repository.red_flags_of_invoice(uow, e.invoice_number):
                if flag.flag == RedFlag.PRIOR_BAD_DEBT_OR_BREACH and flag.own_fault_cause is None:
                    flag.own_fault_cause = OwnFaultCause.OTHER_NONCONFORMITY.value
                    uow.session.add(flag)
                    excused = True
        uow.session.add(r)
        if excused:
            await uow.session.flush()
            await _rerate(uow, e.customer_id, DisputeResolvedV1.topic)
    await _apply(uow, run)


async def promise_broken(uow: UnitOfWork, e: PromiseToPayBrokenV1) -> None:
    async def run():
        if await repository.get_broken_promise(uow, e.promise_id) is not None:
            return
        uow.session.add(BrokenPromiseRow(promise_id=e.promise_id, customer_id=e.customer_id,
                                         promised_date=e.promised_date, amount_minor=to_minor(e.amount, e.currency),
                                         currency=e.currency, broken_on=e.broken_on))
        history(uow, e.customer_id, of(uow).clock.now(), e.broken_on, "promise_broken",
                f"promise {e.promise_id} to pay {e.amount} {e.currency} by {e.promised_date} broken",
                promise_id=e.promise_id)
        await uow.session.flush()
        await _rerate(uow, e.customer_id, PromiseToPayBrokenV1.topic)
    await _apply(uow, run)


def extend(r: ReceivableRow, days: int) -> None:
    r.extended_days = (r.extended_days or 0) + days

