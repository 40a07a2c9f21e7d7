"""Aging slabs, their labels, bounds checks and the split of disputed amounts."""
from datetime import date

import pytest

from services.reporting.domain.aging import Basis, bucket_of, days_on, parse_bounds, slabs, split_disputed
from shared.errors import RuleError


def test_labels_by_due_date_and_by_invoice_date():
    assert [s.label for s in slabs((30, 60))] == ["current", "1-30", "31-60", "61+"]
    assert [s.label for s in slabs((30, 60), Basis.INVOICE_DATE)] == ["0-30", "31-60", "61+"]


@pytest.mark.parametrize("days, slab", [(None, 0), (-5, 0), (0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3),
                                        (9999, 3)])
def test_bucket_of_days_past_due(days, slab):
    assert bucket_of(days, slabs((30, 60))) == slab


def test_days_on_either_basis():
    on = date(2026, 6, 1)
    assert days_on(on, date(2026, 5, 31), date(2026, 5, 1), Basis.DUE_DATE) == 1
    assert days_on(on, date(2026, 5, 31), date(2026, 5, 1), Basis.INVOICE_DATE) == 31
    assert days_on(on, None, date(2026, 5, 1), Basis.DUE_DATE) is None


@pytest.mark.parametrize("text, rule", [("60,30", "buckets.not_ascending"), ("30,30", "buckets.not_ascending"),
                                        ("0,30", "buckets.range"), ("a", "buckets.format"),
                                        (",".join(str(i) for i in range(1, 15)), "buckets.count")])
def test_bad_bounds(text, rule):
    with pytest.raises(RuleError) as e:
        parse_bounds(text)
    assert e.value.rule == rule and e.value.field == "buckets"


def test_default_and_given_bounds():
    assert parse_bounds(None) == (30, 60, 90, 180) and parse_bounds("10,20") == (10, 20)


def test_disputed_amount_comes_off_the_oldest_slab_first_up_to_what_is_open():
    assert split_disputed([(0, 100), (3, 50)], 120) == {3: 50, 0: 70}
    assert split_disputed([(1, 40)], 100) == {1: 40}
