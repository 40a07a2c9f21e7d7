"""Reading the spreadsheets finance teams start from: CSV (UTF-8 with or without BOM, or
GB18030 — the superset of GBK and GB2312 that Excel and WPS write on Chinese Windows;
comma / semicolon / tab separated) or XLSX (first sheet). The first row is the header.
Yields (row number as the user sees it, cells by header name)."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal

from shared.errors import RuleError


def file_format(data: bytes, filename: str) -> str:
    name = (filename or "").lower()
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    return "csv"


def _cell(value):
    """Spreadsheet cells as the import sees them: strings stripped (empty -> None), dates
    as dates, numbers as Decimal (an XLSX number is a binary float: its shortest decimal
    form is taken, and the currency's scale is checked later like any other amount)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return str(value)


def read_rows(data: bytes, filename: str, max_rows: int) -> tuple[str, list[str], Iterator[tuple[int, dict]]]:
    fmt = file_format(data, filename)
    rows = _xlsx(data) if fmt == "xlsx" else _csv(data)
    try:
        header = next(rows)
    except StopIteration:
        raise RuleError("the file is empty", "file", "import.empty") from None
    names = [str(_cell(h) or "").strip() for h in header]
    if not any(names):
        raise RuleError("the first row must be the header", "file", "import.header")

    def records() -> Iterator[tuple[int, dict]]:
        for number, values in enumerate(rows, start=2):
            if number - 1 > max_rows:
                raise RuleError(f"more than {max_rows} rows: split the file", "file", "import.too_many_rows")
            cells = [_cell(v) for v in values]
            if not any(c is not None for c in cells):
                continue
            yield number, {name: cells[i] if i < len(cells) else None for i, name in enumerate(names) if name}

    return fmt, names, records()


def decode_csv(data: bytes) -> str:
    """UTF-8 (a BOM is dropped) when the bytes are valid UTF-8, else GB18030. Valid UTF-8
    is almost never valid GB text by accident, so trying UTF-8 first is safe; GB18030 decodes
    every GBK and GB2312 file the same way those encodings would."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise RuleError("a CSV file must be UTF-8 or GB18030/GBK encoded", "file", "import.encoding") from None


def _csv(data: bytes) -> Iterator[list]:
    text = decode_csv(data)
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return iter(csv.reader(io.StringIO(text), dialect))


def _xlsx(data: bytes) -> Iterator[list]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:
        raise RuleError(f"not a readable XLSX workbook: {type(exc).__name__}", "file", "import.format") from None
    sheet = book.worksheets[0]
    return (list(row) for row in sheet.iter_rows(values_only=True))
