"""The workbook read back with openpyxl: values exact, number formats, frozen header, sheet names."""
import io
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from services.reporting.outputs.tables import Column, Table
from services.reporting.outputs.xlsx import sheet_name, to_xlsx

COLUMNS = [
    Column("customer", "Customer", "客户", "text"),
    Column("open", "Open", "未清余额", "money"),
    Column("invoices", "Invoices", "发票数", "int"),
    Column("overdue_rate", "Overdue rate", "逾期率", "percent"),
    Column("due", "Due", "到期日", "date"),
    Column("dso", "DSO", "DSO", "days"),
    Column("turnover", "Turnover", "周转率", "ratio"),
]
ROWS = [
    ("Acme", Decimal("1234567.89"), 3, Decimal("0.125"), date(2026, 10, 31), Decimal("45.25"), Decimal("6.1")),
    ("=cmd", Decimal("0.1"), 1, None, None, None, None),
]


def read(tables, lang="en"):
    return load_workbook(io.BytesIO(to_xlsx(tables, lang)))


def test_values_come_back_exact_with_real_formats():
    sheet = read([Table("aging", "Aging", "账龄分析", COLUMNS, ROWS, currency="CNY")])["Aging"]
    assert [c.value for c in sheet[1]] == ["Customer", "Open", "Invoices", "Overdue rate", "Due", "DSO", "Turnover"]
    row = sheet[2]
    assert Decimal(str(row[1].value)) == Decimal("1234567.89")
    assert row[1].number_format == "#,##0.00"
    assert row[2].value == 3 and row[2].number_format == "#,##0"
    assert Decimal(str(row[3].value)) == Decimal("0.125") and row[3].number_format == "0.0%"
    assert row[4].value == datetime(2026, 10, 31) and row[4].number_format == "yyyy-mm-dd"
    assert row[5].number_format == "0.0" and row[6].number_format == "0.00"
    assert sheet["A3"].value == "=cmd" and sheet["A3"].data_type == "s"  # text, not a formula
    assert sheet["D3"].value is None


def test_the_header_row_is_frozen_and_columns_are_widened():
    sheet = read([Table("aging", "Aging", "账龄分析", COLUMNS, ROWS, currency="CNY")])["Aging"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= len("1,234,567.89")
    assert sheet.auto_filter.ref == "A1:G3"


def test_a_sheet_per_table_in_the_language_asked():
    tables = [Table("aging", "Aging", "账龄分析", COLUMNS, ROWS, currency="CNY"),
              Table("dso", "DSO", "应收账款周转天数", [Column("dso", "DSO", "DSO", "days")], [(Decimal(40),)])]
    assert read(tables, "zh-CN").sheetnames == ["账龄分析", "应收账款周转天数"]
    assert read(tables, "zh-CN")["账龄分析"]["B1"].value == "未清余额"


def test_money_decimals_follow_the_currency():
    table = Table("t", "T", "T", [Column("a", "A", "A", "money")], [(Decimal("1500"),)], currency="JPY")
    assert read([table])["T"]["A2"].number_format == "#,##0"
    table = Table("t", "T", "T", [Column("a", "A", "A", "money")], [(Decimal("1.5"),)], currency="KWD")
    assert read([table])["T"]["A2"].number_format == "#,##0.000"


def test_sheet_names_are_short_clean_and_unique():
    taken: set[str] = set()
    long = "Provision for bad debts: expected credit loss [matrix]"
    first = sheet_name(long, taken)
    second = sheet_name(long, taken)
    assert len(first) <= 31 and len(second) <= 31
    assert not set("[]:*?/\\") & set(first + second)
    assert first != second
    assert sheet_name("aging", {"aging"}) == "aging (2)"


def test_an_empty_list_is_still_a_valid_workbook():
    assert read([]).sheetnames == ["Empty"]
