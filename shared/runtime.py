"""What a service is (ServiceDefinition, declared in each service's bootstrap.py) and
what it has at run time (ServiceRuntime: settings, clock, database, keys and the
service's own dependencies). Hosting code (shared/hosting.py) turns definitions into the
embedded process or the distributed api/worker processes; services never wire
transports themselves.

Every handler of every service has one calling convention:
    async def verb(deps, uow, ctx, ...)        # a route's or a job's command
    async def on_fact(deps, uow, ctx, payload)  # a consumed event (`handlers`)
    async def on_facts(deps, uow, items)        # a consumed batch: [(payload, ctx), ...]
`deps` is what `definition.dependencies(runtime)` built once at start-up (policy,
configuration, clock, caches); `ctx` is the command context (shared/context.py).
"""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request

from shared import auth, migrations
from shared.clock import Clock, clock_for
from shared.consumer import BatchHandler, DeadLetterSink, EventProcessor, Handler
from shared.context import Context
from shared.db import Database, UnitOfWork
from shared.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduledJob:
    """A periodic task run by the worker (and by the embedded process)."""
    name: str
    interval_seconds: Callable[[Any], float]  # from the service's dependencies (its configuration)
    run: Callable[["ServiceRuntime"], Awaitable[Any]]


def no_dependencies(_runtime: "ServiceRuntime") -> None:
    return None


@dataclass
class ServiceDefinition:
    name: str
    title: str
    description: str
    migrations: Path
    routers: list[APIRouter] = field(default_factory=list)
    #: routers served outside /v1 and the OpenAPI schema: pages a browser opens (the reporting dashboard)
    pages: list[APIRouter] = field(default_factory=list)
    handlers: dict[str, Handler] = field(default_factory=dict)
    batch_handlers: dict[str, BatchHandler] = field(default_factory=dict)
    jobs: list[ScheduledJob] = field(default_factory=list)
    openapi_tags: list[dict] = field(default_factory=list)
    version: str = "1.0.0"
    #: builds, once per process, what the service's handlers receive as `deps`
    dependencies: Callable[["ServiceRuntime"], Any] = no_dependencies
    #: releases what `dependencies` started (background tasks, connections)
    close: Callable[[Any], Awaitable[None]] | None = None

    def all_handlers(self) -> dict[str, Handler]:
        platform = {"api-key-issued": auth.on_key_issued, "api-key-revoked": auth.on_key_revoked}
        return {**platform, **self.handlers}


class ServiceRuntime:
    def __init__(self, definition: ServiceDefinition, settings: Settings, clock: Clock | None = None,
                 database_url: str | None = None) -> None:
        self.definition = definition
        self.name = definition.name
        self.settings = settings
        self.clock = clock or clock_for(settings)
        self.database_url = database_url or settings.database_url(self.name)
        self.db = Database(self.database_url, pool_size=settings.db_pool_size)
        self.keys = auth.ApiKeyStore(self.db)
        self.migrated = False
        self.deps: Any = definition.dependencies(self)

    @property
    def source(self) -> str:
        return f"/{self.name}"

    def uow(self) -> UnitOfWork:
        return self.db.unit_of_work(self.source)

    def system_context(self) -> Context:
        return Context.system(self.clock, self.name)

    async def open(self, migrate: bool | None = None) -> None:
        if self.db.is_sqlite:
            self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        if self.settings.migrate_on_start if migrate is None else migrate:
            await migrations.upgrade_service(self.definition.migrations, self.database_url)
        self.migrated = True
        await self.keys.seed_bootstrap(self.settings.bootstrap_admin_key, self.source)

    def processor(self, dead_letters: DeadLetterSink, *, batched: bool = True) -> EventProcessor:
        return EventProcessor(
            db=self.db, service=self.name, handlers=self.definition.all_handlers(),
            batch_handlers=self.definition.batch_handlers, dead_letters=dead_letters,
            deps=lambda: self.deps, clock=self.clock,
            max_attempts=self.settings.consumer_max_attempts,
            backoff_seconds=self.settings.consumer_backoff_seconds, batched=batched)

    async def close(self) -> None:
        if self.definition.close:
            await self.definition.close(self.deps)
        await self.db.dispose()


def service_deps(request: Request) -> Any:
    """Route dependency: the service's dependencies (each service's deps.py names it `Deps`)."""
    return request.app.state.runtime.deps


def unit_of_work(request: Request) -> UnitOfWork:
    """Route dependency: a unit of work on the service's database (re-entrant, so a route
    may run its command and then its read in two transactions of the same object)."""
    return request.app.state.runtime.uow()


Uow = Annotated[UnitOfWork, Depends(unit_of_work)]
