import pytest

from services.credit.domain.grade_scale import (
    FIVE_LEVEL_SCALE, FOUR_LEVEL_SCALE, THREE_LEVEL_SCALE, GradeLevel, GradeScale,
)
from services.credit.domain.grading import GradingPolicy, grade
from tests.support.credit import scored


def test_default_scale_matches_seed_002():
    rows = [(lv.name, lv.min_total, lv.repayment_floor, lv.purchases_floor, lv.extends_credit)
            for lv in FIVE_LEVEL_SCALE.levels]
    assert rows == [("A", 90, 35, 27, True), ("B", 80, 30, 24, True), ("C", 70, 25, 21, True),
                    ("D", 60, 20, 18, True), ("E", 0, 0, 0, False)]
    assert FIVE_LEVEL_SCALE.cap_for_new_or_incomplete == "C"


@pytest.mark.parametrize("others, expected", [(30, "A"), (20, "A"), (19, "B"), (5, "B"), (4, "C"), (0, "C")])
def test_four_level_scale(others, expected):
    assert grade(scored(40, 30, others), GradingPolicy(scale=FOUR_LEVEL_SCALE)).grade == expected


def test_four_level_scale_worst_is_d():
    result = grade(scored(20, 20, 0), GradingPolicy(scale=FOUR_LEVEL_SCALE))
    assert result.grade == "D" and not result.extends_credit


@pytest.mark.parametrize("repayment, purchases, others, expected", [
    (40, 30, 10, "A"), (40, 30, 9, "B"), (40, 20, 0, "B"), (30, 20, 0, "C")])
def test_three_level_scale(repayment, purchases, others, expected):
    assert grade(scored(repayment, purchases, others), GradingPolicy(scale=THREE_LEVEL_SCALE)).grade == expected


def test_three_level_cap_is_b_because_c_means_prepayment():
    result = grade(scored(40, 30, 30, is_new_customer=True), GradingPolicy(scale=THREE_LEVEL_SCALE))
    assert result.grade == "B" and result.extends_credit


def test_lower_stops_at_worst():
    assert FIVE_LEVEL_SCALE.lower("E").name == "E"
    assert FIVE_LEVEL_SCALE.lower("A", 2).name == "C"
    assert FIVE_LEVEL_SCALE.worse_of("B", "D") == "D"


@pytest.mark.parametrize("levels, cap", [
    ((GradeLevel("A", 0, extends_credit=False),), "A"),  # one level
    ((GradeLevel("A", 50), GradeLevel("B", 60), GradeLevel("C", 0, extends_credit=False)), "B"),
    ((GradeLevel("A", 50), GradeLevel("B", 0)), "A"),  # worst extends credit
    ((GradeLevel("A", 50), GradeLevel("B", 0, extends_credit=False)), "Z"),  # unknown cap
])
def test_invalid_scales_refused(levels, cap):
    with pytest.raises(ValueError):
        GradeScale(levels, cap)


def test_unknown_grade():
    with pytest.raises(ValueError):
        FIVE_LEVEL_SCALE.level("F")
