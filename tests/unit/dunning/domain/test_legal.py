"""Legal cases: stages forward only, closed is final; the evidence still missing; the
assessment before suing."""
from decimal import Decimal

import pytest

from services.dunning.domain.legal import EVIDENCE, check_stage, missing_evidence, worth_suing
from shared.errors import RuleError


def test_stages_move_forward_and_closed_is_final():
    check_stage("letter", "hearing")
    with pytest.raises(RuleError) as e:
        check_stage("judgment", "filed")
    assert e.value.rule == "legal.stage_backwards"
    with pytest.raises(RuleError) as e:
        check_stage("closed", "closed")
    assert e.value.status == 409


def test_missing_evidence_in_the_package_order():
    assert missing_evidence(set(EVIDENCE)) == []
    assert missing_evidence({"contract", "contact_log"})[:2] == ["delivery_proofs", "acceptance_proofs"]


def test_worth_suing_when_the_expected_recovery_exceeds_the_cost():
    assert worth_suing(Decimal(100000), Decimal(30), Decimal(29999))
    assert not worth_suing(Decimal(100000), Decimal(30), Decimal(30000))
