"""GET /dso, /dso/rolling, /cei, /summary on a small book computed by hand.

The book (today 2026-06-01): I-1 (A, East/pumps/distributor) 100.00 issued 03-01 due 03-31,
paid 40.00 on 04-15; I-2 (A, East/pumps/distributor) 50.00 issued 05-01 due 05-31;
I-3 (B, West/valves/dealer) 200.00 issued 05-20 due 06-19; I-4 (B) 30.00 issued 02-01 due
03-03, settled 05-10 (30.00 paid that day)."""
import pytest

from tests.support.embedded import embedded_product
from tests.support.reporting import BASE, allocated, ledger, recorded_invoice, settled


@pytest.fixture
async def book(tmp_path):
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        east = {"region": "East", "product_line": "pumps", "customer_type": "distributor"}
        await ledger(client, recorded_invoice("I-1", "A", "2026-03-01", "2026-03-31", "100.00", **east),
                     recorded_invoice("I-2", "A", "2026-05-01", "2026-05-31", "50.00", **east),
                     recorded_invoice("I-3", "B", "2026-05-20", "2026-06-19", "200.00", region="West",
                                      product_line="valves", customer_type="dealer"),
                     recorded_invoice("I-4", "B", "2026-02-01", "2026-03-03", "30.00", region="West",
                                      product_line="valves", customer_type="dealer"),
                     allocated("P-1", "A", "2026-04-15", ("I-1", 1, "40.00", "2026-03-31")),
                     allocated("P-2", "B", "2026-05-10", ("I-4", 1, "30.00", "2026-03-03")),
                     settled("I-4", "B", "2026-05-10", "2026-03-03", "30.00"))
        yield client


async def test_standard_dso_best_possible_and_add(book):
    body = (await book.get(f"{BASE}/dso?window_days=90")).json()
    # open 06-01: 60 + 50 overdue, 200 current = 310; sales in (03-03, 06-01]: 50 + 200 = 250
    assert body["receivables"] == "310.00" and body["overdue"] == "110.00" and body["current"] == "200.00"
    assert body["credit_sales"] == "250.00"
    assert body["dso"] == "111.6"             # 310 / 250 × 90
    assert body["best_possible_dso"] == "72.0"  # 200 / 250 × 90
    assert body["add"] == "39.6"
    assert body["overdue_ratio"] == "0.3548"    # 110 / 310
    # open 03-03: I-1 100 + I-4 30 → average (130 + 310) / 2 = 220; 250 / 220 = 1.136
    assert body["turnover"] == "1.14"


async def test_countback_dso(book):
    body = (await book.get(f"{BASE}/dso?method=countback")).json()
    # 310 open; June so far (1 day) sold 0 → 1 day; May sold 250 → 31 days, 60 left;
    # April sold 0 → 30 days; March sold 100: 60/100 × 31 = 18.6 → 1 + 31 + 30 + 18.6
    assert body["dso"] == "80.6"


async def test_rolling_curve_and_largest_late_payers(book):
    body = (await book.get(f"{BASE}/dso/rolling?months=3")).json()
    assert [p["date"] for p in body["points"]] == ["2026-04-30", "2026-05-31", "2026-06-01"]
    assert body["points"][-1]["dso"] == "111.6" and body["benchmark"] == "60"
    assert body["above_benchmark"] is True
    assert body["largest_late_payers"] == [{"customer_id": "A", "overdue": "110.00", "open": "110.00",
                                            "share_of_overdue": "1.0000"}]
    assert body["largest_late_payers_dso_days"] == "39.6"  # 111.6 × 110 / 310


async def test_cei_of_a_month(book):
    body = (await book.get(f"{BASE}/cei?month=2026-05")).json()
    # opening (04-30): 60 + 30 = 90; May sales 250; closing (05-31): 60 + 50 + 200 = 310,
    # current 200 (I-2 due 05-31 is not overdue on 05-31) + 50 = 250
    assert body == {"month": "2026-05", "currency": "CNY", "opening": "90.00", "credit_sales": "250.00",
                    "closing": "310.00", "closing_current": "250.00", "cei": "33.33"}
    future = await book.get(f"{BASE}/cei?month=2026-07")
    assert future.status_code == 422 and "month" in future.text


async def test_summary_three_dimensions_with_rag(book):
    body = (await book.get(f"{BASE}/summary")).json()
    east, west = body["rows"]
    assert (east["region"], east["product_line"], east["customer_type"]) == ("East", "pumps", "distributor")
    assert east["balance"] == "110.00" and east["overdue_rate"] == "1.0000" and east["rag"] == "red"
    # June so far: to collect = open on 05-31 and due by 06-01 (60 + 50); nothing collected
    assert east["to_collect"] == "110.00" and east["collected"] == "0.00" and east["collection_progress"] == "0.0000"
    assert west["balance"] == "200.00" and west["overdue_rate"] == "0.0000" and west["rag"] == "green"
    assert west["collection_progress"] is None
    assert body["total"]["balance"] == "310.00"
