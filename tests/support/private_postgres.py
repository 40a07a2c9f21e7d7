"""A PostgreSQL server of the test's own (deploy/postgres/start.sh on a free port), for
tests that stop or restart the database under running code: the shared test server must
keep serving the other tests."""
from __future__ import annotations

import contextlib
import os
import subprocess
import uuid

from tests.support.processes import ROOT, free_port

DEPLOY = ROOT / "deploy" / "postgres"


class PrivatePostgres:
    def __init__(self, databases: str = "ar_probe") -> None:
        # Under the repository, not pytest's tmp: as root the server runs as `postgres`.
        self.dir = ROOT / "var" / f"pg-private-{uuid.uuid4().hex[:8]}"
        self.port = free_port()
        self.databases = databases

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "PG_DIR": str(self.dir), "PG_PORT": str(self.port), "PG_FAST": "1",
                "PG_DATABASES": self.databases}

    def url(self, database: str = "ar_probe") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, script: str, *args: str) -> None:
        result = subprocess.run([str(DEPLOY / script), *args], env=self.env, capture_output=True, text=True,
                                timeout=120)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]

    def start(self) -> None:
        self._run("start.sh")

    def stop(self, *args: str) -> None:
        self._run("stop.sh", *args)

    def restart(self) -> None:
        """A fast shutdown (every session terminated, so every advisory lock released), then start."""
        self.stop()
        self.start()


@contextlib.contextmanager
def private_postgres(databases: str = "ar_probe"):
    pg = PrivatePostgres(databases)
    pg.start()
    try:
        yield pg
    finally:
        with contextlib.suppress(Exception):
            pg.stop("--wipe")
