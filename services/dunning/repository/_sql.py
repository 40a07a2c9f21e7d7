"""The distinct values of an IN list in chunks one statement can take (the set-based
statements themselves are shared: `shared.bulk`)."""
from __future__ import annotations

from typing import Iterable, Iterator, Sequence

from shared.bulk import in_chunks
from shared.db import UnitOfWork


def chunks(uow: UnitOfWork, values: Iterable) -> Iterator[Sequence]:
    """The distinct values, sorted, in chunks one statement can take."""
    return in_chunks(uow, sorted(set(values)))
