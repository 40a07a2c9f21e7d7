"""Legal cases over HTTP (open, stages forward, evidence missing, assessment, events) and the
demand letter delivered through the real channels and fetched back as a PDF whose Chinese
text extracts."""
import io
from datetime import date, timedelta

from pypdf import PdfReader

from services.dunning.bootstrap import dependencies
from services.dunning.config import DunningConfig
from tests.support.dunning import case_of, dispatch, dunning_alone, emitted, invoice, ledger, opened, overdue, set_today

DUE = date(2026, 3, 2)


async def test_a_legal_case_moves_forward_lists_missing_evidence_and_closes(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        case = await opened(client, days=70, amount="100000.00")
        url = f"/dunning/v1/cases/{case['case_id']}/legal"
        assert (await client.post(url, json={}, headers=k["collector"])).status_code == 403
        r = await client.post(url, json={"kind": "litigation", "counsel": "金杜律师事务所"}, headers=k["legal"])
        assert r.status_code == 201, r.text
        legal = r.json()
        assert legal["stage"] == "letter" and legal["claim"] == "100000.00" and len(legal["missing_evidence"]) == 9
        assert (await client.post(url, json={}, headers=k["legal"])).status_code == 409
        patch = f"/dunning/v1/legal-cases/{legal['legal_case_id']}"
        r = await client.patch(patch, headers=k["legal"], json={
            "stage": "filed", "court_case_number": "(2026)沪0115民初1号", "evidence": ["contract", "contact_log"],
            "assessment": {"estimated_cost": "8000.00", "expected_recovery_percent": 60}, "costs": "1200.00"})
        assert r.status_code == 200, r.text
        assert r.json()["worth_suing"] is True and "contract" not in r.json()["missing_evidence"]
        r = await client.patch(patch, headers=k["legal"], json={"stage": "letter"})
        assert r.status_code == 422 and r.json()["errors"][0]["rule"] == "legal.stage_backwards"
        r = await client.patch(patch, headers=k["legal"], json={"stage": "closed", "outcome": "settled in court"})
        assert r.json()["closed_on"] is not None
        assert (await client.patch(patch, headers=k["legal"], json={"stage": "closed"})).status_code == 409
        assert [e["stage"] for e in await emitted(client, "legal-case-stage-changed")] == ["filed", "closed"]
        assert len(await emitted(client, "legal-case-opened")) == 1
        assert len(await emitted(client, "legal-case-closed")) == 1
        page = (await client.get("/dunning/v1/legal-cases?stage=closed")).json()
        assert page["total"] == 1 and page["items"][0]["outcome"] == "settled in court"
        assert (await client.patch("/dunning/v1/legal-cases/NOPE", json={})).status_code == 404


async def test_the_demand_letter_through_the_channels_and_its_pdf(tmp_path, monkeypatch):
    monkeypatch.setenv("AR_DUNNING_COMPANY_NAME", "上海示例有限公司")
    async with dunning_alone(tmp_path) as (client, k):
        runtime = client.host.runtime("dunning")
        runtime.deps = dependencies(runtime, DunningConfig())  # the channels; no SMTP host: e-mail fails for good
        set_today(client, DUE + timedelta(days=60))
        await ledger(client, invoice("INV-9", "C9", DUE, "88000.00"),
                     overdue("INV-9", "C9", DUE, DUE + timedelta(days=60), "88000.00"))
        report = await dispatch(client)
        assert report.sent == 1 and report.failed == 0
        case = await case_of(client, "C9")
        [letter] = [a for a in case["steps_done"] if a["step"] == "demand_letter"]
        assert letter["status"] == "sent" and letter["channel"] == "letter"
        assert case["channels"] == [{"channel": "letter", "sent": 1, "queued": 0, "failed": 0, "last_error": None}]
        r = await client.get(f"/dunning/v1/actions/{letter['action_id']}/document")
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(r.content)).pages)
        assert "88,000.00" in text or "88000.00" in text
        assert "上海示例有限公司" in text
        [skipped] = [a for a in case["steps_done"] if a["step"] == "pre_due_reminder"]
        assert (await client.get(f"/dunning/v1/actions/{skipped['action_id']}/document")).status_code == 404


async def test_a_failing_channel_is_retried_then_failed_and_shows_on_the_case(tmp_path):
    async with dunning_alone(tmp_path, max_attempts=2) as (client, k):
        client.outbox.failing = "451 try later"
        await ledger(client, invoice("INV-8", "C8", DUE), overdue("INV-8", "C8", DUE, DUE + timedelta(days=3)))
        first = await dispatch(client)
        assert first.retried == 1
        client.clock.set(client.clock.now() + timedelta(days=1))  # past the backoff
        second = await dispatch(client)
        assert second.failed == 1
        case = await case_of(client, "C8")
        assert case["channels"][0]["failed"] == 1 and case["channels"][0]["last_error"] == "451 try later"
        assert {a["step"]: a["status"] for a in case["steps_done"]}["payment_notice"] == "failed"
