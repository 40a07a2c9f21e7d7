from datetime import date

import pytest
from hypothesis import given, strategies as st

from services.credit.domain.credit_file import CreditDocument, CreditFile, DocumentKind
from services.credit.domain.errors import InvalidScore
from services.credit.domain.grade_scale import FIVE_LEVEL_SCALE, THREE_LEVEL_SCALE
from services.credit.domain.grading import (
    DowngradeMode, GradingInput, GradingPolicy, SpecialApproval, effective_grade, grade, prepayment_only,
    special_approval_for,
)
from services.credit.domain.red_flags import OwnFaultCause, RedFlag, RedFlagReport
from services.credit.domain.subscores import SubScore
from tests.support.credit import scored

CASCADE = GradingPolicy(downgrade_mode=DowngradeMode.CASCADE)
APPROVAL = SpecialApproval("gm-1", "SP-2024-001", date(2024, 7, 1))


# --- totals and their boundaries (002 §7) -----------------------------------------------

@pytest.mark.parametrize("repayment, purchases, others, expected", [
    (40, 30, 30, "A"),  # 100
    (40, 30, 20, "A"),  # 90
    (40, 30, 19, "B"),  # 89
    (40, 30, 10, "B"),  # 80
    (40, 30, 9, "C"),   # 79
    (40, 30, 0, "C"),   # 70
    (39, 30, 0, "D"),   # 69
    (30, 30, 0, "D"),   # 60
    (29, 30, 0, "E"),   # 59
    (0, 0, 0, "E"),     # 0
])
def test_total_boundaries(repayment, purchases, others, expected):
    result = grade(scored(repayment, purchases, others))
    assert result.total == repayment + purchases + others
    assert result.grade == expected
    assert result.floors_missed == ()


# --- floors: each grade, each criterion, exactly at and just below ----------------------

@pytest.mark.parametrize("band, repayment, purchases, others, expected", [
    ("A", 35, 30, 30, "A"), ("A", 34, 30, 30, "B"),
    ("A", 40, 27, 30, "A"), ("A", 40, 26, 30, "B"),
    ("B", 30, 30, 25, "B"), ("B", 29, 30, 26, "C"),
    ("B", 40, 24, 20, "B"), ("B", 40, 23, 22, "C"),
    ("C", 25, 30, 20, "C"), ("C", 24, 30, 21, "D"),
    ("C", 40, 21, 14, "C"), ("C", 40, 20, 15, "D"),
    ("D", 20, 30, 15, "D"), ("D", 19, 30, 16, "E"),
    ("D", 40, 18, 7, "D"), ("D", 40, 17, 8, "E"),
])
def test_each_floor_downgrades_one_level(band, repayment, purchases, others, expected):
    result = grade(scored(repayment, purchases, others))
    assert result.band_grade == band
    assert result.grade == expected
    missed = result.floors_missed
    if expected == band:
        assert missed == () and result.downgraded_from is None
    else:
        assert len(missed) == 1 and missed[0].grade == band
        assert result.downgraded_from == band and result.after_floors == expected


def test_both_floors_missed_still_one_level():
    # total 90 (band A): repayment 34 < 35 and purchases 26 < 27
    result = grade(scored(34, 26, 30))
    assert result.band_grade == "A"
    assert {f.criterion_id for f in result.floors_missed} == {"repayment", "purchases"}
    assert result.grade == "B"


def test_one_level_even_when_lower_floors_also_missed():
    # band A with purchases 20: misses A (27), would miss B (24) and C (21) too
    result = grade(scored(40, 20, 30))
    assert result.band_grade == "A"
    assert result.grade == "B"
    assert [f.grade for f in result.floors_checked] == ["A", "A"]


def test_cascade_mode_keeps_dropping_until_floors_met():
    result = grade(scored(40, 20, 30), CASCADE)
    assert result.grade == "D"
    assert [f.grade for f in result.floors_missed] == ["A", "B", "C"]
    assert result.downgraded_from == "A"


def test_floor_miss_at_d_gives_e_in_both_modes():
    assert grade(scored(19, 30, 16)).grade == "E"
    assert grade(scored(19, 30, 16), CASCADE).grade == "E"


def test_no_floors_checked_for_e_band():
    result = grade(scored(10, 10, 10))
    assert result.band_grade == "E" and result.floors_checked == ()


# --- red flags (002 §8) -------------------------------------------------------------------

