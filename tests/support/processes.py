"""Starting the product as real processes for end-to-end tests."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(urls: list[str], timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    pending = list(urls)
    while pending and time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}")
        try:
            if httpx.get(pending[0], timeout=2).status_code == 200:
                pending.pop(0)
                continue
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    if pending:
        raise TimeoutError(f"not healthy after {timeout}s: {pending}")


class EmbeddedProcess:
    """`python -m services` (what `make run` starts) on a free port and data dir."""

    def __init__(self, data_dir: Path, admin_key: str, port: int | None = None) -> None:
        self.port = port or free_port()
        self.data_dir = data_dir
        self.admin_key = admin_key
        self.proc: subprocess.Popen | None = None
        self.log = data_dir / "embedded.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "EmbeddedProcess":
        env = {**os.environ, "AR_PORT": str(self.port), "AR_DATA_DIR": str(self.data_dir), "AR_ENV": "test",
               "AR_BOOTSTRAP_ADMIN_KEY": self.admin_key}
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen([sys.executable, "-m", "services"], cwd=ROOT, env=env,
                                     stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        wait_healthy([f"{self.base}/{s}/healthz" for s in ("ledger", "credit", "dunning", "reporting")],
                     process=self.proc)
        return self

    def stop(self, sig: int = signal.SIGINT, timeout: float = 20.0) -> int:
        if self.proc is None:
            return 0
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc = None
