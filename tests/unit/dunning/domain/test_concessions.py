"""Concessions and escalation, on small cases."""
from datetime import date
from decimal import Decimal

import pytest

from services.dunning.domain.concessions import check_concession, check_escalation, decide_concession
from shared.errors import RuleError

TODAY = date(2026, 6, 1)


def test_a_concession_names_what_its_kind_needs():
    check_concession("discount", Decimal("100"), None, Decimal("100"))
    check_concession("grace_period", None, 10, Decimal("100"))
    for args, rule in [(("discount", None, None, Decimal(1)), "concession.amount"),
                       (("debt_reduction", Decimal("101"), None, Decimal(100)), "concession.larger_than_debt"),
                       (("interest_free_instalments", None, 0, Decimal(1)), "concession.days")]:
        with pytest.raises(RuleError) as e:
            check_concession(*args)
        assert e.value.rule == rule


def test_approved_by_another_person_once_and_a_grace_period_runs_from_today():
    assert decide_concession("requested", "li", "wang", True, "grace_period", 20, TODAY) == ("approved",
                                                                                          date(2026, 6, 21))
    assert decide_concession("requested", "li", "wang", True, "discount", None, TODAY) == ("approved", None)
    assert decide_concession("requested", "li", "wang", False, "grace_period", 20, TODAY) == ("rejected", None)
    with pytest.raises(RuleError) as e:
        decide_concession("requested", "li", "li", True, "discount", None, TODAY)
    assert e.value.status == 403
    with pytest.raises(RuleError) as e:
        decide_concession("approved", "li", "wang", True, "discount", None, TODAY)
    assert e.value.status == 409


def test_escalation_goes_up_only():
    check_escalation(None, "management")
    check_escalation("finance", "finance")
    with pytest.raises(RuleError):
        check_escalation("management", "sales_management")
