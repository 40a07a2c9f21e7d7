"""The credit check (the sales hot path) and the override of a `review`.

One select reads the customer's whole state (profile, open items, reservations, holds,
temporary limits and any earlier check of the same order_ref); one insert stores the
result, plus the reservation when asked for. The result is stored as the JSON the client
gets, so a repeat of the same order_ref + body returns the very same bytes; a different
body under the same order_ref is a 409."""
from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, timedelta

import sqlalchemy.exc as sa_exc

from services.credit import repository
from services.credit.context import of
from services.credit.domain.check import (
    CheckDecision, CheckRequest, CheckResult, CustomerCreditState, TemporaryLimit, check_credit,
    override_review,
)
from services.credit.domain.exposure import Reservation, compute_exposure
from services.credit.domain.holds import Hold, HoldKind
from services.credit.domain.receivables import OpenItem, summarize_overdue
from services.credit.handlers.common import actor_of, domain_errors, history
from shared.auth import Principal
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound, ValidationProblem
from shared.events.credit import OrderCreditReservedV1
from shared.money import Money, MoneyError, format_amount

_DUMPS = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def _amount(m: Money | None) -> str | None:
    return None if m is None else format_amount(m.amount)


def request_hash(customer_id: str, amount: Money, order_ref: str, reserve: bool) -> str:
    text = f"{customer_id}\x1f{format_amount(amount.amount)}\x1f{amount.currency}\x1f{order_ref}\x1f{int(reserve)}"
    return hashlib.sha256(text.encode()).hexdigest()


def _state(customer_id: str, st: repository.CheckState, today: date, uow: UnitOfWork):
    p = st.profile
    cur = p.s
    zero = Money.zero(cur)
    items = []
    for r in st.receivables:
        if r.s == cur:
            items.append(OpenItem(r.k, r.d1 + timedelta(days=r.n3 or 0), Money.from_minor(r.n1, cur),
                                  disputed=bool(r.n2)))
    reservations = [Reservation(v.k, Money.from_minor(v.n1, cur), v.d1) for v in st.reservations if v.s == cur]
    exposure = compute_exposure(items, reservations, today, cur, of(uow).policy.exposure)
    overdue = summarize_overdue(items, today, cur)
    holds = tuple(Hold(HoldKind(h.s), h.d1, "", "", h.k) for h in st.holds)
    temporary = tuple(TemporaryLimit(Money.from_minor(t.n1, cur), t.d2, t.d1)
                      for t in st.temporary_limits if t.s == cur)
    state = CustomerCreditState(customer_id, p.k, Money.from_minor(p.n1 or 0, cur), p.n2 or 0, exposure.total,
                                overdue.amount if overdue.amount.is_positive else zero, overdue.max_days_overdue,
                                temporary, holds, bool(p.n3))
    return state, exposure


def render(check_id: str, result: CheckResult, reserve: bool, checked_at: str, exposure=None) -> dict:
    req = result.request
    out = {
        "check_id": check_id, "order_ref": req.order_ref, "customer_id": req.customer_id,
        "decision": result.decision.value,
        "reasons": [{"code": r.code.value, "severity": r.severity.value, "detail": r.detail} for r in result.reasons],
        "amount": _amount(req.amount), "currency": req.amount.currency, "reserve": reserve,
        "grade": result.grade, "credit_currency": result.effective_limit.currency if result.effective_limit else None,
        "limit": _amount(result.effective_limit), "exposure": _amount(result.exposure),
        "available_credit": _amount(result.available_credit),
        "open_receivables": _amount(exposure.open_receivables) if exposure else None,
        "reserved": _amount(exposure.reservations) if exposure else None,
        "reservation": None, "override": None, "checked_at": checked_at,
    }
    if result.reservation is not None:
        out["reservation"] = {"amount": _amount(result.reservation.amount),
                              "expires_on": result.reservation.expires_on.isoformat()}
    return out


