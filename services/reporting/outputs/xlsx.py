"""Tables as an XLSX workbook: a sheet per table, real number formats, frozen header row.

Written with openpyxl (already a dependency). Money goes in as the `Decimal` itself, never
converted by us: openpyxl writes it as "%.16g" text in the sheet's XML, and Excel holds
every number as a double, so an amount is exact up to 15 significant digits (below 10^13
in a 2-decimal currency) — far past any receivable here. Percents are fractions shown
with %, dates are real dates, days and ratios plain numbers with fixed decimals.
"""
from __future__ import annotations

import io
import re
import unicodedata
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from shared.money import CURRENCY_EXPONENTS

from services.reporting.outputs.csv import cell_text
from services.reporting.outputs.tables import Column, Table, check_lang

SHEET_NAME_MAX = 31
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_HEADER_ALIGN = Alignment(horizontal="center", vertical="center")
_FORMATS = {
    "int": "#,##0", "percent": "0.0%", "ratio": "0.00", "days": "0.0", "date": "yyyy-mm-dd",
}
_WIDTH_MIN, _WIDTH_MAX = 8, 60


def money_format(currency: str | None) -> str:
    decimals = CURRENCY_EXPONENTS.get(currency or "", 2)
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def number_format(column: Column, currency: str | None) -> str | None:
    if column.kind == "money":
        return money_format(currency)
    return _FORMATS.get(column.kind)


def sheet_name(title: str, taken: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    base = _SHEET_FORBIDDEN.sub("_", title).strip("'").strip() or "Sheet"
    name, n = base[:SHEET_NAME_MAX], 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[: SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def display_width(text: str) -> int:
    # East Asian wide characters take two columns in Excel's default font.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def to_xlsx(tables: list[Table], lang: str) -> bytes:
    # write-only: rows are streamed to the file, so a sheet of 100,000 rows does not hold
    # 100,000 rows of cell objects in memory
    check_lang(lang)
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for table in tables:
        _write_sheet(workbook.create_sheet(sheet_name(table.title(lang), taken)), table, lang)
    if not tables:
        workbook.create_sheet("Empty")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


WIDTH_SAMPLE = 2000  # rows measured for the widths: the first ones and the last (a total)


def _widths(table: Table, lang: str) -> list[int]:
    widths = [display_width(column.title(lang)) + 2 for column in table.columns]
    sample = table.rows if len(table.rows) <= WIDTH_SAMPLE else [*table.rows[:WIDTH_SAMPLE], table.rows[-1]]
    for row in sample:
        for i, (column, value) in enumerate(zip(table.columns, row)):
            if value is not None:
                # grouping separators and the % sign widen the shown number a little
                extra = 4 if column.kind in ("money", "int", "percent") else 0
                widths[i] = max(widths[i], display_width(cell_text(column, value, table.currency)) + extra)
    return [min(max(width, _WIDTH_MIN), _WIDTH_MAX) for width in widths]


def _write_sheet(sheet, table: Table, lang: str) -> None:
    # a write-only sheet takes its layout before its first row
    for col, width in enumerate(_widths(table, lang), start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.freeze_panes = "A2"
    if table.rows:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    header = []
    for column in table.columns:
        cell = WriteOnlyCell(sheet, value=column.title(lang))
        cell.font, cell.fill, cell.alignment = _HEADER_FONT, _HEADER_FILL, _HEADER_ALIGN
        header.append(cell)
    sheet.append(header)
    # one style per column, shared by its cells (setting a format cell by cell costs a lookup each)
    styles = []
    for column in table.columns:
        template = WriteOnlyCell(sheet)
        template.number_format = number_format(column, table.currency) or "General"
        styles.append(template._style)
    quantum = (Decimal(1).scaleb(-CURRENCY_EXPONENTS[table.currency])
               if table.currency in CURRENCY_EXPONENTS else None)
    for row in table.rows:
        cells = []
        for column, style, value in zip(table.columns, styles, row):
            if value is None:
                cells.append(None)
                continue
            if column.kind == "text":
                if value.startswith("="):  # a name starting with "=" stays text, never a formula
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    value = cell
                cells.append(value)
                continue
            if column.kind == "money" and quantum is not None:
                value = value.quantize(quantum)
            cell = WriteOnlyCell(sheet, value=value)
            cell._style = style
            cells.append(cell)
        sheet.append(cells)
