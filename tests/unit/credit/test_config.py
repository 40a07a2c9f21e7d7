"""Credit's configuration: read from the environment once, mapped into the domain's policies."""
from decimal import Decimal

import pytest

from services.credit.config import CreditConfig, build_policy


def test_config_maps_into_the_domain_policies():
    policy = build_policy(CreditConfig(hold_threshold_days=45, over_limit_tolerance_percent=Decimal(5),
                                       blacklist_after=None, exposure_include_disputed=False, grade_scale="A-C"))
    assert policy.holds.overdue_threshold_days == 45 and policy.holds.blacklist_after is None
    assert policy.check.over_limit_tolerance == Decimal("0.05")
    assert policy.exposure.include_disputed is False and policy.scale.names == ("A", "B", "C")
    assert policy.grading.scorecard.weight("repayment") == 40


def test_scorecard_weights_must_sum_to_100():
    with pytest.raises(ValueError, match="sum to 100"):
        build_policy(CreditConfig(repayment_weight=50))
    card = build_policy(CreditConfig(repayment_weight=50, entered_criteria={"financial_strength": 20})).grading.scorecard
    assert [c.id for c in card.entered] == ["financial_strength"]


def test_config_from_the_environment(monkeypatch):
    monkeypatch.setenv("AR_CREDIT_HOLD_THRESHOLD_DAYS", "60")
    monkeypatch.setenv("AR_CREDIT_LIMIT_FACTORS", '{"A": "1.4", "B": "1.2", "C": "1.0", "D": "0.5"}')
    config = CreditConfig()
    assert config.hold_threshold_days == 60 and config.limit_factors["A"] == Decimal("1.4")


def test_approval_chains_from_the_environment_and_admin_never_in_one(monkeypatch):
    monkeypatch.setenv("AR_CREDIT_APPROVAL_CHAINS", '{"rerating": {"submitters": ["sales"], '
                                                    '"steps": ["sales_manager", "finance", "general_manager"]}}')
    policy = build_policy(CreditConfig())
    assert policy.chains["rerating"].steps == ("sales_manager", "finance", "general_manager")
    assert policy.chains["limit"].steps == ("finance", "general_manager")
    monkeypatch.setenv("AR_CREDIT_APPROVAL_CHAINS", '{"limit": {"submitters": ["sales_manager"], '
                                                    '"steps": ["admin"]}}')
    with pytest.raises(ValueError, match="admin"):
        CreditConfig()
