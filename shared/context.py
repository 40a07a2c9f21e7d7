"""The command context: who runs a command, on which business date and in which request
or event chain. Every handler of every service takes one (`ctx`), built in one place per
entry: `shared.auth.context` for a route, the event processor for a consumed fact,
`Context.system` for a scheduled job. Handlers never read the clock or the HTTP principal
themselves, so a test or a replay sets "today" and the actor by building a Context."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from shared.clock import Clock


@dataclass(frozen=True, slots=True)
class Context:
    actor: str  # an API key id, "system:<service>" or "event:<producer>"
    today: date  # the business date
    now: datetime  # UTC, for audit timestamps
    roles: frozenset[str] = field(default_factory=frozenset)
    actor_name: str = ""
    correlation_id: str | None = None
    source: str = "rest"  # rest | event | import | system: where the command came from

    def has(self, role: str) -> bool:
        return role in self.roles

    def on(self, day: date | None) -> date:
        """An explicit business date, else today."""
        return self.today if day is None else day

    @property
    def name(self) -> str:
        return self.actor_name or self.actor

    @classmethod
    def system(cls, clock: Clock, service: str, correlation_id: str | None = None) -> "Context":
        """For scheduled jobs and other work the service does on its own behalf."""
        return cls(f"system:{service}", clock.today(), clock.now(), correlation_id=correlation_id, source="system")

    @classmethod
    def event(cls, clock: Clock, producer: str, correlation_id: str | None = None) -> "Context":
        """For a consumed fact: the producer (CloudEvents source, e.g. /ledger) is the actor."""
        return cls(f"event:{producer}", clock.today(), clock.now(), correlation_id=correlation_id, source="event")
