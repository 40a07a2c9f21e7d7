"""Business identifiers (invoice numbers, payment references, customer ids…): what every
service accepts, declared once so the OpenAPI documents and the event schemas say it.

They appear in URL paths (`/invoices/{invoice_number}`), so they cannot hold `/`, `?` or
`#` (a number such as `INV/2026/001` would be accepted and then unreachable), nor control
characters; at most 100 characters, without leading or trailing spaces."""
from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

ID_PATTERN = r"^[^\s/?#\x00-\x1f\x7f](?:[^/?#\x00-\x1f\x7f]{0,98}[^\s/?#\x00-\x1f\x7f])?$"

BusinessId = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=ID_PATTERN)]
