"""The collectors' work on a case: contacts, the contact log, promises to pay and repayment
plans (each one transaction, emitting its fact)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.dunning import repository
from services.dunning.auth import MANAGERS
from services.dunning.deps import DunningDeps
from services.dunning.domain.ladder import check_follow_up
from services.dunning.domain.promises import Instalment, check_plan, check_promise
from services.dunning.handlers.ladder import new_id
from services.dunning.tables import (
    ActionRow, CaseRow, ContactLogRow, ContactRow, PlanInstalmentRow, PlanRow, PromiseRow,
)
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound, RuleError
from shared.events.dunning import PromiseToPayMadeV1, RepaymentPlanCreatedV1
from shared.money import from_minor, to_minor, MoneyError


def sees_all(ctx: Context) -> bool:
    return any(ctx.has(role) for role in MANAGERS)


async def case_for(uow: UnitOfWork, ctx: Context, case_id: str, *, open_only: bool = False) -> CaseRow:
    """The case, if the caller may see it (a collector: only its own)."""
    case = await repository.get(uow, CaseRow, case_id)
    if case is None or not (sees_all(ctx) or case.collector == ctx.name):
        raise NotFound(f"no collection case {case_id!r}")
    if open_only and case.status != "open":
        raise Conflict(f"case {case_id} is closed", "case_id", "case.closed")
    return case


async def open_total(uow: UnitOfWork, case_id: str, currency: str) -> Decimal:
    minor = sum(i.open_minor for i in await repository.case_items(uow, case_id)
                if i.status == "open" and i.currency == currency)
    return from_minor(minor, currency)


def minor_units(amount: Decimal, currency: str, field: str) -> int:
    try:
        return to_minor(amount, currency)
    except MoneyError as e:
        raise RuleError(str(e), field, "amount.scale") from None


async def put_contact(deps: DunningDeps, uow: UnitOfWork, ctx: Context, customer_id: str, *, name, email, mobile,
                      address, language) -> bool:
    """Returns True when the contact is new."""
    async with uow:
        row = await repository.get(uow, ContactRow, customer_id)
        created = row is None
        if created:
            row = ContactRow(customer_id=customer_id, updated_at=ctx.now)
            repository.add(uow, row)
        row.name, row.email, row.mobile, row.address, row.language = name, email, mobile, address, language
        row.updated_at = ctx.now
        await uow.commit()
    return created


async def log_contact(deps: DunningDeps, uow: UnitOfWork, ctx: Context, case_id: str, *, channel: str, outcome: str,
                      reason_code: str | None, notes: str | None, next_action_date: date | None) -> str:
    if next_action_date is not None and next_action_date < ctx.today:
        raise RuleError("the next action cannot be in the past", "next_action_date", "contact.in_the_past")
    async with uow:
        await case_for(uow, ctx, case_id)
        entry = ContactLogRow(entry_id=new_id("CL"), case_id=case_id, on_date=ctx.today, channel=channel,
                              outcome=outcome, reason_code=reason_code, notes=notes, next_action_on=next_action_date,
                              by=ctx.name, at=ctx.now)
        repository.add(uow, entry)
        await uow.commit()
    return entry.entry_id


async def make_promise(deps: DunningDeps, uow: UnitOfWork, ctx: Context, case_id: str, *, amount: Decimal,
                       currency: str, promised_date: date) -> str:
    async with uow:
        case = await case_for(uow, ctx, case_id, open_only=True)
        minor = minor_units(amount, currency, "amount")
        check_promise(amount, promised_date, await open_total(uow, case_id, currency), ctx.today)
        row = PromiseRow(promise_id=new_id("P"), case_id=case_id, customer_id=case.customer_id, amount_minor=minor,
                         currency=currency, promised_date=promised_date, made_on=ctx.today, status="open",
                         made_by=ctx.name)
        repository.add(uow, row)
        uow.emit(PromiseToPayMadeV1(customer_id=case.customer_id, promise_id=row.promise_id, case_id=case_id,
                                    promised_date=promised_date, amount=from_minor(minor, currency),
                                    currency=currency, made_on=ctx.today))
        await uow.commit()
    return row.promise_id


async def create_plan(deps: DunningDeps, uow: UnitOfWork, ctx: Context, case_id: str, *, amount: Decimal,
                      currency: str, instalments: list[Instalment], parties: str, cause: str,
                      interest_formula: str | None, notarised: bool) -> str:
    async with uow:
        case = await case_for(uow, ctx, case_id, open_only=True)
        minor = minor_units(amount, currency, "amount")
        for n, i in enumerate(instalments):
            minor_units(i.amount, currency, f"instalments[{n}].amount")
        check_plan(amount, instalments, await open_total(uow, case_id, currency), ctx.today)
        if await repository.current_plans(uow, [case_id]):
            raise Conflict("the case already has a current repayment plan", "case_id", "plan.already_current")
        plan = PlanRow(plan_id=new_id("RP"), case_id=case_id, customer_id=case.customer_id, amount_minor=minor,
                       currency=currency, status="current", created_on=ctx.today, parties=parties, cause=cause,
                       interest_formula=interest_formula, notarised=notarised, created_by=ctx.name)
        repository.add(uow, plan)
        repository.add_all(uow, [PlanInstalmentRow(plan_id=plan.plan_id, seq=n, due_date=i.due_date,
                                                   amount_minor=to_minor(i.amount, currency))
                                 for n, i in enumerate(instalments, 1)])
        uow.emit(RepaymentPlanCreatedV1(customer_id=case.customer_id, plan_id=plan.plan_id, case_id=case_id,
                                        amount=from_minor(minor, currency), currency=currency,
                                        instalments=len(instalments), last_due_date=instalments[-1].due_date,
                                        notarised=notarised, created_on=ctx.today))
        await uow.commit()
    return plan.plan_id


async def follow_up(deps: DunningDeps, uow: UnitOfWork, ctx: Context, action_id: str, *, done: bool,
                    receipt_returned_on: date | None) -> str:
    """A task marked done, or a letter's signed receipt recorded. Returns the case."""
    async with uow:
        action = await repository.get(uow, ActionRow, action_id)
        if action is None:
            raise NotFound(f"no action {action_id!r}")
        await case_for(uow, ctx, action.case_id)
        check_follow_up(action.status, action.action, done, receipt_returned_on, action.on_date, ctx.today)
        if done:
            action.status, action.completed_by, action.completed_on = "done", ctx.name, ctx.today
        if receipt_returned_on is not None:
            action.receipt_returned_on = receipt_returned_on
        await uow.commit()
    return action.case_id
