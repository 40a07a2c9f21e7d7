"""Topic names, read from the one list in topics.txt (also read by docker-compose's
kafka-init job and deploy/kafka)."""
from __future__ import annotations

from functools import cache
from pathlib import Path

TOPICS_FILE = Path(__file__).with_name("topics.txt")


@cache
def topic_partitions() -> dict[str, int]:
    result: dict[str, int] = {}
    for line in TOPICS_FILE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, partitions = line.split()
        result[name] = int(partitions)
    return result


def dead_letter_topic(service: str) -> str:
    return f"{service}.dead-letter"


def require_topic(name: str) -> str:
    if name not in topic_partitions():
        raise KeyError(f"topic {name!r} is not declared in {TOPICS_FILE.name}")
    return name
