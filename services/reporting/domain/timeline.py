"""What was open on an invoice on any date: its facts, in effective-date order, folded into
spans of (instalment, due date, open amount) valid from one date until the next change.

Rebuilding the spans from all of an invoice's facts makes the read model independent of
the order the facts arrived in: a payment delivered before its invoice, or a back-dated
credit note, gives the same spans as if they had come in order."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Iterable, Sequence

#: facts of the same day: due dates first, then what is added back, then what is taken off,
#: the settlement last (it closes whatever is left)
_ORDER = {"due_date": 0, "reversal": 1, "allocation": 2, "credit_note": 3, "write_off": 3, "settled": 9}
KINDS = frozenset(_ORDER)


@dataclass(frozen=True)
class Instalment:
    seq: int
    due_date: date | None  # None: RECEIPT+N terms, the invoice not received yet (never overdue)
    amount_minor: int


@dataclass(frozen=True)
class Fact:
    """One fact about an invoice: `seq` names an instalment (allocations, reversals, due
    dates); None spreads it over the oldest due first (credit notes, write-offs)."""
    kind: str
    effective_date: date
    amount_minor: int = 0
    seq: int | None = None
    due_date: date | None = None
    key: str = ""


@dataclass(frozen=True)
class Span:
    seq: int
    due_date: date | None
    open_minor: int
    valid_from: date
    valid_to: date | None  # exclusive; None: still open today


@dataclass
class _State:
    seq: int
    amount_minor: int
    due_date: date | None
    open_minor: int


def _due_order(s: _State) -> tuple:
    return (s.due_date is None, s.due_date or date.min, s.seq)


def _reduce(states: list[_State], minor: int, seq: int | None) -> None:
    """Take `minor` off instalment `seq` first (if named), then the oldest due first — as
    the ledger and credit apply it."""
    left = minor
    for s in sorted(states, key=lambda s: (s.seq != seq, *_due_order(s))):
        take = min(left, s.open_minor)
        s.open_minor -= take
        left -= take
        if not left:
            return


def _reopen(states: list[_State], minor: int, seq: int | None) -> None:
    target = next((s for s in states if s.seq == seq), states[0] if states else None)
    if target is not None:
        target.open_minor += min(minor, target.amount_minor - target.open_minor)


def _apply(states: list[_State], fact: Fact) -> None:
    if fact.kind == "due_date":
        for s in states:
            if s.seq == fact.seq:
                s.due_date = fact.due_date
    elif fact.kind == "reversal":
        _reopen(states, fact.amount_minor, fact.seq)
    elif fact.kind in ("allocation", "credit_note", "write_off"):
        _reduce(states, fact.amount_minor, fact.seq)
    elif fact.kind == "settled":
        for s in states:
            s.open_minor = 0
    else:
        raise ValueError(f"not a fact about an invoice's open amount: {fact.kind}")


def spans(issue_date: date, schedule: Sequence[Instalment], facts: Iterable[Fact]) -> list[Span]:
    """The open spans of every instalment. A fact dated before the invoice counts from the
    invoice's issue date (nothing was open before)."""
    states = [_State(i.seq, i.amount_minor, i.due_date, i.amount_minor) for i in schedule]
    by_day: dict[date, list[Fact]] = {}
    for f in facts:
        by_day.setdefault(max(f.effective_date, issue_date), []).append(f)
    out: list[Span] = []
    current = {s.seq: Span(s.seq, s.due_date, s.open_minor, issue_date, None) for s in states}
    for day in sorted(by_day):
        for f in sorted(by_day[day], key=lambda f: (_ORDER[f.kind], f.key)):
            _apply(states, f)
        for s in states:
            was = current[s.seq]
            if (was.due_date, was.open_minor) == (s.due_date, s.open_minor):
                continue
            if was.valid_from < day:
                out.append(replace(was, valid_to=day))
            current[s.seq] = Span(s.seq, s.due_date, s.open_minor, day, None)
    out.extend(current.values())
    return sorted((s for s in out if s.open_minor > 0), key=lambda s: (s.seq, s.valid_from))


def open_at(rows: Iterable[Span], on: date) -> list[Span]:
    return [s for s in rows if s.valid_from <= on and (s.valid_to is None or on < s.valid_to)]
