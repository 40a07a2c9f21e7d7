"""What every credit handler shares: the actor of the rules, money errors naming the
field, the timeline, the customer's open items as the rules see them."""
from __future__ import annotations

import contextlib
from datetime import date, datetime

from services.credit import repository
from services.credit.domain.receivables import OpenInstalment, OpenItem
from services.credit.domain.receivables import open_items as open_items_of
from services.credit.domain.roles import Actor
from services.credit.tables import InstalmentRow, ReceivableRow
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import RuleError
from shared.money import Money, MoneyError

SYSTEM = "system:credit"  # who credit's own decisions are by (automatic holds, re-ratings)


@contextlib.contextmanager
def money_errors(field: str | None = None):
    """A Money the rules could not build is the caller's input: a 422 naming `field`."""
    try:
        yield
    except MoneyError as exc:
        raise RuleError(str(exc), field or "amount", "money") from exc


def actor_of(ctx: Context) -> Actor:
    """The domain's actor: the caller's key and its own roles (admin is no business role)."""
    return Actor(ctx.actor, ctx.roles)


def money(minor: int, currency: str) -> Money:
    return Money.from_minor(minor, currency)


def items_of(pairs: list[tuple[InstalmentRow, ReceivableRow]], currency: str | None = None) -> list[OpenItem]:
    """Open instalments (with their invoice) as open items, each with its share of its
    invoice's disputed amount; only those in `currency` if given (there is no conversion)."""
    return open_items_of(OpenInstalment(i.invoice_number, i.seq, i.due_date, money(i.open_minor, i.currency),
                                        r.disputed_minor)
                         for i, r in pairs if currency is None or i.currency == currency)


async def open_items(uow: UnitOfWork, customer_id: str, currency: str | None = None) -> list[OpenItem]:
    return items_of(await repository.open_instalments(uow, customer_id), currency)


def history(uow: UnitOfWork, customer_id: str, at: datetime, effective: date, kind: str, summary: str, /,
            **detail) -> None:
    repository.add_history(uow, customer_id, at, effective, kind, summary, jsonable(detail))


def jsonable(value):
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Money):
        return {"amount": format(value.amount, "f"), "currency": value.currency}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)
