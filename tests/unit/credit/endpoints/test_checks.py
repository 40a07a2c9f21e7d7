"""POST /credit/v1/checks through the embedded product: every reason, idempotency,
reservations and the override."""
from datetime import date

import pytest

from tests.support.credit import approve_limit, assess, check, configure, customer, keys, ledger, outbox_events
from shared.events.ledger import AppliedLine, PaymentAllocatedV1
from tests.support.facts import recorded_invoice
from tests.support.embedded import embedded_product

PROBLEM = "application/problem+json"


def invoice(number, cid="C1", amount="20000", due=date(2026, 6, 30), order_ref=None, issued=date(2026, 5, 1)):
    return recorded_invoice(invoice_number=number, customer_id=cid, issue_date=issued, due_date=due, amount=amount,
                           currency="CNY", order_ref=order_ref)


def paid(number, amount, due, on, cid="C1", ref=None):
    return PaymentAllocatedV1(payment_reference=ref or f"P-{number}", customer_id=cid, received_date=on,
                              effective_date=on, currency="CNY", unapplied_amount="0",
                              lines=[AppliedLine(invoice_number=number, instalment_seq=1, amount=amount, due_date=due)])


@pytest.fixture
async def rated(tmp_path):
    """C1: graded B-ish with purchases, limit 100,000 approved, 20,000 open (not yet due)."""
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await ledger(client, invoice("I-0", amount="600000", issued=date(2026, 1, 5), due=date(2026, 2, 4)))
        await ledger(client, paid("I-0", "600000", due=date(2026, 2, 4), on=date(2026, 2, 1)))
        assert (await assess(client, k, "C1"))["grade"] == "A"
        await approve_limit(client, k, "C1", "100000")
        yield client, k


def codes(r):
    return [x["code"] for x in r.json()["reasons"]]


