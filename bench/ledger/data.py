"""Synthetic but realistic ledger data for the benchmarks."""
from __future__ import annotations

import random
from datetime import date, timedelta

from shared.events.ledger import InvoiceIssuedV1

REGIONS = ("north", "south", "east", "west", "central")
LINES = ("steel", "cable", "pumps", "valves")
TYPES = ("distributor", "retail", "project")


def invoice_events(n: int, *, seed: int = 7, customers: int = 5_000, prefix: str = "BI") -> list[InvoiceIssuedV1]:
    """n invoices over the last year: mostly NET30/EOM terms, one in ten with a 30%
    down payment and two milestones (3 instalments)."""
    rnd = random.Random(seed)
    start = date(2025, 6, 1)
    out = []
    for i in range(n):
        issue = start + timedelta(days=rnd.randrange(365))
        minor = rnd.randrange(10_000, 5_000_000)
        amount = f"{minor // 100}.{minor % 100:02d}"
        common = dict(invoice_number=f"{prefix}-{i:08d}", customer_id=f"C{rnd.randrange(customers):05d}",
                      issue_date=issue, amount=amount, currency="CNY", region=rnd.choice(REGIONS),
                      product_line=rnd.choice(LINES), customer_type=rnd.choice(TYPES),
                      salesperson=f"S{rnd.randrange(40):02d}", contract_ref=f"K-{i // 3:07d}")
        if i % 10 == 0:
            down = minor * 3 // 10
            rest = minor - down
            parts = [down, rest // 2, rest - rest // 2]
            dues = [issue + timedelta(days=d) for d in (15, 60, 120)]
            out.append(InvoiceIssuedV1(**common, due_date=dues[-1], instalments=[
                {"due_date": d, "amount": f"{m // 100}.{m % 100:02d}"} for d, m in zip(dues, parts)]))
        elif i % 3 == 0:
            out.append(InvoiceIssuedV1(**common, payment_terms="EOM+30"))
        else:
            out.append(InvoiceIssuedV1(**common, payment_terms="NET30"))
    return out
