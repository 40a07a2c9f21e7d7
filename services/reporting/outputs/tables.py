"""A report as a table that every output format reads: typed columns, titles in both languages.

Values stay exact: money, percents, ratios and days are `Decimal` (never float), dates are
`date`, counts are `int`, text is `str`; `None` is an empty cell. A percent is a fraction
(0.125 is 12.5 %), as in the JSON API; each format decides how to show it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Kind = Literal["text", "money", "int", "percent", "ratio", "date", "days"]
Lang = Literal["zh-CN", "en"]
LANGS: tuple[str, ...] = ("zh-CN", "en")
KINDS: tuple[str, ...] = ("text", "money", "int", "percent", "ratio", "date", "days")

# The Python type each kind's values must have (None is always allowed).
_TYPES: dict[str, tuple[type, ...]] = {
    "text": (str,), "money": (Decimal,), "int": (int,), "percent": (Decimal,),
    "ratio": (Decimal,), "date": (date,), "days": (Decimal, int),
}


@dataclass(frozen=True)
class Column:
    key: str
    title_en: str
    title_zh: str
    kind: Kind = "text"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"column {self.key!r}: unknown kind {self.kind!r}")

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh-CN" else self.title_en


@dataclass(frozen=True)
class Table:
    name: str
    title_en: str
    title_zh: str
    columns: list[Column]
    rows: list[tuple] = field(default_factory=list)
    # The currency of the money columns (one per table, as in the API); it sets their decimals.
    currency: str | None = None

    def __post_init__(self) -> None:
        width = len(self.columns)
        for number, row in enumerate(self.rows):
            if len(row) != width:
                raise ValueError(f"table {self.name!r} row {number}: {len(row)} values for {width} columns")
            for column, value in zip(self.columns, row):
                if value is None:
                    continue
                # bool is an int subclass and a float is never money: both are refused.
                if isinstance(value, (bool, float)) or not isinstance(value, _TYPES[column.kind]):
                    raise TypeError(
                        f"table {self.name!r} column {column.key!r} ({column.kind}): "
                        f"{type(value).__name__} value {value!r}"
                    )

    def title(self, lang: str) -> str:
        return self.title_zh if lang == "zh-CN" else self.title_en


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: one of {', '.join(LANGS)}")
    return lang
