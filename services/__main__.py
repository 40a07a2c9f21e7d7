"""`python -m services`: the embedded default (make run). One process on AR_PORT hosting
the four services under /ledger, /credit, /dunning and /reporting, each on its own SQLite
file in AR_DATA_DIR, events through the outbox and an in-process bus."""
from __future__ import annotations

import logging

import uvicorn

from services.catalog import definitions
from shared.cli import tune_garbage_collector
from shared.hosting import EmbeddedHost
from shared.logs import configure_logging
from shared.settings import Settings


def main() -> None:
    settings = Settings()
    configure_logging(settings.log_level, settings.log_json)
    tune_garbage_collector()
    host = EmbeddedHost(definitions(), settings)
    logging.getLogger(__name__).info("embedded mode on http://%s:%s (data in %s)", settings.host,
                                     settings.port, settings.data_dir.resolve())
    uvicorn.run(host.app(), host=settings.host, port=settings.port, log_config=None, access_log=False)


if __name__ == "__main__":
    main()