@pytest.mark.parametrize("flag", list(RedFlag))
def test_every_red_flag_forces_e(flag):
    result = grade(scored(40, 30, 30, red_flags=(RedFlagReport(flag),)))
    assert result.total == 100 and result.grade == "E"
    assert [r.flag for r in result.red_flags.applied] == [flag]
    assert not result.extends_credit


@pytest.mark.parametrize("cause", list(OwnFaultCause))
def test_bad_debt_caused_by_our_own_fault_is_excused(cause):
    report = RedFlagReport(RedFlag.PRIOR_BAD_DEBT_OR_BREACH, own_fault_cause=cause)
    result = grade(scored(40, 30, 30, red_flags=(report,)))
    assert result.grade == "A"
    assert result.red_flags.excused == (report,)
    assert any("excused" in s for s in result.steps)


@pytest.mark.parametrize("flag", [f for f in RedFlag if f is not RedFlag.PRIOR_BAD_DEBT_OR_BREACH])
def test_own_fault_exception_only_for_bad_debt(flag):
    with pytest.raises(ValueError):
        RedFlagReport(flag, own_fault_cause=OwnFaultCause.QUALITY_COMPLAINT)


def test_excused_bad_debt_does_not_excuse_complaint_as_excuse():
    reports = (RedFlagReport(RedFlag.PRIOR_BAD_DEBT_OR_BREACH, OwnFaultCause.QUALITY_COMPLAINT),
               RedFlagReport(RedFlag.COMPLAINT_AS_EXCUSE))
    assert grade(scored(40, 30, 30, red_flags=reports)).grade == "E"


@pytest.mark.parametrize("broken, expected", [(2, "A"), (3, "E"), (5, "E")])
def test_repeatedly_broken_promises_raise_the_flag(broken, expected):
    result = grade(scored(40, 30, 30, broken_promises=broken))
    assert result.grade == expected


def test_broken_promise_threshold_configurable_or_off():
    assert grade(scored(40, 30, 30, broken_promises=2), GradingPolicy(broken_promises_red_flag=2)).grade == "E"
    assert grade(scored(40, 30, 30, broken_promises=9), GradingPolicy(broken_promises_red_flag=None)).grade == "A"


# --- cap for new customers / missing documents (002 §9) --------------------------------

def test_new_customer_capped_at_c():
    result = grade(scored(40, 30, 30, is_new_customer=True))
    assert result.after_floors == "A" and result.grade == "C"
    assert result.cap.applied and result.cap.reasons == ("new_customer",)


def test_missing_documents_cap_at_c():
    result = grade(scored(40, 30, 20, missing_documents=(DocumentKind.BUSINESS_LICENCE,)))
    assert result.grade == "C"
    assert result.cap.reasons == ("missing_document:business_licence",)


def test_special_approval_lifts_the_cap():
    result = grade(scored(40, 30, 30, is_new_customer=True, special_approval=APPROVAL))
    assert result.grade == "A"
    assert not result.cap.applied and result.cap.waived_by == APPROVAL


def test_special_approval_does_not_lift_floors_or_red_flags():
    floors = grade(scored(34, 30, 30, is_new_customer=True, special_approval=APPROVAL))
    assert floors.grade == "B"
    flagged = grade(scored(40, 30, 30, is_new_customer=True, special_approval=APPROVAL,
                           red_flags=(RedFlagReport(RedFlag.BOUNCED_CHEQUE),)))
    assert flagged.grade == "E"


@pytest.mark.parametrize("repayment, purchases, others, expected", [
    (40, 30, 0, "C"), (39, 30, 0, "D"), (29, 30, 0, "E")])
def test_cap_does_nothing_at_or_below_c(repayment, purchases, others, expected):
    result = grade(scored(repayment, purchases, others, is_new_customer=True))
    assert result.grade == expected
    assert not result.cap.applied and result.cap.waived_by is None


def test_no_cap_check_for_established_complete_customer():
    assert grade(scored(40, 30, 30)).cap is None


def test_cap_from_credit_file():
    docs = tuple(CreditDocument(k, "ref") for k in DocumentKind if k is not DocumentKind.LEGAL_REP_ID)
    file = CreditFile("c1", "Acme", documents=docs, onboarded_on=date(2020, 1, 1))
    policy = GradingPolicy()
    inputs = scored(40, 30, 30).with_file(file, date(2024, 7, 1), policy)
    assert not inputs.is_new_customer
    assert inputs.missing_documents == (DocumentKind.LEGAL_REP_ID,)
    assert grade(inputs, policy).grade == "C"


# --- the explanation -----------------------------------------------------------------------

