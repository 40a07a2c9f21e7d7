"""Wires the credit service: its dependencies, routes, event handlers, jobs, migrations."""
from __future__ import annotations

from pathlib import Path

from services.credit import jobs
from services.credit.config import CreditConfig, build_policy
from services.credit.consumers import BATCH_HANDLERS, HANDLERS
from services.credit.deps import CreditDeps
from services.credit.endpoints import router
from services.credit.repository.check_store import CheckStore
from services.credit.repository.state_cache import CHANNEL, CreditStateCache
from shared import metrics
from shared.listen import PgListener
from shared.runtime import ScheduledJob, ServiceDefinition, ServiceRuntime


def dependencies(runtime: ServiceRuntime, config: CreditConfig | None = None) -> CreditDeps:
    """Built once per process (the configuration read from the environment unless given);
    tests pass their own configuration."""
    policy = build_policy(config or CreditConfig())
    if runtime.db.is_sqlite:  # one writer, no LISTEN: every check runs in its own transaction
        return CreditDeps(policy, runtime.clock)
    states, listener = _state_cache(runtime, policy.config.state_cache_entries)
    return CreditDeps(policy, runtime.clock, CheckStore(runtime.db), states, listener)


def _state_cache(runtime: ServiceRuntime, entries: int) -> tuple[CreditStateCache | None, PgListener | None]:
    if entries == 0:
        return None, None
    lookups = {result: metrics.CACHE_LOOKUPS.labels(runtime.name, "credit_state", result)
               for result in ("hit", "miss", "off")}
    states = CreditStateCache(entries, count=lambda result: lookups[result].inc())
    runtime.db.after_commit.append(states.invalidate_all)  # this process's writes: at once
    listener = PgListener(runtime.db, CHANNEL, runtime.name, on_notify=states.notified,
                          on_listening=states.start_listening, on_lost=states.stop_listening)
    return states, listener


async def close(deps: CreditDeps) -> None:
    if deps.listener is not None:
        await deps.listener.close()


SERVICE = ServiceDefinition(
    name="credit",
    title="Credit API",
    description="Credit control (信用管理): credit files, scorecard grades with their reasons, limits and terms "
                "through the approval chain, exposure learnt from the ledger's facts (`invoice-recorded`, "
                "allocations, settlements...), holds, the credit check before each sale, and the customer's "
                "master data published as `customer-profile-changed`.",
    migrations=Path(__file__).with_name("migrations"),
    dependencies=dependencies,
    close=close,
    routers=[router],
    handlers=HANDLERS,
    batch_handlers=BATCH_HANDLERS,
    jobs=[ScheduledJob("credit-rerating-and-reservations", lambda deps: deps.policy.config.job_interval_seconds,
                       jobs.rerating_and_reservations)],
    openapi_tags=[
        {"name": "customers", "description": "Credit files, grades and why, exposure, open items, holds, history, "
                                             "visits"},
        {"name": "applications", "description": "Grade/limit/term, temporary limits, term extensions: the "
                                                "approval chain"},
        {"name": "checks", "description": "The credit check before a sale"},
    ],
)
