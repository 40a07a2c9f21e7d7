"""GET /salespeople, /payment-behaviour, /warnings, /disputes on a book computed by hand
(today 2026-06-01): I-1 (A, li) 100.00 due 03-31, 40.00 paid by cheque on 04-15; I-3 (B,
wang) 200.00 issued 05-20 due 06-19; I-5 (C, li) 50.00 due 2025-10-31, written off 05-15;
I-6 (D) 70.00 due 01-31; customer E downgraded B → C on 05-20."""
import pytest
from prometheus_client import REGISTRY

from tests.support.embedded import embedded_product
from tests.support.reporting import (
    BASE, allocated, credit, dispute, grade, ledger, payment, recorded_invoice, resolved, written_off,
)


@pytest.fixture
async def book(tmp_path):
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        await ledger(client, recorded_invoice("I-1", "A", "2026-03-01", "2026-03-31", "100.00", salesperson="li"),
                     recorded_invoice("I-3", "B", "2026-05-20", "2026-06-19", "200.00", salesperson="wang"),
                     recorded_invoice("I-5", "C", "2025-10-01", "2025-10-31", "50.00", salesperson="li"),
                     recorded_invoice("I-6", "D", "2026-01-01", "2026-01-31", "70.00"),
                     payment("P-1", "A", "2026-04-15", "40.00", "cheque"),
                     allocated("P-1", "A", "2026-04-15", ("I-1", 1, "40.00", "2026-03-31")),
                     written_off("W-1", "I-5", "C", "2026-05-15", "50.00"),
                     dispute("D-1", "I-3", "B", "2026-05-25", "20.00"),
                     dispute("D-2", "I-1", "A", "2026-04-01", "10.00"),
                     resolved("D-2", "I-1", "A", "2026-04-11", "10.00"),
                     dispute("D-3", "I-1", "A", "2026-05-01", "5.00", category="delivery"))
        await credit(client, grade("E", "B", "C", "2026-05-20"), grade("E", "B", "C", "2026-05-20"))
        yield client


async def test_salespeople_collection_rate_against_the_quarter_target_and_bad_debts(book):
    body = (await book.get(f"{BASE}/salespeople?from=2026-04-01&to=2026-06-30")).json()
    assert body["period"] == "quarter"
    li, unassigned, wang = body["salespeople"]
    assert unassigned["salesperson"] == "unassigned" and unassigned["to_collect"] == "70.00"
    # li: collected 40; to collect: open on 03-31 and due by 06-30 (I-1 100, I-5 50)
    assert li == {"salesperson": "li", "team": None, "collected": "40.00", "to_collect": "150.00",
                  "collection_rate": "0.2667", "target": "0.90", "met": False, "written_off": "50.00",
                  "bad_debt_share": "0.30", "bad_debt_charged": "15.00"}
    assert wang["to_collect"] == "200.00" and wang["collection_rate"] == "0.0000"
    year = (await book.get(f"{BASE}/salespeople?from=2026-01-01&to=2026-12-31")).json()
    assert year["period"] == "year" and year["salespeople"][0]["target"] == "0.95"


async def test_payment_behaviour(book):
    body = (await book.get(f"{BASE}/payment-behaviour?from=2026-04-01&to=2026-05-31")).json()
    assert body["total"] == 1
    assert body["items"] == [{"customer_id": "A", "name": None, "payments": 1, "paid": "40.00",
                              "average_payment": "40.00", "cycle_days": "45.0", "days_late": "15.0",
                              "methods": {"cheque": "40.00"}, "trend": "unknown"}]


async def test_warning_signals(book):
    body = (await book.get(f"{BASE}/warnings")).json()
    assert body["counts"] == {"overdue_beyond_limit": 1, "grade_downgrade": 1, "overdue_share": 2,
                              "buying_more_paying_slower": 0}
    found = {(w["signal"], w["customer_id"]) for w in body["warnings"]}
    assert found == {("overdue_beyond_limit", "D"), ("grade_downgrade", "E"), ("overdue_share", "A"),
                     ("overdue_share", "D")}
    assert REGISTRY.get_sample_value("ar_reporting_warnings", {"service": "reporting", "signal": "overdue_share"}) == 2


async def test_disputes_by_category(book):
    body = (await book.get(f"{BASE}/disputes?from=2026-04-01&to=2026-05-31")).json()
    assert body["frequent"] == ["quality", "delivery"]
    quality = body["categories"][0]
    assert quality == {"category": "quality", "count": 2, "amount": "30.00", "open": 1, "resolved": 1,
                       "outcomes": {"invalid": 1}, "average_days_to_resolve": "10.0"}


@pytest.mark.parametrize("path", ["/salespeople?from=2026-01-01&to=2027-06-30", "/disputes?from=2026-05-01&to=2026-04-01",
                                  "/payment-behaviour?from=2026-07-01&to=2026-07-31", "/warnings?as_of=2027-01-01"])
async def test_bad_ranges_are_422(book, path):
    r = await book.get(BASE + path)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json"), r.text


async def test_the_gauge_job_counts_the_signals_of_today(book):
    from services.reporting import jobs
    counts = await jobs.warning_gauges(book.host.runtime("reporting"))
    assert counts["overdue_share"] == 2


async def test_a_customer_buying_more_while_paying_slower(tmp_path):
    """X bought 100.00 in the window before the last 90 days (to 2026-03-03), paid 5 days
    late; in the last 90 days bought 200.00 (+100 %) and paid 30 days late (+25 days)."""
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        await ledger(client, recorded_invoice("X-1", "X", "2026-01-10", "2026-02-09", "100.00"),
                     recorded_invoice("X-2", "X", "2026-03-20", "2026-04-19", "200.00"),
                     allocated("XP-1", "X", "2026-02-14", ("X-1", 1, "100.00", "2026-02-09")),
                     allocated("XP-2", "X", "2026-05-19", ("X-2", 1, "50.00", "2026-04-19")))
        body = (await client.get(f"{BASE}/warnings")).json()
        [signal] = [w for w in body["warnings"] if w["signal"] == "buying_more_paying_slower"]
        assert signal["customer_id"] == "X" and signal["detail"].endswith("days late 5.0 → 30.0")
