from datetime import date

import pytest

from shared.errors import RuleError
from services.ledger.domain.terms import (
    AWAITING_RECEIPT, PaymentTerms, TermsError, TermsKind, due_date_for, end_of_month, known_due, parse_terms,
    validate_due_date,
)


@pytest.mark.parametrize("text, kind, days", [
    ("NET30", TermsKind.NET, 30), ("net30", TermsKind.NET, 30), ("net 30", TermsKind.NET, 30),
    ("  Net 45 days ", TermsKind.NET, 45), ("NET+60", TermsKind.NET, 60), ("NET0", TermsKind.NET, 0),
    ("EOM+15", TermsKind.EOM, 15), ("eom 15", TermsKind.EOM, 15), ("EOM15", TermsKind.EOM, 15),
    ("EOM", TermsKind.EOM, 0), ("SHIP+30", TermsKind.SHIP, 30), ("ship 30", TermsKind.SHIP, 30),
    ("Ship+1 day", TermsKind.SHIP, 1), ("RECEIPT+30", TermsKind.RECEIPT, 30), ("receipt 15", TermsKind.RECEIPT, 15),
])
def test_parse_accepts_the_usual_spellings(text, kind, days):
    assert parse_terms(text) == PaymentTerms(kind, days)


@pytest.mark.parametrize("text", ["", "NET", "SHIP", "RECEIPT", "30 NET", "NET-30", "NET 30 weeks", "COD", "NET3O",
                                  "EOMdays", "NET 1.5"])
def test_parse_refuses_unknown_terms_naming_the_rule(text):
    with pytest.raises(TermsError) as err:
        parse_terms(text)
    assert err.value.rule == "terms.format"
    assert err.value.field == "payment_terms"
    assert isinstance(err.value, ValueError) and isinstance(err.value, RuleError)


def test_parse_refuses_non_strings_and_absurd_days():
    with pytest.raises(TermsError):
        parse_terms(30)  # type: ignore[arg-type]
    with pytest.raises(TermsError) as err:
        parse_terms("NET 9999")
    assert err.value.rule == "terms.days"
    with pytest.raises(TermsError):
        PaymentTerms(TermsKind.NET, -1)
    with pytest.raises(TermsError):
        PaymentTerms(TermsKind.NET, True)  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["NET30", "EOM+15", "SHIP+30", "EOM+0", "RECEIPT+30"])
def test_code_round_trips(code):
    assert parse_terms(code).code == code
    assert str(parse_terms(code)) == code


def test_net_counts_days_from_issue():
    assert parse_terms("NET30").due_date(date(2024, 1, 15)) == date(2024, 2, 14)
    assert parse_terms("NET0").due_date(date(2024, 1, 15)) == date(2024, 1, 15)


def test_net_across_leap_day_and_year_end():
    assert parse_terms("NET30").due_date(date(2024, 2, 1)) == date(2024, 3, 2)  # 2024 is a leap year
    assert parse_terms("NET30").due_date(date(2023, 2, 1)) == date(2023, 3, 3)
    assert parse_terms("NET30").due_date(date(2024, 12, 15)) == date(2025, 1, 14)


def test_eom_counts_from_the_last_day_of_the_issue_month():
    assert parse_terms("EOM+15").due_date(date(2024, 1, 3)) == date(2024, 2, 15)
    assert parse_terms("EOM+15").due_date(date(2024, 1, 31)) == date(2024, 2, 15)
    assert parse_terms("EOM").due_date(date(2024, 4, 10)) == date(2024, 4, 30)


def test_eom_february_in_leap_and_common_years():
    assert parse_terms("EOM").due_date(date(2024, 2, 5)) == date(2024, 2, 29)
    assert parse_terms("EOM").due_date(date(2023, 2, 5)) == date(2023, 2, 28)
    assert parse_terms("EOM+1").due_date(date(2024, 2, 29)) == date(2024, 3, 1)
    assert parse_terms("EOM+30").due_date(date(2024, 12, 1)) == date(2025, 1, 30)


def test_end_of_month_for_every_month():
    lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    for month, length in enumerate(lengths, start=1):
        assert end_of_month(date(2024, month, 1)) == date(2024, month, length)


def test_ship_counts_from_the_shipment_date():
    terms = parse_terms("SHIP+30")
    assert terms.needs_shipment_date
    assert terms.due_date(date(2024, 3, 5), shipment_date=date(2024, 3, 1)) == date(2024, 3, 31)


def test_ship_without_a_shipment_date_is_an_error():
    with pytest.raises(TermsError) as err:
        parse_terms("SHIP+30").due_date(date(2024, 3, 5))
    assert err.value.rule == "terms.shipment_date_required"
    assert err.value.field == "shipment_date"


def test_net_and_eom_ignore_the_shipment_date():
    assert parse_terms("NET10").due_date(date(2024, 3, 5), date(2024, 1, 1)) == date(2024, 3, 15)
    assert not parse_terms("EOM+10").needs_shipment_date


def test_due_before_issue_is_an_error():
    with pytest.raises(TermsError) as err:
        parse_terms("SHIP+10").due_date(date(2024, 3, 20), shipment_date=date(2024, 3, 1))
    assert err.value.rule == "terms.due_before_issue"
    assert err.value.field == "due_date"
    with pytest.raises(TermsError):
        validate_due_date(date(2024, 3, 2), date(2024, 3, 1))
    validate_due_date(date(2024, 3, 1), date(2024, 3, 1))  # same day is cash terms


def test_due_date_for_takes_strings_or_terms():
    assert due_date_for("net 30", date(2024, 1, 1)) == date(2024, 1, 31)
    assert due_date_for(PaymentTerms(TermsKind.EOM, 0), date(2024, 1, 1)) == date(2024, 1, 31)
    assert PaymentTerms("net", 5).kind is TermsKind.NET  # type: ignore[arg-type]


def test_receipt_terms_count_from_the_receipt_and_await_it_until_then():
    terms = parse_terms("RECEIPT+30")
    assert terms.due_date(date(2026, 4, 1), receipt_date=date(2026, 4, 10)) == date(2026, 5, 10)
    waiting = terms.due_date(date(2026, 4, 1))
    assert waiting == AWAITING_RECEIPT and known_due(waiting) is None
    assert known_due(date(2099, 12, 31)) == date(2099, 12, 31)  # the latest business date is a real one
    with pytest.raises(TermsError):  # received before it was issued: the due date would precede the issue
        terms.due_date(date(2026, 4, 1), receipt_date=date(2026, 2, 1))
