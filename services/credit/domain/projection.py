"""The receivable projection: what credit knows of each instalment of an invoice, from the
ledger's facts. Pure: amounts in integer minor units of the invoice's currency, values in,
new values out.

- An invoice is projected as the ledger booked it (`invoice-recorded`): each instalment
  with its own due date and amount, open in full. Credit never interprets payment terms.
- A reduction (an allocation line, a credit note, a write-off, a settlement) takes its
  amount off the instalment it names first, then off the oldest due; it never goes below
  zero, and what could not be applied is reported (a fact the ledger already applied).
- A reversal (a bounced payment) reopens the instalment it names, never above its amount.
- Each instalment is an open item of its own: holds, the check, exposure and the
  sub-scores see its own due date and open amount (an invoice is never dated by its
  earliest open instalment, which overstated overdue debt).
- Overdue thresholds count per instalment: a threshold at or below the highest one already
  reported for it is a repeat.
- A dispute's amount is released on resolution: the amount it opened with, or all that is
  disputed when its opening was never seen.
- Due dates are the ledger's: an instalment of an invoice on RECEIPT+N terms has none until
  the customer receives it; the ledger moves them (a term extension, the receipt) and credit
  follows (`move_due_dates`), never moving them by itself.
- The ledger's facts come on several topics, so facts about an invoice may reach credit
  before the invoice itself: when it comes, what they did is applied to it (`catch_up`).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from services.credit.domain.receivables import due_order


@dataclass(frozen=True, slots=True)
class InstalmentBalance:
    seq: int
    due_date: date | None
    amount_minor: int
    open_minor: int

    def __post_init__(self) -> None:
        if not 0 <= self.open_minor <= self.amount_minor:
            raise ValueError(f"instalment {self.seq}: open {self.open_minor} outside 0..{self.amount_minor}")


@dataclass(frozen=True, slots=True)
class Applied:
    instalments: tuple[InstalmentBalance, ...]
    applied_minor: int  # what could be taken off (or put back)


def recorded(schedule: Iterable[tuple[int, date | None, int]]) -> tuple[InstalmentBalance, ...]:
    """(seq, due date, amount) as the ledger booked them: every instalment open in full."""
    return tuple(InstalmentBalance(seq, due, amount, amount) for seq, due, amount in sorted(schedule,
                                                                                           key=lambda x: x[0]))


def open_total(instalments: Iterable[InstalmentBalance]) -> int:
    return sum(i.open_minor for i in instalments)


def reduce(instalments: Sequence[InstalmentBalance], minor: int, seq: int | None = None) -> Applied:
    """Take `minor` off: instalment `seq` first (if given), then the oldest due first."""
    if minor < 0:
        raise ValueError("a reduction cannot be negative")
    out = {i.seq: i for i in instalments}
    left = minor
    for inst in sorted(instalments, key=lambda i: (i.seq != seq, *due_order(i.due_date, i.seq))):
        if not left:
            break
        take = min(left, inst.open_minor)
        if take:
            out[inst.seq] = replace(inst, open_minor=inst.open_minor - take)
            left -= take
    return Applied(tuple(out[i.seq] for i in instalments), minor - left)


def reopen(instalments: Sequence[InstalmentBalance], minor: int, seq: int) -> Applied:
    """Put `minor` back on instalment `seq` (the first one if the ledger named none we
    know), never above its amount."""
    if minor < 0:
        raise ValueError("a reopening cannot be negative")
    target = next((i for i in instalments if i.seq == seq), instalments[0] if instalments else None)
    if target is None:
        return Applied((), 0)
    put = min(minor, target.amount_minor - target.open_minor)
    return Applied(tuple(replace(i, open_minor=i.open_minor + put) if i is target else i for i in instalments), put)


def move_due_dates(instalments: Sequence[InstalmentBalance],
                   due_dates: Mapping[int, date]) -> tuple[InstalmentBalance, ...]:
    """The instalments with the due dates the ledger moved (by seq); the others as they were."""
    return tuple(replace(i, due_date=due_dates[i.seq]) if i.seq in due_dates else i for i in instalments)


def extension_days(moves: Iterable[tuple[date, date | None]]) -> int:
    """How far a term extension moved an invoice: the largest move of its (new, previous)
    due dates (an instalment that had none moved nothing)."""
    return max(((new - old).days for new, old in moves if old is not None), default=0)


def invoice_due_date(instalments: Iterable[InstalmentBalance]) -> date | None:
    """The invoice's due date: its last instalment's; none while one has no due date."""
    dues = [i.due_date for i in instalments]
    return None if not dues or any(d is None for d in dues) else max(dues)


def is_new_threshold(highest: int, threshold_days: int) -> bool:
    """Whether an overdue threshold crossed by an instalment is news: thresholds before due
    (negative) pass until one at or after due was seen, then only higher ones."""
    return not (highest and threshold_days <= highest)


def released_dispute(disputed_minor: int, opened_minor: int | None) -> int:
    """What stays disputed on an invoice when one of its disputes is resolved."""
    return max(0, disputed_minor - (disputed_minor if opened_minor is None else opened_minor))


@dataclass(frozen=True, slots=True)
class EarlierFacts:
    """What reached credit about an invoice before the invoice did (minor units)."""
    paid: dict[int, int]  # instalment seq -> allocated, not reversed
    reductions: tuple[int, ...] = ()  # credit notes and write-offs, oldest first
    written_off: int = 0  # the part of `reductions` that are write-offs
    disputes_open: int = 0  # disputes opened and not resolved
    due_dates: dict[int, date] = field(default_factory=dict)  # instalment seq -> the ledger's latest due date


@dataclass(frozen=True, slots=True)
class CaughtUp:
    instalments: tuple[InstalmentBalance, ...]
    written_off_minor: int
    disputed_minor: int


def catch_up(instalments: Sequence[InstalmentBalance], facts: EarlierFacts) -> CaughtUp:
    """The recorded instalments after the facts that came first: the due dates the ledger
    moved, allocations on their instalment, then credit notes and write-offs oldest due
    first; disputes still open."""
    current = move_due_dates(instalments, facts.due_dates)
    for seq, minor in sorted(facts.paid.items()):
        current = reduce(current, minor, seq).instalments
    applied = 0
    for minor in facts.reductions:
        step = reduce(current, minor)
        current, applied = step.instalments, applied + step.applied_minor
    return CaughtUp(current, min(facts.written_off, applied), facts.disputes_open)