async def test_unknown_customer_is_a_reject_not_an_error(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        r = await check(client, k, "NOPE", "100.00", "SO-X")
        assert r.status_code == 200, r.text
        assert r.json()["decision"] == "reject" and codes(r) == ["unknown_customer"]
        assert r.json()["available_credit"] is None and r.json()["grade"] is None


async def test_within_limit_approves_with_available_credit_grade_and_exposure(rated):
    client, k = rated
    await ledger(client, invoice("I-1"))
    r = await check(client, k, "C1", "5000", "SO-1")
    body = r.json()
    assert body["decision"] == "approve" and body["reasons"] == []
    assert body["exposure"] == "20000.00" and body["available_credit"] == "80000.00" and body["grade"] == "A"
    assert body["limit"] == "100000.00" and body["credit_currency"] == "CNY"


async def test_over_limit_review_within_tolerance_reject_beyond(rated):
    client, k = rated
    r = await check(client, k, "C1", "105000", "SO-2")  # limit 100,000, tolerance 10 %
    assert r.json()["decision"] == "review" and codes(r) == ["over_limit"]
    r = await check(client, k, "C1", "110000.01", "SO-3")
    assert r.json()["decision"] == "reject" and codes(r) == ["over_limit"]


async def test_tolerance_is_configurable(rated):
    client, k = rated
    configure(client, over_limit_tolerance_percent=0)
    r = await check(client, k, "C1", "100000.01", "SO-T")
    assert r.json()["decision"] == "reject" and codes(r) == ["over_limit"]


async def test_overdue_debt_is_a_review(rated):
    client, k = rated
    await ledger(client, invoice("I-OD", amount="1000", due=date(2026, 5, 20)))
    r = await check(client, k, "C1", "100", "SO-OD")
    assert r.json()["decision"] == "review" and codes(r) == ["overdue_debt"]


async def test_grade_e_requires_prepayment(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C2")
        rated = await assess(client, k, "C2", {"financial_strength": 0, "operating_condition": 0,
                                               "reputation_and_prospects": 0})
        assert rated["grade"] == "E"
        r = await check(client, k, "C2", "1", "SO-E")
        assert r.json()["decision"] == "reject" and codes(r) == ["prepayment_required"]


async def test_unrated_customer_requires_prepayment(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C3")
        r = await check(client, k, "C3", "1", "SO-U")
        assert codes(r) == ["prepayment_required"]


async def test_currency_mismatch_rejects(rated):
    client, k = rated
    r = await check(client, k, "C1", "10", "SO-USD", currency="USD")
    assert r.json()["decision"] == "reject" and codes(r) == ["currency_mismatch"]


async def test_on_hold_and_blacklisted_reject(rated):
    client, k = rated
    hold = await client.post("/credit/v1/customers/C1/holds", json={"reason": "moving assets"}, headers=k["finance"])
    assert hold.status_code == 201, hold.text
    r = await check(client, k, "C1", "10", "SO-H")
    assert r.json()["decision"] == "reject" and codes(r) == ["on_hold"]


async def test_same_order_ref_same_body_same_result_other_body_409(rated):
    client, k = rated
    first = await check(client, k, "C1", "100", "SO-I")
    again = await check(client, k, "C1", "100.00", "SO-I")
    assert again.status_code == 200 and again.text == first.text
    other = await check(client, k, "C1", "200", "SO-I")
    assert other.status_code == 409 and other.headers["content-type"].startswith(PROBLEM)


async def test_reservation_counts_in_exposure_until_the_invoice_arrives(rated):
    client, k = rated
    before = (await client.get("/credit/v1/customers/C1")).json()["exposure"]["total"]
    r = await check(client, k, "C1", "30000", "SO-R", reserve=True)
    assert r.json()["decision"] == "approve" and r.json()["reservation"]["expires_on"] == "2026-07-01"
    view = (await client.get("/credit/v1/customers/C1")).json()
    assert view["exposure"]["reservations"] == "30000.00"
    assert [e["order_ref"] for e in await outbox_events(client, "order-credit-reserved")] == ["SO-R"]
    await ledger(client, invoice("I-R", amount="30000", order_ref="SO-R"))
    view = (await client.get("/credit/v1/customers/C1")).json()
    assert view["exposure"]["reservations"] == "0.00"
    assert view["exposure"]["open_receivables"] == "30000.00"
    assert before == "0.00"


async def test_reservation_lapses_after_its_expiry(rated):
    client, k = rated
    await check(client, k, "C1", "30000", "SO-L", reserve=True)
    from datetime import datetime, timezone
    client.clock.set(datetime(2026, 7, 3, 4, 0, tzinfo=timezone.utc))
    run = await client.post("/credit/v1/rerating-runs", headers=k["finance"])
    assert run.json()["reservations_expired"] == 1
    assert (await client.get("/credit/v1/customers/C1")).json()["exposure"]["reservations"] == "0.00"


async def test_review_overridden_by_finance_with_a_reason_not_by_sales(rated):
    client, k = rated
    await check(client, k, "C1", "105000", "SO-O", reserve=True)
    r = await client.post("/credit/v1/checks/SO-O/override", json={"reason": "x"}, headers=k["sales"])
    assert r.status_code == 403
    r = await client.post("/credit/v1/checks/SO-O/override", json={"reason": "strategic order"},
                          headers=k["finance"])
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["decision"] == "approved_by_override" and body["override"]["reason"] == "strategic order"
    assert body["reservation"]["amount"] == "105000.00"
    again = await client.post("/credit/v1/checks/SO-O/override", json={"reason": "again"}, headers=k["finance"])
    assert again.status_code == 409


async def test_a_reject_cannot_be_overridden(rated):
    client, k = rated
    await check(client, k, "C1", "500000", "SO-RJ")
    r = await client.post("/credit/v1/checks/SO-RJ/override", json={"reason": "please"}, headers=k["finance"])
    assert r.status_code == 409


async def test_bad_input_and_roles(rated):
    client, k = rated
    r = await check(client, k, "C1", "-5", "SO-N")
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "amount"
    r = await client.post("/credit/v1/checks", json={"customer_id": "C1", "amount": 1.5, "currency": "CNY",
                                                     "order_ref": "F"}, headers=k["sales"])
    assert r.status_code == 422
    r = await check(client, k, "C1", "1", "SO-AUD", role="auditor")
    assert r.status_code == 403
    for role in ("sales", "sales_manager", "integration", "finance"):
        assert (await check(client, k, "C1", "1", f"SO-{role}", role=role)).status_code == 200


async def test_an_order_asking_for_a_longer_term_than_approved_is_reviewed(rated):
    """002 §3(1): a contract uses the term in the credit file; an order on 211-day terms for
    a customer approved for 30 is not simply approved."""
    client, k = rated
    r = await check(client, k, "C1", "5000", "SO-211", term_days=211)
    assert r.json()["decision"] == "review" and codes(r) == ["term_exceeds_approved"], r.text
    assert (r.json()["term_days"], r.json()["approved_term_days"]) == (211, 30)
    assert "211" in r.json()["reasons"][0]["detail"] and "30" in r.json()["reasons"][0]["detail"]
    assert (await check(client, k, "C1", "5000", "SO-30", term_days=30)).json()["decision"] == "approve"
    assert (await check(client, k, "C1", "5000", "SO-211", term_days=30)).status_code == 409  # another body
    configure(client, term_exceeds_decision="reject")
    assert (await check(client, k, "C1", "5000", "SO-31", term_days=31)).json()["decision"] == "reject"


async def test_a_prepayment_only_customer_gets_no_term_at_all(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")  # not graded: prepayment only
        r = await check(client, k, "C1", "10", "SO-1", term_days=7)
        assert codes(r) == ["prepayment_required", "term_exceeds_approved"]
        assert codes(await check(client, k, "C1", "10", "SO-2", term_days=0)) == ["prepayment_required"]
