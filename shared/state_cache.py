"""A bounded, generation-guarded, notification-invalidated cache: values read from the
database, kept in memory between requests, exact only while something tells it about
every change of the rows they came from.

Its user is the credit check (`services/credit/repository/state_cache.py`: PostgreSQL
triggers notify each changed customer after commit, `shared.listen` delivers them, and
every commit of the process itself clears it at once). The rules, all generic:
- it answers only while `listening`: before the notifications flow, or after the
  connection that carries them was lost, every lookup misses and nothing is kept; on
  (re)connecting it starts empty, since changes in between were not heard;
- a value may only be kept if nothing was invalidated between the moment its read was
  queued and the fill (`ticket`): else a read that saw the old rows could be kept after the
  notification that made them old. One counter for all keys: simple and safe, at the cost
  of fewer fills while changes arrive at a high rate (it then behaves as if absent);
- an entry holds the value of one `scope` (e.g. a business day, when what was read depends
  on the date): a lookup in another scope misses and refills it;
- past `max_entries` the oldest fill is dropped.
No I/O here (unit-tested without a database).
"""
from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")
CountLookup = Callable[[str], None]  # called with hit, miss or off
EVERYONE = "*"  # the notification payload that invalidates every key (e.g. after a TRUNCATE)


class NotifiedCache(Generic[Value]):
    def __init__(self, max_entries: int = 50_000, count: CountLookup | None = None) -> None:
        self.max_entries = max_entries
        self.listening = False
        self._generation = 0
        self._entries: dict[str, tuple[Hashable, Value]] = {}  # key -> (scope, value)
        self._count = count or (lambda _result: None)

    def __len__(self) -> int:
        return len(self._entries)

    def ticket(self) -> int | None:
        """Take before queueing the read whose result may be kept; None: nothing will be."""
        return self._generation if self.listening else None

    def get(self, key: str, scope: Hashable) -> Value | None:
        if not self.listening:
            self._count("off")
            return None
        entry = self._entries.get(key)
        value = entry[1] if entry is not None and entry[0] == scope else None
        self._count("miss" if value is None else "hit")
        return value

    def put(self, key: str, scope: Hashable, value: Value, ticket: int | None) -> bool:
        """Keep `value` (read after `ticket` was taken) unless something was invalidated since."""
        if ticket is None or ticket != self._generation or not self.listening:
            return False
        if key not in self._entries and len(self._entries) >= self.max_entries:
            del self._entries[next(iter(self._entries))]  # the oldest fill
        self._entries[key] = (scope, value)
        return True

    def invalidate(self, key: str) -> None:
        """Its rows changed (a notification): drop its entry, and refuse fills in flight."""
        self._generation += 1
        self._entries.pop(key, None)

    def notified(self, payload: str) -> None:
        if payload == EVERYONE:
            self.invalidate_all()
        else:
            self.invalidate(payload)

    def invalidate_all(self) -> None:
        self._generation += 1
        self._entries.clear()

    def start_listening(self) -> None:
        """Notifications flow from now on; what changed before is unknown: start empty."""
        self.invalidate_all()
        self.listening = True

    def stop_listening(self) -> None:
        self.listening = False
        self.invalidate_all()
