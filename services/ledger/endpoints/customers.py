"""A customer's balance and statement of account, as of any date; the audit journal."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from services.ledger import views
from services.ledger.auth import Reader
from services.ledger.deps import Deps
from services.ledger.domain.statement import statement_csv
from services.ledger.schemas import BalanceOut, CustomerPage, JournalEntryOut, StatementOut
from shared.ids import IdPath, IdQuery
from shared.money import CurrencyCode
from shared.problems import problem_responses
from shared.runtime import Uow
from shared.wire import DateIn, OffsetQuery

router = APIRouter(tags=["customers"], responses=problem_responses(401, 403))


@router.get("/customers", response_model=CustomerPage, summary="Customers with something open, and what they owe",
            description="One row per customer and currency: open, overdue (undisputed, past due), disputed, cash on "
                        "account, the longest overdue. Sorted by overdue amount (default), open amount or customer.",
            responses=problem_responses(422))
async def list_customers(deps: Deps, uow: Uow, ctx: Reader, customer_id: IdQuery = None,
                         currency: CurrencyCode | None = None, overdue_only: bool = False,
                         sort: str = Query("overdue", pattern="^(overdue|open|customer)$"),
                         limit: int = Query(50, ge=1, le=500),
                         offset: OffsetQuery = 0) -> CustomerPage:
    items, total = await views.customers(deps, uow, ctx, customer_id=customer_id, currency=currency,
                                         overdue_only=overdue_only, sort=sort, limit=limit, offset=offset)
    return CustomerPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/customers/{customer_id}/balance", response_model=BalanceOut,
            summary="What the customer owes as of a date",
            description="Movements effective after `as_of` are excluded. balance = open_amount - unapplied_cash, "
                        "per currency (a customer may owe in several; amounts are never converted).",
            responses=problem_responses(404, 422))
async def balance(customer_id: IdPath, deps: Deps, uow: Uow, ctx: Reader, as_of: DateIn | None = Query(None),
                  currency: CurrencyCode | None = Query(None, description="only this currency")
                  ) -> BalanceOut:
    return BalanceOut.model_validate(await views.balance(deps, uow, ctx, customer_id, as_of, currency))


@router.get("/customers/{customer_id}/statement", response_model=StatementOut,
            summary="Statement of account (对账单) for a period, JSON or CSV",
            description="Opening balance, every movement, closing balance, aging at the period end and late fees "
                         "computed on demand. CSV with `Accept: text/csv` or `?format=csv`.",
            responses={**problem_responses(404, 422), 200: {"content": {"text/csv": {}}}})
async def statement(customer_id: IdPath, request: Request, deps: Deps, uow: Uow, ctx: Reader,
                    start: Annotated[DateIn, Query(alias="from")], end: Annotated[DateIn, Query(alias="to")],
                    currency: CurrencyCode | None = Query(None),
                    format: str | None = Query(None, pattern="^(json|csv)$")):
    st, aging, fees = await views.statement(deps, uow, ctx, customer_id, start, end, currency)
    wants_csv = format == "csv" or (format is None and "text/csv" in request.headers.get("accept", ""))
    if wants_csv:
        name = f"statement-{customer_id}-{start.isoformat()}-{end.isoformat()}.csv"
        return Response(statement_csv(st), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
    return StatementOut(
        customer_id=customer_id, currency=st.currency, period_from=st.period_from, period_to=st.period_to,
        opening_balance=st.opening_balance.amount, closing_balance=st.closing_balance.amount, aging=aging,
        lines=[{"date": line.effective_date, "type": line.kind.value, "reference": line.reference,
                "debit": line.debit.amount if line.debit else None,
                "credit": line.credit.amount if line.credit else None, "balance": line.balance.amount}
               for line in st.lines],
        late_fees=fees, late_fee_total=sum((f["late_fee"] for f in fees), st.opening_balance.amount * 0))


@router.get("/journal", response_model=list[JournalEntryOut], summary="The append-only journal (audit)",
            responses=problem_responses(422))
async def journal(deps: Deps, uow: Uow, ctx: Reader, customer_id: IdQuery = None,
                  limit: int = Query(100, ge=1, le=1000), offset: OffsetQuery = 0) -> list[JournalEntryOut]:
    return [JournalEntryOut.model_validate(e) for e in await views.journal(deps, uow, ctx, customer_id, limit, offset)]