async def check(uow: UnitOfWork, principal: Principal, customer_id: str, amount, currency: str, order_ref: str,
                reserve: bool) -> str:
    """Returns the result as JSON text (stored and returned byte for byte on a repeat)."""
    ctx = of(uow)
    try:
        money = Money.of(amount, currency)
    except MoneyError as exc:
        raise ValidationProblem.field("amount", str(exc), "money") from exc
    if not money.is_positive:
        raise ValidationProblem.field("amount", "a credit check needs a positive amount", "positive")
    digest = request_hash(customer_id, money, order_ref, reserve)
    today, now = ctx.clock.today(), ctx.clock.now()
    try:
        async with uow:
            st = await repository.load_check_state(uow, customer_id, order_ref, today)
            if st.existing is not None:
                return _repeat(st.existing.k, st.existing.s, digest, order_ref)
            request = CheckRequest(customer_id, money, order_ref, reserve)
            if st.profile is None:
                result, exposure = check_credit(request, None, today, ctx.policy.check), None
            else:
                state, exposure = _state(customer_id, st, today, uow)
                result = check_credit(request, state, today, ctx.policy.check)
            check_id = uuid.uuid4().hex
            text = _DUMPS(render(check_id, result, reserve, now.isoformat(), exposure))
            await repository.insert_check(uow, {
                "order_ref": order_ref, "check_id": check_id, "customer_id": customer_id, "request_hash": digest,
                "decision": result.decision.value, "result": text, "checked_by": principal.key_id,
                "checked_at": now})
            if result.reservation is not None:
                await _reserve(uow, customer_id, result.reservation, today, result.decision)
            await uow.commit()
            return text
    except sa_exc.IntegrityError:  # the same order_ref checked concurrently: the other one won
        async with uow:
            row = await repository.get_check(uow, order_ref)
        if row is None:
            raise
        return _repeat(row.request_hash, row.result, digest, order_ref)


def _repeat(stored_hash: str, stored: str, digest: str, order_ref: str) -> str:
    if stored_hash != digest:
        raise Conflict(f"order {order_ref!r} was checked with a different request; use a new order_ref",
                       order_ref=order_ref)
    return stored


async def _reserve(uow: UnitOfWork, customer_id: str, reservation: Reservation, today: date,
                   decision: CheckDecision) -> None:
    await repository.insert_reservation(uow, {
        "order_ref": reservation.order_ref, "customer_id": customer_id, "amount_minor": reservation.amount.minor,
        "currency": reservation.amount.currency, "reserved_on": today, "expires_on": reservation.expires_on})
    uow.emit(OrderCreditReservedV1(customer_id=customer_id, order_ref=reservation.order_ref,
                                   amount=reservation.amount.amount, currency=reservation.amount.currency,
                                   decision=decision.value, expires_on=reservation.expires_on))


async def override(uow: UnitOfWork, principal: Principal, order_ref: str, reason: str) -> str:
    """An authorised person approves a `review` with a reason (a reject never)."""
    ctx = of(uow)
    today, now = ctx.clock.today(), ctx.clock.now()
    async with uow:
        row = await repository.get_check(uow, order_ref)
        if row is None:
            raise NotFound(f"no credit check for order {order_ref!r}")
        stored = json.loads(row.result)
        amount = Money.of(stored["amount"], stored["currency"])
        request = CheckRequest(row.customer_id, amount, order_ref, stored["reserve"])
        with domain_errors():
            result = override_review(CheckResult(CheckDecision(row.decision), (), request), actor_of(principal),
                                     reason, now, today, ctx.policy.check)
        stored["decision"] = result.decision.value
        stored["override"] = {"by": principal.key_id, "name": principal.name, "role": result.override.role,
                              "reason": reason, "at": now.isoformat()}
        if result.reservation is not None:
            stored["reservation"] = {"amount": _amount(result.reservation.amount),
                                     "expires_on": result.reservation.expires_on.isoformat()}
            await _reserve(uow, row.customer_id, result.reservation, today, result.decision)
        text = _DUMPS(stored)
        await repository.update_check(uow, order_ref, result.decision.value, text)
        history(uow, row.customer_id, now, today, "check_overridden",
                f"review of order {order_ref} approved by {principal.name}: {reason}", order_ref=order_ref,
                by=principal.key_id, role=result.override.role)
        await uow.commit()
    return text
