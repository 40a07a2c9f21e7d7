"""Assessments through the API: the grade and its why, sub-scores from ledger and dunning
events, red flags, the cap on new customers, bad scorecards."""
from datetime import date

from tests.support.credit import assess, configure, customer, keys, ledger, outbox_events
from shared.events.dunning import PromiseToPayBrokenV1
from shared.events.ledger import (
    AppliedLine, DisputeResolvedV1, InvoiceWrittenOffV1, PaymentAllocatedV1, PaymentReversedV1,
)
from tests.support.facts import recorded_invoice
from tests.support.embedded import embedded_product


def invoice(number, amount, issued, due, cid="C1"):
    return recorded_invoice(invoice_number=number, customer_id=cid, issue_date=issued, due_date=due, amount=amount,
                           currency="CNY")


def paid(ref, number, amount, due, on, cid="C1"):
    return PaymentAllocatedV1(payment_reference=ref, customer_id=cid, received_date=on, effective_date=on,
                              currency="CNY", unapplied_amount="0",
                              lines=[AppliedLine(invoice_number=number, instalment_seq=1, amount=amount,
                                                 due_date=due)])


async def good_history(client, cid="C1"):
    """600,000 bought in the last 12 months (in 2025) and paid on time: repayment 40, purchases 27."""
    await ledger(client, invoice(f"{cid}-I1", "600000", date(2025, 7, 5), date(2025, 8, 4), cid),
                 paid(f"{cid}-P1", f"{cid}-I1", "600000", date(2025, 8, 4), date(2025, 8, 1), cid))


