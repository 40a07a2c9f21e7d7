"""Issue 11: the published event schemas state what the consumers accept. An amount with
a sign or with more decimals than its currency has is dead-lettered by every consumer, so
the schema refuses it too (the rule per currency: shared/money.py, CURRENCY_EXPONENTS)."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

SCHEMAS = Path(__file__).resolve().parents[3] / "docs" / "events" / "schemas"


def invoice(amount: str, currency: str = "CNY", instalment: str | None = None) -> dict:
    body = {"invoice_number": "INV-1", "customer_id": "C1", "issue_date": "2026-01-05", "due_date": "2026-02-04",
            "amount": amount, "currency": currency}
    if instalment is not None:
        body["instalments"] = [{"due_date": "2026-02-04", "amount": instalment}]
    return body


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((SCHEMAS / "invoice-issued.v1.json").read_text())
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("body", [invoice("1234.50"), invoice("0.5"), invoice("7", "JPY"), invoice("1.005", "BHD"),
                                  invoice("100.00", instalment="100.00")])
def test_what_consumers_accept_is_valid(validator, body):
    assert not list(validator.iter_errors(body))


@pytest.mark.parametrize("body", [invoice("-1.00"), invoice("1.005"), invoice("7.5", "JPY"), invoice("1E+2"),
                                  invoice("1.0001", "BHD"), invoice("100.00", instalment="33.333"),
                                  invoice("100.00", "XXX")])
def test_what_consumers_dead_letter_is_invalid(validator, body):
    assert list(validator.iter_errors(body))


def test_every_payload_with_amounts_in_a_currency_states_the_rule():
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text())
        has_amounts = '"pattern"' in json.dumps(schema.get("properties", {})) or "$defs" in schema
        if "currency" in schema.get("properties", {}) and has_amounts and "amount" in json.dumps(schema):
            assert schema.get("allOf") and "minor unit" in schema["x-amount-rule"], path.name
