"""Query parameters the reports share, declared once with their bounds."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query

from services.reporting.domain.aging import GROUPS
from shared.money import CurrencyCode
from shared.wire import DateIn

AsOf = Annotated[DateIn | None, Query(description="the business date reported on; today if omitted")]
From = Annotated[DateIn, Query(alias="from")]
To = Annotated[DateIn, Query(alias="to")]
Currency = Annotated[CurrencyCode | None, Query(description="one currency per report; the configured default "
                                                            "if omitted")]
GroupBy = Annotated[Literal[GROUPS], Query(description="the dimension rows are grouped by")]  # type: ignore[valid-type]
Basis = Annotated[Literal["due_date", "invoice_date"], Query(description="days past due, or since the invoice")]
Buckets = Annotated[str | None, Query(max_length=120, pattern=r"^\d{1,5}(,\d{1,5}){0,11}$",
                                      description="the slabs' upper bounds in days, ascending, e.g. 30,60,90,180")]
Limit = Annotated[int | None, Query(ge=1, le=100_000, description="rows per page (at most the configured maximum)")]
Month = Annotated[str, Query(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")]
