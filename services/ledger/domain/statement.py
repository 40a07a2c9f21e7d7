"""Statement of account (对账单) for a period [from, to], both dates inclusive.

- opening balance = signed sum of the movements effective before `from`;
- one line per movement effective in [from, to] that changes the balance, ordered by
  effective date (input order within a day), with debit (raises the balance) or credit
  (lowers it) and the running balance;
- closing balance = opening + the lines = the balance as of `to`.
Movements that leave the balance unchanged (cash_application, write_off_recovery) are
internal and not listed. `statement_csv` renders it as CSV text (a header row, amounts
as plain decimal strings with the currency's decimals, dates ISO 8601, CRLF line ends
per RFC 4180); text cells that a spreadsheet would run as a formula (=, +, -, @) are
prefixed with an apostrophe.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from shared.money import Money, format_amount
from shared.errors import RuleError
from services.ledger.domain.movements import Movement, MovementKind


class StatementError(RuleError):
    default_rule = "statement"


@dataclass(frozen=True, slots=True)
class StatementLine:
    effective_date: date
    kind: MovementKind
    reference: str
    debit: Money | None
    credit: Money | None
    balance: Money


@dataclass(frozen=True, slots=True)
class Statement:
    currency: str
    period_from: date
    period_to: date
    opening_balance: Money
    lines: tuple[StatementLine, ...]
    closing_balance: Money


def build_statement(movements: Iterable[Movement], period_from: date, period_to: date,
                    currency: str) -> Statement:
    if period_to < period_from:
        raise StatementError("the period ends before it starts", field="to", rule="statement.period")
    opening = Money.zero(currency)
    in_period: list[tuple[int, Movement]] = []
    for i, m in enumerate(movements):
        if m.amount.currency != currency:
            raise StatementError(f"movement in {m.amount.currency}, statement in {currency}",
                                 field=f"movements[{i}].amount", rule="statement.currency")
        if m.effective_date < period_from:
            opening = opening + m.signed
        elif m.effective_date <= period_to and m.kind.sign != 0:
            in_period.append((i, m))
    in_period.sort(key=lambda pair: (pair[1].effective_date, pair[0]))
    running = opening
    lines = []
    for _, m in in_period:
        running = running + m.signed
        debit, credit = (m.amount, None) if m.kind.sign > 0 else (None, m.amount)
        lines.append(StatementLine(m.effective_date, m.kind, m.reference, debit, credit, running))
    return Statement(currency, period_from, period_to, opening, tuple(lines), running)


def statement_from_journal(currency: str, period_from: date, period_to: date, opening: Money,
                           entries: Iterable[tuple[date, MovementKind, str, Money]]) -> Statement:
    """The same statement when the movements before the period are already summed
    (`opening`) and the period's movements come as (date, kind, reference, signed amount)
    in journal order. Zero-effect kinds are left out; the sign decides debit or credit."""
    if period_to < period_from:
        raise StatementError("the period ends before it starts", field="to", rule="statement.period")
    if opening.currency != currency:
        raise StatementError(f"opening balance in {opening.currency}, statement in {currency}",
                             field="opening", rule="statement.currency")
    running = opening
    lines = []
    rows = sorted(enumerate(entries), key=lambda pair: (pair[1][0], pair[0]))
    for i, (day, kind, reference, signed) in rows:
        if signed.currency != currency:
            raise StatementError(f"movement in {signed.currency}, statement in {currency}",
                                 field=f"entries[{i}].amount", rule="statement.currency")
        if not period_from <= day <= period_to:
            raise StatementError(f"movement dated {day.isoformat()} outside the period",
                                 field=f"entries[{i}].date", rule="statement.period")
        if signed.is_zero:
            continue
        running = running + signed
        amount = Money(abs(signed.amount), currency)
        debit, credit = (amount, None) if signed.is_positive else (None, amount)
        lines.append(StatementLine(day, MovementKind(kind), reference, debit, credit, running))
    return Statement(currency, period_from, period_to, opening, tuple(lines), running)


CSV_HEADER = ("date", "type", "reference", "debit", "credit", "balance", "currency")


def _text(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _amount(value: Money | None) -> str:
    return "" if value is None else format_amount(value.amount, value.currency)


def statement_csv(statement: Statement) -> str:
    """The statement as CSV text: header, opening line, movements, closing line."""
    out = io.StringIO()
    writer = csv.writer(out)
    cur = statement.currency
    writer.writerow(CSV_HEADER)
    writer.writerow([statement.period_from.isoformat(), "opening_balance", "", "", "",
                     _amount(statement.opening_balance), cur])
    for line in statement.lines:
        writer.writerow([line.effective_date.isoformat(), line.kind.value, _text(line.reference),
                         _amount(line.debit), _amount(line.credit), _amount(line.balance), cur])
    writer.writerow([statement.period_to.isoformat(), "closing_balance", "", "", "",
                     _amount(statement.closing_balance), cur])
    return out.getvalue()
