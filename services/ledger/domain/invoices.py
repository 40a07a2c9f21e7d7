"""An invoice as the ledger books it: its schedule and due date from what billing or a
user sent (an explicit due date, payment terms, instalments), and its status from what is
still open.

- Without instalments the invoice is one instalment, due on the given due date or the
  date its terms give (terms.py).
- With instalments each line keeps its own due date (dunning runs per stage, 000/001) and
  the invoice is due when its last instalment is; a due date that says otherwise
  contradicts the schedule and is refused. Terms sent with a schedule are validated and
  kept for the record, but the schedule decides the dates.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any

from services.ledger.domain.instalments import Instalment, ScheduleError, single_instalment, validate_schedule
from services.ledger.domain.terms import parse_terms, validate_due_date
from shared.errors import RuleError
from shared.money import Money


@dataclass(frozen=True, slots=True)
class BookedSchedule:
    due_date: date
    terms_code: str | None
    instalments: tuple[Instalment, ...]


def book_schedule(amount: Money, issue_date: date, *, due_date: date | None, payment_terms: str | None,
                  shipment_date: date | None, instalments: Sequence[tuple[date, Any]] | None,
                  receipt_date: date | None = None) -> BookedSchedule:
    terms = parse_terms(payment_terms) if payment_terms else None
    if instalments:
        schedule = validate_schedule(amount, issue_date, instalments)
        last = max(line.due_date for line in schedule)
        if due_date is not None and due_date != last:
            raise ScheduleError(f"an instalment invoice is due when its last instalment is ({last.isoformat()}), "
                                f"not {due_date.isoformat()}", field="due_date", rule="instalments.due_date")
        return BookedSchedule(last, terms.code if terms else None, schedule)
    due = due_date
    if due is None and terms is not None:  # RECEIPT+N before the receipt: AWAITING_RECEIPT
        due = terms.due_date(issue_date, shipment_date, receipt_date)
    if due is None:
        raise RuleError("give due_date, payment_terms or instalments", "due_date", "required")
    validate_due_date(issue_date, due)
    return BookedSchedule(due, terms.code if terms else None, single_instalment(amount, due))


def invoice_status(amount_minor: int, open_minor: int, written_off_minor: int) -> str:
    """open | partially_paid | settled | written_off (settled by a write-off)."""
    if open_minor <= 0:
        return "written_off" if written_off_minor > 0 else "settled"
    return "open" if open_minor >= amount_minor else "partially_paid"


class LargeOrderAction(StrEnum):
    FLAG = "flag"  # book it, flagged for finance and the salesperson
    REFUSE = "refuse"  # 422 over the API; billing's event is dead-lettered


@dataclass(frozen=True)
class LargeOrderPolicy:
    """Seed 000: "大额订单 … 分阶段收款，首付款比例不低于30%" — a large order is collected in
    stages, the first (the down payment) at least 30 % of the amount. The seed names no
    amount for "large": the thresholds per currency are configuration (ours)."""
    thresholds: Mapping[str, Decimal] = field(default_factory=dict)  # currency -> smallest large amount
    min_down_percent: Decimal = Decimal(30)
    action: LargeOrderAction = LargeOrderAction.FLAG


def large_order_findings(amount: Money, schedule: Sequence[Instalment], policy: LargeOrderPolicy) -> list[str]:
    """What a large order's schedule lacks: a staged plan, or a big enough first stage."""
    threshold = policy.thresholds.get(amount.currency)
    if threshold is None or amount.amount < threshold:
        return []
    if len(schedule) < 2:
        return ["large_order.no_instalments"]
    first = min(schedule, key=lambda line: (line.due_date, line.seq))
    if first.amount.amount * 100 < amount.amount * policy.min_down_percent:
        return ["large_order.down_payment"]
    return []


def check_large_order(amount: Money, schedule: Sequence[Instalment], policy: LargeOrderPolicy) -> list[str]:
    """The findings to flag the invoice with, or a refusal when the policy says so."""
    findings = large_order_findings(amount, schedule, policy)
    if findings and policy.action is LargeOrderAction.REFUSE:
        raise RuleError(f"an invoice of {amount} or more is a large order: it is collected in instalments, the "
                        f"first at least {policy.min_down_percent}% of the amount", "instalments", findings[0])
    return findings
