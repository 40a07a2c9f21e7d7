"""Promises to pay and repayment plans, on small hand-computed cases."""
from datetime import date
from decimal import Decimal

import pytest

from services.dunning.domain.promises import Instalment, check_plan, check_promise, plan_outcome, promise_outcome
from shared.errors import RuleError

TODAY = date(2026, 6, 1)
D = Decimal


def rule(fn, *args) -> str:
    with pytest.raises(RuleError) as e:
        fn(*args)
    return e.value.rule


def test_a_promise_is_not_in_the_past_nor_larger_than_the_debt():
    check_promise(D("500"), TODAY, D("500"), TODAY)
    assert rule(check_promise, D("500"), date(2026, 5, 31), D("900"), TODAY) == "promise.in_the_past"
    assert rule(check_promise, D("900.01"), TODAY, D("900"), TODAY) == "promise.larger_than_debt"
    assert rule(check_promise, D("0"), TODAY, D("900"), TODAY) == "promise.amount"


def test_a_promise_is_kept_by_payment_and_broken_after_its_date_plus_grace():
    promised = date(2026, 6, 10)
    assert promise_outcome(D("500"), D("500"), promised, 3, date(2026, 6, 20)) == "kept"
    assert promise_outcome(D("500"), D("499.99"), promised, 3, date(2026, 6, 13)) == "open"
    assert promise_outcome(D("500"), D("499.99"), promised, 3, date(2026, 6, 14)) == "broken"


def test_a_plans_instalments_add_up_are_ordered_and_not_in_the_past():
    lines = [Instalment(date(2026, 6, 15), D("300")), Instalment(date(2026, 7, 15), D("700"))]
    check_plan(D("1000"), lines, D("1000"), TODAY)
    assert rule(check_plan, D("1000.01"), lines, D("2000"), TODAY) == "plan.instalments_do_not_add_up"
    assert rule(check_plan, D("1000"), lines, D("999"), TODAY) == "plan.larger_than_debt"
    assert rule(check_plan, D("1000"), lines[::-1], D("1000"), TODAY) == "plan.unordered"
    assert rule(check_plan, D("300"), [Instalment(date(2026, 5, 1), D("300"))], D("1000"), TODAY) == "plan.in_the_past"
    assert rule(check_plan, D("1000"), [], D("1000"), TODAY) == "plan.no_instalments"


def test_a_plan_is_breached_by_a_missed_instalment_after_the_grace():
    lines = [Instalment(date(2026, 6, 15), D("300")), Instalment(date(2026, 7, 15), D("700"))]
    assert plan_outcome(lines, D("0"), 5, date(2026, 6, 20)) == "current"
    assert plan_outcome(lines, D("299"), 5, date(2026, 6, 21)) == "breached"
    assert plan_outcome(lines, D("300"), 5, date(2026, 7, 20)) == "current"
    assert plan_outcome(lines, D("300"), 5, date(2026, 7, 21)) == "breached"
    assert plan_outcome(lines, D("1000"), 5, date(2026, 9, 1)) == "completed"
