"""A view's flat rows become a typed table: kinds from values and names, titles in both languages."""
from datetime import date
from decimal import Decimal

import pytest

from services.reporting.outputs.columns import kind_of, table_from_rows, title_of

D = Decimal


@pytest.mark.parametrize("key,values,kind", [
    ("total", [D("1.00")], "money"), ("overdue_rate", [None, D("0.1")], "percent"),
    ("collection_rate", [D("0.9")], "percent"), ("dso", [D("45.2")], "days"), ("days_overdue", [12], "int"), ("benchmark", [D(45)], "days"),
    ("turnover", [D("6.1")], "ratio"), ("cei", [D("85.5")], "ratio"), ("invoices", [3], "int"),
    ("as_of", [date(2026, 1, 1)], "date"), ("customer", ["Acme"], "text"), ("on_hold", [True], "text"),
    ("nothing", [None], "text"),
])
def test_kind_of(key, values, kind):
    assert kind_of(key, values) == kind


def test_titles_known_bucket_and_fallback():
    assert title_of("overdue_rate") == ("Overdue rate", "逾期率")
    assert title_of("31-60") == ("31-60", "31-60") and title_of("181+") == ("181+", "181+")
    assert title_of("current") == ("Current", "未到期")
    assert title_of("some_new_measure") == ("Some new measure", "some new measure")


def test_rows_become_a_table_in_key_order():
    rows = [{"key": "East", "current": D("100.00"), "1-30": D("50.00"), "total": D("150.00")},
            {"key": "total", "current": D("100.00"), "1-30": D("50.00"), "total": D("150.00"), "note": None}]
    table = table_from_rows("aging", "Aging", "账龄分析", rows, "CNY")
    assert [c.key for c in table.columns] == ["key", "current", "1-30", "total", "note"]
    assert [c.kind for c in table.columns] == ["text", "money", "money", "money", "text"]
    assert table.rows[0] == ("East", D("100.00"), D("50.00"), D("150.00"), None)
    assert table.currency == "CNY"


def test_wire_strings_ints_and_bools_are_converted_and_kinds_overridden():
    rows = [{"amount": "12.50", "days_overdue": 3, "held": False, "tags": ["a", "b"], "weird_rate": D("2")}]
    table = table_from_rows("t", "T", "T", rows, kinds={"weird_rate": "ratio", "amount": "money", "days_overdue": "days"})
    assert table.rows[0] == (D("12.50"), D(3), "false", '["a", "b"]', D("2"))
    assert table.columns[-1].kind == "ratio"
