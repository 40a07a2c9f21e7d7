"""Reporting's configuration is validated at start-up: no floats, rates within bounds,
ascending buckets, a matrix rate per slab."""
import pytest
from pydantic import ValidationError

from services.reporting.config import load_config


def test_defaults_load():
    c = load_config()
    assert c.aging_bounds == (30, 60, 90, 180) and len(c.provision_matrix_rates) == 6


@pytest.mark.parametrize("overrides", [{"provision_flat_rate": 0.05}, {"aging_bounds": (60, 30)},
                                       {"provision_matrix_rates": ("0.1",)}, {"bad_debt_share": "0.6"},
                                       {"rag_overdue_amber": "0.3", "rag_overdue_red": "0.2"},
                                       {"targets": {"li": "1.5"}}])
def test_bad_values_stop_the_start(overrides):
    with pytest.raises(ValidationError):
        load_config(**overrides)


def test_from_the_environment(monkeypatch):
    monkeypatch.setenv("AR_REPORTING_AGING_BOUNDS", "[10,20]")
    monkeypatch.setenv("AR_REPORTING_PROVISION_MATRIX_RATES", '["0", "0.1", "0.5", "1"]')
    assert load_config().aging_bounds == (10, 20)
