"""`python -m services.<name> api|worker|all|migrate`: one entry point per service."""
from __future__ import annotations

import argparse
import gc
import asyncio
import signal

import uvicorn

from shared import migrations, worker_status
from shared.hosting import run_worker, standalone_api_app
from shared.logs import configure_logging
from shared.runtime import ServiceDefinition
from shared.settings import Settings


def main(definition: ServiceDefinition, argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=f"python -m services.{definition.name}",
                                     description=definition.title)
    sub = parser.add_subparsers(dest="command", required=True)
    api = sub.add_parser("api", help="serve the HTTP API")
    api.add_argument("--host", default=None)
    api.add_argument("--port", type=int, default=None)
    api.add_argument("--workers", type=int, default=1)
    sub.add_parser("worker", help="outbox relay, Kafka consumer and scheduled jobs")
    sub.add_parser("migrate", help="apply database migrations and exit")
    args = parser.parse_args(argv)

    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    tune_garbage_collector()
    if args.command == "api":
        app = standalone_api_app(definition, settings)
        uvicorn.run(app, host=args.host or settings.host, port=args.port or settings.port,
                    log_config=None, access_log=False, proxy_headers=True)
    elif args.command == "worker":
        asyncio.run(_worker(definition, settings))
    elif args.command == "migrate":
        asyncio.run(migrations.upgrade_service(definition.migrations, settings.database_url(definition.name)))


def tune_garbage_collector() -> None:
    """Requests and batches wait on the database, so under load many of their objects are
    alive whenever the cyclic collector runs; with the defaults they were promoted into
    full passes over the whole heap (~50 ms each, a fifth of the credit check's CPU).
    What is imported by now lives as long as the process: freeze it, and collect the
    young generation less often (docs/benchmarks.md, "Credit check")."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000)


async def _worker(definition: ServiceDefinition, settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    server = None
    if settings.metrics_port:  # /metrics, /healthz, /readyz of this worker
        server = await worker_status.serve(settings.metrics_host, settings.metrics_port)
    try:
        await run_worker(definition, settings, stop)
    finally:
        if server is not None:
            server.close()
