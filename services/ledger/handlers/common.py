"""What every ledger handler shares: the one place rule errors become problems, money
parsing that names the field, content hashes for the business-key idempotency rule,
and the context (who, from where) a command runs in."""
from __future__ import annotations

import functools
import hashlib
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from services.ledger.config import LedgerConfig, load_config
from services.ledger.domain.errors import LedgerRuleError
from shared.errors import Conflict, Forbidden, ProblemError, ValidationProblem
from shared.money import Money, MoneyError, to_decimal


@dataclass(frozen=True)
class Context:
    """Who runs a command and from where: `source` is rest | event | import | system."""
    source: str
    actor: str
    roles: frozenset[str] = frozenset()
    today: date | None = None
    config: LedgerConfig | None = None

    @property
    def settings(self) -> LedgerConfig:
        return self.config or load_config()

    def on(self, day: date | None) -> date:
        """An explicit business date, else today (commands over REST default to today)."""
        if day is not None:
            return day
        if self.today is None:
            raise ValidationProblem.field("date", "a business date is required", "required")
        return self.today


def problem_from_rule(error: LedgerRuleError) -> ProblemError:
    """The one mapping from the domain's rule errors to problem+json."""
    detail = f"{error.field}: {error.message}" if error.field else error.message
    errors = [{"field": error.field or "", "rule": error.rule, "message": error.message}]
    if error.status_code == 403:
        return Forbidden(detail, errors=errors, rule=error.rule)
    if error.status_code == 409:
        return Conflict(detail, errors=errors, rule=error.rule)
    return ValidationProblem(detail, errors=errors, status=error.status_code)


def translated(fn):
    """Handlers raise `LedgerRuleError` from the domain freely; callers see a ProblemError."""
    @functools.wraps(fn)
    async def wrapper(*args, **kwargs):
        try:
            return await fn(*args, **kwargs)
        except LedgerRuleError as error:
            raise problem_from_rule(error) from None
    return wrapper


def invalid(field: str, message: str, rule: str) -> ValidationProblem:
    return ValidationProblem.field(field, message, rule)


def money(value: Any, currency: str, field: str, *, positive: bool = True) -> Money:
    """A Money in `currency`, refusing floats, more decimals than the currency has and
    (by default) zero or negative amounts; errors name `field`."""
    try:
        amount = Money(to_decimal(value), currency)
    except MoneyError as exc:
        raise invalid(field, str(exc), "currency_scale") from None
    if positive and not amount.is_positive:
        raise invalid(field, "must be greater than zero", "positive")
    return amount


def dec(minor: int, currency: str) -> Decimal:
    return Money.from_minor(minor, currency).amount


def content_hash(content: dict) -> str:
    text = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def fields_hash(*values: Any) -> str:
    """A content hash of plain values (str, int, date, None, tuples of them): cheaper than
    JSON on the ingest path. Stable: it is stored and compared with later copies."""
    return hashlib.sha256("\x1f".join(map(repr, values)).encode()).hexdigest()


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(6).upper()}"


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


_INDEX = re.compile(r"^allocations\[(\d+)\]")


def renumber_allocation_field(error: LedgerRuleError, positions: list[int]) -> LedgerRuleError:
    """The domain numbers the lines it was given; name the caller's line instead."""
    if error.field:
        match = _INDEX.match(error.field)
        if match and int(match.group(1)) < len(positions):
            error.field = f"allocations[{positions[int(match.group(1))]}]" + error.field[match.end():]
    return error
