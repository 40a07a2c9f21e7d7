"""Legal cases: opened by the ladder's handoff or by legal on a case; stages forward only,
the evidence package, costs, the cost/risk assessment before suing."""
from __future__ import annotations

from services.dunning import repository
from services.dunning.deps import DunningDeps
from services.dunning.domain.legal import check_stage
from services.dunning.handlers.collection import case_for
from services.dunning.handlers.ladder import open_legal_case
from services.dunning.tables import LegalCaseRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound, RuleError
from shared.events.dunning import LegalCaseClosedV1, LegalCaseStageChangedV1
from shared.money import MoneyError, to_minor


async def open_case(deps: DunningDeps, uow: UnitOfWork, ctx: Context, case_id: str, *, kind: str,
                    counsel: str | None) -> str:
    async with uow:
        case = await case_for(uow, ctx, case_id, open_only=True)
        if await repository.open_legal_cases(uow, [case_id]):
            raise Conflict("the case already has an open legal case", "case_id", "legal.already_open")
        items = [i for i in await repository.case_items(uow, case_id) if i.status == "open"]
        if not items:
            raise Conflict("the case has no open debt", "case_id", "legal.no_debt")
        currency = items[0].currency
        claim = sum(i.open_minor for i in items if i.currency == currency)
        row = open_legal_case(uow, ctx, case, kind, claim, currency, ctx.today)
        row.counsel = counsel
        await uow.commit()
    return row.legal_case_id


async def change(deps: DunningDeps, uow: UnitOfWork, ctx: Context, legal_case_id: str, changes: dict) -> None:
    async with uow:
        row = await repository.get(uow, LegalCaseRow, legal_case_id)
        if row is None:
            raise NotFound(f"no legal case {legal_case_id!r}")
        if row.stage == "closed":
            raise Conflict("a closed legal case does not change", "stage", "legal.closed")
        for money_field in ("costs", "estimated_cost"):
            value = changes.get(money_field) if money_field == "costs" else (changes.get("assessment") or {}).get(
                "estimated_cost")
            if value is not None and value < 0:
                raise RuleError("an amount is not negative", money_field, "amount.negative")
        try:
            if changes.get("costs") is not None:
                row.costs_minor = to_minor(changes["costs"], row.currency)
            if changes.get("assessment"):
                row.estimated_cost_minor = to_minor(changes["assessment"]["estimated_cost"], row.currency)
                row.expected_recovery_percent = changes["assessment"]["expected_recovery_percent"]
        except MoneyError as e:
            raise RuleError(str(e), "costs", "amount.scale") from None
        for name in ("court_case_number", "counsel", "risk_view", "property_preservation", "expected_close_on",
                     "outcome"):
            if changes.get(name) is not None:
                setattr(row, name, changes[name])
        if changes.get("evidence") is not None:
            row.evidence = ",".join(sorted(set(changes["evidence"])))
        stage = changes.get("stage")
        if stage is not None and stage != row.stage:
            check_stage(row.stage, stage)
            uow.emit(LegalCaseStageChangedV1(customer_id=row.customer_id, legal_case_id=legal_case_id, stage=stage,
                                             previous_stage=row.stage, effective_date=ctx.today))
            row.stage = stage
            if stage == "closed":
                row.closed_on = ctx.today
                uow.emit(LegalCaseClosedV1(customer_id=row.customer_id, legal_case_id=legal_case_id,
                                           outcome=row.outcome, closed_on=ctx.today))
        row.updated_at = ctx.now
        await uow.commit()


