"""Shared bits of the benchmarks: where the real broker and database are, topic set-up,
fresh databases, and printing figures with their same-run baseline."""
from __future__ import annotations

import os
import sys
import time
import uuid
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from aiokafka.admin import AIOKafkaAdminClient, NewTopic

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        sys.exit(f"{name} is not set: run benchmarks with `make bench` (it starts Kafka and PostgreSQL)")
    return value


def kafka() -> str:
    return env("AR_BENCH_KAFKA_BOOTSTRAP")


def postgres_admin() -> str:
    return env("AR_BENCH_POSTGRES_URL")


async def fresh_topic(bootstrap: str, prefix: str, partitions: int = 6) -> str:
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(name, partitions, 1)])
    finally:
        await admin.close()
    return name


async def delete_topic(bootstrap: str, name: str) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics([name])
    except Exception:
        pass
    finally:
        await admin.close()


@asynccontextmanager
async def fresh_database(admin_url: str):
    dsn = admin_url.replace("postgresql+asyncpg://", "postgresql://")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    conn = await asyncpg.connect(dsn)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    try:
        yield f"{dsn.rsplit('/', 1)[0]}/{name}".replace("postgresql://", "postgresql+asyncpg://", 1)
    finally:
        conn = await asyncpg.connect(dsn)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start


def report(title: str, rows: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in rows)
    text = "\n".join([f"== {title}", *(f"  {k.ljust(width)}  {v}" for k, v in rows)])
    print(text, flush=True)
    return text


def verdict(value: float, target: float, higher_is_better: bool = True) -> str:
    ok = value >= target if higher_is_better else value <= target
    return "meets target" if ok else "MISSES target"


def check_requests(key: str, customer, amount, prefix: str):
    """Raw HTTP/1.1 requests of the credit check for a load generator: request `n` checks
    `customer(n)` for `amount(n)` under a unique order_ref (no reservation)."""
    run = uuid.uuid4().hex[:8]
    head = (f"POST /credit/v1/checks HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {key}\r\n"
            "Content-Type: application/json\r\n")

    def make(n: int) -> bytes:
        body = (f'{{"customer_id":"{customer(n)}","amount":"{amount(n)}","currency":"CNY",'
                f'"order_ref":"{prefix}-{run}-{n}","reserve":false}}').encode()
        return f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body
    return make
