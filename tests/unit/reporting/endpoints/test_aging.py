"""GET /aging: open amounts per group and slab on any date, from the ledger's facts
whatever their order and however often they come; disputed amounts apart; bad input 422."""
import pytest

from tests.support.embedded import embedded_product
from tests.support.reporting import BASE, allocated, dispute, ledger, recorded_invoice


@pytest.fixture
async def book(tmp_path):
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        pay = allocated("P-1", "A", "2026-04-15", ("I-1", 1, "40.00", "2026-03-31"))
        await ledger(client, pay)  # before its invoice (another topic): kept, applied when it comes
        await ledger(client, recorded_invoice("I-1", "A", "2026-03-01", "2026-03-31", "100.00", region="East"),
                     recorded_invoice("I-2", "A", "2026-05-01", "2026-05-31", "50.00", region="East"),
                     recorded_invoice("I-3", "B", "2026-05-20", "2026-06-19", "200.00", region="West"),
                     dispute("D-1", "I-3", "B", "2026-05-25", "80.00"))
        await ledger(client, pay, recorded_invoice("I-1", "A", "2026-03-01", "2026-03-31", "100.00"))  # again
        yield client


async def test_aging_today_by_customer(book):
    body = (await book.get(f"{BASE}/aging")).json()
    assert body["buckets"] == ["current", "1-30", "31-60", "61-90", "91-180", "181+"]
    assert body["as_of"] == "2026-06-01" and body["currency"] == "CNY" and body["count"] == 2
    b, a = body["rows"]
    assert b == {"key": "B", "buckets": {"current": "120.00", "1-30": "0.00", "31-60": "0.00", "61-90": "0.00",
                                         "91-180": "0.00", "181+": "0.00"}, "disputed": "80.00", "total": "200.00"}
    assert a["key"] == "A" and a["buckets"]["1-30"] == "50.00" and a["buckets"]["61-90"] == "60.00"
    assert a["total"] == "110.00" and a["disputed"] == "0.00"
    assert body["total"]["total"] == "310.00" and body["total"]["disputed"] == "80.00"
    assert body["total"]["current"] == "120.00"


async def test_aging_as_of_a_past_date_and_other_bases(book):
    before_payment = (await book.get(f"{BASE}/aging?as_of=2026-04-10")).json()
    assert [(r["key"], r["buckets"]["1-30"]) for r in before_payment["rows"]] == [("A", "100.00")]
    after = (await book.get(f"{BASE}/aging?as_of=2026-04-30&buckets=10,20")).json()
    assert after["buckets"] == ["current", "1-10", "11-20", "21+"]
    assert after["rows"][0]["buckets"]["21+"] == "60.00"
    by_invoice_date = (await book.get(f"{BASE}/aging?basis=invoice_date&group_by=region")).json()
    assert by_invoice_date["buckets"] == ["0-30", "31-60", "61-90", "91-180", "181+"]
    rows = {r["key"]: r for r in by_invoice_date["rows"]}
    assert rows["East"]["buckets"]["91-180"] == "60.00" and rows["East"]["buckets"]["31-60"] == "50.00"
    assert rows["West"]["buckets"]["0-30"] == "120.00" and rows["West"]["disputed"] == "80.00"


@pytest.mark.parametrize("query, field", [("group_by=planet", "group_by"), ("buckets=60,30", "buckets"),
                                          ("as_of=2026-06-02", "as_of"), ("currency=XXX", "currency"),
                                          ("as_of=0", "as_of")])
async def test_bad_input_is_a_422_problem(book, query, field):
    r = await book.get(f"{BASE}/aging?{query}")
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json"), r.text
    assert field in r.text


@pytest.mark.parametrize("basis", ["due_date", "invoice_date"])
async def test_sql_slabs_agree_with_the_domain_at_every_boundary(tmp_path, basis):
    from datetime import date, timedelta

    from services.reporting.domain.aging import Basis, bucket_of, days_on, slabs
    today = date(2026, 6, 1)
    ages = [-1, 0, 1, 29, 30, 31, 60, 61, 90, 91, 180, 181, 400]
    async with embedded_product(tmp_path, names=["reporting"]) as client:
        await ledger(client, *(recorded_invoice(f"B-{k}", f"C{k}", str(today - timedelta(days=max(k, 0) + 30)),
                                                str(today - timedelta(days=k)), "1.00") for k in ages))
        body = (await client.get(f"{BASE}/aging?basis={basis}&buckets=30,60,90,180")).json()
    table = slabs((30, 60, 90, 180), Basis(basis))
    for k in ages:
        issued, due = today - timedelta(days=max(k, 0) + 30), today - timedelta(days=k)
        [row] = [r for r in body["rows"] if r["key"] == f"C{k}"]
        expected = table[bucket_of(days_on(today, due, issued, Basis(basis)), table)].label
        assert [label for label, v in row["buckets"].items() if v != "0.00"] == [expected], (k, row)
