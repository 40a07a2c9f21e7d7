"""The read side of dunning's GET routes. Collectors see their own cases, the others all."""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from services.dunning import delivery, repository
from services.dunning.deps import DunningDeps
from services.dunning.domain.ladder import Pauses, pause_reason
from services.dunning.domain.legal import missing_evidence, worth_suing
from services.dunning.domain.policies import CHANNEL
from services.dunning.domain.worklist import CaseFacts, cooperation_of, score
from services.dunning.handlers import policies
from services.dunning.handlers.collection import case_for, sees_all
from services.dunning.repository import lists
from services.dunning.tables import ActionRow, CaseRow, ConcessionRow, ItemRow, LegalCaseRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound
from shared.money import from_minor


def _visible_collector(ctx: Context, asked: str | None) -> str | None:
    """A collector's lists are its own, whatever it asks for."""
    return asked if sees_all(ctx) else ctx.name


def _days(item: ItemRow, today: date) -> int:
    return max(0, (today - item.due_date).days) if item.due_date else 0


def _summary(case: CaseRow, items: list[ItemRow], today: date) -> dict:
    open_items = [i for i in items if i.status == "open"]
    currency = open_items[0].currency if open_items else (items[0].currency if items else None)
    minor = sum(i.open_minor for i in open_items if i.currency == currency)
    return {"case_id": case.case_id, "customer_id": case.customer_id, "status": case.status,
            "policy": case.policy_name, "policy_version": case.policy_version, "collector": case.collector,
            "opened_on": case.opened_on, "closed_on": case.closed_on, "currency": currency,
            "open_amount": from_minor(minor, currency) if currency else Decimal("0.00"),
            "max_days_overdue": max((_days(i, today) for i in open_items), default=0)}


def _action(a: ActionRow) -> dict:
    return {"action_id": a.action_id, "case_id": a.case_id, "customer_id": a.customer_id,
            "invoice_number": a.invoice_number, "seq": a.seq, "due_date": a.due_date, "step": a.step_key,
            "action": a.action, "channel": CHANNEL.get(a.action), "performer": a.performer, "status": a.status,
            "reason": a.reason, "on_date": a.on_date, "message_id": a.message_id, "completed_by": a.completed_by,
            "receipt_returned_on": a.receipt_returned_on}


async def cases(deps: DunningDeps, uow: UnitOfWork, ctx: Context, *, customer_id, status, collector, limit,
                offset) -> dict:
    async with uow:
        rows, total = await lists.cases_page(uow, customer_id=customer_id, status=status,
                                             collector=_visible_collector(ctx, collector), limit=limit, offset=offset)
        items = await lists.items_of_cases(uow, [c.case_id for c in rows])
        return {"items": [_summary(c, items[c.case_id], ctx.today) for c in rows], "total": total, "limit": limit,
                "offset": offset}


async def case(deps: DunningDeps, uow: UnitOfWork, ctx: Context, case_id: str) -> dict:
    async with uow:
        row = await case_for(uow, ctx, case_id)
        items = await repository.case_items(uow, case_id)
        promises = await lists.case_promises(uow, case_id)
        plans = await lists.case_plans(uow, case_id)
        schedule = await repository.instalments(uow, [p.plan_id for p in plans])
        actions = await lists.case_actions(uow, case_id)
        log = await lists.contact_log(uow, case_id)
        health = await lists.channel_health(uow, case_id)
        found = await policies.load(uow, [(row.policy_name, row.policy_version)])
        escalations = await repository.escalations_of(uow, case_id)
        concessions = await repository.concessions_of(uow, case_id)
    grace = deps.config.promise_grace_days
    open_promise = max((p.promised_date for p in promises if p.status == "open"), default=None)
    pauses_common = Pauses(promise_until=open_promise and date.fromordinal(open_promise.toordinal() + grace),
                           plan_current=any(p.status == "current" for p in plans),
                           grace_until=max((c.until for c in concessions if c.until), default=None))
    item_out, pauses = [], set()
    for i in items:
        reason = None
        if i.status == "open":
            reason = pause_reason(Pauses(i.disputed_minor > 0, pauses_common.promise_until, pauses_common.plan_current,
                                         pauses_common.grace_until), ctx.today)
        if reason:
            pauses.add(reason)
        item_out.append({"invoice_number": i.invoice_number, "seq": i.seq, "due_date": i.due_date,
                         "days_overdue": _days(i, ctx.today), "amount": from_minor(i.amount_minor, i.currency),
                         "open_amount": from_minor(i.open_minor, i.currency), "currency": i.currency,
                         "status": i.status, "paused": reason})
    policy = next(iter(found.values()), None)
    due = []
    if policy is not None and row.status == "open":
        for i in items:
            if i.status != "open" or i.due_date is None:
                continue
            taken = {a.step_key for a in actions if (a.invoice_number, a.seq, a.due_date) == (i.invoice_number, i.seq,
                                                                                              i.due_date)}
            nxt = next((s for s in policy.steps if not s.optional and s.key not in taken), None)
            if nxt is not None:
                due.append({"invoice_number": i.invoice_number, "seq": i.seq, "step": nxt.key, "action": nxt.action,
                            "on": date.fromordinal(i.due_date.toordinal() + nxt.day)})
    channels: dict[str, dict] = {}
    for channel, status, count, error in health:
        c = channels.setdefault(channel, {"channel": channel, "sent": 0, "queued": 0, "failed": 0,
                                          "last_error": None})
        c[status] = c.get(status, 0) + count
        c["last_error"] = c["last_error"] or error
    return {**_summary(row, items, ctx.today), "items": item_out, "steps_done": [_action(a) for a in actions],
            "steps_due": due, "pauses": sorted(pauses),
            "promises": [_promise(p) for p in promises],
            "plans": [_plan(p, schedule[p.plan_id]) for p in plans],
            "contact_log": [{"entry_id": e.entry_id, "case_id": e.case_id, "on_date": e.on_date, "channel": e.channel,
                             "outcome": e.outcome, "reason_code": e.reason_code, "notes": e.notes,
                             "next_action_date": e.next_action_on, "by": e.by} for e in log],
            "channels": list(channels.values()),
            "escalations": [{"escalation_id": e.escalation_id, "level": e.level, "handed_to": e.handed_to,
                             "reason": e.reason, "decision": e.decision, "on_date": e.on_date, "by": e.by}
                            for e in escalations],
            "concessions": [concession(c) for c in concessions]}


