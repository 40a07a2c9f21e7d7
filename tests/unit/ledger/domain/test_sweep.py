from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shared.money import Money
from services.ledger.domain.sweep import (
    DEFAULT_THRESHOLDS, SweepConfigError, crossings_for, last_emitted_index, next_threshold_date, reached_index,
    sweep_batch, thresholds_crossed, validate_thresholds,
)

DUE = date(2024, 3, 31)
OPEN = Money.of("100.00", "CNY")


def at(days: int) -> date:
    return DUE + timedelta(days=days)


def test_pre_due_thresholds_fire_seven_and_three_days_before():
    assert thresholds_crossed(DUE, at(-8), OPEN, set()) == []
    assert thresholds_crossed(DUE, at(-7), OPEN, set()) == [-7]
    assert thresholds_crossed(DUE, at(-3), OPEN, {-7}) == [-3]
    assert thresholds_crossed(DUE, at(0), OPEN, {-7, -3}) == []  # due day itself: nothing new
    assert thresholds_crossed(DUE, at(1), OPEN, {-7, -3}) == [1]


def test_a_late_sweep_emits_every_missed_threshold_in_order():
    assert thresholds_crossed(DUE, at(31), OPEN, {-7, -3}) == [1, 7, 15, 30]
    assert thresholds_crossed(DUE, at(400), OPEN, set()) == list(DEFAULT_THRESHOLDS)


def test_a_rerun_emits_nothing_new():
    first = thresholds_crossed(DUE, at(16), OPEN, set())
    assert first == [-7, -3, 1, 7, 15]
    assert thresholds_crossed(DUE, at(16), OPEN, set(first)) == []
    assert thresholds_crossed(DUE, at(29), OPEN, set(first)) == []
    assert thresholds_crossed(DUE, at(30), OPEN, set(first)) == [30]


def test_settled_and_fully_disputed_instalments_emit_nothing():
    assert thresholds_crossed(DUE, at(100), Money.of("0", "CNY"), set()) == []
    assert thresholds_crossed(DUE, at(100), OPEN, set(), disputed_amount=OPEN) == []
    partly = thresholds_crossed(DUE, at(1), OPEN, {-7, -3}, disputed_amount=Money.of("99.99", "CNY"))
    assert partly == [1]


def test_gaps_in_emitted_are_filled():
    assert thresholds_crossed(DUE, at(8), OPEN, {-7, 1}) == [-3, 7]


@pytest.mark.parametrize("days, last, expected", [
    (-8, -1, []), (-7, -1, [-7]), (0, -1, [-7, -3]), (0, 1, []), (1, 1, [1]), (45, 2, [7, 15, 30]),
    (45, 5, []), (10_000, 7, [180]), (10_000, 8, []), (59, 5, []), (60, 5, [60]),
])
def test_crossings_for(days, last, expected):
    assert crossings_for(days, last) == expected


def test_reached_and_last_emitted_index():
    assert reached_index(-100) == -1
    assert reached_index(-7) == 0
    assert reached_index(29) == 4
    assert reached_index(10_000) == len(DEFAULT_THRESHOLDS) - 1
    assert last_emitted_index(set()) == -1
    assert last_emitted_index({-7, -3, 1}) == 2
    assert last_emitted_index({999}) == -1


def test_next_threshold_date_for_the_sql_prefilter():
    assert next_threshold_date(DUE, -1) == at(-7)
    assert next_threshold_date(DUE, 2) == at(7)
    assert next_threshold_date(DUE, len(DEFAULT_THRESHOLDS) - 1) is None


def test_sweep_batch_reports_only_rows_that_cross():
    as_of = date(2024, 6, 1)
    dues = [as_of + timedelta(days=10), as_of - timedelta(days=45), as_of - timedelta(days=45),
            as_of + timedelta(days=3), as_of - timedelta(days=1000)]
    lasts = [-1, 2, 5, -1, 8]
    got = sweep_batch([d.toordinal() for d in dues], lasts, as_of)
    assert got == [(1, 3, 5), (3, 0, 1)]


def test_thresholds_are_validated():
    assert validate_thresholds([-3, 0, 5]) == (-3, 0, 5)
    for bad in ([], [1, 1], [5, 1], [1.5], [True]):
        with pytest.raises(SweepConfigError):
            validate_thresholds(bad)


def test_custom_ladder():
    fast = (7, 15, 30)
    assert crossings_for(20, -1, fast) == [7, 15]
    assert thresholds_crossed(DUE, at(30), OPEN, {7}, thresholds=fast) == [15, 30]


@settings(database=None, max_examples=300)
@given(days=st.integers(min_value=-50, max_value=400), emitted_upto=st.integers(min_value=-1, max_value=8),
       later=st.integers(min_value=0, max_value=200))
def test_index_form_matches_the_set_form_and_is_idempotent(days, emitted_upto, later):
    emitted = set(DEFAULT_THRESHOLDS[:emitted_upto + 1])
    expected = thresholds_crossed(DUE, at(days), OPEN, emitted)
    assert crossings_for(days, emitted_upto) == expected
    assert thresholds_crossed(DUE, at(days), OPEN, emitted | set(expected)) == []
    # sweeping day by day emits the same set as one late sweep
    day_by_day = []
    seen = set(emitted)
    for d in range(days, days + later + 1, 7):
        new = thresholds_crossed(DUE, at(d), OPEN, seen)
        seen |= set(new)
        day_by_day += new
    day_by_day += thresholds_crossed(DUE, at(days + later), OPEN, seen)
    assert day_by_day == thresholds_crossed(DUE, at(days + later), OPEN, emitted)
    rows = sweep_batch([DUE.toordinal()], [emitted_upto], at(days))
    if expected:
        first, reached = rows[0][1], rows[0][2]
        assert list(DEFAULT_THRESHOLDS[first:reached + 1]) == expected
    else:
        assert rows == []