def test_explanation_lists_every_step():
    result = grade(scored(34, 30, 30, is_new_customer=True,
                          red_flags=(RedFlagReport(RedFlag.WEAK_CAPITAL),)))
    assert [c.criterion_id for c in result.criteria] == [
        "repayment", "purchases", "financial_strength", "operating_condition", "reputation_and_prospects"]
    assert result.criteria[0].label_zh == "到期货款偿还状况" and result.criteria[0].rule == "test"
    assert result.points("repayment") == 34
    assert result.total == 94 and result.band_grade == "A" and result.after_floors == "B"
    assert result.cap.applied and result.grade == "E"
    assert result.steps == (
        "total 94 -> A",
        "repayment 34 below the A floor 35",
        "downgraded A -> B",
        "capped at C: new_customer",
        "red flags force E: weak_capital",
    )


def test_sub_score_must_fit_the_scorecard():
    bad = GradingInput(SubScore("repayment", 45, 50, "x"), SubScore("purchases", 30, 30, "x"),
                       {"financial_strength": 10, "operating_condition": 10, "reputation_and_prospects": 10})
    with pytest.raises(InvalidScore):
        grade(bad)


# --- properties -----------------------------------------------------------------------------

entered = st.integers(0, 10)


@given(a=st.tuples(entered, entered, entered), b=st.tuples(entered, entered, entered))
def test_grade_monotone_in_total_without_floors_or_flags(a, b):
    def run(parts):
        i = scored(40, 30, 0)
        i = GradingInput(i.repayment, i.purchases, dict(zip(i.entered_scores, parts)))
        return grade(i)
    ra, rb = run(a), run(b)
    if ra.total <= rb.total:
        assert FIVE_LEVEL_SCALE.rank(ra.grade) >= FIVE_LEVEL_SCALE.rank(rb.grade)


@given(rep=st.integers(0, 40), pur=st.integers(0, 30), others=st.integers(0, 30))
def test_floors_never_drop_more_than_one_level_and_never_raise(rep, pur, others):
    result = grade(scored(rep, pur, others))
    drop = FIVE_LEVEL_SCALE.rank(result.grade) - FIVE_LEVEL_SCALE.rank(result.band_grade)
    assert drop in (0, 1)
    assert drop == (1 if result.floors_missed else 0)
    cascade = grade(scored(rep, pur, others), CASCADE)
    assert FIVE_LEVEL_SCALE.rank(cascade.grade) >= FIVE_LEVEL_SCALE.rank(result.grade)


@given(rep=st.integers(0, 40), pur=st.integers(0, 30), others=st.integers(0, 30),
       flag=st.sampled_from(list(RedFlag)), new=st.booleans())
def test_any_red_flag_always_gives_e(rep, pur, others, flag, new):
    result = grade(scored(rep, pur, others, is_new_customer=new, special_approval=APPROVAL,
                          red_flags=(RedFlagReport(flag),)))
    assert result.grade == "E"


# --- the effective grade, the special approval (特批), prepayment only --------------------------

def test_the_effective_grade_is_the_rated_one_never_better_than_an_approved_one():
    assert effective_grade(FIVE_LEVEL_SCALE, "A", None) == "A"
    assert effective_grade(FIVE_LEVEL_SCALE, "A", "B") == "B"
    assert effective_grade(FIVE_LEVEL_SCALE, "D", "B") == "D"
    assert effective_grade(FIVE_LEVEL_SCALE, None, "C") == "C" and effective_grade(FIVE_LEVEL_SCALE, None, None) is None


def test_an_approved_grade_above_the_cap_is_a_special_approval_and_at_the_cap_none():
    special = special_approval_for(FIVE_LEVEL_SCALE, "B", "application:A1", "gm-key", date(2026, 6, 1))
    assert special == SpecialApproval("gm-key", "application:A1", date(2026, 6, 1))
    assert special_approval_for(FIVE_LEVEL_SCALE, "C", "application:A2", "gm-key", date(2026, 6, 1)) is None
    assert special_approval_for(THREE_LEVEL_SCALE, "A", "application:A3", "gm", date(2026, 6, 1)) is not None


def test_prepayment_only_without_a_grade_or_with_one_that_extends_no_credit():
    assert prepayment_only(FIVE_LEVEL_SCALE, None) and prepayment_only(FIVE_LEVEL_SCALE, "E")
    assert not prepayment_only(FIVE_LEVEL_SCALE, "D") and prepayment_only(THREE_LEVEL_SCALE, "C")
