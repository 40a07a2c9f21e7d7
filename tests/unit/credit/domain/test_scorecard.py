import pytest

from services.credit.domain.errors import InvalidScore
from services.credit.domain.scorecard import (
    DEFAULT_SCORECARD, Criterion, CriterionSource, Scorecard,
)


def test_default_scorecard_weights_and_labels():
    weights = {c.id: (c.weight, c.label_zh, c.source) for c in DEFAULT_SCORECARD.criteria}
    assert weights["repayment"] == (40, "到期货款偿还状况", CriterionSource.COMPUTED)
    assert weights["purchases"] == (30, "采购状况", CriterionSource.COMPUTED)
    assert sum(w for w, _, _ in weights.values()) == 100
    assert {c.id for c in DEFAULT_SCORECARD.entered} == {
        "financial_strength", "operating_condition", "reputation_and_prospects"}


def test_default_weights_fit_every_seed_floor():
    # 002 §7: A needs 35 / 27, so the weights must leave room for them.
    assert DEFAULT_SCORECARD.weight("repayment") >= 35
    assert DEFAULT_SCORECARD.weight("purchases") >= 27


def _card(*criteria):
    return Scorecard(tuple(criteria))


def test_weights_must_sum_to_100():
    with pytest.raises(ValueError, match="sum to 100"):
        _card(Criterion("repayment", "r", 40, CriterionSource.COMPUTED),
              Criterion("purchases", "p", 30, CriterionSource.COMPUTED),
              Criterion("other", "o", 20))


def test_custom_scorecard_accepted():
    card = _card(Criterion("repayment", "r", 50, CriterionSource.COMPUTED),
                 Criterion("purchases", "p", 30, CriterionSource.COMPUTED),
                 Criterion("other", "o", 20))
    assert card.weight("other") == 20


def test_scorecard_needs_both_computed_criteria():
    with pytest.raises(ValueError, match="computed"):
        _card(Criterion("repayment", "r", 70, CriterionSource.COMPUTED), Criterion("other", "o", 30))


def test_ids_must_be_snake_case_and_unique():
    with pytest.raises(ValueError, match="snake_case"):
        Criterion("Repayment Status", "r", 40)
    with pytest.raises(ValueError, match="unique"):
        _card(Criterion("repayment", "r", 40, CriterionSource.COMPUTED),
              Criterion("purchases", "p", 30, CriterionSource.COMPUTED),
              Criterion("x", "o", 15), Criterion("x", "o", 15))


@pytest.mark.parametrize("scores, message", [
    ({"financial_strength": 10, "operating_condition": 10}, "missing"),
    ({"financial_strength": 10, "operating_condition": 10, "reputation_and_prospects": 10,
      "repayment": 40}, "not entered"),
    ({"financial_strength": 11, "operating_condition": 10, "reputation_and_prospects": 10}, "outside"),
    ({"financial_strength": -1, "operating_condition": 10, "reputation_and_prospects": 10}, "outside"),
    ({"financial_strength": 9.5, "operating_condition": 10, "reputation_and_prospects": 10}, "integer"),
])
def test_entered_scores_validated(scores, message):
    with pytest.raises(InvalidScore, match=message):
        DEFAULT_SCORECARD.validate_entered(scores)


def test_unknown_criterion_lookup():
    with pytest.raises(InvalidScore):
        DEFAULT_SCORECARD.criterion("nope")
