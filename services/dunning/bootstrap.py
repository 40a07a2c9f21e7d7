"""Wires the dunning service: its dependencies, routes, event handlers, jobs, migrations."""
from __future__ import annotations

from pathlib import Path

from services.dunning import jobs
from services.dunning.config import DunningConfig
from services.dunning.consumers import BATCH_HANDLERS, HANDLERS
from services.dunning.delivery import Sender, build_sender
from services.dunning.deps import DunningDeps
from services.dunning.endpoints import router
from shared.runtime import ScheduledJob, ServiceDefinition, ServiceRuntime


def dependencies(runtime: ServiceRuntime, config: DunningConfig | None = None,
                 send: Sender | None = None) -> DunningDeps:
    """Built once per process (the configuration read from the environment unless given);
    tests pass their own configuration and sender."""
    config = config or DunningConfig()
    return DunningDeps(config, runtime.clock, send or build_sender(config), runtime.name)


async def close(deps: DunningDeps) -> None:
    closing = getattr(deps.send, "close", None)  # the channels' pooled connections
    if closing is not None:
        await closing()


SERVICE = ServiceDefinition(
    name="dunning",
    title="Dunning API",
    description="Collections (催收): ladders per grade or segment, cases opened by the ledger's "
                "`overdue-threshold` facts, each step once per item, messages delivered after commit, "
                "the collectors' worklist, promises to pay, repayment plans and legal cases.",
    migrations=Path(__file__).with_name("migrations"),
    dependencies=dependencies,
    close=close,
    routers=[router],
    handlers=HANDLERS,
    batch_handlers=BATCH_HANDLERS,
    jobs=[ScheduledJob("dunning-ladder", lambda deps: deps.config.job_interval_seconds, jobs.ladder_run),
          ScheduledJob("dunning-deliveries", lambda deps: deps.config.delivery_interval_seconds, jobs.deliver)],
    openapi_tags=[
        {"name": "policies", "description": "Collection ladders, versioned, and the phone scripts"},
        {"name": "cases", "description": "Cases, their items, steps, pauses, promises and plans; actions and "
                                         "documents"},
        {"name": "collectors", "description": "The worklist, contact log, promises to pay, repayment plans, "
                                              "contacts"},
        {"name": "legal", "description": "Legal cases, their stages and evidence"},
    ],
)
