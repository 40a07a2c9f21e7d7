"""`make run` as a newcomer sees it: one process, four services, data kept across a
restart, and events not yet delivered delivered after it."""
import json
import sqlite3
import time
from datetime import datetime, timezone

import httpx
import pytest

from shared.events.envelope import new_envelope
from shared.events.platform import ApiKeyIssuedV1
from tests.support.processes import EmbeddedProcess

KEY = "e2e-admin-key-0123456789abcdefgh"
pytestmark = pytest.mark.e2e


def key_ids(base, name, auth) -> list[str]:
    return [k["key_id"] for k in httpx.get(f"{base}/{name}/v1/api-keys", headers=auth).json()]


def eventually(check, timeout: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.1)
    return False


def test_embedded_mode_starts_serves_all_four_and_keeps_data_across_restarts(tmp_path):
    product = EmbeddedProcess(tmp_path / "var", KEY).start()
    auth = {"Authorization": f"Bearer {KEY}"}
    try:
        root = httpx.get(f"{product.base}/").json()
        assert set(root["services"]) == {"ledger", "credit", "dunning", "reporting"}
        for name in root["services"]:
            assert httpx.get(f"{product.base}/{name}/healthz").json()["status"] == "ok"
            assert httpx.get(f"{product.base}/{name}/readyz").status_code == 200
        issued = httpx.post(f"{product.base}/credit/v1/api-keys", headers=auth,
                            json={"name": "kept", "roles": ["auditor"]})
        assert issued.status_code == 201
        key_id = issued.json()["key_id"]
    finally:
        assert product.stop() == 0  # Ctrl-C stops it cleanly
    for name in ("ledger", "credit", "dunning", "reporting"):
        assert (tmp_path / "var" / f"{name}.sqlite3").exists()

    # An event committed just before a crash, never delivered: the restart must deliver it.
    late = new_envelope(ApiKeyIssuedV1(key_id="late-key", key_hash="0" * 64, name="late", roles=["auditor"],
                                       issued_at=datetime.now(timezone.utc)), "/ledger")
    with sqlite3.connect(tmp_path / "var" / "ledger.sqlite3") as db:
        db.execute("INSERT INTO outbox (event_id, topic, key, event_type, attributes, payload, created_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (late.id, late.topic, late.key, late.type, json.dumps(late.attributes()),
                    json.dumps(late.data), datetime.now(timezone.utc).isoformat()))

    product.start()
    try:
        for name in ("credit", "dunning", "reporting"):
            assert eventually(lambda: "late-key" in key_ids(product.base, name, auth)), name
        for name in ("credit", "reporting"):  # stored by credit, propagated to reporting by an event
            keys = httpx.get(f"{product.base}/{name}/v1/api-keys", headers=auth).json()
            assert key_id in [k["key_id"] for k in keys], name
    finally:
        product.stop()
