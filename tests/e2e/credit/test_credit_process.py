"""The credit service as its own process (`python -m services.credit api`, SQLite), as
billing and sales systems call it: a file, an approved limit through the chain, checks."""
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.support.processes import free_port, wait_healthy

ROOT = Path(__file__).resolve().parents[3]
KEY = "e2e-credit-admin-key-0123456789ab"
pytestmark = pytest.mark.e2e


@pytest.fixture
def credit_api(tmp_path):
    port = free_port()
    env = {**os.environ, "AR_DATA_DIR": str(tmp_path), "AR_BOOTSTRAP_ADMIN_KEY": KEY, "AR_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen([sys.executable, "-m", "services.credit", "api", "--port", str(port)], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}/credit"
    try:
        wait_healthy([f"{base}/readyz"], process=proc)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_file_limit_through_the_chain_and_checks(credit_api):
    admin = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=credit_api, timeout=10) as http:
        keys = {}
        for role in ("sales_manager", "sales_admin", "finance", "general_manager", "integration"):
            issued = http.post("/v1/api-keys", json={"name": role, "roles": [role]}, headers=admin)
            keys[role] = {"Authorization": f"Bearer {issued.json()['key']}"}
        docs = [{"kind": k, "reference": "x"} for k in ("business_licence", "organisation_code", "legal_rep_id",
                                                        "fixed_phone", "legal_rep_phones")]
        r = http.put("/v1/customers/E1", json={"name": "E2E Co", "onboarded_on": "2020-01-01", "documents": docs},
                     headers=keys["finance"])
        assert r.status_code == 201, r.text
        r = http.post("/v1/customers/E1/assessments", json={"scores": {"financial_strength": 10,
                                                                     "operating_condition": 10,
                                                                     "reputation_and_prospects": 10},
                                                          "investigated_repayment": 40,
                                                          "contracted_12m": "1000000"}, headers=keys["finance"])
        assert r.status_code == 201 and r.json()["grade"] == "A", r.text
        app = http.post("/v1/applications", json={"customer_id": "E1", "kind": "grade_limit_term",
                                                  "limit": "80000", "term_days": 30},
                        headers=keys["sales_manager"]).json()
        for role in ("sales_admin", "finance", "general_manager"):
            r = http.post(f"/v1/applications/{app['application_id']}/decisions", json={"decision": "approve"},
                          headers=keys[role])
            assert r.status_code == 200, r.text
        body = {"customer_id": "E1", "amount": "30000.00", "currency": "CNY", "order_ref": "E2E-1", "reserve": True}
        r = http.post("/v1/checks", json=body, headers=keys["integration"])
        assert r.json()["decision"] == "approve" and r.json()["available_credit"] == "80000.00"
        assert http.post("/v1/checks", json=body, headers=keys["integration"]).text == r.text
        r = http.post("/v1/checks", json={**body, "order_ref": "E2E-2", "amount": "55000.00"},
                      headers=keys["integration"])
        assert r.json()["decision"] == "review" and r.json()["exposure"] == "30000.00"
        r = http.post("/v1/checks", json={**body, "customer_id": "NOBODY", "order_ref": "E2E-3"},
                      headers=keys["integration"])
        assert r.status_code == 200 and r.json()["reasons"][0]["code"] == "unknown_customer"
        spec = http.get("/openapi.json").json()
        assert "/credit/v1/checks" in spec["paths"] or "/v1/checks" in spec["paths"]
