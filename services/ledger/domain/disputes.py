"""Disputes (异议/争议, 000): objections to an invoice or part of it.

- Opening: amount > 0 and <= the invoice's open *undisputed* amount, a category and a
  note. Fact-finding must finish within 15 working days (configurable): the due date
  counts working days after the opening day on the calendar given (working_days.py:
  China's public holidays off, make-up working days 调休 on, plus configured overrides).
- States: open -> investigating -> resolved_valid | resolved_invalid; open or
  investigating -> withdrawn. The three resolved/withdrawn states are final; any
  other move raises `IllegalTransition` (fact-finding cannot be skipped).
- Outcomes (`DisputeAdjustment`, always credit + released == disputed amount):
  * valid + credit_note:    credit note for the disputed amount (or a given part);
  * valid + discount:       a price discount of a given amount <= disputed amount;
  * valid + return_offset:  goods returned, their value (default all) offsets;
  * valid + instalments:    no reduction; the disputed amount is rescheduled into
                            the given instalments (each due on/after resolution);
  * invalid or withdrawn:   nothing credited; the amount is released and
                            collection resumes.
  Whatever is not credited is released (undisputed again, collectable).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from shared.money import Money
from shared.errors import RuleError
from services.ledger.domain.instalments import Instalment, ScheduleError, validate_schedule
from services.ledger.domain.working_days import WEEKENDS_ONLY, WorkCalendar

FACT_FINDING_WORKING_DAYS = 15


class DisputeError(RuleError):
    default_rule = "dispute"


class IllegalTransition(DisputeError):
    default_rule = "dispute.illegal_transition"
    status = 409


class DisputeCategory(StrEnum):
    PRICING = "pricing"
    QUANTITY = "quantity"
    QUALITY = "quality"
    DELIVERY = "delivery"
    DUPLICATE_BILLING = "duplicate_billing"
    OTHER = "other"


class DisputeStatus(StrEnum):
    OPEN = "open"
    INVESTIGATING = "investigating"
    RESOLVED_VALID = "resolved_valid"
    RESOLVED_INVALID = "resolved_invalid"
    WITHDRAWN = "withdrawn"


class Resolution(StrEnum):
    CREDIT_NOTE = "credit_note"
    DISCOUNT = "discount"
    RETURN_OFFSET = "return_offset"
    INSTALMENTS = "instalments"


ALLOWED_TRANSITIONS: dict[DisputeStatus, frozenset[DisputeStatus]] = {
    DisputeStatus.OPEN: frozenset({DisputeStatus.INVESTIGATING, DisputeStatus.WITHDRAWN}),
    DisputeStatus.INVESTIGATING: frozenset({DisputeStatus.RESOLVED_VALID, DisputeStatus.RESOLVED_INVALID,
                                            DisputeStatus.WITHDRAWN}),
    DisputeStatus.RESOLVED_VALID: frozenset(),
    DisputeStatus.RESOLVED_INVALID: frozenset(),
    DisputeStatus.WITHDRAWN: frozenset(),
}


@dataclass(frozen=True, slots=True)
class Dispute:
    invoice_number: str
    amount: Money
    category: DisputeCategory
    note: str
    opened_on: date
    fact_finding_due: date
    status: DisputeStatus = DisputeStatus.OPEN
    resolution: Resolution | None = None
    closed_on: date | None = None


@dataclass(frozen=True, slots=True)
class DisputeAdjustment:
    credit: Money  # reduces the receivable (a credit note of the resolution's kind)
    released: Money  # back to undisputed, collection resumes
    resolution: Resolution | None = None
    schedule: tuple[Instalment, ...] = ()  # the released amount's new instalments


def open_dispute(invoice_number: str, amount: Money, open_undisputed: Money, category: DisputeCategory | str,
                 note: str, opened_on: date, *, calendar: WorkCalendar = WEEKENDS_ONLY,
                 working_days: int = FACT_FINDING_WORKING_DAYS) -> Dispute:
    try:
        category = DisputeCategory(category)
    except ValueError:
        raise DisputeError(f"unknown category {category!r}", field="category", rule="dispute.category") from None
    if amount.currency != open_undisputed.currency:
        raise DisputeError("the dispute must be in the invoice currency", field="amount", rule="dispute.currency")
    if not amount.is_positive:
        raise DisputeError("a disputed amount must be greater than zero", field="amount", rule="dispute.amount")
    if amount > open_undisputed:
        raise DisputeError(f"{amount} exceeds the open undisputed amount {open_undisputed}", field="amount",
                           rule="dispute.exceeds_open")
    if not note or not note.strip():
        raise DisputeError("a dispute needs a note", field="note", rule="dispute.note")
    due = calendar.add_working_days(opened_on, working_days)
    return Dispute(invoice_number, amount, category, note.strip(), opened_on, due)


def transition(dispute: Dispute, to: DisputeStatus, on: date) -> Dispute:
    """Move to `to` if allowed; final states record the closing date."""
    if to not in ALLOWED_TRANSITIONS[dispute.status]:
        raise IllegalTransition(f"a dispute cannot go from {dispute.status} to {to}", field="status")
    if on < dispute.opened_on:
        raise DisputeError("a dispute cannot change before it was opened", field="date", rule="dispute.date")
    closed = on if not ALLOWED_TRANSITIONS[to] else None
    return replace(dispute, status=to, closed_on=closed)


def start_investigation(dispute: Dispute, on: date) -> Dispute:
    return transition(dispute, DisputeStatus.INVESTIGATING, on)


def resolve_valid(dispute: Dispute, resolution: Resolution | str, on: date, *, credit: Money | None = None,
                  schedule: Sequence[tuple[date, Money]] = ()) -> tuple[Dispute, DisputeAdjustment]:
    """The claim holds: settle as `resolution`; returns the new state and the adjustment."""
    resolution = Resolution(resolution)
    resolved = replace(transition(dispute, DisputeStatus.RESOLVED_VALID, on), resolution=resolution)
    lines: tuple[Instalment, ...] = ()
    if resolution is Resolution.INSTALMENTS:
        if credit is not None:
            raise DisputeError("instalments reschedule, they do not credit", field="credit", rule="dispute.credit")
        try:
            lines = validate_schedule(dispute.amount, on, schedule)
        except ScheduleError as exc:
            where = "schedule" + (exc.field or "instalments").removeprefix("instalments")
            raise DisputeError(exc.message, field=where, rule=exc.rule) from None
        credit = Money.zero(dispute.amount.currency)
    else:
        if schedule:
            raise DisputeError("only an instalments resolution takes a schedule", field="schedule",
                               rule="dispute.schedule")
        if credit is None:
            if resolution is Resolution.DISCOUNT:
                raise DisputeError("a discount needs its amount", field="credit", rule="dispute.credit")
            credit = dispute.amount
        if credit.currency != dispute.amount.currency or not credit.is_positive or credit > dispute.amount:
            raise DisputeError(f"the credit must be > 0 and <= the disputed {dispute.amount}", field="credit",
                               rule="dispute.credit")
    return resolved, DisputeAdjustment(credit, dispute.amount - credit, resolution, lines)


def resolve_invalid(dispute: Dispute, on: date) -> tuple[Dispute, DisputeAdjustment]:
    """The claim does not hold: the whole amount is released and collection resumes."""
    resolved = transition(dispute, DisputeStatus.RESOLVED_INVALID, on)
    return resolved, DisputeAdjustment(Money.zero(dispute.amount.currency), dispute.amount)


def withdraw(dispute: Dispute, on: date) -> tuple[Dispute, DisputeAdjustment]:
    resolved = transition(dispute, DisputeStatus.WITHDRAWN, on)
    return resolved, DisputeAdjustment(Money.zero(dispute.amount.currency), dispute.amount)


@dataclass(frozen=True, slots=True)
class DisputedItem:
    """An instalment as the dispute rules see it (minor units)."""
    key: tuple[str, int]
    due_date: date
    open_minor: int
    disputed_minor: int

    @property
    def undisputed_minor(self) -> int:
        return self.open_minor - self.disputed_minor


def _oldest_first(items: Sequence[DisputedItem]) -> list[DisputedItem]:
    return sorted((it for it in items if it.open_minor > 0), key=lambda it: (it.due_date, it.key[1]))


def spread_dispute(items: Sequence[DisputedItem], amount_minor: int) -> list[tuple[tuple[str, int], int]]:
    """Which instalments a newly disputed amount covers: their undisputed parts, oldest
    due first (the amount was checked against their total by `open_dispute`)."""
    left, out = amount_minor, []
    for it in _oldest_first(items):
        take = min(left, it.undisputed_minor)
        if take > 0:
            out.append((it.key, take))
            left -= take
    return out


def dispute_credit_plan(items: Sequence[DisputedItem], amount_minor: int) -> list[tuple[tuple[str, int], int, bool]]:
    """What a dispute's own credit note reduces: (key, minor, from the disputed part). The
    disputed parts first, oldest due first; if they shrank meanwhile (paid), the rest
    reduces what is open."""
    left, plan = amount_minor, []
    ordered = _oldest_first(items)
    for it in ordered:
        take = min(left, it.disputed_minor)
        if take > 0:
            plan.append((it.key, take, True))
            left -= take
    for it in ordered:
        take = min(left, it.open_minor - sum(m for k, m, _ in plan if k == it.key))
        if take > 0:
            plan.append((it.key, take, False))
            left -= take
    return plan
