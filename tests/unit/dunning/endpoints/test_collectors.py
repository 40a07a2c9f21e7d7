"""The collectors' work over HTTP: contacts, the worklist with its score, the contact log,
promises (kept, broken → credit's event), repayment plans (breach resumes the ladder), who
sees which case."""
from datetime import date, timedelta

from tests.support.dunning import allocated, case_of, dunning_alone, emitted, ledger, opened, run_ladder, set_today

DUE = date(2026, 3, 2)


async def test_a_promise_pauses_the_ladder_and_broken_reaches_credit_as_an_event(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        case = await opened(client)
        url = f"/dunning/v1/cases/{case['case_id']}/promises"
        today = DUE + timedelta(days=30)
        bad = [({"amount": "1000.01", "currency": "CNY", "promised_date": str(today)}, "promise.larger_than_debt"),
               ({"amount": "100.00", "currency": "CNY", "promised_date": str(today - timedelta(days=1))},
                "promise.in_the_past"),
               ({"amount": "100.001", "currency": "CNY", "promised_date": str(today)}, "amount.scale")]
        for body, rule in bad:
            r = await client.post(url, json=body)
            assert r.status_code == 422 and r.json()["errors"][0]["rule"] == rule, r.text
        r = await client.post(url, json={"amount": "400.00", "currency": "CNY", "promised_date": str(today + timedelta(days=5))})
        assert r.status_code == 201 and r.json()["status"] == "open", r.text
        set_today(client, today + timedelta(days=8))  # promised date + 3 days' grace: still waiting
        await run_ladder(client)
        assert (await case_of(client, "C1"))["pauses"] == ["promise_to_pay"]
        set_today(client, today + timedelta(days=9))
        report = await run_ladder(client)
        assert report.promises_broken == 1
        [broken] = await emitted(client, "promise-to-pay-broken")
        assert broken["customer_id"] == "C1" and broken["amount"] == "400.00"
        assert broken["broken_on"] == str(today + timedelta(days=9))
        case = await case_of(client, "C1")
        assert case["promises"][0]["status"] == "broken" and case["pauses"] == []


async def test_a_promise_is_kept_by_the_payments_after_it(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        case = await opened(client)
        today = DUE + timedelta(days=30)
        await client.post(f"/dunning/v1/cases/{case['case_id']}/promises",
                          json={"amount": "400.00", "currency": "CNY", "promised_date": str(today + timedelta(days=5))})
        await ledger(client, allocated("PAY-1", "C1", "INV-C1", "400.00", today + timedelta(days=2), DUE))
        await run_ladder(client)
        assert (await emitted(client, "promise-to-pay-kept"))[0]["amount"] == "400.00"
        case = await case_of(client, "C1")
        assert case["promises"][0]["status"] == "kept" and case["open_amount"] == "600.00"


async def test_a_plan_must_add_up_pauses_while_current_and_its_breach_resumes_the_ladder(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        case = await opened(client)
        today = DUE + timedelta(days=30)
        url = f"/dunning/v1/cases/{case['case_id']}/repayment-plans"
        body = {"amount": "1000.00", "currency": "CNY", "parties": "Acme and us", "cause": "cash-flow break",
                "instalments": [{"due_date": str(today + timedelta(days=10)), "amount": "500.00"},
                                {"due_date": str(today + timedelta(days=40)), "amount": "499.00"}]}
        r = await client.post(url, json=body)
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "plan.instalments_do_not_add_up"
        body["instalments"][1]["amount"] = "500.00"
        r = await client.post(url, json=body)
        assert r.status_code == 201 and len(r.json()["instalments"]) == 2, r.text
        assert (await client.post(url, json=body)).status_code == 409
        set_today(client, today + timedelta(days=31))  # day 61: the demand letter's day, but the plan is current
        await ledger(client, allocated("PAY-1", "C1", "INV-C1", "500.00", today + timedelta(days=9), DUE))
        await run_ladder(client)
        case = await case_of(client, "C1")
        assert case["pauses"] == ["repayment_plan"] and "demand_letter" not in [a["step"] for a in case["steps_done"]]
        set_today(client, today + timedelta(days=46))  # the second instalment missed, past the grace
        report = await run_ladder(client)
        assert report.plans_breached == 1 and (await emitted(client, "repayment-plan-breached"))
        case = await case_of(client, "C1")
        assert case["plans"][0]["status"] == "breached"
        assert {a["step"]: a["status"] for a in case["steps_done"]}["demand_letter"] == "queued"


async def test_the_worklist_contact_log_and_who_sees_which_case(tmp_path):
    async with dunning_alone(tmp_path, assignment_rules=[{"collector": "collector", "min_amount": "100000"},
                                                         {"collector": "wang"}]) as (client, k):
        big = await opened(client, "BIG", days=45, amount="250000.00")
        small = await opened(client, "SMALL", days=45, amount="1000.00")
        assert big["collector"] == "collector" and small["collector"] == "wang"
        r = await client.post(f"/dunning/v1/cases/{big['case_id']}/contacts", headers=k["collector"], json={
            "channel": "phone", "outcome": "refused", "reason_code": "cash_flow_break", "notes": "will call back",
            "next_action_date": str(DUE + timedelta(days=50))})
        assert r.status_code == 201 and r.json()["by"] == "collector", r.text
        work = (await client.get("/dunning/v1/worklist", headers=k["finance"])).json()
        assert [w["customer_id"] for w in work["items"]] == ["BIG", "SMALL"] and work["total"] == 2
        top = work["items"][0]
        assert top["parts"] == {"amount": 25, "days": 7, "grade": 10, "broken_promises": 0, "cooperation": 10}
        assert top["score"] == 52 and top["next_action_date"] == str(DUE + timedelta(days=50))
        assert top["open_tasks"] == ["collector_call"]
        mine = (await client.get("/dunning/v1/worklist?collector=wang", headers=k["collector"])).json()
        assert [w["customer_id"] for w in mine["items"]] == ["BIG"]  # a collector sees its own, whatever it asks
        cases = (await client.get("/dunning/v1/cases", headers=k["collector"])).json()
        assert [c["customer_id"] for c in cases["items"]] == ["BIG"]
        assert (await client.get(f"/dunning/v1/cases/{small['case_id']}", headers=k["collector"])).status_code == 404
        assert (await client.get(f"/dunning/v1/cases/{small['case_id']}", headers=k["sales_manager"])).status_code == 200
        assert (await client.get("/dunning/v1/cases", headers=k["sales"])).status_code == 403
        r = await client.post(f"/dunning/v1/cases/{big['case_id']}/contacts",
                              json={"channel": "fax", "outcome": "refused"})
        assert r.status_code == 422


async def test_contacts_put_and_bounded(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        body = {"name": "王经理", "email": "wang@example.cn", "mobile": "+86 138 0000 0000", "language": "zh-CN"}
        assert (await client.put("/dunning/v1/customers/C1/contacts", json=body)).status_code == 201
        r = await client.put("/dunning/v1/customers/C1/contacts", json={**body, "language": "en"})
        assert r.status_code == 200 and r.json()["language"] == "en"
        assert (await client.put("/dunning/v1/customers/C1/contacts", json={"email": "nope"})).status_code == 422
        assert (await client.put("/dunning/v1/customers/C1/contacts", json={"language": "fr"})).status_code == 422


async def test_a_task_is_marked_done_once_and_a_letters_receipt_is_recorded(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        case = await opened(client, days=60)
        steps = {a["step"]: a for a in case["steps_done"]}
        letter = steps["demand_letter"]
        assert steps["collector_call"]["status"] == "skipped"  # a late start: only the demand letter
        r = await client.patch(f"/dunning/v1/actions/{letter['action_id']}", json={"done": True})
        assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "action.not_open"
        url = f"/dunning/v1/actions/{letter['action_id']}"
        r = await client.patch(url, json={"receipt_returned_on": "2026-06-01"})
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "action.receipt_date"  # after today
        r = await client.patch(url, json={"receipt_returned_on": str(DUE + timedelta(days=60))})
        assert r.status_code == 200 and r.json()["receipt_returned_on"] == str(DUE + timedelta(days=60))
        other = await opened(client, "C2", days=30)
        [task] = [a for a in other["steps_done"] if a["step"] == "collector_call"]
        r = await client.patch(f"/dunning/v1/actions/{task['action_id']}", json={"done": True}, headers=k["finance"])
        assert r.status_code == 200 and r.json()["status"] == "done" and r.json()["completed_by"] == "finance"
        work = (await client.get("/dunning/v1/worklist")).json()
        assert all(w["open_tasks"] == [] for w in work["items"])
        r = await client.patch(f"/dunning/v1/actions/{task['action_id']}", json={"receipt_returned_on": str(DUE)})
        assert r.status_code == 409 and r.json()["errors"][0]["rule"] == "action.not_a_letter"
