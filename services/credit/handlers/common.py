"""Helpers every credit handler shares: domain errors as problems, actors, money, timeline."""
from __future__ import annotations

import contextlib
from datetime import date, datetime

from services.credit import repository
from services.credit.domain.roles import Actor
from shared.auth import Principal
from shared.db import UnitOfWork
from shared.errors import RuleError
from shared.money import Money, MoneyError


@contextlib.contextmanager
def domain_errors(field: str | None = None):
    """Turn the domain's typed errors into problem+json with their status (403, 409, 422)."""
    try:
        yield
    except MoneyError as exc:
        raise RuleError(str(exc), field or "amount", "money") from exc


def actor_of(principal: Principal) -> Actor:
    return Actor(principal.key_id, principal.roles)


def money(minor: int, currency: str) -> Money:
    return Money.from_minor(minor, currency)


def history(uow: UnitOfWork, customer_id: str, at: datetime, effective: date, kind: str, summary: str, /,
            **detail) -> None:
    repository.add_history(uow, customer_id, at, effective, kind, summary, _jsonable(detail))


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Money):
        return {"amount": format(value.amount, "f"), "currency": value.currency}
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


jsonable = _jsonable
