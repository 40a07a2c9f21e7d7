"""Which steps an item takes on a day: once per step, the latest due one on a late start,
requests still made, minimum amounts, the established customers' pre-due day, pauses."""
from datetime import date, timedelta
from decimal import Decimal

from services.dunning.domain.ladder import ItemAge, Pauses, decide, is_established, pause_reason, script_level
from services.dunning.domain.policies import DEFAULT_POLICY, VARIANT_POLICY, Policy, Step

DUE = date(2026, 3, 2)


def on(days: int) -> date:
    return DUE + timedelta(days=days)


def taken(policy, days, done=(), amount="1000", established=False):
    return [(d.step.key, d.status) for d in decide(policy, ItemAge(DUE, Decimal(amount), established), on(days),
                                                   set(done))]


def test_each_step_on_its_day_once():
    assert taken(DEFAULT_POLICY, -8) == []
    assert taken(DEFAULT_POLICY, -7) == [("pre_due_reminder", "execute")]
    assert taken(DEFAULT_POLICY, -3, {"pre_due_reminder"}) == []
    assert taken(DEFAULT_POLICY, 3, {"pre_due_reminder", "day1_check"}) == [("payment_notice", "execute")]
    assert taken(DEFAULT_POLICY, 4, {"pre_due_reminder", "day1_check", "payment_notice"}) == []


def test_a_late_start_executes_the_step_that_fits_and_skips_the_rest():
    assert taken(DEFAULT_POLICY, 45) == [("pre_due_reminder", "skipped"), ("day1_check", "skipped"),
                                         ("payment_notice", "skipped"), ("second_notice", "skipped"),
                                         ("collector_call", "execute")]


def test_the_optional_lawyers_letter_is_never_run_by_the_ladder():
    done = {s.key for s in DEFAULT_POLICY.steps if s.day < 75}
    assert taken(DEFAULT_POLICY, 80, done) == []


def test_a_request_to_stop_supply_is_made_even_on_a_late_start():
    assert taken(VARIANT_POLICY, 40) == [("reminder_letter", "skipped"), ("collector_call", "skipped"),
                                         ("supply_stop", "execute"), ("legal_handoff", "execute")]


def test_below_the_minimum_amount_the_step_is_skipped():
    policy = Policy("p", (Step("call", 30, "phone_task", "collector", min_amount=Decimal(5000)),))
    [(key, status)] = taken(policy, 30, amount="4999.99")
    assert (key, status) == ("call", "skipped")
    assert taken(policy, 30, amount="5000") == [("call", "execute")]


def test_established_customers_get_the_pre_due_reminder_3_days_before_due():
    assert taken(DEFAULT_POLICY, -7, established=True) == []
    assert taken(DEFAULT_POLICY, -3, established=True) == [("pre_due_reminder", "execute")]
    today = date(2026, 6, 1)
    assert is_established("A", date(2025, 6, 1), today, 0)
    assert not is_established("A", date(2025, 6, 2), today, 0)  # less than a year
    assert not is_established("B", date(2020, 1, 1), today, 1)  # overdue before
    assert not is_established("C", date(2020, 1, 1), today, 0)


def test_pauses():
    today = date(2026, 6, 1)
    assert pause_reason(Pauses(), today) is None
    assert pause_reason(Pauses(disputed=True, plan_current=True), today) == "disputed"
    assert pause_reason(Pauses(promise_until=today), today) == "promise_to_pay"
    assert pause_reason(Pauses(promise_until=today - timedelta(days=1)), today) is None
    assert pause_reason(Pauses(plan_current=True), today) == "repayment_plan"


def test_script_levels_from_days_overdue():
    assert [script_level(d) for d in (1, 30, 31, 60, 61)] == [1, 1, 2, 2, 3]
