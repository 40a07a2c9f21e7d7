"""The ladder: for a batch of open cases, settle promises and plans by today, then take
each item's steps that fell due (domain.ladder.decide) — messages into the message outbox
(delivered after commit by handlers.deliveries), tasks onto the worklist, requests and
legal handoffs as events — all in the batch's one transaction. Each step once per (item,
step, due date): the done steps are read first and a unique constraint guards the rest."""
from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from services.dunning import repository
from services.dunning.deps import DunningDeps
from services.dunning.domain.ladder import Decision, ItemAge, Pauses, decide, is_established, pause_reason
from services.dunning.domain.policies import CHANNEL, HANDOFF_ACTIONS, MESSAGE_ACTIONS, REQUEST_ACTIONS, Step
from services.dunning.domain.promises import Instalment, plan_outcome, promise_outcome
from services.dunning.handlers import policies
from services.dunning.repository import ladder as store
from services.dunning.tables import LegalCaseRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.events.dunning import (
    BlacklistRequestedV1, DunningActionTakenV1, DunningHoldRequestedV1, LegalCaseOpenedV1, PromiseToPayBrokenV1,
    PromiseToPayKeptV1, RepaymentPlanBreachedV1,
)
from shared.money import from_minor


def new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:20]}"


@dataclass
class LadderReport:
    cases: int = 0
    actions: int = 0
    messages: int = 0
    skipped: int = 0
    paused_items: int = 0
    promises_broken: int = 0
    plans_breached: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    def add(self, other: "LadderReport") -> None:
        for name in ("cases", "actions", "messages", "skipped", "paused_items", "promises_broken", "plans_breached"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for k, v in other.by_status.items():
            self.by_status[k] = self.by_status.get(k, 0) + v


async def run(deps: DunningDeps, uow: UnitOfWork, ctx: Context, progress=None) -> LadderReport:
    """Every open case, by ctx.today, in batches of `batch_size` cases, each its own
    transaction; `progress(done_cases, report)` after each."""
    report, after = LadderReport(), ""
    while True:
        async with uow:
            ids = await store.open_case_ids(uow, after, deps.config.batch_size)
        if not ids:
            return report
        async with uow:
            batch = await advance(deps, uow, ctx, ids, ctx.today)
            await uow.commit()
        report.add(batch)
        after = ids[-1]
        if progress is not None:
            progress(report.cases, report)


async def advance(deps: DunningDeps, uow: UnitOfWork, ctx: Context, case_ids: list[str], today: date) -> LadderReport:
    """Inside the caller's transaction: one batch of cases as of `today`."""
    report = LadderReport()
    await policies.ensure_seeded(uow, ctx)
    cases = {c: row for c, row in (await store.cases(uow, case_ids)).items() if row.status == "open"}
    report.cases = len(cases)
    if not cases:
        return report
    items = await store.ladder_items(uow, cases)
    by_case: dict[str, list] = defaultdict(list)
    for item in items:
        by_case[item.case_id].append(item)
    customer_ids = {c.customer_id for c in cases.values()}
    customers = await store.customers(uow, customer_ids)
    contacts = await repository.contacts(uow, customer_ids)
    history = await store.overdue_history(uow, customer_ids)
    done = await store.done_steps(uow, cases)
    policy_of = await policies.load(uow, sorted({(c.policy_name, c.policy_version) for c in cases.values()}))
    promise_until, plan_current = await _settle_promises_and_plans(deps, uow, ctx, cases, today, report)
    legal_open = await repository.open_legal_cases(uow, cases)
    grace = await repository.grace_periods(uow, cases)

    actions, messages, groups = [], [], defaultdict(list)
    for case_id, case in cases.items():
        policy = policy_of.get((case.policy_name, case.policy_version))
        if policy is None:
            continue
        customer = customers.get(case.customer_id)
        established = is_established(customer.grade if customer else None,
                                     customer.onboarded_on if customer else None, today,
                                     history.get(case.customer_id, 0))
        for item in by_case.get(case_id, []):
            pauses = Pauses(disputed=item.disputed_minor > 0, promise_until=promise_until.get(case_id),
                            plan_current=case_id in plan_current, grace_until=grace.get(case_id))
            if pause_reason(pauses, today) is not None:
                report.paused_items += 1
                continue
            taken = done.get((item.invoice_number, item.seq, item.due_date), set())
            open_amount = from_minor(item.open_minor, item.currency)
            for decision in decide(policy, ItemAge(item.due_date, open_amount, established), today, taken):
                row = _action(case, item, decision, today, ctx)
                actions.append(row)
                if decision.status == "execute":
                    groups[(case_id, decision.step.key, item.currency)].append((decision.step, item, row))
    for (case_id, _, currency), members in groups.items():
        case = cases[case_id]
        step = members[0][0]
        if step.action in MESSAGE_ACTIONS:
            message = _message(deps, case, customers.get(case.customer_id), contacts.get(case.customer_id), step,
                               members, currency, today, ctx)
            for _, _, row in members:
                if message is None:
                    row["status"], row["reason"] = "failed", f"no contact for {CHANNEL[step.action]}"
                else:
                    row["status"], row["message_id"] = "queued", message["message_id"]
            if message is not None:
                messages.append(message)
        elif step.action in REQUEST_ACTIONS:
            for _, _, row in members:
                row["status"] = "requested"
            uow.emit(DunningHoldRequestedV1(
                customer_id=case.customer_id, action_id=members[0][2]["action_id"], case_id=case_id,
                kind="stop_supply" if step.action == "stop_supply_request" else "credit_hold",
                reason=f"ladder step {step.key} of policy {case.policy_name}", effective_date=today))
        elif step.action in HANDOFF_ACTIONS:
            for _, _, row in members:
                row["status"] = "done"
            if case_id not in legal_open:
                legal_open[case_id] = open_legal_case(uow, ctx, case, "agency" if step.action == "agency_handoff"
                                                      else "litigation", sum(i.open_minor for _, i, _ in members),
                                                      currency, today)
        else:  # tasks: the performer's worklist
            for _, _, row in members:
                row["status"] = "open"
    await store.insert_actions(uow, actions)
    await store.insert_messages(uow, messages)
    for row in actions:
        report.by_status[row["status"]] = report.by_status.get(row["status"], 0) + 1
        uow.emit(DunningActionTakenV1(
            customer_id=row["customer_id"], action_id=row["action_id"], case_id=row["case_id"],
            invoice_number=row["invoice_number"], instalment_seq=row["seq"], due_date=row["due_date"],
            step=row["step_key"], action=row["action"], status=row["status"], reason=row["reason"],
            effective_date=today))
    report.actions, report.messages = len(actions), len(messages)
    report.skipped = report.by_status.get("skipped", 0)
    await _blacklist_requests(deps, uow, today, cases, by_case, customers)
    return report


def _action(case, item, decision: Decision, today: date, ctx: Context) -> dict:
    return {"action_id": new_id("A"), "case_id": case.case_id, "customer_id": case.customer_id,
            "invoice_number": item.invoice_number, "seq": item.seq, "due_date": item.due_date,
            "step_key": decision.step.key, "action": decision.step.action,
            "performer": "collector" if decision.step.action == "phone_task" else decision.step.performer,
            "status": "skipped" if decision.status == "skipped" else "open", "reason": decision.reason or None,
            "message_id": None, "on_date": today, "created_at": ctx.now, "completed_by": None, "completed_on": None,
            "receipt_returned_on": None}


_ADDRESS = {"email": ("email", "bill_email"), "sms": ("mobile", "bill_mobile"), "letter": ("address", "bill_address")}


def _recipient(channel: str, contact, item) -> tuple[str | None, str | None, str]:
    """(e-mail, mobile or postal address; contact name; language) from the collection
    contact, else the invoice's bill-to. A letter is printed and posted: it needs an address."""
    language = (contact.language if contact else None) or item.bill_language or "zh-CN"
    own, billed = _ADDRESS[channel]
    if contact is not None and getattr(contact, own):
        return getattr(contact, own), contact.name, language
    return getattr(item, billed), item.bill_name, language


def _message(deps: DunningDeps, case, customer, contact, step: Step, members, currency: str, today: date,
             ctx: Context) -> dict | None:
    channel = CHANNEL[step.action]
    latest = max((i for _, i, _ in members), key=lambda i: (i.invoice_number, i.seq))
    recipient, contact_name, language = _recipient(channel, contact, latest)
    if not recipient:
        return None
    total = sum((i.open_minor for _, i, _ in members), 0)
    context = {
        "customer_id": case.customer_id, "customer_name": customer.name if customer and customer.name else None,
        "contact_name": contact_name, "currency": currency, "total": str(from_minor(total, currency)),
        "items": [{"invoice_number": i.invoice_number, "amount": str(from_minor(i.open_minor, currency)),
                   "currency": currency, "due_date": i.due_date.isoformat(),
                   "days_overdue": max(0, (today - i.due_date).days)} for _, i, _ in members],
        "today": today.isoformat(), "case_id": case.case_id, "reference": members[0][2]["action_id"],
        "collector": case.collector, "late_charges": None,
        "pay_by": (today + timedelta(days=deps.config.demand_pay_by_days)).isoformat()
        if step.template in ("demand_letter", "lawyer_letter") else None,
    }
    return {"message_id": new_id("M"), "case_id": case.case_id, "customer_id": case.customer_id,
            "step_key": step.key, "channel": channel, "template": step.template, "language": language,
            "recipient": recipient, "status": "queued", "attempts": 0, "next_attempt_at": ctx.now,
            "last_error": None, "context": json.dumps(context, ensure_ascii=False), "created_at": ctx.now,
            "sent_at": None}


def open_legal_case(uow: UnitOfWork, ctx: Context, case, kind: str, claim_minor: int, currency: str,
                    today: date) -> LegalCaseRow:
    row = LegalCaseRow(legal_case_id=new_id("L"), case_id=case.case_id, customer_id=case.customer_id, kind=kind,
                       stage="letter", claim_minor=claim_minor, currency=currency, opened_on=today,
                       updated_at=ctx.now)
    repository.add(uow, row)
    uow.emit(LegalCaseOpenedV1(customer_id=case.customer_id, legal_case_id=row.legal_case_id, case_id=case.case_id,
                               kind=kind, claim=from_minor(claim_minor, currency), currency=currency, opened_on=today))
    return row


async def _settle_promises_and_plans(deps: DunningDeps, uow: UnitOfWork, ctx: Context, cases, today: date,
                                     report: LadderReport) -> tuple[dict[str, date], set[str]]:
    """Promises kept or broken and plans completed or breached by today; what still pauses."""
    until: dict[str, date] = {}
    for p in await repository.open_promises(uow, cases):
        amount, paid = from_minor(p.amount_minor, p.currency), from_minor(p.paid_minor, p.currency)
        outcome = promise_outcome(amount, paid, p.promised_date, deps.config.promise_grace_days, today)
        if outcome == "open":
            end = p.promised_date + timedelta(days=deps.config.promise_grace_days)
            until[p.case_id] = max(until.get(p.case_id, end), end)
            continue
        p.status, p.closed_on = outcome, today
        if outcome == "kept":
            uow.emit(PromiseToPayKeptV1(customer_id=p.customer_id, promise_id=p.promise_id,
                                        promised_date=p.promised_date, amount=amount, currency=p.currency,
                                        kept_on=today))
        else:
            report.promises_broken += 1
            uow.emit(PromiseToPayBrokenV1(customer_id=p.customer_id, promise_id=p.promise_id,
                                          promised_date=p.promised_date, amount=amount, currency=p.currency,
                                          broken_on=today))
    current: set[str] = set()
    plans = await repository.current_plans(uow, cases)
    schedule = await repository.instalments(uow, [p.plan_id for p in plans])
    for plan in plans:
        lines = [Instalment(i.due_date, from_minor(i.amount_minor, plan.currency)) for i in schedule[plan.plan_id]]
        paid = from_minor(plan.paid_minor, plan.currency)
        outcome = plan_outcome(lines, paid, deps.config.plan_grace_days, today)
        if outcome == "current":
            current.add(plan.case_id)
            continue
        plan.status, plan.closed_on = outcome, today
        if outcome == "breached":
            report.plans_breached += 1
            uow.emit(RepaymentPlanBreachedV1(customer_id=plan.customer_id, plan_id=plan.plan_id,
                                             case_id=plan.case_id, amount=from_minor(plan.amount_minor, plan.currency),
                                             paid=paid, currency=plan.currency, breached_on=today))
    return until, current


async def _blacklist_requests(deps: DunningDeps, uow: UnitOfWork, today: date, cases, by_case, customers) -> None:
    """003: after N items 90+ days overdue, ask credit once to blacklist the customer."""
    limit = deps.config.blacklist_after_items
    if limit is None:
        return
    asked = []
    for case_id, case in cases.items():
        long_overdue = sum(1 for i in by_case.get(case_id, []) if (today - i.due_date).days >= 90)
        customer = customers.get(case.customer_id)
        if long_overdue < limit or customer is None or customer.blacklisted or customer.blacklist_requested_on:
            continue
        asked.append(case.customer_id)
        uow.emit(BlacklistRequestedV1(customer_id=case.customer_id, overdue_items=long_overdue,
                                      reason=f"{long_overdue} items 90+ days overdue", effective_date=today))
    await store.blacklist_requested(uow, asked, today)

