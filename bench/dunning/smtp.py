"""The SMTP side of the dunning benchmark: a counting aiosmtpd sink in its own process, its
raw accept rate through the same client library (aiosmtplib, same number of connections,
one prebuilt message, no service), and the channels alone (render + MIME + Senders.send)."""
from __future__ import annotations

import asyncio
import multiprocessing
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import aiosmtplib

from services.dunning.channels import (CompanyInfo, DunningItem, MessageContext, OutgoingMessage, Senders,
                                       load_channel_config, render)
from services.dunning.channels.mime import build_email
from tests.support.mail import free_port, run_sink

SENDER = "ar@bench.example"


@contextmanager
def smtp_sink():
    """(port, accepted counter) of a sink running in a child process; stopped on exit."""
    context = multiprocessing.get_context("spawn")
    port, ready, accepted = free_port(), context.Event(), context.Value("q", 0)
    process = context.Process(target=run_sink, args=(port, ready, accepted), daemon=True)
    process.start()
    if not ready.wait(30):
        process.kill()
        raise RuntimeError("the SMTP sink did not start")
    try:
        yield port, accepted
    finally:
        process.kill()
        process.join(5)


def sample_context(n: int, today: date) -> MessageContext:
    company = CompanyInfo("华东机械有限公司", "上海市浦东新区张江路 88 号", "021-5555-0100", "1001 2345 6789", "ar@bench.example")
    item = DunningItem(f"BENCH-{n}", Decimal("12345.60"), "CNY", today - timedelta(days=1), 1)
    return MessageContext(customer_id=f"C{n}", customer_name=f"客户{n}有限公司", contact_name="王经理", language="zh-CN",
                          items=(item,), total=Decimal("12345.60"), currency="CNY", today=today, case_id=f"case-{n}",
                          reference=f"act-{n}", company=company)


def sample_message(today: date) -> bytes:
    ctx = sample_context(0, today)
    rendered = render("payment_notice", "zh-CN", ctx)
    return build_email(OutgoingMessage("email", "c0@customer.example", rendered.subject, rendered.text, "zh-CN",
                                       ctx.reference, rendered.html), SENDER)


async def raw_accept_rate(port: int, messages: int, connections: int, today: date) -> float:
    """Messages/s the sink accepts from aiosmtplib alone: `connections` sessions, one message."""
    data = sample_message(today)
    clients = [aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=30) for _ in range(connections)]
    for client in clients:
        await client.connect()

    async def pump(client: aiosmtplib.SMTP, count: int) -> None:
        for _ in range(count):
            await client.sendmail(SENDER, ["c0@customer.example"], data)

    share, rest = divmod(messages, connections)
    started = time.perf_counter()
    await asyncio.gather(*(pump(c, share + (i < rest)) for i, c in enumerate(clients)))
    seconds = time.perf_counter() - started
    for client in clients:
        await client.quit()
    return messages / seconds


async def channels_rate(port: int, messages: int, connections: int, today: date) -> float:
    """Messages/s through render + MIME + Senders.send (no database): the channels' own cost."""
    senders = Senders.from_config(load_channel_config(smtp_host="127.0.0.1", smtp_port=port, smtp_from=SENDER,
                                                      smtp_pool_size=connections))
    base = sample_context(0, today)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(messages):
        queue.put_nowait(n)

    async def worker() -> None:
        while not queue.empty():
            n = queue.get_nowait()
            ctx = replace(base, customer_id=f"C{n}", reference=f"act-{n}", case_id=f"case-{n}")
            rendered = render("payment_notice", "zh-CN", ctx)
            await senders.send(OutgoingMessage("email", f"c{n}@customer.example", rendered.subject, rendered.text,
                                               "zh-CN", ctx.reference, rendered.html))

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections * 4)))
    seconds = time.perf_counter() - started
    await senders.close()
    return messages / seconds
