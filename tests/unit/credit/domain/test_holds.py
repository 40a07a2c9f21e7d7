from datetime import date

import pytest

from services.credit.domain import roles
from services.credit.domain.errors import HoldForbidden, ReasonRequired
from services.credit.domain.holds import (
    SYSTEM_ACTOR, Hold, HoldKind, HoldPolicy, holds_after_overdue_event, holds_after_payment, is_blacklisted,
    place_manual_hold, places_overdue_hold, release_by_person,
)
from services.credit.domain.receivables import OpenItem
from services.credit.domain.roles import Actor
from tests.support.credit import cny

TODAY = date(2024, 7, 31)
FIN = Actor("fin", {roles.FINANCE})
SALES = Actor("s", {roles.SALES})
OVERDUE_30 = OpenItem("INV-1", date(2024, 7, 1), cny("1000"))  # 30 days overdue
OVERDUE_29 = OpenItem("INV-2", date(2024, 7, 2), cny("1000"))
AUTO = Hold(HoldKind.OVERDUE, date(2024, 7, 1), SYSTEM_ACTOR, "overdue", hold_id="h-auto")
MANUAL = Hold(HoldKind.MANUAL, date(2024, 6, 1), "fin", "site visit found closed warehouse", hold_id="h-man")


def test_overdue_at_threshold_places_automatic_hold():
    changes = holds_after_overdue_event((), (OVERDUE_30, OVERDUE_29), TODAY)
    [hold] = changes.placed
    assert hold.kind is HoldKind.OVERDUE and hold.placed_by == SYSTEM_ACTOR and hold.automatic
    assert hold.invoice_numbers == ("INV-1",) and hold.placed_on == TODAY
    assert not changes.blacklisted and changes.released == ()


def test_below_threshold_places_nothing():
    assert not holds_after_overdue_event((), (OVERDUE_29,), TODAY).changed


def test_threshold_configurable():
    assert holds_after_overdue_event((), (OVERDUE_29,), TODAY, policy=HoldPolicy(overdue_threshold_days=15)).placed


def test_disputed_items_do_not_trigger_by_default():
    disputed = OpenItem("INV-9", date(2024, 5, 1), cny("1000"), disputed_amount=cny("1000"))
    assert not holds_after_overdue_event((), (disputed,), TODAY).changed
    assert holds_after_overdue_event((), (disputed,), TODAY, policy=HoldPolicy(disputed_items_trigger=True)).placed


def test_the_automatic_hold_lifts_once_what_is_overdue_is_disputed():
    """Only the undisputed part of an item beyond the threshold keeps the hold."""
    whole = OpenItem("INV-1", date(2024, 7, 1), cny("1000"), disputed_amount=cny("1000"))
    part = OpenItem("INV-1", date(2024, 7, 1), cny("1000"), disputed_amount=cny("400"))
    assert holds_after_payment((AUTO,), (whole,), TODAY).released == (AUTO,)
    assert not holds_after_payment((AUTO,), (part,), TODAY).changed


def test_one_automatic_hold_at_a_time():
    assert not holds_after_overdue_event((AUTO,), (OVERDUE_30,), TODAY).changed


def test_manual_hold_does_not_block_automatic_one():
    assert holds_after_overdue_event((MANUAL,), (OVERDUE_30,), TODAY).placed[0].kind is HoldKind.OVERDUE


def test_payment_lifts_automatic_hold_only():
    changes = holds_after_payment((AUTO, MANUAL), (OVERDUE_29,), TODAY)
    assert changes.released == (AUTO,) and changes.placed == ()


def test_payment_keeps_hold_while_debt_still_beyond_threshold():
    assert not holds_after_payment((AUTO,), (OVERDUE_30,), TODAY).changed


def test_manual_hold_never_lifted_automatically():
    assert holds_after_payment((MANUAL,), (), TODAY).released == ()


def test_blacklist_hold_never_lifted_automatically():
    black = Hold(HoldKind.BLACKLIST, date(2024, 1, 1), SYSTEM_ACTOR, "3 holds")
    assert holds_after_payment((black, AUTO), (), TODAY).released == (AUTO,)


def test_third_hold_within_twelve_months_blacklists():
    history = (date(2023, 8, 1), date(2024, 2, 1))
    changes = holds_after_overdue_event((), (OVERDUE_30,), TODAY, history)
    assert changes.blacklisted
    assert [h.kind for h in changes.placed] == [HoldKind.OVERDUE, HoldKind.BLACKLIST]


def test_old_holds_outside_window_do_not_count():
    history = (date(2023, 7, 30), date(2024, 2, 1))  # the first is more than 12 months ago
    assert not holds_after_overdue_event((), (OVERDUE_30,), TODAY, history).blacklisted
    assert holds_after_overdue_event((), (OVERDUE_30,), TODAY, (date(2023, 7, 31), date(2024, 2, 1))).blacklisted


def test_already_blacklisted_not_blacklisted_again():
    history = (date(2024, 1, 1), date(2024, 3, 1), date(2024, 5, 1))
    changes = holds_after_overdue_event((), (OVERDUE_30,), TODAY, history, already_blacklisted=True)
    assert not changes.blacklisted and [h.kind for h in changes.placed] == [HoldKind.OVERDUE]


def test_blacklist_count_configurable_or_off():
    history = (date(2024, 1, 1),)
    assert holds_after_overdue_event((), (OVERDUE_30,), TODAY, history, policy=HoldPolicy(blacklist_after=2)).blacklisted
    many = tuple(date(2024, m, 1) for m in range(1, 7))
    assert not holds_after_overdue_event((), (OVERDUE_30,), TODAY, many, policy=HoldPolicy(blacklist_after=None)).blacklisted


def test_manual_hold_by_finance_only():
    hold = place_manual_hold(FIN, "customer moving assets", TODAY)
    assert hold.kind is HoldKind.MANUAL and hold.placed_by == "fin"
    with pytest.raises(HoldForbidden) as err:
        place_manual_hold(SALES, "x", TODAY)
    assert err.value.status == 403
    with pytest.raises(ReasonRequired):
        place_manual_hold(FIN, " ", TODAY)


def test_person_lifts_manual_hold():
    assert release_by_person(MANUAL, FIN, "guarantee received").released == (MANUAL,)
    with pytest.raises(HoldForbidden):
        release_by_person(MANUAL, Actor("a", {roles.ADMIN}), "x")


def test_blacklisted_by_the_flag_or_an_active_blacklist_hold_and_which_thresholds_matter():
    black = Hold(HoldKind.BLACKLIST, TODAY, SYSTEM_ACTOR, "3 holds")
    manual = Hold(HoldKind.MANUAL, TODAY, "fin", "x")
    assert is_blacklisted(True, ()) and is_blacklisted(False, (manual, black))
    assert not is_blacklisted(False, (manual,))
    assert places_overdue_hold(30) and places_overdue_hold(60) and not places_overdue_hold(15)
    assert places_overdue_hold(15, HoldPolicy(overdue_threshold_days=15))
