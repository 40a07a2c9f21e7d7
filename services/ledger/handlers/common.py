"""What every ledger handler shares: money parsing that names the field, content hashes
for the business-key idempotency rule, and document ids."""
from __future__ import annotations

import hashlib
import json
import secrets
from decimal import Decimal
from typing import Any

from shared.errors import RuleError
from shared.money import Money, MoneyError, to_decimal

#: the ledger's facts say where it got a document: Context.source -> recorded_via
RECORDED_VIA = {"event": "billing", "rest": "api", "import": "import"}


def money(value: Any, currency: str, field: str, *, positive: bool = True) -> Money:
    """A Money in `currency`, refusing floats, more decimals than the currency has and
    (by default) zero or negative amounts; errors name `field`."""
    try:
        amount = Money(to_decimal(value), currency)
    except MoneyError as exc:
        raise RuleError(str(exc), field, "currency_scale") from None
    if positive and not amount.is_positive:
        raise RuleError("must be greater than zero", field, "positive")
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
