"""Tables and their CSV: exact decimals, BOM, both languages, formula-safe text, the zip."""
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from services.reporting.outputs.csv import to_csv, to_csv_zip
from services.reporting.outputs.tables import Column, Table

COLUMNS = [
    Column("customer", "Customer", "客户", "text"),
    Column("open", "Open", "未清余额", "money"),
    Column("invoices", "Invoices", "发票数", "int"),
    Column("overdue_rate", "Overdue rate", "逾期率", "percent"),
    Column("due", "Due", "到期日", "date"),
    Column("dso", "DSO", "DSO", "days"),
]


def aging(rows=None, currency="CNY"):
    rows = rows if rows is not None else [
        ("Acme", Decimal("1234.5"), 3, Decimal("0.125"), date(2026, 10, 31), Decimal("45.25")),
        ("甲公司", Decimal("0.10"), 1, None, None, None),
    ]
    return Table("aging", "Aging", "账龄分析", COLUMNS, rows, currency=currency)


def test_csv_starts_with_a_bom_and_uses_the_language_titles():
    data = to_csv(aging(), "zh-CN")
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    assert text.splitlines()[0] == "客户,未清余额,发票数,逾期率,到期日,DSO"
    assert to_csv(aging(), "en").decode("utf-8-sig").splitlines()[0] == "Customer,Open,Invoices,Overdue rate,Due,DSO"


def test_csv_writes_exact_decimal_strings_at_the_currency_scale():
    lines = to_csv(aging(), "en").decode("utf-8-sig").splitlines()
    assert lines[1] == "Acme,1234.50,3,0.125,2026-10-31,45.25"
    assert lines[2] == "甲公司,0.10,1,,,"


def test_a_zero_decimal_currency_has_no_decimals():
    table = aging([("A", Decimal("1200"), 1, None, None, None)], currency="JPY")
    assert to_csv(table, "en").decode("utf-8-sig").splitlines()[1] == "A,1200,1,,,"


def test_large_amounts_stay_exact():
    table = aging([("A", Decimal("98765432109876543.21"), 1, None, None, None)])
    assert "98765432109876543.21" in to_csv(table, "en").decode("utf-8-sig")


def test_text_that_a_spreadsheet_would_run_is_quoted():
    table = aging([("=HYPERLINK(\"x\")", Decimal("1"), 1, None, None, None), ("-Minus", Decimal("-5"), 1, None, None, None)])
    lines = to_csv(table, "en").decode("utf-8-sig").splitlines()
    assert lines[1].startswith("\"'=HYPERLINK")
    assert lines[2] == "'-Minus,-5.00,1,,,"  # a negative amount stays a number


def test_commas_and_quotes_are_escaped():
    table = aging([("Acme, Inc. \"East\"", Decimal("1"), 1, None, None, None)])
    assert to_csv(table, "en").decode("utf-8-sig").splitlines()[1].startswith('"Acme, Inc. ""East""",1.00')


@pytest.mark.parametrize("value", [1.5, True, "12.00"])
def test_a_money_column_refuses_anything_but_decimal(value):
    with pytest.raises(TypeError):
        aging([("A", value, 1, None, None, None)])


def test_a_row_of_the_wrong_width_is_refused():
    with pytest.raises(ValueError):
        aging([("A", Decimal(1))])


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError):
        to_csv(aging(), "fr")


def test_the_zip_holds_one_csv_per_table_and_is_reproducible():
    other = Table("dso", "DSO", "DSO", [Column("dso", "DSO", "DSO", "days")], [(Decimal("40.5"),)])
    data = to_csv_zip([aging(), other], "en")
    assert data == to_csv_zip([aging(), other], "en")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["aging.csv", "dso.csv"]
        assert archive.read("dso.csv") == to_csv(other, "en")


def test_the_zip_refuses_two_tables_of_the_same_name():
    with pytest.raises(ValueError):
        to_csv_zip([aging(), aging()], "en")
