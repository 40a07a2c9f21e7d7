"""The customers' credit state as the check reads it, kept in memory between checks.

A check that reserves nothing then needs one round trip (storing its result) instead of
two. The cache is exact only while something tells it about every change, so it answers
only while `listening`: PostgreSQL triggers on the tables the check reads notify each
changed customer_id after commit (migration credit_0003, `shared.listen`), and every commit
of this process clears it at once (read-your-writes for the API's own callers, before the
notification arrives). Not listening (not yet connected, connection lost): every lookup
misses and nothing is kept; on reconnecting it starts empty, since changes in between were
not heard.

A filled state may only be kept if nothing was invalidated between the moment its read was
queued and the fill (`ticket`): else a read that saw the old rows could be kept after the
notification that made them old. One counter for all customers: simple and safe, at the
cost of fewer fills while events are applied at a high rate (then it behaves as if absent).

An entry holds the state of one business day (the select filters expired reservations
and temporary limits by date): another day's lookup misses and refills it. Changes by
another process reach this one after the commit plus the notification's trip, usually well
under a millisecond: a check there may decide on the state of that moment, as a check whose
read raced with the commit would. Bounded: past `max_entries` the oldest fill is dropped.
No I/O here (unit-tested without a database)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from services.credit.repository.checks import CheckState

CHANNEL = "credit_state_changed"  # the triggers' channel (migration credit_0003); payload a customer_id, or *
CountLookup = Callable[[str], None]  # called with hit, miss or off


class CreditStateCache:
    def __init__(self, max_entries: int = 50_000, count: CountLookup | None = None) -> None:
        self.max_entries = max_entries
        self.listening = False
        self._generation = 0
        self._entries: dict[str, tuple[date, CheckState]] = {}  # customer_id -> (day, state)
        self._count = count or (lambda _result: None)

    def __len__(self) -> int:
        return len(self._entries)

    def ticket(self) -> int | None:
        """Take before queueing the read whose result may be kept; None: nothing will be."""
        return self._generation if self.listening else None

    def get(self, customer_id: str, today: date) -> CheckState | None:
        if not self.listening:
            self._count("off")
            return None
        entry = self._entries.get(customer_id)
        state = entry[1] if entry is not None and entry[0] == today else None
        self._count("miss" if state is None else "hit")
        return state

    def put(self, customer_id: str, today: date, state: CheckState, ticket: int | None) -> bool:
        """Keep `state` (read after `ticket` was taken) unless something was invalidated since."""
        if ticket is None or ticket != self._generation or not self.listening:
            return False
        if customer_id not in self._entries and len(self._entries) >= self.max_entries:
            del self._entries[next(iter(self._entries))]  # the oldest fill
        self._entries[customer_id] = (today, state)
        return True

    def invalidate(self, customer_id: str) -> None:
        """Its rows changed (a notification): drop its entry, and refuse fills in flight."""
        self._generation += 1
        self._entries.pop(customer_id, None)

    def notified(self, payload: str) -> None:
        if payload == "*":  # a TRUNCATE
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
