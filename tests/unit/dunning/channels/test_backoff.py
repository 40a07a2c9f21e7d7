from datetime import timedelta

import pytest

from services.dunning.channels import next_attempt_delay


def test_doubles_from_one_minute():
    assert [next_attempt_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]


def test_capped_at_six_hours():
    # 2**9 minutes = 512 min > 360 min
    assert next_attempt_delay(10) == timedelta(hours=6)
    assert next_attempt_delay(10_000) == timedelta(hours=6)


def test_custom_first_and_cap():
    assert next_attempt_delay(3, first=timedelta(seconds=10), cap=timedelta(seconds=30)) == timedelta(seconds=30)
    assert next_attempt_delay(2, first=timedelta(seconds=10), cap=timedelta(seconds=30)) == timedelta(seconds=20)


def test_attempt_counts_failures():
    with pytest.raises(ValueError):
        next_attempt_delay(0)
