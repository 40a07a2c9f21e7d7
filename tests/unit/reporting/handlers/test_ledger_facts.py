"""Every fact of the ledger is applied once by its business key, before or after its
invoice, delivered again under a new event id or not; credit's profile keeps the highest
revision. Checked through the aging of a past and present date."""
from tests.support.embedded import embedded_product
from tests.support.reporting import (
    BASE, allocated, credit, credit_note, due_dates, ledger, profile, recorded_invoice, reversed, settled,
    written_off,
)


async def totals(client, as_of: str, **params) -> dict:
    body = (await client.get(f"{BASE}/aging", params={"as_of": as_of, **params})).json()
    return {r["key"]: r for r in body["rows"]}


async def test_each_fact_once_in_any_order(tmp_path):
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        invoice = recorded_invoice("I-1", "A", "2026-03-01", None, "300.00",
                                   instalments=[("2026-03-31", "100.00"), ("2026-04-30", "200.00")])
        facts = [credit_note("CN-1", "A", "I-1", "2026-03-10", "30.00"),           # off instalment 1
                 written_off("W-1", "I-1", "A", "2026-05-20", "50.00"),           # off the oldest open
                 allocated("P-1", "A", "2026-04-05", ("I-1", 2, "20.00", "2026-04-30")),
                 reversed("P-1", "A", "2026-04-25", "20.00", ("I-1", 2, "20.00", "2026-04-30")),
                 due_dates("I-1", "A", "2026-04-20", "EXT-1", (2, "2026-05-30", "2026-04-30"))]
        for fact in facts:  # every fact before its invoice, and twice
            await ledger(client, fact)
            await ledger(client, fact)
        await ledger(client, invoice, invoice)
        march = await totals(client, "2026-03-15")
        assert march["A"]["total"] == "270.00" and march["A"]["buckets"]["current"] == "270.00"
        april_10 = await totals(client, "2026-04-10")  # 70 overdue 10 days; 180 current (20 paid)
        assert april_10["A"]["buckets"]["1-30"] == "70.00" and april_10["A"]["buckets"]["current"] == "180.00"
        may_10 = await totals(client, "2026-05-10")    # extended to 05-30: still current; the cheque bounced
        assert may_10["A"]["buckets"]["current"] == "200.00" and may_10["A"]["buckets"]["31-60"] == "70.00"
        june = await totals(client, "2026-06-01")      # 50 written off the oldest (instalment 1)
        assert june["A"]["buckets"]["61-90"] == "20.00" and june["A"]["buckets"]["1-30"] == "200.00"
        await ledger(client, settled("I-1", "A", "2026-06-01", "2026-05-30", "220.00"))
        assert await totals(client, "2026-06-01") == {}
        assert (await totals(client, "2026-05-31"))["A"]["total"] == "220.00"


async def test_profiles_keep_the_highest_revision_and_feed_dimensions(tmp_path):
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        await credit(client, profile("A", 2, industry="chemicals", grade="C"), profile("A", 1, industry="retail"))
        await ledger(client, recorded_invoice("I-1", "A", "2026-05-01", "2026-05-31", "10.00"))
        assert set(await totals(client, "2026-06-01", group_by="industry")) == {"chemicals"}
        assert set(await totals(client, "2026-06-01", group_by="grade")) == {"C"}
        assert set(await totals(client, "2026-06-01", group_by="region")) == {"East"}  # the profile's
        assert set(await totals(client, "2026-06-01", group_by="size")) == {"unassigned"}
