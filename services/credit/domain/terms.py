"""Due dates from payment terms, for invoices that arrive with terms instead of a due date.

NET<n> = issue date + n days; EOM+<n> = end of the issue month + n days; SHIP+<n> =
shipment date (the date on the consignment note, 003) + n days, or the issue date when
no shipment date is given. Anything else is refused.
"""
from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

_TERMS = re.compile(r"^(NET|EOM\+|SHIP\+)(\d{1,3})$")


def due_date_from_terms(terms: str, issue_date: date, shipment_date: date | None = None) -> date:
    match = _TERMS.match(terms.strip().upper().replace(" ", ""))
    if not match:
        raise ValueError(f"unknown payment terms {terms!r}: use NET30, EOM+15 or SHIP+30")
    kind, days = match.group(1), int(match.group(2))
    if kind == "NET":
        return issue_date + timedelta(days=days)
    if kind == "EOM+":
        last = calendar.monthrange(issue_date.year, issue_date.month)[1]
        return date(issue_date.year, issue_date.month, last) + timedelta(days=days)
    return (shipment_date or issue_date) + timedelta(days=days)
