"""Dunning on the real components: billing's invoice into the ledger, the ledger's aging
sweep on business dates set day by day (as AR_BUSINESS_DATE pins them) publishing through
Apache Kafka into dunning on PostgreSQL; messages delivered after commit to a real SMTP
server (aiosmtpd) and a local HTTP SMS provider; credit receiving the broken promise."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from services.credit.bootstrap import SERVICE as CREDIT
from services.credit.handlers import files
from services.dunning.bootstrap import SERVICE as DUNNING
from services.dunning.handlers import collection, deliveries, ladder
from services.ledger.bootstrap import SERVICE as LEDGER
from services.ledger.handlers.sweep import run_aging_sweep
from shared.clock import FixedClock
from shared.context import Context
from shared.events.envelope import new_envelope, to_kafka
from shared.events.ledger import InvoiceIssuedV1, OverdueThresholdV1
from shared.settings import Settings
from tests.support.dunning import kafka_worker, rows
from tests.support.infra import fresh_postgres_database
from tests.support.kafka import produce, wait_until
from tests.support.mail import MailServer
from tests.support.sms import SmsServer

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]
DUE = date(2026, 3, 2)
KEY = "it-admin-key-0123456789abcdef-xyz"
EXPECTED = {-7: "pre_due_reminder", 1: "day1_check", 7: "payment_notice", 15: "second_notice",
            30: "collector_call", 60: "demand_letter", 90: "legal_handoff", 180: "legal_decision"}


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 4, 0, tzinfo=timezone.utc)


def settings(**urls) -> Settings:
    return Settings(env="test", bootstrap_admin_key=KEY, relay_poll_seconds=0.05, consumer_backoff_seconds=0.05,
                    **urls)


def issued(number: str, customer: str) -> InvoiceIssuedV1:
    return InvoiceIssuedV1(invoice_number=number, customer_id=customer, issue_date=DUE - timedelta(days=30),
                           due_date=DUE, amount="12000.00", currency="CNY",
                           bill_to={"name": "张经理", "email": f"ap-{customer.lower()}@example.cn",
                                    "mobile": "13800000000", "address": "上海市浦东新区世纪大道100号",
                                    "language": "zh-CN"})


async def sweep(ledger_rt, clock: FixedClock, day: date) -> int:
    clock.set(at(day))
    return (await run_aging_sweep(ledger_rt.deps, ledger_rt.uow(), ledger_rt.system_context(), day)).events


async def steps(dunning_rt, customer: str) -> list[tuple[str, str]]:
    return await rows(dunning_rt, "SELECT step_key, status FROM dunning_actions WHERE customer_id = :c "
                                  "ORDER BY on_date, step_key", c=customer)


@pytest.fixture
async def databases(postgres_admin_url):
    async with fresh_postgres_database(postgres_admin_url) as ledger_url, \
            fresh_postgres_database(postgres_admin_url) as dunning_url, \
            fresh_postgres_database(postgres_admin_url) as credit_url:
        yield ledger_url, dunning_url, credit_url


async def test_the_whole_default_ladder_over_kafka_once_under_redelivery_with_real_mail_and_sms(
        databases, kafka_bootstrap, unique, monkeypatch):
    ledger_url, dunning_url, _ = databases
    customer = f"DK-{unique}"
    clock = FixedClock(at(DUE - timedelta(days=30)))
    with MailServer() as mail, SmsServer() as sms:
        monkeypatch.setenv("AR_DUNNING_SMTP_HOST", mail.host)
        monkeypatch.setenv("AR_DUNNING_SMTP_PORT", str(mail.port))
        monkeypatch.setenv("AR_DUNNING_SMS_URL", sms.url)
        monkeypatch.setenv("AR_DUNNING_COMPANY_NAME", "上海示例有限公司")
        async with kafka_worker(LEDGER, settings(ledger_database_url=ledger_url), clock, kafka_bootstrap,
                                f"ledger-{unique}") as ledger_rt, \
                kafka_worker(DUNNING, settings(dunning_database_url=dunning_url), clock, kafka_bootstrap,
                             f"dunning-{unique}") as dunning_rt:
            await produce(kafka_bootstrap, "invoice-issued", [to_kafka(new_envelope(issued(f"I-{unique}", customer),
                                                                                    "/billing"))])

            async def item_known() -> bool:
                return bool(await rows(dunning_rt, "SELECT 1 FROM dunning_items WHERE customer_id = :c", c=customer))
            assert await wait_until(item_known)
            expected: list[str] = []
            for days in (-7, -3, 1, 7, 15, 30, 60, 90, 180):
                assert await sweep(ledger_rt, clock, DUE + timedelta(days=days)) == 1
                if days in EXPECTED:
                    expected.append(EXPECTED[days])

                    async def reached() -> bool:
                        return sorted(s for s, _ in await steps(dunning_rt, customer)) == sorted(expected)
                    assert await wait_until(reached), (days, await steps(dunning_rt, customer))
            # the ledger's overdue facts republished (new event ids, the same business keys): nothing twice
            facts = await rows(ledger_rt, "SELECT payload FROM outbox WHERE topic = 'overdue-threshold' AND key = :c",
                               c=customer)
            assert len(facts) == 9
            await produce(kafka_bootstrap, "overdue-threshold", [
                to_kafka(new_envelope(OverdueThresholdV1.model_validate_json(p), "/ledger")) for (p,) in facts])

            async def all_consumed() -> bool:
                [(n,)] = await rows(dunning_rt, "SELECT count(*) FROM inbox WHERE topic = 'overdue-threshold'")
                return n >= 18
            assert await wait_until(all_consumed)
            done = await steps(dunning_rt, customer)
            assert sorted(s for s, _ in done) == sorted(EXPECTED.values())
            assert await sweep(ledger_rt, clock, DUE + timedelta(days=180)) == 0
            # delivered after commit: two e-mails, one SMS, the demand letter's PDF
            report = await deliveries.dispatch_all(dunning_rt.deps, dunning_rt.uow(), dunning_rt.system_context())
            assert (report.sent, report.failed) == (4, 0)
            mail.wait_for(2)
            assert {r.rcpt_tos for r in mail.messages} == {(f"ap-{customer.lower()}@example.cn",)}
            assert len(sms.requests) == 1
            statuses = dict(await steps(dunning_rt, customer))
            assert [statuses[s] for s in ("pre_due_reminder", "payment_notice", "second_notice", "demand_letter")] == \
                ["sent"] * 4
            [(legal,)] = await rows(dunning_rt, "SELECT count(*) FROM dunning_legal_cases")
            assert legal == 1


async def test_a_late_start_a_promise_pausing_the_ladder_and_its_breach_reaching_credit(
        databases, kafka_bootstrap, unique):
    ledger_url, dunning_url, credit_url = databases
    customer = f"DL-{unique}"
    clock = FixedClock(at(DUE - timedelta(days=30)))
    admin = Context("it", DUE, at(DUE), frozenset({"admin", "finance"}), "integration test")
    async with kafka_worker(LEDGER, settings(ledger_database_url=ledger_url), clock, kafka_bootstrap,
                            f"ledger-{unique}") as ledger_rt, \
            kafka_worker(DUNNING, settings(dunning_database_url=dunning_url), clock, kafka_bootstrap,
                         f"dunning-{unique}") as dunning_rt, \
            kafka_worker(CREDIT, settings(credit_database_url=credit_url), clock, kafka_bootstrap,
                         f"credit-{unique}") as credit_rt:
        docs = [files.DocumentInput(kind, f"REF-{kind}") for kind in files.DocumentKind]
        await files.put_file(credit_rt.deps, credit_rt.uow(), admin, customer,
                             files.FileInput(name=customer, onboarded_on=date(2024, 1, 1), documents=docs))
        await produce(kafka_bootstrap, "invoice-issued", [to_kafka(new_envelope(issued(f"I-{unique}", customer),
                                                                                "/billing"))])

        async def item_known() -> bool:
            return bool(await rows(dunning_rt, "SELECT 1 FROM dunning_items WHERE customer_id = :c", c=customer))
        assert await wait_until(item_known)
        # first swept 45 days after due (downtime): six thresholds at once, one step taken
        assert await sweep(ledger_rt, clock, DUE + timedelta(days=45)) == 6

        async def late_start() -> bool:
            return len(await steps(dunning_rt, customer)) == 5
        assert await wait_until(late_start)
        assert dict(await steps(dunning_rt, customer)) == {
            "pre_due_reminder": "skipped", "day1_check": "skipped", "payment_notice": "skipped",
            "second_notice": "skipped", "collector_call": "open"}
        [(case_id,)] = await rows(dunning_rt, "SELECT case_id FROM dunning_cases WHERE customer_id = :c", c=customer)
        promise_ctx = Context("it", DUE + timedelta(days=45), at(DUE + timedelta(days=45)),
                              frozenset({"admin", "collector"}), "collector")
        await collection.make_promise(dunning_rt.deps, dunning_rt.uow(), promise_ctx, case_id,
                                      amount=Decimal("5000.00"), currency="CNY",
                                      promised_date=DUE + timedelta(days=62))
        # day 60: the demand letter's day, but the promise (62 + 3 days' grace) pauses the ladder
        assert await sweep(ledger_rt, clock, DUE + timedelta(days=60)) == 1

        async def consumed_60() -> bool:
            [(n,)] = await rows(dunning_rt, "SELECT count(*) FROM inbox WHERE topic = 'overdue-threshold'")
            return n >= 7
        assert await wait_until(consumed_60)
        assert "demand_letter" not in dict(await steps(dunning_rt, customer))
        # day 66: the daily job breaks the promise and resumes the ladder with the step that fits
        clock.set(at(DUE + timedelta(days=66)))
        report = await ladder.run(dunning_rt.deps, dunning_rt.uow(), dunning_rt.system_context())
        assert report.promises_broken == 1
        assert dict(await steps(dunning_rt, customer))["demand_letter"] == "queued"

        async def credit_counted() -> bool:
            return bool(await rows(credit_rt, "SELECT 1 FROM broken_promises WHERE customer_id = :c", c=customer))
        assert await wait_until(credit_counted)
