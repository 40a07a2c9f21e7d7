"""GET/PUT /policies/{name}: the seeded ladders, new versions, running cases keep theirs,
bad ladders are 422s; the phone scripts."""
from datetime import date, timedelta

from tests.support.dunning import case_of, dunning_alone, invoice, ledger, overdue

DUE = date(2026, 3, 2)


async def test_the_seeded_policies_and_a_new_version_that_running_cases_do_not_take(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        policies = (await client.get("/dunning/v1/policies", headers=k["auditor"])).json()
        assert [(p["name"], p["version"]) for p in policies] == [("default", 1), ("risk_control", 1)]
        await ledger(client, invoice("INV-1", "C1", DUE), overdue("INV-1", "C1", DUE, DUE + timedelta(days=1)))
        body = {"steps": [{"key": "call", "day": 1, "action": "phone_task", "performer": "collector"},
                          {"key": "letter", "day": 20, "action": "letter", "template": "demand_letter",
                           "min_amount": "500.00"}]}
        r = await client.put("/dunning/v1/policies/default", json=body, headers=k["finance"])
        assert r.status_code == 200, r.text
        assert r.json()["version"] == 2 and r.json()["steps"][1]["min_amount"] == "500.00"
        assert (await case_of(client, "C1"))["policy_version"] == 1
        old = await client.get("/dunning/v1/policies/default?version=1")
        assert old.json()["steps"][0]["key"] == "pre_due_reminder"
        body["migrate_running_cases"] = True
        assert (await client.put("/dunning/v1/policies/default", json=body, headers=k["finance"])).json()["version"] == 3
        assert (await case_of(client, "C1"))["policy_version"] == 3
        assert (await client.put("/dunning/v1/policies/default", json=body, headers=k["collector"])).status_code == 403


async def test_bad_ladders_are_422_naming_the_step(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        cases = {
            "policy.unordered_steps": [{"key": "a", "day": 10, "action": "visit"}, {"key": "b", "day": 5, "action": "visit"}],
            "policy.overlapping_steps": [{"key": "a", "day": 5, "action": "visit"},
                                         {"key": "b", "day": 5, "action": "visit"}],
            "policy.unknown_template": [{"key": "a", "day": 5, "action": "email", "template": "nope"}],
        }
        for rule, steps in cases.items():
            r = await client.put("/dunning/v1/policies/p", json={"steps": steps})
            assert r.status_code == 422 and r.json()["errors"][0]["rule"] == rule, r.text
        r = await client.put("/dunning/v1/policies/p", json={"steps": [{"key": "a", "day": 5, "action": "fax"}]})
        assert r.status_code == 422 and "action" in r.text
        assert (await client.get("/dunning/v1/policies/p")).status_code == 404


async def test_phone_scripts_are_seeded_and_editable(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        scripts = (await client.get("/dunning/v1/scripts")).json()
        assert [s["level"] for s in scripts] == [1, 2, 3] and "逾期" in scripts[0]["zh-CN"]
        r = await client.put("/dunning/v1/scripts/2", json={"zh-CN": "请付款", "en": "Please pay"}, headers=k["finance"])
        assert r.status_code == 200 and r.json()[1]["en"] == "Please pay" and r.json()[1]["updated_by"] == "finance"
        assert (await client.put("/dunning/v1/scripts/4", json={"zh-CN": "x", "en": "x"})).status_code == 422