def concession(c) -> dict:
    return {"concession_id": c.concession_id, "case_id": c.case_id, "kind": c.kind,
            "amount": from_minor(c.amount_minor, c.currency) if c.amount_minor is not None else None,
            "currency": c.currency, "days": c.days, "reason": c.reason, "status": c.status,
            "requested_by": c.requested_by, "requested_on": c.requested_on, "decided_by": c.decided_by,
            "decided_on": c.decided_on, "until": c.until}


def _promise(p) -> dict:
    return {"promise_id": p.promise_id, "case_id": p.case_id, "amount": from_minor(p.amount_minor, p.currency),
            "paid": from_minor(p.paid_minor, p.currency), "currency": p.currency, "promised_date": p.promised_date,
            "made_on": p.made_on, "status": p.status, "closed_on": p.closed_on}


def _plan(p, lines) -> dict:
    return {"plan_id": p.plan_id, "case_id": p.case_id, "amount": from_minor(p.amount_minor, p.currency),
            "paid": from_minor(p.paid_minor, p.currency), "currency": p.currency, "status": p.status,
            "created_on": p.created_on, "parties": p.parties, "cause": p.cause,
            "interest_formula": p.interest_formula, "notarised": p.notarised,
            "instalments": [{"seq": i.seq, "due_date": i.due_date, "amount": from_minor(i.amount_minor, p.currency)}
                            for i in lines]}


async def promise(deps, uow, ctx, case_id: str, promise_id: str) -> dict:
    async with uow:
        return next(_promise(p) for p in await lists.case_promises(uow, case_id) if p.promise_id == promise_id)


async def plan(deps, uow, ctx, case_id: str, plan_id: str) -> dict:
    async with uow:
        p = next(p for p in await lists.case_plans(uow, case_id) if p.plan_id == plan_id)
        return _plan(p, (await repository.instalments(uow, [plan_id]))[plan_id])


async def contact_entry(deps, uow, ctx, case_id: str, entry_id: str) -> dict:
    return next(e for e in (await case(deps, uow, ctx, case_id))["contact_log"] if e["entry_id"] == entry_id)


async def concession_of(deps, uow, ctx, concession_id: str) -> dict:
    async with uow:
        row = await repository.get(uow, ConcessionRow, concession_id)
        return concession(row)


