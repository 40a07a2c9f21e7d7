"""A tiny service used to test the plumbing (outbox, relay, inbox, consumer, DLQ)
without depending on any real service's rules. Its effect: one row per applied
invoice-issued event, and a counter, so double application is visible."""
from __future__ import annotations

import sqlalchemy as sa

from shared.db import Database, UnitOfWork
from shared.errors import RuleError
from shared.context import Context
from shared.events.ledger import InvoiceIssuedV1
from shared.platform_tables import PLATFORM_TABLES, metadata as platform_metadata

probe_metadata = sa.MetaData()
effects = sa.Table(
    "probe_effects", probe_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("invoice_number", sa.String(100), nullable=False),
    sa.Column("amount", sa.String(40), nullable=False),
)


async def create_schema(db: Database) -> None:
    async with db.engine.begin() as conn:
        await conn.run_sync(lambda c: platform_metadata.create_all(c, tables=list(PLATFORM_TABLES)))
        await conn.run_sync(probe_metadata.create_all)


async def on_invoice(_deps, uow: UnitOfWork, _ctx: Context, event: InvoiceIssuedV1) -> None:
    if event.invoice_number.startswith("REJECT"):
        raise RuleError("the probe refuses this invoice", "invoice_number")
    if event.invoice_number.startswith("BOOM"):
        raise RuntimeError("the probe's handler crashed")
    await uow.execute(sa.insert(effects).values(invoice_number=event.invoice_number, amount=str(event.amount)))


async def on_invoice_batch(deps, uow: UnitOfWork, items: list[tuple[InvoiceIssuedV1, Context]]) -> None:
    rows = []
    for event, ctx in items:
        if event.invoice_number.startswith(("REJECT", "BOOM")):
            await on_invoice(deps, uow, ctx, event)
        rows.append({"invoice_number": event.invoice_number, "amount": str(event.amount)})
    await uow.execute(sa.insert(effects), rows)


async def count_effects(db: Database, invoice_number: str | None = None) -> int:
    stmt = sa.select(sa.func.count()).select_from(effects)
    if invoice_number is not None:
        stmt = stmt.where(effects.c.invoice_number == invoice_number)
    async with db.engine.connect() as conn:
        return await conn.scalar(stmt)


def invoice(number: str, customer: str = "C1", amount: str = "100.00") -> InvoiceIssuedV1:
    return InvoiceIssuedV1(invoice_number=number, customer_id=customer, issue_date="2026-01-05",
                           due_date="2026-02-04", amount=amount, currency="CNY")
