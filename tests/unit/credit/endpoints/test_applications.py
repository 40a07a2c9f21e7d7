"""The approval chain through the API: sales manager → sales admin → finance → general
manager; wrong role or the submitter → 403; every step audited."""
from datetime import date

from tests.support.credit import (
    approve_limit, assess, check, configure, customer, keys, ledger, open_items, outbox_events,
)
from shared.events.ledger import (
    AppliedLine, DueDateChange, InvoiceDueDatesChangedV1, OverdueThresholdV1, PaymentAllocatedV1,
)
from tests.support.facts import recorded_invoice
from tests.support.embedded import embedded_product


async def submit(client, k, body, who="sales_manager"):
    return await client.post("/credit/v1/applications", json=body, headers=k[who])


async def decide(client, k, app_id, who, decision="approve", comment=""):
    return await client.post(f"/credit/v1/applications/{app_id}/decisions",
                             json={"decision": decision, "comment": comment}, headers=k[who])


async def test_the_chain_in_order_and_the_audit_trail(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        app = await submit(client, k, {"customer_id": "C1", "kind": "grade_limit_term", "limit": "50000",
                                       "term_days": 30, "comment": "yearly review",
                                       "justification": "no sales with us yet"})
        assert app.status_code == 201, app.text
        app = app.json()
        assert (app["state"], app["pending_role"]) == ("submitted", "sales_admin")
        assert (await decide(client, k, app["application_id"], "finance")).status_code == 403  # not yet finance
        assert (await decide(client, k, app["application_id"], "general_manager")).status_code == 403
        for who, state in (("sales_admin", "reviewed"), ("finance", "finance_approved"),
                           ("general_manager", "approved")):
            r = await decide(client, k, app["application_id"], who)
            assert r.status_code == 200 and r.json()["state"] == state, r.text
        steps = r.json()["steps"]
        assert [(s["role"], s["decision"], s["to_state"]) for s in steps] == [
            ("sales_manager", "submit", "submitted"), ("sales_admin", "approve", "reviewed"),
            ("finance", "approve", "finance_approved"), ("general_manager", "approve", "approved")]
        assert (await decide(client, k, app["application_id"], "general_manager")).status_code == 409
        view = (await client.get("/credit/v1/customers/C1")).json()
        assert (view["limit"], view["term_days"]) == ("50000.00", 30)
        limits = await outbox_events(client, "credit-limit-changed")
        assert [(e["limit"], e["term_days"], e["temporary"]) for e in limits] == [("50000.00", 30, False)]
        fetched = await client.get(f"/credit/v1/applications/{app['application_id']}", headers=k["auditor"])
        assert fetched.status_code == 200 and len(fetched.json()["steps"]) == 4


async def test_the_submitter_never_decides_and_admin_is_no_substitute(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        both = await client.post("/credit/v1/api-keys", json={"name": "both", "roles": ["sales_manager",
                                                                                     "sales_admin"]})
        k["both"] = {"Authorization": f"Bearer {both.json()['key']}"}
        await customer(client, "C1")
        app = (await submit(client, k, {"customer_id": "C1", "kind": "grade_limit_term", "limit": "1000",
                                        "justification": "x"}, who="both")).json()
        r = await decide(client, k, app["application_id"], "both")
        assert r.status_code == 403 and r.json()["errors"][0]["rule"] == "self_approval_forbidden"
        r = await client.post(f"/credit/v1/applications/{app['application_id']}/decisions",
                              json={"decision": "approve"})  # the bootstrap admin key
        assert r.status_code == 403
        assert (await submit(client, k, {"customer_id": "C1", "kind": "grade_limit_term", "limit": "1"},
                             who="sales")).status_code == 403


async def test_rejection_needs_a_comment_and_closes_the_application(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        app = (await submit(client, k, {"customer_id": "C1", "kind": "grade_limit_term", "limit": "1000",
                                        "justification": "x"})).json()
        assert (await decide(client, k, app["application_id"], "sales_admin", "reject")).status_code == 422
        r = await decide(client, k, app["application_id"], "sales_admin", "reject", "no investigation report")
        assert r.json()["state"] == "rejected"
        assert (await decide(client, k, app["application_id"], "finance")).status_code == 409


async def test_bad_applications_are_422_or_404(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        r = await submit(client, k, {"customer_id": "C1", "kind": "grade_limit_term", "limit": "1000",
                                     "currency": "USD"})
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "customer_currency"
        r = await submit(client, k, {"customer_id": "C1", "kind": "temporary_limit", "amount": "10",
                                     "currency": "EUR", "expires_on": "2026-07-01"})
        assert r.status_code == 422
        r = await submit(client, k, {"customer_id": "C1", "kind": "grade_limit_term", "grade": "Z"})
        assert r.status_code == 422
        r = await submit(client, k, {"customer_id": "C1", "kind": "grade_limit_term"})
        assert r.status_code == 422
        r = await submit(client, k, {"customer_id": "C1", "kind": "temporary_limit", "amount": "10"})
        assert r.status_code == 422
        r = await submit(client, k, {"customer_id": "NOPE", "kind": "grade_limit_term", "limit": "1"})
        assert r.status_code == 404
        await customer(client, "C2")
        await ledger(client, recorded_invoice(invoice_number="I-C2", customer_id="C2", issue_date=date(2026, 5, 1),
                                             due_date=date(2026, 5, 31), amount="10", currency="CNY"))
        r = await submit(client, k, {"customer_id": "C1", "kind": "term_extension", "extra_days": 5,
                                     "invoice_numbers": ["I-C2"]})
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "application.invoice_customer", r.text


async def test_a_customer_set_up_in_usd_takes_a_usd_limit(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "US1", currency="USD")
        await approve_limit(client, k, "US1", "20000", currency="USD")
        view = (await client.get("/credit/v1/customers/US1")).json()
        assert (view["currency"], view["limit"]) == ("USD", "20000.00")
        r = await submit(client, k, {"customer_id": "US1", "kind": "grade_limit_term", "limit": "1",
                                     "justification": "x"})
        assert r.status_code == 201 and r.json()["request"]["currency"] == "USD"


async def test_temporary_limit_adds_until_it_expires(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await assess(client, k, "C1", investigated_repayment=40, contracted_12m="600000")
        await approve_limit(client, k, "C1", "10000")
        assert (await check(client, k, "C1", "15000", "SO-1")).json()["decision"] == "reject"
        app = (await submit(client, k, {"customer_id": "C1", "kind": "temporary_limit", "amount": "10000",
                                        "expires_on": "2026-06-30", "comment": "one shipment"})).json()
        for who in ("sales_admin", "finance", "general_manager"):
            assert (await decide(client, k, app["application_id"], who)).status_code == 200
        view = (await client.get("/credit/v1/customers/C1")).json()
        assert view["effective_limit"] == "20000.00" and view["temporary_limits"][0]["expires_on"] == "2026-06-30"
        assert (await check(client, k, "C1", "15000", "SO-2")).json()["decision"] == "approve"
        temp = (await outbox_events(client, "credit-limit-changed"))[-1]
        assert temp["temporary"] is True and temp["expires_on"] == "2026-06-30"


async def test_an_approved_grade_above_the_cap_is_the_special_approval(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "NEW", onboarded_on="2026-05-01")
        await ledger(client, recorded_invoice(invoice_number="I1", customer_id="NEW", issue_date=date(2026, 1, 5),
                                             due_date=date(2026, 2, 4), amount="600000", currency="CNY"),
                     PaymentAllocatedV1(payment_reference="P1", customer_id="NEW", received_date=date(2026, 2, 1),
                                        effective_date=date(2026, 2, 1), currency="CNY", unapplied_amount="0",
                                        lines=[AppliedLine(invoice_number="I1", instalment_seq=1, amount="600000",
                                                           due_date=date(2026, 2, 4))]))
        assert (await assess(client, k, "NEW"))["grade"] == "C"
        await approve_limit(client, k, "NEW", "50000", grade="B")
        view = (await client.get("/credit/v1/customers/NEW")).json()
        assert (view["rated_grade"], view["approved_grade"], view["grade"]) == ("A", "B", "B")
        assert view["special_approval"].startswith("application:")
        assert "approved grade B caps the rated grade A" in view["why"]["steps"]


def due_dates_changed(number, moves, reason="term_extension", reference="APP", cid="C1"):
    """The ledger's fact: each (seq, new due, previous due) of the invoice's open instalments."""
    return InvoiceDueDatesChangedV1(
        invoice_number=number, customer_id=cid, reason=reason, reference=reference, effective_date=date(2026, 6, 1),
        due_date=max(new for _, new, _ in moves),
        instalments=[DueDateChange(seq=seq, due_date=new, previous_due_date=old) for seq, new, old in moves])


async def test_a_term_extension_of_invoices_reaches_the_ledger_and_credit_follows_the_ledgers_dates(tmp_path):
    """Credit used to move its own view of the invoice while the ledger kept ageing it from the
    old date (and dunning chased it). Now the approval is published; the due dates move when
    the ledger says it moved them, once, however often the fact comes."""
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        due = date(2026, 4, 20)
        await ledger(client, recorded_invoice(invoice_number="I1", customer_id="C1", issue_date=date(2026, 3, 20),
                                             due_date=due, amount="1000", currency="CNY"),
                     OverdueThresholdV1(invoice_number="I1", instalment_seq=1, customer_id="C1", threshold_days=30,
                                        as_of=date(2026, 5, 20), due_date=due, days_overdue=30, open_amount="1000",
                                        currency="CNY"))
        assert len((await client.get("/credit/v1/customers/C1")).json()["holds"]) == 1
        app = (await submit(client, k, {"customer_id": "C1", "kind": "term_extension", "extra_days": 30,
                                        "invoice_numbers": ["I1"], "justification": "the customer's own customer "
                                        "pays late this quarter"}, who="sales")).json()
        for who in ("sales_manager", "finance", "general_manager"):
            assert (await decide(client, k, app["application_id"], who)).status_code == 200
        [published] = await outbox_events(client, "term-extension-approved")
        assert (published["invoice_numbers"], published["extra_days"], published["application_id"]) == (
            ["I1"], 30, app["application_id"])
        view = (await client.get("/credit/v1/customers/C1")).json()
        assert len(view["holds"]) == 1 and view["overdue"]["max_days_overdue"] == 42  # not moved by credit alone
        moved = due_dates_changed("I1", [(1, date(2026, 5, 20), due)], reference=app["application_id"])
        await ledger(client, moved)
        await ledger(client, moved)  # republished under another event id
        view = (await client.get("/credit/v1/customers/C1")).json()
        assert view["holds"] == [] and view["overdue"]["max_days_overdue"] == 12
        [item] = (await open_items(client))["items"]
        assert (item["due_date"], item["extended_days"], item["days_overdue"]) == ("2026-05-20", 30, 12)


async def test_a_customer_wide_extension_changes_the_term_in_credit_only(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await approve_limit(client, k, "C1", "1000", term_days=15)
        app = (await submit(client, k, {"customer_id": "C1", "kind": "term_extension", "extra_days": 10},
                            who="sales")).json()
        for who in ("sales_manager", "finance", "general_manager"):
            assert (await decide(client, k, app["application_id"], who)).status_code == 200
        assert (await client.get("/credit/v1/customers/C1")).json()["term_days"] == 25
        assert await outbox_events(client, "term-extension-approved") == []


async def test_each_kind_of_application_follows_its_own_chain(tmp_path):
    """Seed 002: the limit amount goes department manager → finance head → general manager
    (§2(2)); a special change of limit or term is applied for by the salesperson and confirmed
    by the department head (§2(3)); the July re-rating is proposed by the salesperson and
    approved by the finance head and the general manager (§2(4))."""
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        cases = [
            ("sales_manager", {"kind": "limit", "limit": "1000"}, ("finance", "general_manager"),
             ["submitted", "finance_approved", "approved"]),
            ("sales", {"kind": "limit_term_change", "term_days": 20}, ("sales_manager", "finance", "general_manager"),
             ["submitted", "confirmed", "finance_approved", "approved"]),
            ("sales", {"kind": "rerating", "grade": "C"}, ("finance", "general_manager"),
             ["submitted", "finance_approved", "approved"]),
        ]
        for who, body, chain, states in cases:
            app = await submit(client, k, {"customer_id": "C1", "justification": "no sales yet", **body}, who=who)
            assert app.status_code == 201, app.text
            app = app.json()
            assert app["chain"] == {"submitters": app["chain"]["submitters"], "steps": list(chain)}
            assert app["pending_role"] == chain[0]
            seen = [app["state"]]
            for role in chain:
                r = await decide(client, k, app["application_id"], role)
                assert r.status_code == 200, (body, role, r.text)
                seen.append(r.json()["state"])
            assert seen == states, body
        view = (await client.get("/credit/v1/customers/C1")).json()
        assert (view["limit"], view["term_days"], view["approved_grade"]) == ("1000.00", 20, "C")
        # what a salesperson may not submit, and fields a kind does not take
        r = await submit(client, k, {"customer_id": "C1", "kind": "limit", "limit": "5"}, who="sales")
        assert r.status_code == 403 and r.json()["errors"][0]["rule"] == "approval_forbidden"
        r = await submit(client, k, {"customer_id": "C1", "kind": "limit", "limit": "5", "grade": "B"})
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "grade"


async def test_chains_are_configuration_and_an_application_keeps_the_chain_it_was_submitted_under(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        first = (await submit(client, k, {"customer_id": "C1", "kind": "limit", "limit": "1000",
                                          "justification": "x"})).json()
        configure(client, approval_chains={"limit": {"submitters": ["sales_manager"],
                                                     "steps": ["sales_admin", "general_manager"]}})
        second = (await submit(client, k, {"customer_id": "C1", "kind": "limit", "limit": "2000",
                                           "justification": "x"})).json()
        assert (first["pending_role"], second["pending_role"]) == ("finance", "sales_admin")
        assert (await decide(client, k, first["application_id"], "finance")).json()["state"] == "finance_approved"
        assert (await decide(client, k, second["application_id"], "sales_admin")).json()["state"] == "reviewed"


async def test_a_limit_or_term_beyond_the_policy_needs_a_justification_shown_at_every_step(tmp_path):
    """002 §2(2): the limit stays within the average monthly sales × 1.5, the term within 30
    days; beyond is an exception that needs a written justification, which every approver sees."""
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await assess(client, k, "C1", investigated_repayment=40, contracted_12m="600000")  # 50,000 a month
        body = {"customer_id": "C1", "kind": "grade_limit_term", "limit": "80000", "term_days": 45}
        r = await submit(client, k, body)
        assert r.status_code == 422, r.text
        error = r.json()["errors"][0]
        assert (error["field"], error["rule"]) == ("justification", "application.justification_required")
        assert "75000" in r.json()["detail"] and "45" in r.json()["detail"]
        app = await submit(client, k, {**body, "justification": "strategic account, guaranteed by the parent"})
        assert app.status_code == 201, app.text
        app = app.json()
        assert [e["rule"] for e in app["exceptions"]] == ["limit.above_policy", "term.over_policy"]
        assert app["justification"] == "strategic account, guaranteed by the parent"
        for role in ("sales_admin", "finance", "general_manager"):
            r = await decide(client, k, app["application_id"], role)
        steps = r.json()["steps"]
        assert len(steps) == 4 and all([e["rule"] for e in s["exceptions"]] == ["limit.above_policy",
                                                                                "term.over_policy"] for s in steps)
        within = (await submit(client, k, {"customer_id": "C1", "kind": "limit", "limit": "75000"})).json()
        assert within["exceptions"] == [] and within["justification"] is None


async def test_a_temporary_limit_or_an_extension_beyond_the_policy_needs_one_too(tmp_path):
    async with embedded_product(tmp_path, names=["credit"]) as client:
        k = await keys(client)
        await customer(client, "C1")
        await assess(client, k, "C1", investigated_repayment=40, contracted_12m="600000")
        await approve_limit(client, k, "C1", "70000", term_days=30)
        r = await submit(client, k, {"customer_id": "C1", "kind": "temporary_limit", "amount": "10000",
                                     "expires_on": "2026-06-30"})
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "application.justification_required"
        r = await submit(client, k, {"customer_id": "C1", "kind": "term_extension", "extra_days": 5}, who="sales")
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "justification"
        r = await submit(client, k, {"customer_id": "C1", "kind": "temporary_limit", "amount": "5000",
                                     "expires_on": "2026-06-30"})
        assert r.status_code == 201 and r.json()["exceptions"] == []