async def worklist(deps: DunningDeps, uow: UnitOfWork, ctx: Context, *, collector, limit, offset) -> dict:
    async with uow:
        rows = await lists.open_cases(uow, _visible_collector(ctx, collector))
        ids = [c.case_id for c in rows]
        items = await lists.items_of_cases(uow, ids)
        customers = await repository.customers(uow, {c.customer_id for c in rows})
        broken = await lists.broken_promises(uow, {c.customer_id for c in rows})
        last = await lists.last_contacts(uow, ids)
        tasks = await lists.open_tasks(uow, ids)
    out = []
    for c in rows:
        s = _summary(c, items[c.case_id], ctx.today)
        customer = customers.get(c.customer_id)
        grade = customer.grade if customer else None
        total, parts = score(CaseFacts(s["open_amount"], s["max_days_overdue"], grade, broken.get(c.customer_id, 0),
                                       cooperation_of(last[c.case_id].outcome if c.case_id in last else None)))
        out.append({"case_id": c.case_id, "customer_id": c.customer_id,
                    "customer_name": customer.name if customer else None, "collector": c.collector, "score": total,
                    "parts": parts, "open_amount": s["open_amount"], "currency": s["currency"],
                    "max_days_overdue": s["max_days_overdue"], "grade": grade,
                    "broken_promises": broken.get(c.customer_id, 0),
                    "next_action_date": last[c.case_id].next_action_on if c.case_id in last else None,
                    "open_tasks": sorted(tasks.get(c.case_id, []))})
    out.sort(key=lambda w: (-w["score"], -w["open_amount"], w["case_id"]))
    return {"items": out[offset:offset + limit], "total": len(out), "limit": limit, "offset": offset}


async def actions(deps: DunningDeps, uow: UnitOfWork, ctx: Context, *, customer_id, case_id, status, limit,
                  offset) -> dict:
    async with uow:
        rows, total = await lists.actions_page(uow, customer_id=customer_id, case_id=case_id, status=status,
                                               collector=None if sees_all(ctx) else ctx.name, limit=limit,
                                               offset=offset)
        return {"items": [_action(a) for a in rows], "total": total, "limit": limit, "offset": offset}


async def action(deps: DunningDeps, uow: UnitOfWork, ctx: Context, action_id: str) -> dict:
    async with uow:
        found = await repository.get(uow, ActionRow, action_id)
        if found is None:
            raise NotFound(f"no action {action_id!r}")
        await case_for(uow, ctx, found.case_id)
        return _action(found)


async def document(deps: DunningDeps, uow: UnitOfWork, ctx: Context, action_id: str) -> bytes:
    """The rendered letter of a letter step, as a PDF."""
    async with uow:
        action = await repository.get(uow, ActionRow, action_id)
        if action is None:
            raise NotFound(f"no action {action_id!r}")
        await case_for(uow, ctx, action.case_id)
        m = await lists.message(uow, action.message_id) if action.message_id else None
    if m is None or m.channel != "letter":
        raise NotFound(f"action {action_id} has no letter")
    try:
        return delivery.render_pdf(delivery.Letter(m.channel, m.template, m.language, m.recipient,
                                                   json.loads(m.context)))
    except delivery.DeliveryError as e:
        raise Conflict(f"the letter cannot be rendered: {e.reason}", "action_id", "document.unavailable") from None


def _legal(r: LegalCaseRow) -> dict:
    evidence = [e for e in r.evidence.split(",") if e]
    claim = from_minor(r.claim_minor, r.currency)
    estimated = from_minor(r.estimated_cost_minor, r.currency) if r.estimated_cost_minor is not None else None
    return {"legal_case_id": r.legal_case_id, "case_id": r.case_id, "customer_id": r.customer_id, "kind": r.kind,
            "stage": r.stage, "claim": claim, "currency": r.currency, "court_case_number": r.court_case_number,
            "counsel": r.counsel, "risk_view": r.risk_view, "property_preservation": r.property_preservation,
            "costs": from_minor(r.costs_minor, r.currency), "estimated_cost": estimated,
            "expected_recovery_percent": r.expected_recovery_percent,
            "worth_suing": worth_suing(claim, Decimal(r.expected_recovery_percent), estimated)
            if estimated is not None and r.expected_recovery_percent is not None else None,
            "expected_close_on": r.expected_close_on, "outcome": r.outcome, "evidence": evidence,
            "missing_evidence": missing_evidence(set(evidence)), "opened_on": r.opened_on, "closed_on": r.closed_on,
            "updated_at": r.updated_at}


async def legal_cases(deps: DunningDeps, uow: UnitOfWork, ctx: Context, *, stage, customer_id, limit,
                      offset) -> dict:
    async with uow:
        rows, total = await lists.legal_page(uow, stage=stage, customer_id=customer_id, limit=limit, offset=offset)
        return {"items": [_legal(r) for r in rows], "total": total, "limit": limit, "offset": offset}


async def legal_case(deps: DunningDeps, uow: UnitOfWork, ctx: Context, legal_case_id: str) -> dict:
    async with uow:
        row = await repository.get(uow, LegalCaseRow, legal_case_id)
        if row is None:
            raise NotFound(f"no legal case {legal_case_id!r}")
        return _legal(row)
