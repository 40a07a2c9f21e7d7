"""The receivable projection (`domain.projection`): instalments as the ledger booked them,
reductions to the named instalment then the oldest due, reopenings, thresholds per
instalment, disputes released."""
from datetime import date

import pytest

from services.credit.domain.projection import (
    InstalmentBalance, is_new_threshold, open_total, recorded, reduce, released_dispute, reopen,
)

# a 9,000 invoice in three instalments (a down payment and two milestones)
THREE = recorded([(2, date(2026, 5, 15), 450_000), (1, date(2026, 4, 15), 300_000), (3, date(2026, 7, 15), 150_000)])


def opens(instalments) -> list[int]:
    return [i.open_minor for i in instalments]


def test_an_invoice_is_recorded_with_each_instalment_open_in_full_in_seq_order():
    assert [i.seq for i in THREE] == [1, 2, 3]
    assert opens(THREE) == [300_000, 450_000, 150_000] and open_total(THREE) == 900_000
    assert THREE[1].due_date == date(2026, 5, 15)


def test_a_reduction_takes_the_named_instalment_first_then_the_oldest_due():
    paid = reduce(THREE, 500_000, seq=2)
    assert opens(paid.instalments) == [250_000, 0, 150_000] and paid.applied_minor == 500_000
    unnamed = reduce(THREE, 350_000)
    assert opens(unnamed.instalments) == [0, 400_000, 150_000]


def test_a_reduction_never_goes_below_zero_and_reports_what_it_applied():
    everything = reduce(THREE, 1_000_000)
    assert opens(everything.instalments) == [0, 0, 0] and everything.applied_minor == 900_000
    assert reduce(everything.instalments, 10).applied_minor == 0
    with pytest.raises(ValueError):
        reduce(THREE, -1)


def test_a_reversal_reopens_its_instalment_never_above_its_amount():
    paid = reduce(THREE, 900_000).instalments
    back = reopen(paid, 100_000, seq=3)
    assert opens(back.instalments) == [0, 0, 100_000] and back.applied_minor == 100_000
    capped = reopen(back.instalments, 999_999, seq=3)
    assert opens(capped.instalments) == [0, 0, 150_000] and capped.applied_minor == 50_000
    assert opens(reopen(paid, 1, seq=99).instalments) == [1, 0, 0]  # an unknown seq: the first one
    assert reopen((), 1, seq=1).applied_minor == 0


def test_an_open_amount_outside_the_instalment_is_refused():
    with pytest.raises(ValueError):
        InstalmentBalance(1, date(2026, 1, 1), 100, 101)


def test_thresholds_count_per_instalment_and_repeats_are_not_news():
    assert is_new_threshold(0, -7) and is_new_threshold(0, -3) and is_new_threshold(0, 1)
    assert is_new_threshold(1, 30) and not is_new_threshold(30, 30) and not is_new_threshold(30, 15)


def test_a_resolved_dispute_releases_what_it_opened_with_or_everything_when_unseen():
    assert released_dispute(800, 300) == 500
    assert released_dispute(800, None) == 0
    assert released_dispute(200, 300) == 0


def test_facts_that_came_before_the_invoice_are_caught_up_with():
    from services.credit.domain.projection import EarlierFacts, catch_up
    caught = catch_up(THREE, EarlierFacts({2: 50_000}, reductions=(100_000, 250_000), written_off=250_000,
                                          disputes_open=70_000))
    # the allocation on its instalment, then the credit note and the write-off oldest due first
    assert opens(caught.instalments) == [0, 350_000, 150_000]
    assert (caught.written_off_minor, caught.disputed_minor) == (250_000, 70_000)
    nothing_left = catch_up(reduce(THREE, 900_000).instalments, EarlierFacts({}, (100,), written_off=100))
    assert nothing_left.written_off_minor == 0  # nothing open to write off: nothing counted
