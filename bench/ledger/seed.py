"""Seeding a fresh ledger database quickly (COPY) with open instalments for the sweep."""
from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date, datetime, timedelta, timezone

import asyncpg

from bench.ledger.data import LINES, REGIONS, TYPES

INVOICE_COLUMNS = ("invoice_number", "customer_id", "issue_date", "due_date", "currency", "amount_minor", "open_minor",
                   "credited_minor", "written_off_minor", "status", "region", "product_line", "customer_type",
                   "salesperson", "source", "content_hash", "created_at")
INSTALMENT_COLUMNS = ("invoice_number", "seq", "customer_id", "issue_date", "effective_from", "due_date", "currency",
                      "amount_minor", "open_minor", "disputed_minor", "last_threshold_index", "next_threshold_date")


def plan(n: int, today: date, ladder: tuple[int, ...], *, seed: int = 11, customers: int = 50_000):
    """n open instalments (one per invoice), due dates uniform over the past year and
    the next two months, each swept up to yesterday: last_threshold_index is the highest
    threshold crossed by yesterday, next_threshold_date the date of the next one."""
    rnd = random.Random(seed)
    yesterday = today - timedelta(days=1)
    now = datetime.now(timezone.utc)
    invoices, instalments, overdue_days = [], [], []
    for i in range(n):
        due = today + timedelta(days=rnd.randint(-365, 60))
        issue = due - timedelta(days=30)
        minor = rnd.randrange(10_000, 5_000_000)
        last = bisect_right(ladder, (yesterday - due).days) - 1
        nxt = due + timedelta(days=ladder[last + 1]) if last + 1 < len(ladder) else None
        number, customer = f"S-{i:08d}", f"C{rnd.randrange(customers):05d}"
        invoices.append((number, customer, issue, due, "CNY", minor, minor, 0, 0, "open", rnd.choice(REGIONS),
                         rnd.choice(LINES), rnd.choice(TYPES), f"S{rnd.randrange(40):02d}", "import", "x" * 64, now))
        instalments.append((number, 1, customer, issue, issue, due, "CNY", minor, minor, 0, last, nxt))
        overdue_days.append((today - due).days)
    return invoices, instalments, overdue_days


async def copy_in(dsn: str, invoices, instalments) -> None:
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            await conn.copy_records_to_table("invoices", records=invoices, columns=INVOICE_COLUMNS)
            await conn.copy_records_to_table("instalments", records=instalments, columns=INSTALMENT_COLUMNS)
        await conn.execute("ANALYZE invoices")
        await conn.execute("ANALYZE instalments")
    finally:
        await conn.close()
