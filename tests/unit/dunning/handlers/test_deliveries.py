"""The dispatcher pipelines its batches (the next claimed and the last recorded while one is
on the wire): every message still goes out once, each attempt is recorded once, and a
retryable refusal waits for its backoff instead of being claimed again in the same run."""
from datetime import date, timedelta

from tests.support.dunning import case_of, configure, dispatch, dunning_alone, invoice, ledger, overdue

DUE = date(2026, 3, 2)


async def test_many_small_batches_send_each_message_once_and_record_each_attempt(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        outbox = configure(client, delivery_batch=2, delivery_concurrency=2)
        for n in range(7):  # seven customers, each with its pre-due reminder
            await ledger(client, invoice(f"INV-{n}", f"C{n}", DUE),
                         overdue(f"INV-{n}", f"C{n}", DUE, DUE - timedelta(days=7), threshold=-7))
        report = await dispatch(client)
        assert (report.sent, report.retried, report.failed) == (7, 0, 0)
        assert sorted(letter.context["customer_id"] for letter in outbox.sent) == [f"C{n}" for n in range(7)]
        assert (await dispatch(client)).sent == 0  # nothing left, nothing twice
        case = await case_of(client, "C3")
        assert [a["status"] for a in case["steps_done"]] == ["sent"]


async def test_a_retryable_refusal_is_recorded_once_and_waits_for_its_backoff(tmp_path):
    async with dunning_alone(tmp_path) as (client, k):
        outbox = configure(client, delivery_batch=1, delivery_concurrency=1)
        outbox.failing = "451 try later"
        for n in range(3):
            await ledger(client, invoice(f"INV-{n}", f"C{n}", DUE),
                         overdue(f"INV-{n}", f"C{n}", DUE, DUE - timedelta(days=7), threshold=-7))
        report = await dispatch(client)
        assert (report.sent, report.retried, report.failed) == (0, 3, 0)
        assert (await dispatch(client)).retried == 0  # not due again before the backoff
        outbox.failing = None
        case = await case_of(client, "C0")
        assert [a["status"] for a in case["steps_done"]] == ["queued"]
