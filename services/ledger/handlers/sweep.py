"""The aging clock: for a business date, every open instalment that has crossed a
threshold of the ladder emits one `overdue-threshold` event per (instalment, threshold),
exactly once.

Each instalment keeps `last_threshold_index` (the highest threshold emitted) and
`next_threshold_date` (due date + the next threshold; NULL when settled, fully disputed
or past the ladder). The sweep is an indexed range scan `next_threshold_date <= as_of`,
in chunks of `sweep_chunk_size` rows per transaction (keyset pagination). For each
chunk the domain's `sweep_batch` finds the crossings; the `threshold_crossings` rows
(primary key instalment + threshold, inserted with ON CONFLICT DO NOTHING) decide which
events are emitted, so a re-run, a late run or two sweeps racing never emit twice.
The events go through the outbox in the same transaction as the crossing rows.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date

from services.ledger.deps import LedgerDeps
from services.ledger.domain.sweep import next_threshold_date, sweep_batch
from services.ledger.handlers.common import dec
from services.ledger.repository import sweep as repo
from shared.context import Context
from shared.db import UnitOfWork
from shared.events.ledger import OverdueThresholdV1
from shared.wire import not_after


@dataclass
class SweepResult:
    as_of: date
    examined: int = 0
    crossings: int = 0
    events: int = 0
    advanced: int = 0
    chunks: int = 0
    seconds: float = 0.0


async def run_aging_sweep(deps: LedgerDeps, uow: UnitOfWork, ctx: Context, as_of: date) -> SweepResult:
    cfg = deps.config
    not_after(as_of, ctx.today, cfg.future_days, "as_of", "an aging sweep")
    ladder = cfg.thresholds
    result = SweepResult(as_of)
    started = time.perf_counter()
    after = None
    while True:
        async with uow:
            rows = await repo.candidates(uow, as_of, after, cfg.sweep_chunk_size)
            if rows:
                after = (rows[-1].next_threshold_date, rows[-1].id)
                await _chunk(uow, ctx, rows, as_of, ladder, result)
                await uow.commit()
        result.examined += len(rows)
        if len(rows) < cfg.sweep_chunk_size:
            break
    result.seconds = time.perf_counter() - started
    return result


async def _chunk(uow: UnitOfWork, ctx: Context, rows, as_of: date, ladder: tuple[int, ...],
                 result: SweepResult) -> None:
    result.chunks += 1
    live = [r for r in rows if r.open_minor > r.disputed_minor]  # settled / fully disputed are silent
    hits = sweep_batch([r.due_date.toordinal() for r in live], [r.last_threshold_index for r in live], as_of, ladder)
    reached = {live[i].id: (first, last) for i, first, last in hits}
    due = {r.id: r.due_date for r in live}
    pairs = [(r_id, ladder[k], due[r_id]) for r_id, (first, last) in reached.items() for k in range(first, last + 1)]
    inserted = await repo.insert_crossings(uow, pairs, as_of, ctx.now)
    result.crossings += len(inserted)
    updates = []
    for r in rows:
        if r.open_minor <= r.disputed_minor:
            updates.append((r.id, r.last_threshold_index, None))
        else:
            last = reached[r.id][1] if r.id in reached else r.last_threshold_index
            updates.append((r.id, last, next_threshold_date(r.due_date, last, ladder)))
    await repo.advance(uow, updates)
    result.advanced += len(updates)
    if not inserted:
        return
    emitting = [r for r in live if r.id in reached]
    totals = await repo.customer_open_totals(uow, sorted({r.customer_id for r in emitting}))
    for r in emitting:
        first, last = reached[r.id]
        cur = r.currency
        undisputed = dec(r.open_minor - r.disputed_minor, cur)
        customer_open = totals.get((r.customer_id, cur))
        for k in range(first, last + 1):
            if (r.id, ladder[k]) not in inserted:
                continue  # another sweep emitted it
            uow.emit(OverdueThresholdV1.model_construct(
                invoice_number=r.invoice_number, instalment_seq=r.seq, customer_id=r.customer_id,
                threshold_days=ladder[k], as_of=as_of, due_date=r.due_date,
                days_overdue=(as_of - r.due_date).days, open_amount=undisputed,
                customer_open_amount=dec(customer_open, cur) if customer_open is not None else None,
                currency=cur, region=r.region, product_line=r.product_line, customer_type=r.customer_type,
                salesperson=r.salesperson))
            result.events += 1

