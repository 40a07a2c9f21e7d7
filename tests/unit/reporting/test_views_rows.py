"""What exports, the dashboard and the month-end pack call: every view with its defaults
returns plain data, and its `_rows` flattens it to flat dicts (no nested values)."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from services.reporting import views
from services.reporting.repository import packs
from services.reporting.tables import MonthEndPackRow
from tests.support.embedded import embedded_product
from tests.support.reporting import allocated, dispute, ledger, recorded_invoice

CALLS = {
    "aging": {}, "dso": {}, "dso_rolling": {}, "cei": {"month": "2026-05"}, "summary": {}, "provision": {},
    "salespeople": {"start": date(2026, 4, 1), "end": date(2026, 6, 30)}, "warnings": {},
    "payment_behaviour": {"start": date(2026, 4, 1), "end": date(2026, 5, 31)},
    "disputes": {"start": date(2026, 4, 1), "end": date(2026, 5, 31)},
}
PLAIN = (str, int, bool, Decimal, date, type(None))


@pytest.fixture
async def runtime(tmp_path):
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        await ledger(client, recorded_invoice("I-1", "A", "2026-03-01", "2026-03-31", "100.00", salesperson="li"),
                     allocated("P-1", "A", "2026-04-15", ("I-1", 1, "40.00", "2026-03-31")),
                     dispute("D-1", "I-1", "A", "2026-05-01", "10.00"))
        yield client.host.runtime("reporting")


@pytest.mark.parametrize("name", sorted(CALLS))
async def test_every_view_flattens_to_rows(runtime, name):
    ctx = runtime.system_context()
    data = await getattr(views, name)(runtime.deps, runtime.uow(), ctx, **CALLS[name])
    rows = getattr(views, f"{name}_rows")(data)
    assert isinstance(rows, list)
    for row in rows:
        assert all(isinstance(v, PLAIN) for v in row.values()), row


async def test_month_end_packs_are_kept_and_paged(runtime):
    async with runtime.uow() as uow:
        for n in range(3):
            packs.add(uow, MonthEndPackRow(pack_id=f"P{n}", as_of=date(2026, 5, 31), period="2026-05",
                                           status="done", requested_by="x",
                                           requested_at=datetime(2026, 6, 5, n, tzinfo=timezone.utc),
                                           xlsx=b"x", csv_zip=b"z"))
        await uow.commit()
    async with runtime.uow() as uow:
        page, total = await packs.page(uow, 1, 1)
        assert total == 3 and [p.pack_id for p in page] == ["P1"]
        assert (await packs.get(uow, "P2")).xlsx == b"x"
