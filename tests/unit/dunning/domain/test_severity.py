import pytest

from services.dunning.domain.severity import Severity, severity


@pytest.mark.parametrize("days,expected", [(-7, Severity.reminder), (0, Severity.reminder), (1, Severity.mild),
                                           (30, Severity.mild), (31, Severity.moderate), (90, Severity.moderate),
                                           (91, Severity.severe)])
def test_severity_tiers_follow_seed_000(days, expected):
    assert severity(days) is expected
