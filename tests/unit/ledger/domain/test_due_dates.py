"""Due-date moves (receipt of a RECEIPT+N invoice, a term extension) and where the aging
clock picks up again: pure rules, no I/O."""
from datetime import date, timedelta

import pytest

from services.ledger.domain.due_dates import DueItem, check_receipt_date, extend, on_receipt, relaunch_index
from services.ledger.domain.sweep import DEFAULT_THRESHOLDS, crossings_for
from services.ledger.domain.terms import AWAITING_RECEIPT, parse_terms
from shared.errors import RuleError

LADDER = DEFAULT_THRESHOLDS  # (-7, -3, 1, 7, 15, 30, 60, 90, 180)
TODAY = date(2026, 12, 2)


def item(due: date, last: int = -1, open_minor: int = 100, disputed: int = 0, seq: int = 1) -> DueItem:
    return DueItem(seq, seq, due, open_minor, disputed, last)


def test_a_long_extension_sends_an_overdue_item_back_before_its_reminders():
    [m] = extend(60, [item(date(2026, 11, 1), last=LADDER.index(30))], TODAY, LADDER)
    assert (m.previous, m.due_date, m.last_index) == (date(2026, 11, 1), date(2026, 12, 31), -1)
    assert m.next_threshold == date(2026, 12, 24)  # the -7 reminder, from the new date


def test_a_short_extension_keeps_the_steps_the_new_date_has_reached_and_redoes_the_rest():
    [m] = extend(10, [item(date(2026, 11, 1), last=LADDER.index(30))], TODAY, LADDER)
    assert m.due_date == date(2026, 11, 11) and LADDER[m.last_index] == 15  # 21 days overdue now
    assert m.next_threshold == date(2026, 12, 11)  # 30 days after the new date
    # the next sweep emits nothing already past under the new date
    assert crossings_for((TODAY - m.due_date).days, m.last_index, LADDER) == []


def test_the_clock_never_moves_forward_past_what_was_emitted():
    # due long ago, nothing emitted yet (booked late): after a small extension the sweep
    # still emits every threshold the new date reached, as it would for a late sweep
    assert relaunch_index(-1, date(2026, 1, 1), TODAY, LADDER) == -1
    assert relaunch_index(LADDER.index(180), date(2026, 1, 1), TODAY, LADDER) == LADDER.index(180)


def test_an_extension_moves_open_dated_items_only():
    items = [item(date(2026, 11, 1), seq=1), item(date(2026, 12, 1), open_minor=0, seq=2),
             item(AWAITING_RECEIPT, seq=3)]
    assert [m.seq for m in extend(30, items, TODAY, LADDER)] == [1]


def test_a_fully_disputed_item_moves_but_stays_silent():
    [m] = extend(30, [item(date(2026, 11, 1), disputed=100)], TODAY, LADDER)
    assert m.due_date == date(2026, 12, 1) and m.next_threshold is None


@pytest.mark.parametrize("days", [0, -5, 367])
def test_an_extension_is_bounded(days):
    with pytest.raises(RuleError) as err:
        extend(days, [item(date(2026, 11, 1))], TODAY, LADDER)
    assert err.value.rule == "extension.days"


def test_a_receipt_dates_the_items_awaiting_it():
    terms = parse_terms("RECEIPT+30")
    items = [item(AWAITING_RECEIPT, seq=1), item(date(2026, 12, 20), seq=2)]
    [m] = on_receipt(terms, date(2026, 10, 20), items, TODAY, LADDER)
    assert (m.seq, m.previous, m.due_date) == (1, None, date(2026, 11, 19))
    # received late in the ledger: it is already 13 days overdue, every step up to 7 is due now
    assert m.last_index == -1 and m.next_threshold == date(2026, 11, 19) + timedelta(days=-7)
    assert crossings_for((TODAY - m.due_date).days, m.last_index, LADDER) == [-7, -3, 1, 7]


def test_a_receipt_moves_nothing_under_other_terms():
    assert on_receipt(parse_terms("NET30"), date(2026, 10, 20), [item(date(2026, 11, 1))], TODAY, LADDER) == []
    assert on_receipt(None, date(2026, 10, 20), [item(date(2026, 11, 1))], TODAY, LADDER) == []


def test_an_invoice_is_not_received_before_it_is_issued():
    check_receipt_date(date(2026, 4, 1), date(2026, 4, 1))
    with pytest.raises(RuleError) as err:
        check_receipt_date(date(2026, 3, 31), date(2026, 4, 1))
    assert (err.value.field, err.value.rule) == ("receipt_date", "receipt.before_issue")
