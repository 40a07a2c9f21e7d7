"""Tables as CSV: UTF-8 with a byte-order mark (so Excel opens Chinese titles correctly).

Numbers are written as the exact decimal strings the API returns (a percent as its
fraction, 0.125), dates as ISO 8601, an empty cell for None. A text cell that a
spreadsheet would run as a formula (=, +, -, @ first) is prefixed with an apostrophe:
customer names come from outside.
"""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from decimal import Decimal

from shared.money import CURRENCY_EXPONENTS

from services.reporting.outputs.tables import Column, Table, check_lang

BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Zip entries carry a fixed timestamp so the same pack is the same bytes.
_ZIP_TIME = (2000, 1, 1, 0, 0, 0)


def cell_text(column: Column, value: object, currency: str | None = None) -> str:
    if value is None:
        return ""
    if column.kind == "text":
        text = str(value)
        return "'" + text if text.startswith(_FORMULA_START) else text
    if column.kind == "date":
        assert isinstance(value, date)
        return value.isoformat()
    if column.kind == "money" and currency in CURRENCY_EXPONENTS:
        assert isinstance(value, Decimal)
        value = value.quantize(Decimal(1).scaleb(-CURRENCY_EXPONENTS[currency]))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def to_csv(table: Table, lang: str) -> bytes:
    check_lang(lang)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.title(lang) for column in table.columns])
    for row in table.rows:
        writer.writerow([cell_text(c, v, table.currency) for c, v in zip(table.columns, row)])
    return (BOM + out.getvalue()).encode("utf-8")


def to_csv_zip(tables: list[Table], lang: str) -> bytes:
    """One `<table name>.csv` per table in a zip (the month-end pack's CSV form)."""
    check_lang(lang)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        seen: set[str] = set()
        for table in tables:
            if table.name in seen:
                raise ValueError(f"two tables named {table.name!r}")
            seen.add(table.name)
            archive.writestr(zipfile.ZipInfo(f"{table.name}.csv", _ZIP_TIME), to_csv(table, lang),
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()
