"""Policies: the seeded ladders are valid; overlapping, unordered or unknown steps are 422s;
the policy a new case follows."""
from dataclasses import replace
from decimal import Decimal

import pytest

from services.dunning.delivery import known_templates
from services.dunning.domain.policies import DEFAULT_POLICY, SEEDED, VARIANT_POLICY, Policy, Step, check_policy, choose
from shared.errors import RuleError


def rule_of(policy: Policy) -> tuple[str, str]:
    with pytest.raises(RuleError) as e:
        check_policy(policy, known_templates())
    assert e.value.status == 422
    return e.value.rule, e.value.field


def test_the_seeded_policies_are_valid_and_follow_domain_md():
    for policy in SEEDED:
        assert check_policy(policy, known_templates()) is policy
    assert [(s.key, s.day) for s in DEFAULT_POLICY.steps] == [
        ("pre_due_reminder", -7), ("day1_check", 1), ("payment_notice", 3), ("second_notice", 15),
        ("collector_call", 30), ("demand_letter", 60), ("lawyer_letter", 75), ("legal_handoff", 90),
        ("legal_decision", 180)]
    assert [s.day for s in VARIANT_POLICY.steps] == [7, 15, 30, 31]


def test_unordered_and_overlapping_steps():
    a, b = Step("a", 10, "email", template="payment_notice"), Step("b", 5, "sms", template="sms_overdue")
    assert rule_of(Policy("p", (a, b))) == ("policy.unordered_steps", "steps[1].day")
    assert rule_of(Policy("p", (a, replace(b, day=10)))) == ("policy.overlapping_steps", "steps[1].day")
    early = Step("pre", -7, "email", template="pre_due_reminder", day_established=-3)
    assert rule_of(Policy("p", (early, Step("x", -3, "internal_task")))) == ("policy.overlapping_steps",
                                                                              "steps[1].day")


def test_unknown_template_action_duplicate_key_and_negative_minimum():
    assert rule_of(Policy("p", (Step("a", 1, "email", template="nope"),)))[0] == "policy.unknown_template"
    assert rule_of(Policy("p", (Step("a", 1, "fax"),)))[0] == "policy.unknown_action"
    assert rule_of(Policy("p", (Step("a", 1, "email"),)))[0] == "policy.template_missing"
    assert rule_of(Policy("p", (Step("a", 1, "internal_task"), Step("a", 2, "visit"))))[0] == "policy.duplicate_step"
    assert rule_of(Policy("p", (Step("a", 1, "visit", min_amount=Decimal(-1)),)))[0] == "policy.min_amount"
    assert rule_of(Policy("p", ()))[0] == "policy.empty"


def test_the_policy_of_a_new_case_by_grade_or_segment():
    firm = Policy("firm", DEFAULT_POLICY.steps, grades=("D", "E"))
    policies = [DEFAULT_POLICY, VARIANT_POLICY, firm]
    assert choose(policies, "D", None) == "firm"
    assert choose(policies, "A", "new") == "risk_control"
    assert choose(policies, "A", "distributor") == "default"
    assert choose(policies, None, None) == "default"