async def test_grade_shows_why_and_the_suggested_limit(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await good_history(client)
        a = await assess(client, k, "C1")
        assert (a["grade"], a["total"]) == ("A", 94)
        criteria = {c["id"]: c for c in a["why"]["criteria"]}
        assert criteria["repayment"]["points"] == 40 and criteria["repayment"]["source"] == "computed"
        assert criteria["purchases"]["points"] == 27 and criteria["financial_strength"]["source"] == "entered"
        assert a["why"]["steps"][0] == "total 94 -> A"
        # 600,000 in 2025 / 12 = 50,000 a month x 1.5 (A) = 75,000; A term 30 days
        assert a["suggested"] == {"limit": "75000.00", "term_days": 30, "currency": "CNY", "prepayment_only": False,
                                  "basis": "previous_year", "basis_from": "2025-01-01", "basis_to": "2025-12-31",
                                  "average_monthly_sales": "50000.00", "max_limit": "75000.00"}
        view = (await client.get("/credit/v1/customers/C1")).json()
        assert view["grade"] == "A" and view["why"]["total"] == 94
        changed = await outbox_events(client, "credit-grade-changed")
        assert [(e["grade"], e["previous_grade"]) for e in changed] == [("A", None)]


async def test_a_missed_floor_drops_one_level(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        # 150,000 bought, paid on time: repayment 40, purchases 21 (< A floor 27); entered 29 -> 90 -> A -> B
        await ledger(client, invoice("I1", "150000", date(2026, 1, 5), date(2026, 2, 4)),
                     paid("P1", "I1", "150000", date(2026, 2, 4), date(2026, 2, 1)))
        a = await assess(client, k, "C1", {"financial_strength": 10, "operating_condition": 10,
                                          "reputation_and_prospects": 9})
        assert (a["total"], a["why"]["band_grade"], a["grade"]) == (90, "A", "B")
        assert "purchases 21 below the A floor 27" in a["why"]["steps"]


async def test_new_or_incomplete_customers_are_capped_at_c(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "NEW", onboarded_on="2026-03-01")
        await customer(client, "DOCS", documents=[{"kind": "business_licence", "reference": "BL-1"}])
        for cid in ("NEW", "DOCS"):
            await good_history(client, cid)
            a = await assess(client, k, cid)
            assert (a["why"]["band_grade"], a["grade"]) == ("A", "C"), cid
            assert a["why"]["cap"]["applied"] is True
        view = (await client.get("/credit/v1/customers/DOCS")).json()
        assert view["completeness"]["status"] == "incomplete" and "legal_rep_id" in view["completeness"]["missing"]
        assert (await client.get("/credit/v1/customers/NEW")).json()["is_new"] is True


async def test_reported_red_flag_forces_e_and_bad_debt_is_excused_when_our_fault(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await good_history(client)
        a = await assess(client, k, "C1", red_flags=[{"flag": "sued_by_other_suppliers", "note": "court notice"}])
        assert a["grade"] == "E" and a["suggested"]["prepayment_only"] is True
        a = await assess(client, k, "C1", red_flags=[{"flag": "prior_bad_debt_or_breach",
                                                      "own_fault_cause": "late_delivery"}])
        assert a["grade"] == "A" and a["why"]["red_flags"]["excused"][0]["own_fault_cause"] == "late_delivery"


async def test_events_change_sub_scores_and_re_rate_assessed_customers(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await good_history(client)
        assert (await assess(client, k, "C1"))["grade"] == "A"
        # a bounced payment: red flag -> E, published
        await ledger(client, invoice("I2", "1000", date(2026, 5, 1), date(2026, 5, 31)),
                     paid("P2", "I2", "1000", date(2026, 5, 31), date(2026, 5, 30)))
        await ledger(client, PaymentReversedV1(payment_reference="P2", customer_id="C1", reversed_date=date(2026, 6, 1),
                                               amount="1000", currency="CNY", reason="cheque bounced"))
        view = (await client.get("/credit/v1/customers/C1")).json()
        assert view["grade"] == "E" and view["exposure"]["open_receivables"] == "1000.00"
        assert "bounced_cheque" in [f["flag"] for f in view["why"]["red_flags"]["applied"]]
        changed = await outbox_events(client, "credit-grade-changed")
        assert [(e["grade"], e["previous_grade"]) for e in changed] == [("A", None), ("E", "A")]


async def test_broken_promises_lower_repayment_and_three_force_e(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await good_history(client)
        await assess(client, k, "C1")
        for n in range(3):
            await ledger(client, PromiseToPayBrokenV1(customer_id="C1", promise_id=f"PR-{n}",
                                                      promised_date=date(2026, 5, 20), amount="100", currency="CNY",
                                                      broken_on=date(2026, 5, 21)), source="/dunning")
            view = (await client.get("/credit/v1/customers/C1")).json()
            repayment = next(c for c in view["why"]["criteria"] if c["id"] == "repayment")
            assert repayment["points"] == 40 - 5 * (n + 1)
        assert view["grade"] == "E"


async def test_bad_debt_write_off_is_a_red_flag_unless_the_dispute_found_our_fault(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        for cid, ours in (("C1", False), ("C2", True)):
            await customer(client, cid)
            await good_history(client, cid)
            await assess(client, k, cid)
            await ledger(client, invoice(f"{cid}-W", "500", date(2026, 3, 1), date(2026, 3, 31), cid))
            if ours:
                await ledger(client, DisputeResolvedV1(dispute_id=f"D-{cid}", invoice_number=f"{cid}-W",
                                                       customer_id=cid, resolved_date=date(2026, 5, 1),
                                                       outcome="valid", amount="500", adjusted_amount="0",
                                                       currency="CNY", our_fault=True))
            await ledger(client, InvoiceWrittenOffV1(write_off_id=f"WO-{cid}", invoice_number=f"{cid}-W",
                                                     customer_id=cid, effective_date=date(2026, 6, 1), amount="500",
                                                     currency="CNY", reason="uncollectable", requested_by="fin",
                                                     approved_by="gm"))
        assert (await client.get("/credit/v1/customers/C1")).json()["grade"] == "E"
        view = (await client.get("/credit/v1/customers/C2")).json()
        assert view["grade"] != "E" and view["why"]["red_flags"]["excused"]


async def test_scorecard_outside_its_ranges_is_422(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        for scores in ({"financial_strength": 11, "operating_condition": 5, "reputation_and_prospects": 5},
                       {"financial_strength": -1, "operating_condition": 5, "reputation_and_prospects": 5},
                       {"financial_strength": 5, "operating_condition": 5},
                       {"financial_strength": 5, "operating_condition": 5, "reputation_and_prospects": 5,
                        "repayment": 40}):
            r = await client.post("/credit/v1/customers/C1/assessments", json={"scores": scores},
                                  headers=k["finance"])
            assert r.status_code == 422, (scores, r.text)
            assert r.json()["errors"][0]["field"].startswith("scores")
        r = await client.post("/credit/v1/customers/C1/assessments", json={"scores": {}}, headers=k["sales"])
        assert r.status_code == 403
        r = await client.post("/credit/v1/customers/NOPE/assessments", json={"scores": {}}, headers=k["finance"])
        assert r.status_code == 404


async def test_a_write_off_is_the_worst_repayment_even_when_its_red_flag_is_excused(tmp_path):
    """Writing off a bad debt used to take it out of the repayment history (it was no longer
    open), so the sub-score rose; with the flag excused (our fault) the customer ended at A."""
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await good_history(client)
        assert (await assess(client, k, "C1"))["grade"] == "A"
        await ledger(client, invoice("C1-W", "500", date(2026, 3, 1), date(2026, 3, 31)))
        await ledger(client, DisputeResolvedV1(dispute_id="D-1", invoice_number="C1-W", customer_id="C1",
                                               resolved_date=date(2026, 5, 1), outcome="valid", amount="500",
                                               adjusted_amount="0", currency="CNY", our_fault=True))
        await ledger(client, InvoiceWrittenOffV1(write_off_id="WO-1", invoice_number="C1-W", customer_id="C1",
                                                 effective_date=date(2026, 6, 1), amount="500", currency="CNY",
                                                 reason="uncollectable", requested_by="fin", approved_by="gm"))
        view = (await client.get("/credit/v1/customers/C1")).json()
        repayment = next(c for c in view["why"]["criteria"] if c["id"] == "repayment")
        assert view["why"]["red_flags"]["excused"] and not view["why"]["red_flags"]["applied"]
        assert repayment["points"] <= 30 and repayment["inputs"]["written_off"] == "500.00 CNY", repayment
        assert view["grade"] not in ("A", "E")


async def test_the_suggested_limit_is_based_on_the_previous_calendar_years_sales(tmp_path):
    """002 §2(2): the limit does not exceed the average monthly sales of the whole previous
    calendar year (上年全年); rolling 12 months is an option. 1,200,000 in March 2025 and
    600,000 in January 2026: 2025 averages 100,000 a month, the last 12 months 50,000."""
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await ledger(client, invoice("I-25", "1200000", date(2025, 3, 10), date(2025, 4, 9)),
                     invoice("I-26", "600000", date(2026, 1, 5), date(2026, 2, 4)))
        await ledger(client, paid("P-25", "I-25", "1200000", date(2025, 4, 9), date(2025, 4, 1)),
                     paid("P-26", "I-26", "600000", date(2026, 2, 4), date(2026, 2, 1)))
        a = await assess(client, k, "C1")
        assert a["grade"] == "A"
        assert (a["suggested"]["basis"], a["suggested"]["average_monthly_sales"], a["suggested"]["limit"]) == (
            "previous_year", "100000.00", "150000.00")
        configure(client, limit_basis="rolling_12_months")
        a = await assess(client, k, "C1")
        assert (a["suggested"]["basis"], a["suggested"]["basis_from"], a["suggested"]["limit"]) == (
            "rolling_12_months", "2025-06-02", "75000.00")


async def test_a_new_customers_suggested_limit_is_based_on_the_contracted_volume(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "NEW", onboarded_on="2026-05-01")
        a = await assess(client, k, "NEW", investigated_repayment=40, contracted_12m="600000")
        assert a["grade"] == "C"  # capped: a new customer
        assert (a["suggested"]["basis"], a["suggested"]["average_monthly_sales"], a["suggested"]["limit"]) == (
            "contracted_volume", "50000.00", "50000.00")
        assert (a["suggested"]["basis_from"], a["suggested"]["max_limit"]) == (None, "75000.00")


async def test_a_contracted_volume_finer_than_the_customers_currency_is_a_422(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "JP1", currency="JPY")
        r = await client.post("/credit/v1/customers/JP1/assessments",
                              json={"scores": {"financial_strength": 5, "operating_condition": 5,
                                               "reputation_and_prospects": 5}, "contracted_12m": "1000.50"},
                              headers=k["finance"])
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "contracted_12m", r.text
