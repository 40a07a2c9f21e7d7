from datetime import date

import pytest

from shared.money import Money, MoneyError
from services.credit.domain import roles
from services.credit.domain.rerating import (
    DueVisit, RatedCustomer, ReratingPolicy, VisitCandidate, customers_due_for_rerating, cycle_start,
    is_due_for_rerating, last_visits, needs_new_assessment, required_visitors, visits_due,
)
from tests.support.credit import cny


@pytest.mark.parametrize("last, today, due", [
    (date(2023, 7, 10), date(2024, 7, 1), True),    # July 1 reached, last rating before it
    (date(2024, 6, 30), date(2024, 7, 1), True),
    (date(2024, 7, 1), date(2024, 7, 2), False),    # already rated this cycle
    (date(2023, 7, 10), date(2024, 6, 30), False),  # before July: last year's rating holds
    (date(2023, 6, 30), date(2024, 3, 1), True),    # missed last July: still due
    (None, date(2024, 3, 1), True),                 # never rated
])
def test_due_for_rerating(last, today, due):
    assert is_due_for_rerating(last, today) is due


def test_cycle_start_and_configurable_month():
    assert cycle_start(date(2024, 7, 1)) == date(2024, 7, 1)
    assert cycle_start(date(2024, 6, 30)) == date(2023, 7, 1)
    jan = ReratingPolicy(month=1, day=1)
    assert is_due_for_rerating(date(2023, 12, 31), date(2024, 1, 1), jan)


def test_customers_due_list():
    customers = [RatedCustomer("c2", date(2023, 8, 1)), RatedCustomer("c1", None),
                 RatedCustomer("c3", date(2024, 7, 2))]
    assert customers_due_for_rerating(customers, date(2024, 7, 15)) == ["c1", "c2"]


@pytest.mark.parametrize("limit, term, expected", [
    ("29999.99", 30, ()),
    ("30000", 29, ()),
    ("30000", 30, (roles.SALES_MANAGER,)),
    ("49999", 45, (roles.SALES_MANAGER,)),
    ("50000", 30, (roles.SALES_MANAGER, roles.DEPARTMENT_HEAD)),
    ("80000", 15, ()),
])
def test_required_visitors(limit, term, expected):
    assert required_visitors(VisitCandidate("c", cny(limit), term)) == expected


def test_visit_list():
    today = date(2024, 7, 15)
    candidates = [
        VisitCandidate("big", cny("60000"), 30, {roles.SALES_MANAGER: date(2024, 3, 1),
                                                 roles.DEPARTMENT_HEAD: date(2023, 11, 1)}),
        VisitCandidate("mid", cny("30000"), 30),
        VisitCandidate("small", cny("10000"), 30),
        VisitCandidate("short", cny("90000"), 7),
    ]
    assert visits_due(candidates, today) == [
        DueVisit("big", roles.DEPARTMENT_HEAD, date(2023, 11, 1), date(2024, 12, 31)),
        DueVisit("mid", roles.SALES_MANAGER, None, date(2024, 12, 31)),
    ]


def test_visited_this_year_not_due():
    c = VisitCandidate("c", cny("30000"), 30, {roles.SALES_MANAGER: date(2024, 1, 1)})
    assert visits_due([c], date(2024, 12, 31)) == []
    assert len(visits_due([c], date(2025, 1, 1))) == 1


def test_visit_thresholds_in_their_currency():
    with pytest.raises(MoneyError):
        visits_due([VisitCandidate("c", Money.of("90000", "USD"), 30)], date(2024, 7, 1))


def test_a_re_rating_is_stored_when_grade_or_total_changed_or_always_for_the_cycle():
    assert not needs_new_assessment("B", 82, "B", 82)
    assert needs_new_assessment("C", 82, "B", 82) and needs_new_assessment("B", 81, "B", 82)
    assert needs_new_assessment("B", 82, "B", 82, always=True) and needs_new_assessment("B", 82, None, None)


def test_the_last_visit_per_customer_and_role():
    visits = [("C1", "sales_manager", date(2024, 3, 1)), ("C1", "sales_manager", date(2024, 5, 1)),
              ("C1", "department_head", date(2023, 9, 1)), ("C2", "sales_manager", date(2024, 1, 1)),
              ("C1", "sales_manager", date(2024, 4, 1))]
    assert last_visits(visits) == {"C1": {"sales_manager": date(2024, 5, 1), "department_head": date(2023, 9, 1)},
                                   "C2": {"sales_manager": date(2024, 1, 1)}}
