"""GET /provision: flat, matrix and ECL on a book computed by hand (today 2026-06-01).

I-1 (A) 100.00 issued 03-01 due 03-31; I-3 (B) 200.00 issued 05-20 due 06-19; I-5 (C) 50.00
issued 2025-10-01 due 2025-10-31, written off 2026-05-15. Open today: 200 current, 100 in
61-90.

ECL look-back (24 month ends, 2024-06-30 … 2026-05-31), exposure per slab: current 350
(I-5 at 2025-10-31, I-1 at 03-31, I-3 at 05-31), 1-30 150, 61-90 150, 91-180 150 (I-5 three
times), 181+ 50; losses (I-5's write-off, in every slab it went through): current 50, 1-30
50, 61-90 50, 91-180 150, 181+ 50. Rates 0.1429, 0.3333, 0.3333 (never below a younger
slab), 0.3333, 1, 1."""
import pytest

from tests.support.embedded import embedded_product
from tests.support.reporting import BASE, ledger, recorded_invoice, written_off


@pytest.fixture
async def book(tmp_path):
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        await ledger(client, written_off("W-1", "I-5", "C", "2026-05-15", "50.00"),
                     recorded_invoice("I-1", "A", "2026-03-01", "2026-03-31", "100.00"),
                     recorded_invoice("I-3", "B", "2026-05-20", "2026-06-19", "200.00"),
                     recorded_invoice("I-5", "C", "2025-10-01", "2025-10-31", "50.00"))
        yield client


async def test_flat(book):
    body = (await book.get(f"{BASE}/provision?method=flat")).json()
    assert body["open"] == "300.00" and body["provision"] == "15.00" and body["rate"] == "0.05"
    assert body["written_off_12m"] == "50.00" and body["coverage"] == "0.30"


async def test_matrix(book):
    body = (await book.get(f"{BASE}/provision?method=matrix")).json()
    assert [(s["bucket"], s["provision"]) for s in body["slabs"] if s["provision"] != "0.00"] == [
        ("current", "2.00"), ("61-90", "20.00")]
    assert body["provision"] == "22.00"


async def test_ecl_with_observed_loss_rates_and_the_adequacy_test(book):
    body = (await book.get(f"{BASE}/provision")).json()
    assert body["method"] == "ecl" and body["lookback_months"] == 24
    assert [s["exposure"] for s in body["slabs"]] == ["350.00", "150.00", "0.00", "150.00", "150.00", "50.00"]
    assert [s["losses"] for s in body["slabs"]] == ["50.00", "50.00", "0.00", "50.00", "150.00", "50.00"]
    assert [s["rate"] for s in body["slabs"]] == ["0.1429", "0.3333", "0.3333", "0.3333", "1.0000", "1.0000"]
    assert body["provision"] == "61.91"  # 200 × 0.1429 + 100 × 0.3333
    assert body["coverage"] == "1.24"    # 61.91 / 50
    assert body["adequacy"] == {"current": "15.00", "required": "61.91", "shortfall": "46.91", "adequate": False,
                                "proposed_rate": "0.207", "impact": "47.10"}
