from datetime import date, timedelta

import pytest

from services.ledger.domain.receivable_class import (
    ClassConfigError, ClassThresholds, ReceivableClass, classify, receivable_class,
)

C = ReceivableClass


@pytest.mark.parametrize("days, expected", [
    (-30, C.NOT_YET_DUE), (0, C.NOT_YET_DUE), (1, C.IN_COLLECTION), (180, C.IN_COLLECTION),
    (181, C.QUASI_DOUBTFUL), (365, C.QUASI_DOUBTFUL), (366, C.DOUBTFUL), (730, C.DOUBTFUL),
    (731, C.DEAD), (10_000, C.DEAD),
])
def test_default_classes_at_their_boundaries(days, expected):
    assert classify(days) is expected


def test_uncollectible_legal_status_is_dead_whatever_the_age():
    assert classify(5, legal_status="uncollectible") is C.DEAD
    assert classify(-5, legal_status="UNCOLLECTIBLE") is C.DEAD
    assert classify(5, legal_status="litigation") is C.IN_COLLECTION


def test_written_off_items_are_dead():
    assert classify(10, written_off=True) is C.DEAD
    assert classify(-1, written_off=True) is C.DEAD


def test_thresholds_are_configurable():
    fast = ClassThresholds(in_collection_from=1, quasi_doubtful_from=91, doubtful_from=181, dead_from=366,
                           dead_legal_statuses=frozenset({"Bankrupt"}))
    assert classify(91, thresholds=fast) is C.QUASI_DOUBTFUL
    assert classify(366, thresholds=fast) is C.DEAD
    assert classify(1, legal_status="bankrupt", thresholds=fast) is C.DEAD
    assert classify(1, legal_status="uncollectible", thresholds=fast) is C.IN_COLLECTION


@pytest.mark.parametrize("limits", [(0, 181, 366, 731), (1, 181, 181, 731), (1, 400, 366, 731)])
def test_thresholds_must_increase(limits):
    with pytest.raises(ClassConfigError):
        ClassThresholds(*limits)


def test_receivable_class_from_dates_and_chinese_names():
    due = date(2022, 1, 1)
    assert receivable_class(due, due + timedelta(days=181)) is C.QUASI_DOUBTFUL
    assert receivable_class(due, due) is C.NOT_YET_DUE
    assert [c.chinese for c in C] == ["未收款", "催收款", "准呆账", "呆账", "死账"]
    assert C.DEAD == "dead"
