"""A small process manager for deploy/local-cluster.sh: runs one command, restarts it when
it dies (with backoff, like systemd's Restart=always or compose's restart policy), and
writes its output to a log file rotated by size.

    python deploy/lib/supervise.py --name ledger-worker --log var/cluster/logs/ledger-worker.log \
        [--state-dir var/cluster] -- CMD...

- Restart delays 1, 2, 4 ... 60 s; back to 1 s after the command ran for 60 s.
- SIGTERM/SIGINT: the command gets SIGTERM, then SIGKILL after AR_SUPERVISE_STOP_TIMEOUT
  (20 s); nothing is restarted; the supervisor exits.
- SIGUSR1: restart the command now (local-cluster.sh restart NAME uses a plain stop/start).
- Log rotation: past AR_LOG_MAX_BYTES (10 MiB) the log becomes NAME.log.1 (… .AR_LOG_BACKUPS,
  5), checked at every line written.
- STATE_DIR/NAME.child.pid holds the command's pid, STATE_DIR/NAME.restarts the restart count.
Standard library only: it runs before (and whatever happens to) the service's own code.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path


class RotatingLog:
    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        self.path, self.max_bytes, self.backups = path, max_bytes, backups
        self.lock = threading.Lock()
        self.file = open(path, "ab", buffering=0)

    def write(self, data: bytes) -> None:
        with self.lock:
            self.file.write(data)
            if self.file.tell() >= self.max_bytes:
                self._rotate()

    def _rotate(self) -> None:
        self.file.close()
        for i in range(self.backups - 1, 0, -1):
            older = self.path.with_name(f"{self.path.name}.{i}")
            if older.exists():
                older.replace(self.path.with_name(f"{self.path.name}.{i + 1}"))
        if self.backups > 0:
            self.path.replace(self.path.with_name(f"{self.path.name}.1"))
        else:
            self.path.unlink(missing_ok=True)
        self.file = open(self.path, "ab", buffering=0)

    def note(self, message: str) -> None:
        stamp = datetime.now(timezone.utc).isoformat(timespec="seconds")
        self.write(f"==== [supervise] {stamp} {message}\n".encode())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--name", required=True)
    parser.add_argument("--log", required=True, type=Path)
    parser.add_argument("--state-dir", type=Path, default=None)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    state = args.state_dir or args.log.parent
    log = RotatingLog(args.log, int(os.environ.get("AR_LOG_MAX_BYTES", 10 * 1024 * 1024)),
                      int(os.environ.get("AR_LOG_BACKUPS", 5)))
    stop_timeout = float(os.environ.get("AR_SUPERVISE_STOP_TIMEOUT", 20))
    stopping = threading.Event()
    child: subprocess.Popen | None = None

    def on_stop(signum, _frame) -> None:
        stopping.set()
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)

    def on_restart(_signum, _frame) -> None:
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    signal.signal(signal.SIGUSR1, on_restart)
    restarts, delay = 0, 1.0
    while not stopping.is_set():
        started = time.monotonic()
        child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT)
        (state / f"{args.name}.child.pid").write_text(f"{child.pid}\n")
        log.note(f"{args.name} started (pid {child.pid}, start #{restarts + 1})")
        for line in iter(child.stdout.readline, b""):
            log.write(line)
        code = child.wait()
        if stopping.is_set():
            log.note(f"{args.name} stopped (exit {code})")
            break
        ran = time.monotonic() - started
        delay = 1.0 if ran >= 60 else min(delay * 2, 60.0) if restarts else 1.0
        restarts += 1
        (state / f"{args.name}.restarts").write_text(f"{restarts}\n")
        log.note(f"{args.name} exited with {code} after {ran:.1f}s; restarting in {delay:.0f}s (restart #{restarts})")
        stopping.wait(delay)
    if child is not None and child.poll() is None:  # a stop signal that raced a restart
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(stop_timeout)
        except subprocess.TimeoutExpired:
            child.kill()
    (state / f"{args.name}.child.pid").unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
