"""Escalation inside the company (up the chain only) and concessions approved by someone
else; an approved grace period pauses the ladder."""
from datetime import date, timedelta

from tests.support.dunning import case_of, dunning_alone, keys, opened, run_ladder, set_today

DUE = date(2026, 3, 2)


async def test_a_case_goes_up_the_chain_never_down(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        case = await opened(client, days=70)
        url = f"/dunning/v1/cases/{case['case_id']}/escalations"
        r = await client.post(url, headers=k["finance"], json={"level": "sales_management", "handed_to": "王总, 李经理",
                                                               "reason": "refuses to pay"})
        assert r.status_code == 201 and r.json()["escalations"][0]["by"] == "finance", r.text
        r = await client.post(url, json={"level": "finance", "handed_to": "x", "reason": "y"})
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "escalation.downwards"
        r = await client.post(url, json={"level": "management", "handed_to": "董事会", "reason": "no plan",
                                         "decision": "legal_action"})
        assert [e["level"] for e in r.json()["escalations"]] == ["sales_management", "management"]


async def test_a_concession_is_approved_by_someone_else_and_a_grace_period_pauses_the_ladder(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        k.update(await keys(client, "finance2"))
        case = await opened(client, days=50)
        url = f"/dunning/v1/cases/{case['case_id']}/concessions"
        r = await client.post(url, headers=k["finance"], json={"kind": "discount", "amount": "1000.01",
                                                               "currency": "CNY", "reason": "quality"})
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "concession.larger_than_debt"
        r = await client.post(url, headers=k["finance"], json={"kind": "grace_period", "reason": "cash-flow break"})
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "concession.days"
        r = await client.post(url, headers=k["finance"], json={"kind": "grace_period", "days": 20,
                                                               "reason": "cash-flow break"})
        assert r.status_code == 201 and r.json()["status"] == "requested", r.text
        decision = f"/dunning/v1/concessions/{r.json()['concession_id']}/decision"
        assert (await client.post(decision, headers=k["finance"], json={"decision": "approve"})).status_code == 403
        assert (await client.post(decision, headers=k["collector"], json={"decision": "approve"})).status_code == 403
        r = await client.post(decision, headers=k["finance2"], json={"decision": "approve"})
        assert r.status_code == 200 and r.json()["until"] == str(DUE + timedelta(days=70)), r.text
        assert (await client.post(decision, headers=k["finance2"], json={"decision": "reject"})).status_code == 409
        set_today(client, DUE + timedelta(days=65))  # the demand letter's day, inside the grace period
        await run_ladder(client)
        case = await case_of(client, "C1")
        assert case["pauses"] == ["grace_period"] and "demand_letter" not in [a["step"] for a in case["steps_done"]]
        set_today(client, DUE + timedelta(days=71))
        await run_ladder(client)
        assert "demand_letter" in [a["step"] for a in (await case_of(client, "C1"))["steps_done"]]
