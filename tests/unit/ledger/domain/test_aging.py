from datetime import date

import pytest

from shared.money import Money
from services.ledger.domain.aging import (
    AgingBuckets, AgingConfigError, DunningSeverity, SeverityTiers, aging_bucket, bucket_totals, days_overdue,
    dunning_severity,
)

DUE = date(2024, 1, 31)


def test_days_overdue_is_as_of_minus_due():
    assert days_overdue(DUE, date(2024, 1, 31)) == 0
    assert days_overdue(DUE, date(2024, 2, 1)) == 1
    assert days_overdue(DUE, date(2024, 1, 24)) == -7
    assert days_overdue(DUE, date(2024, 3, 1)) == 30  # leap February


@pytest.mark.parametrize("days, label", [
    (-10, "not_due"), (0, "not_due"), (1, "1-30"), (30, "1-30"), (31, "31-60"), (60, "31-60"),
    (61, "61-90"), (90, "61-90"), (91, "90+"), (5000, "90+"),
])
def test_default_buckets_at_their_boundaries(days, label):
    assert AgingBuckets().label_for(days) == label


def test_labels_and_custom_bounds():
    assert AgingBuckets().labels == ("not_due", "1-30", "31-60", "61-90", "90+")
    custom = AgingBuckets((0, 30, 60, 90, 180, 365))
    assert custom.labels[-2:] == ("181-365", "365+")
    assert custom.label_for(200) == "181-365"
    assert aging_bucket(DUE, date(2024, 4, 30), custom) == "61-90"


@pytest.mark.parametrize("bounds", [(), (30, 60), (0, 30, 30), (0, 60, 30)])
def test_bucket_bounds_are_validated(bounds):
    with pytest.raises(AgingConfigError):
        AgingBuckets(bounds)


def test_bucket_totals_keep_every_bucket_in_order():
    cny = lambda v: Money.of(v, "CNY")  # noqa: E731
    totals = bucket_totals([(DUE, cny("10")), (date(2024, 1, 1), cny("5")), (date(2023, 1, 1), cny("1")),
                            (date(2024, 1, 20), cny("2"))], date(2024, 2, 15), "CNY")
    assert list(totals) == ["not_due", "1-30", "31-60", "61-90", "90+"]
    assert totals == {"not_due": cny("0"), "1-30": cny("12"), "31-60": cny("5"), "61-90": cny("0"),
                      "90+": cny("1")}


@pytest.mark.parametrize("days, severity", [
    (-3, None), (0, None), (1, DunningSeverity.MILD), (30, DunningSeverity.MILD),
    (31, DunningSeverity.MODERATE), (90, DunningSeverity.MODERATE), (91, DunningSeverity.SEVERE),
])
def test_dunning_severity_tiers(days, severity):
    assert dunning_severity(days) is severity


def test_severity_tiers_are_configurable_and_validated():
    assert dunning_severity(20, SeverityTiers(15, 45)) is DunningSeverity.MODERATE
    with pytest.raises(AgingConfigError):
        SeverityTiers(90, 30)
    with pytest.raises(AgingConfigError):
        SeverityTiers(0, 30)
