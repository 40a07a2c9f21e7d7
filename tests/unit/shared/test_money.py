from decimal import Decimal

import pytest
from pydantic import BaseModel, ValidationError

from shared.money import CurrencyCode, DecimalAmount, Money, MoneyError, from_minor, to_minor


def test_exact_arithmetic_and_minor_units():
    total = Money.of("0.10", "CNY") + Money.of("0.20", "CNY")
    assert total == Money.of("0.30", "CNY")
    assert total.minor == 30
    assert from_minor(123456, "CNY") == Decimal("1234.56")
    assert to_minor(Decimal("5"), "JPY") == 5
    assert to_minor(Decimal("1.234"), "BHD") == 1234


def test_refuses_floats_extra_decimals_and_mixed_currencies():
    with pytest.raises(MoneyError, match="floats"):
        Money.of(0.1, "CNY")
    with pytest.raises(MoneyError, match="at most 2 decimals"):
        Money.of("1.005", "CNY")
    with pytest.raises(MoneyError, match="at most 0 decimals"):
        Money.of("1.5", "JPY")
    with pytest.raises(MoneyError, match="currency mismatch"):
        Money.of("1", "CNY") + Money.of("1", "USD")
    with pytest.raises(MoneyError, match="unknown currency"):
        Money.of("1", "XXX")


class Body(BaseModel):
    amount: DecimalAmount
    currency: CurrencyCode


def test_wire_format_is_decimal_strings():
    body = Body(amount="1234.50", currency="cny")
    assert body.currency == "CNY"
    assert body.model_dump(mode="json") == {"amount": "1234.50", "currency": "CNY"}
    assert Body.model_json_schema()["properties"]["amount"]["type"] == "string"
    with pytest.raises(ValidationError):
        Body(amount=12.5, currency="CNY")
    with pytest.raises(ValidationError):
        Body(amount="12,50", currency="CNY")


@pytest.mark.parametrize("currency", ["CNY", "JPY", "BHD"])
def test_amounts_built_without_revalidation_are_the_validated_ones(currency):
    """from_minor, +, - and unary - skip re-validation (their results are exact at the
    currency's scale by construction): same value, same exponent, same hash."""
    for minor_a, minor_b in [(0, 0), (1, 2), (123456, -99), (-5, 10**12)]:
        a, b = Money.from_minor(minor_a, currency), Money.from_minor(minor_b, currency)
        for fast, checked in [(a, Money(from_minor(minor_a, currency), currency)),
                              (a + b, Money(a.amount + b.amount, currency)),
                              (a - b, Money(a.amount - b.amount, currency)), (-a, Money(-a.amount, currency))]:
            assert fast == checked and hash(fast) == hash(checked)
            assert fast.amount.as_tuple().exponent == checked.amount.as_tuple().exponent
            assert fast.minor == checked.minor
