"""Wait for a Kafka broker and create the topics listed in shared/events/topics.txt.

Idempotent: existing topics are left alone (a topic with fewer partitions than listed is
grown; one with more is reported). Uses aiokafka's admin client from the project's venv.

    python deploy/kafka/create_topics.py --bootstrap 127.0.0.1:19092 [--wait 60]
    python deploy/kafka/create_topics.py --bootstrap ... --wait 60 --no-create   # readiness only
    python deploy/kafka/create_topics.py --bootstrap ... --check                 # verify only

Exit status: 0 ok, 1 failure (message on stderr).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_TOPICS_FILE = REPO / "shared" / "events" / "topics.txt"


class TopicsFileError(ValueError):
    pass


def parse_topics(path: Path) -> list[tuple[str, int]]:
    """Read `<topic> <partitions>` lines; `#` starts a comment line; blank lines are skipped."""
    topics: list[tuple[str, int]] = []
    seen: set[str] = set()
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        fields = line.split()
        if len(fields) != 2 or not fields[1].isdigit() or int(fields[1]) < 1:
            raise TopicsFileError(f"{path}:{lineno}: expected '<topic> <partitions>', got {raw!r}")
        name, partitions = fields[0], int(fields[1])
        if name in seen:
            raise TopicsFileError(f"{path}:{lineno}: topic {name!r} listed twice")
        seen.add(name)
        topics.append((name, partitions))
    if not topics:
        raise TopicsFileError(f"{path}: no topics listed")
    return topics


async def _connect(bootstrap: str, wait_s: float):
    from aiokafka.admin import AIOKafkaAdminClient

    deadline = time.monotonic() + wait_s
    last_error: Exception | None = None
    while True:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000)
        try:
            await admin.start()
            await admin.describe_cluster()  # a real round-trip, not just a TCP connect
            return admin
        except Exception as exc:  # broker not up yet: retry until the deadline
            last_error = exc
            await admin.close()
        if time.monotonic() >= deadline:
            raise TimeoutError(f"Kafka at {bootstrap} not ready after {wait_s:.0f}s: {last_error!r}")
        await asyncio.sleep(0.5)


async def _partition_counts(admin, names: list[str]) -> dict[str, int]:
    existing = set(await admin.list_topics())
    wanted = [n for n in names if n in existing]
    counts: dict[str, int] = {}
    if wanted:
        for desc in await admin.describe_topics(wanted):
            if desc.get("error_code", 0) == 0:
                counts[desc["topic"]] = len(desc["partitions"])
    return counts


def _raise_on_errors(response, what: str, ignore: tuple[int, ...] = ()) -> None:
    errors = []
    for item in getattr(response, "topic_errors", None) or getattr(response, "topic_results", []):
        name, code = item[0], item[1]
        message = item[2] if len(item) > 2 and isinstance(item[2], str) else ""
        if code and code not in ignore:
            errors.append(f"{name}: error {code} {message}".strip())
    if errors:
        raise RuntimeError(f"{what} failed: " + "; ".join(errors))


async def run(args: argparse.Namespace) -> int:
    from aiokafka.admin import NewPartitions, NewTopic

    topics = parse_topics(Path(args.topics_file))
    admin = await _connect(args.bootstrap, args.wait)
    try:
        if args.no_create and not args.check:
            print(f"kafka ready at {args.bootstrap}")
            return 0
        names = [n for n, _ in topics]
        counts = await _partition_counts(admin, names)
        if args.check:
            problems = [
                f"{n}: expected {p} partitions, found {counts.get(n, 'none')}"
                for n, p in topics
                if counts.get(n) != p
            ]
            for problem in problems:
                print(problem, file=sys.stderr)
            print(f"{len(topics) - len(problems)}/{len(topics)} topics as listed")
            return 1 if problems else 0

        missing = [NewTopic(n, p, args.replication_factor) for n, p in topics if n not in counts]
        if missing:
            response = await admin.create_topics(missing, timeout_ms=30000)
            _raise_on_errors(response, "create_topics", ignore=(36,))  # 36 = already exists
        grow = {n: NewPartitions(total_count=p) for n, p in topics if n in counts and counts[n] < p}
        if grow:
            _raise_on_errors(await admin.create_partitions(grow, timeout_ms=30000), "create_partitions")
        for n, p in topics:
            if counts.get(n, p) > p:
                print(f"warning: {n} has {counts[n]} partitions, more than the {p} listed", file=sys.stderr)
        print(
            f"topics: {len(missing)} created, {len(grow)} grown, "
            f"{len(topics) - len(missing) - len(grow)} already present"
        )
        return 0
    finally:
        await admin.close()


def main(argv: list[str] | None = None) -> int:
    port = os.environ.get("KAFKA_PORT", "19092")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bootstrap", default=os.environ.get("KAFKA_BOOTSTRAP", f"127.0.0.1:{port}"))
    parser.add_argument("--topics-file", default=os.environ.get("AR_TOPICS_FILE", str(DEFAULT_TOPICS_FILE)))
    parser.add_argument("--wait", type=float, default=0.0, help="seconds to wait for the broker")
    parser.add_argument("--replication-factor", type=int, default=1)
    parser.add_argument("--no-create", action="store_true", help="only wait until the broker answers")
    parser.add_argument("--check", action="store_true", help="only verify the topics exist as listed")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.CRITICAL)  # aiokafka logs every failed connect attempt
    try:
        return asyncio.run(run(args))
    except (TopicsFileError, TimeoutError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
