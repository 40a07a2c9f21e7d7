"""The aging clock: which overdue thresholds an instalment has crossed.

Thresholds are days relative to the due date, strictly increasing; the default ladder
(-7, -3, 1, 7, 15, 30, 60, 90, 180) holds the pre-due reminders (7 and 3 days before
due, 004), the payment notice, phone collection, the collector call, the demand
letter, legal hand-over and the 6-month legal decision (000).

The rule: at `as_of`, threshold t is crossed when ``as_of - due_date >= t``. A sweep
emits every crossed threshold not yet emitted for the instalment; so a sweep that ran
late emits several at once (in ascending order) and a re-run emits nothing new.
Only instalments with an open *undisputed* amount > 0 emit: settled instalments and
fully disputed ones are silent (a partly disputed one emits for its undisputed part).
Consumers that only act on the latest step may take the last threshold of a batch.

Because thresholds are sorted, "crossed" is a prefix of the ladder:
``reached_index = bisect_right(thresholds, as_of - due) - 1`` and the new crossings
of a row whose highest emitted index is ``last`` are ``thresholds[last+1 .. reached]``
(`crossings_for`). `sweep_batch` runs that over columns of ints (due date ordinals,
last indices) with one integer comparison per row; rows that cross nothing cost no
bisect (about 0.1-0.25 s per million rows in CPython).

For the SQL layer: store per instalment ``last_threshold_index`` (-1 = none) and
``next_threshold_date = due_date + thresholds[last+1]`` (`next_threshold_date`, NULL
when the ladder is exhausted or the item is settled/fully disputed). The sweep is then
an indexed range scan ``WHERE next_threshold_date <= :as_of``, i.e.
``due_date <= as_of - thresholds[last+1]``; after emitting, write the new last index
and next date in the same transaction as the outbox rows.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection, Sequence
from datetime import date, timedelta

from shared.money import Money
from shared.errors import RuleError

DEFAULT_THRESHOLDS: tuple[int, ...] = (-7, -3, 1, 7, 15, 30, 60, 90, 180)
_NEVER = -(10**12)  # an ordinal no due date reaches: the ladder is exhausted


class SweepConfigError(RuleError):
    default_rule = "sweep.config"


def validate_thresholds(thresholds: Sequence[int]) -> tuple[int, ...]:
    values = tuple(thresholds)
    if not values:
        raise SweepConfigError("at least one threshold is needed", field="thresholds")
    if any(isinstance(t, bool) or not isinstance(t, int) for t in values):
        raise SweepConfigError("thresholds are whole days", field="thresholds")
    if any(b <= a for a, b in zip(values, values[1:])):
        raise SweepConfigError("thresholds must be strictly increasing", field="thresholds")
    return values


def reached_index(days_overdue: int, thresholds: Sequence[int] = DEFAULT_THRESHOLDS) -> int:
    """Index of the highest threshold crossed at `days_overdue`; -1 if none."""
    return bisect_right(thresholds, days_overdue) - 1


def crossings_for(days_overdue: int, last_emitted_index: int,
                  thresholds: Sequence[int] = DEFAULT_THRESHOLDS) -> list[int]:
    """The thresholds (in days) newly crossed; the new last index is last + len(result)."""
    reached = bisect_right(thresholds, days_overdue)
    if reached <= last_emitted_index + 1:
        return []
    return list(thresholds[last_emitted_index + 1:reached])


def last_emitted_index(emitted: Collection[int], thresholds: Sequence[int] = DEFAULT_THRESHOLDS) -> int:
    """The highest index among emitted thresholds (values not in the ladder are ignored)."""
    indices = [i for i, t in enumerate(thresholds) if t in emitted]
    return max(indices, default=-1)


def next_threshold_date(due_date: date, last_index: int,
                        thresholds: Sequence[int] = DEFAULT_THRESHOLDS) -> date | None:
    """The date the next threshold is crossed; None once the ladder is exhausted."""
    if last_index + 1 >= len(thresholds):
        return None
    return due_date + timedelta(days=thresholds[last_index + 1])


def thresholds_crossed(due_date: date, as_of: date, open_amount: Money, emitted: Collection[int],
                       thresholds: Sequence[int] = DEFAULT_THRESHOLDS,
                       disputed_amount: Money | None = None) -> list[int]:
    """Every threshold crossed at `as_of` and not in `emitted`, ascending.

    Nothing for a settled instalment (open <= 0) or a fully disputed one.
    """
    undisputed = open_amount.amount - (disputed_amount.amount if disputed_amount is not None else 0)
    if undisputed <= 0:
        return []
    days = (as_of - due_date).days
    return [t for t in thresholds if t <= days and t not in emitted]


def sweep_batch(due_ordinals: Sequence[int], last_indices: Sequence[int], as_of: date,
                thresholds: Sequence[int] = DEFAULT_THRESHOLDS) -> list[tuple[int, int, int]]:
    """Rows that cross something: (row, first_new_index, reached_index), both inclusive.

    Rows are open, undisputed instalments (filter settled / fully disputed ones first);
    `due_ordinals[i]` is `due_date.toordinal()`, `last_indices[i]` the last emitted index.
    """
    ladder = tuple(thresholds)
    as_of_ord = as_of.toordinal()
    # cutoff[k]: a row has reached threshold k when due_ordinal <= cutoff[k]
    cutoff = [as_of_ord - t for t in ladder] + [_NEVER]
    out: list[tuple[int, int, int]] = []
    append = out.append
    for row, (due, last) in enumerate(zip(due_ordinals, last_indices)):
        if due <= cutoff[last + 1]:
            append((row, last + 1, bisect_right(ladder, as_of_ord - due) - 1))
    return out
