"""Business identifiers (invoice numbers, payment references, customer ids…): what every
service accepts, declared once so the OpenAPI documents and the event schemas say it.

They appear in URL paths (`/invoices/{invoice_number}`), so they cannot hold `/`, `?` or
`#` (a number such as `INV/2026/001` would be accepted and then unreachable), nor control
characters; at most 100 characters, without leading or trailing spaces."""
from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query
from pydantic import StringConstraints

ID_PATTERN = r"^[^\s/?#\x00-\x1f\x7f](?:[^/?#\x00-\x1f\x7f]{0,98}[^\s/?#\x00-\x1f\x7f])?$"

BusinessId = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=ID_PATTERN)]


# The same bounds on a path segment or a query filter naming one, so a 10 kB or control-character
# segment is a 422 that says why, not a lookup (a query filter has no other bound).
def id_path(description: str):
    """A path segment naming one thing, described for the OpenAPI reader."""
    return Annotated[str, Path(min_length=1, max_length=100, pattern=ID_PATTERN, description=description)]


IdPath = id_path("an identifier: at most 100 characters, no `/`, `?`, `#` or control characters")
IdQuery = Annotated[str | None, Query(min_length=1, max_length=100, pattern=ID_PATTERN)]
