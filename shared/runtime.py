"""What a service is (ServiceDefinition, declared in each service's bootstrap.py) and
what it has at run time (ServiceRuntime: settings, clock, database, keys). Hosting
code (shared/hosting.py) turns definitions into the embedded process or the
distributed api/worker processes; services never wire transports themselves."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter

from shared import auth, migrations
from shared.clock import Clock, SystemClock
from shared.consumer import BatchHandler, DeadLetterSink, EventProcessor, Handler
from shared.db import Database, UnitOfWork
from shared.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScheduledJob:
    """A periodic task run by the worker (and by the embedded process)."""
    name: str
    interval_seconds: Callable[[Settings], float]
    run: Callable[["ServiceRuntime"], Awaitable[Any]]


@dataclass
class ServiceDefinition:
    name: str
    title: str
    description: str
    migrations: Path
    routers: list[APIRouter] = field(default_factory=list)
    handlers: dict[str, Handler] = field(default_factory=dict)
    batch_handlers: dict[str, BatchHandler] = field(default_factory=dict)
    jobs: list[ScheduledJob] = field(default_factory=list)
    openapi_tags: list[dict] = field(default_factory=list)
    version: str = "1.0.0"
    #: builds service-specific state (config objects, caches) into runtime.state
    configure: Callable[["ServiceRuntime"], None] | None = None
    #: releases what `configure` or the service started (background tasks, connections)
    close: Callable[["ServiceRuntime"], Awaitable[None]] | None = None

    def all_handlers(self) -> dict[str, Handler]:
        platform = {"api-key-issued": auth.on_key_issued, "api-key-revoked": auth.on_key_revoked}
        return {**platform, **self.handlers}


class ServiceRuntime:
    def __init__(self, definition: ServiceDefinition, settings: Settings, clock: Clock | None = None,
                 database_url: str | None = None) -> None:
        self.definition = definition
        self.name = definition.name
        self.settings = settings
        self.clock = clock or SystemClock(settings.business_timezone)
        self.database_url = database_url or settings.database_url(self.name)
        self.db = Database(self.database_url, pool_size=settings.db_pool_size)
        self.keys = auth.ApiKeyStore(self.db)
        self.state: dict[str, Any] = {}
        self.migrated = False
        if definition.configure:
            definition.configure(self)

    @property
    def source(self) -> str:
        return f"/{self.name}"

    def uow(self) -> UnitOfWork:
        return self.db.unit_of_work(self.source)

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
            max_attempts=self.settings.consumer_max_attempts,
            backoff_seconds=self.settings.consumer_backoff_seconds, batched=batched)

    async def close(self) -> None:
        if self.definition.close:
            await self.definition.close(self)
        await self.db.dispose()
