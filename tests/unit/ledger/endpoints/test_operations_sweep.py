"""The aging clock through POST /aging-sweeps: one overdue-threshold event per
(instalment, threshold), exactly once; late runs catch up; settled and disputed amounts
are silent; the scheduled job sweeps for the clock's today."""
from datetime import date, datetime, timezone

from tests.support.ledger import V1, assert_problem, invoice, keys, outbox, pay
from services.ledger.bootstrap import SERVICE
from services.ledger.jobs import aging_sweep
from tests.support.embedded import embedded_product


async def sweep(client, as_of: str) -> dict:
    r = await client.post(f"{V1}/aging-sweeps", json={"as_of": as_of})
    assert r.status_code == 200, r.text
    return r.json()


def crossings(events) -> list[tuple[str, int, int]]:
    return [(e["invoice_number"], e["instalment_seq"], e["threshold_days"]) for e in events]


async def test_each_threshold_is_emitted_once_even_when_rerun_or_late(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", amount="100.00", issue_date="2026-04-01", due_date="2026-05-01",
                      region="East", salesperson="li")
        assert (await sweep(client, "2026-04-23"))["events"] == 0
        first = await sweep(client, "2026-04-24")  # due - 7
        assert (first["events"], first["crossings"]) == (1, 1)
        assert (await sweep(client, "2026-04-24"))["events"] == 0  # a re-run emits nothing
        late = await sweep(client, "2026-05-17")  # ran late: -3, 1, 7 and 15 at once, in order
        assert late["events"] == 4
        events = await outbox(client, "overdue-threshold")
        assert [e["threshold_days"] for e in events] == [-7, -3, 1, 7, 15]
        last = events[-1]
        assert (last["as_of"], last["due_date"], last["days_overdue"], last["open_amount"]) == (
            "2026-05-17", "2026-05-01", 16, "100.00")
        assert (last["customer_open_amount"], last["region"], last["salesperson"]) == ("100.00", "East", "li")
        assert (await sweep(client, "2026-05-17"))["events"] == 0
        assert (await sweep(client, "2026-05-16"))["events"] == 0  # an older date never re-emits
        instalment = (await client.get(f"{V1}/invoices/A")).json()["instalments"][0]
        assert instalment["last_threshold_days"] == 15
        client.clock.set(datetime(2027, 1, 1, 4, tzinfo=timezone.utc))  # months later (AR_BUSINESS_DATE in a demo)
        await sweep(client, "2027-01-01")  # past the end of the ladder: 30, 60, 90, 180
        assert [e["threshold_days"] for e in await outbox(client, "overdue-threshold")][-4:] == [30, 60, 90, 180]
        client.clock.set(datetime(2028, 1, 1, 4, tzinfo=timezone.utc))
        assert (await sweep(client, "2028-01-01"))["examined"] == 0


async def test_settled_and_disputed_amounts_do_not_trigger_it(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "PAID", amount="100.00", due_date="2026-05-01")
        await invoice(client, "DISPUTED", amount="100.00", due_date="2026-05-01")
        await invoice(client, "PART", amount="100.00", due_date="2026-05-01")
        await pay(client, "P", amount="100.00", allocations=[("PAID", "100.00")])
        d = (await client.post(f"{V1}/invoices/DISPUTED/disputes", json={"category": "quality", "note": "n"})).json()
        await client.post(f"{V1}/invoices/PART/disputes", json={"category": "quality", "note": "n", "amount": "30"})
        await sweep(client, "2026-05-02")
        events = await outbox(client, "overdue-threshold")
        assert sorted(set(e["invoice_number"] for e in events)) == ["PART"]
        assert {e["open_amount"] for e in events} == {"70.00"}  # only the undisputed part
        # resolved invalid: collection resumes, the missed thresholds follow at the next sweep
        await client.post(f"{V1}/disputes/{d['dispute_id']}/resolution", json={"outcome": "invalid"})
        await sweep(client, "2026-05-09")
        resumed = [e for e in await outbox(client, "overdue-threshold") if e["invoice_number"] == "DISPUTED"]
        assert [e["threshold_days"] for e in resumed] == [-7, -3, 1, 7]


async def test_each_instalment_ages_on_its_own(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "I", amount="100.00", due_date=None, instalments=[
            {"due_date": "2026-04-10", "amount": "30.00"}, {"due_date": "2026-07-10", "amount": "70.00"}])
        await sweep(client, "2026-05-10")
        assert crossings(await outbox(client, "overdue-threshold")) == [
            ("I", 1, -7), ("I", 1, -3), ("I", 1, 1), ("I", 1, 7), ("I", 1, 15), ("I", 1, 30)]


async def test_on_demand_needs_finance_and_a_date(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        k = await keys(client, "collector", "finance")
        assert_problem(await client.post(f"{V1}/aging-sweeps", json={"as_of": "2026-06-01"},
                                         headers=k["collector"]), 403)
        assert_problem(await client.post(f"{V1}/aging-sweeps", json={"as_of": "June"}), 422, "as_of")
        r = await client.post(f"{V1}/aging-sweeps", json={"as_of": "2026-06-01"}, headers=k["finance"])
        assert r.status_code == 200


async def test_the_scheduled_job_sweeps_for_the_business_date(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", amount="100.00", due_date="2026-06-08")  # due - 7 = today
        runtime = client.host.runtime("ledger")
        job = next(j for j in SERVICE.jobs if j.name == "aging-sweep")
        assert job.run is aging_sweep and job.interval_seconds(runtime.deps) == 3_600
        result = await aging_sweep(runtime)
        assert (result.as_of, result.events) == (date(2026, 6, 1), 1)


async def test_a_sweep_dated_ahead_is_refused_not_run(tmp_path):
    """Dated decades ahead it used to run for 20 minutes and fill the outbox with 1.6 million events."""
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A", amount="100.00", due_date="2026-05-01")
        assert_problem(await client.post(f"{V1}/aging-sweeps", json={"as_of": "2060-01-01"}), 422, "as_of",
                       "date.in_the_future")
        assert_problem(await client.post(f"{V1}/aging-sweeps", json={"as_of": "2126-01-01"}), 422, "as_of")
        assert (await sweep(client, "2026-06-02"))["events"] > 0  # a day of tolerance for time zones
        assert len(await outbox(client, "overdue-threshold")) == 6  # -7, -3, 1, 7, 15 and 30 days
