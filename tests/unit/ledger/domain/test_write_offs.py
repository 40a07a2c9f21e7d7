from datetime import date

import pytest

from shared.money import Money
from services.ledger.domain.write_offs import (
    WriteOffCause, WriteOffError, WriteOffForbidden, WriteOffGrounds, WriteOffStatus as S, WriteOffTransitionError,
    approve_write_off, check_grounds,
    record_recovery, recoverable_total, reject_write_off, request_write_off,
)


def cny(value: str) -> Money:
    return Money.of(value, "CNY")


DAY = date(2024, 6, 1)


def requested(amount: str = "500"):
    return request_write_off("INV-9", cny(amount), cny("800"), "customer bankrupt", "alice", ["finance"], DAY)


def approved(amount: str = "500"):
    return approve_write_off(requested(amount), "bob", ["general_manager"], date(2024, 6, 3))


def test_request_needs_finance_a_reason_and_an_amount_within_the_open_amount():
    w = requested()
    assert w.status is S.REQUESTED and w.reason == "customer bankrupt" and w.recovered_total == cny("0")
    with pytest.raises(WriteOffForbidden) as err:
        request_write_off("INV-9", cny("1"), cny("800"), "r", "carol", ["sales", "sales_manager"], DAY)
    assert err.value.status == 403 and err.value.field == "requested_by"
    with pytest.raises(WriteOffError) as err:
        request_write_off("INV-9", cny("1"), cny("800"), " ", "alice", ["finance"], DAY)
    assert err.value.field == "reason"
    with pytest.raises(WriteOffError) as err:
        request_write_off("INV-9", cny("800.01"), cny("800"), "r", "alice", ["finance"], DAY)
    assert err.value.rule == "write_off.exceeds_open"
    for bad in (cny("0"), cny("-1"), Money.of("1", "USD")):
        with pytest.raises(WriteOffError):
            request_write_off("INV-9", bad, cny("800"), "r", "alice", ["Finance"], DAY)


def test_approval_by_a_second_person_with_finance_or_gm_role():
    w = approved()
    assert w.status is S.APPROVED and w.decided_by == "bob" and w.decided_on == date(2024, 6, 3)
    assert approve_write_off(requested(), "dave", [" FINANCE "], DAY).status is S.APPROVED


def test_approval_by_the_requester_is_refused():
    with pytest.raises(WriteOffForbidden) as err:
        approve_write_off(requested(), "alice", ["finance", "general_manager"], DAY)
    assert err.value.rule == "write_off.same_person" and err.value.field == "approved_by"


def test_approver_without_the_role_is_refused():
    with pytest.raises(WriteOffForbidden) as err:
        approve_write_off(requested(), "erin", ["sales_manager"], DAY)
    assert err.value.rule == "write_off.approver_role"


def test_approval_rechecks_a_fallen_open_amount_and_dates():
    with pytest.raises(WriteOffError) as err:
        approve_write_off(requested(), "bob", ["finance"], DAY, open_amount=cny("400"))
    assert err.value.rule == "write_off.exceeds_open"
    with pytest.raises(WriteOffError) as err:
        approve_write_off(requested(), "bob", ["finance"], date(2024, 5, 31))
    assert err.value.rule == "write_off.date"


def test_rejection_and_final_states():
    r = reject_write_off(requested(), "bob", ["finance"], DAY, "still collectable")
    assert r.status is S.REJECTED and r.decision_note == "still collectable"
    assert r.recoverable == cny("0")
    for w in (r, approved()):
        with pytest.raises(WriteOffTransitionError) as err:
            approve_write_off(w, "frank", ["finance"], DAY)
        assert err.value.status == 409
        with pytest.raises(WriteOffTransitionError):
            reject_write_off(w, "frank", ["finance"], DAY)
    with pytest.raises(WriteOffForbidden):
        reject_write_off(requested(), "alice", ["finance"], DAY)


def test_recoveries_up_to_the_written_off_amount():
    w = approved()
    w = record_recovery(w, cny("200"), date(2024, 7, 1))
    w = record_recovery(w, cny("300"), date(2024, 8, 1))
    assert w.recovered_total == cny("500") and w.recoverable == cny("0")
    with pytest.raises(WriteOffError) as err:
        record_recovery(w, cny("0.01"), date(2024, 8, 2))
    assert err.value.rule == "write_off.over_recovered"


def test_recovery_errors():
    with pytest.raises(WriteOffTransitionError):
        record_recovery(requested(), cny("1"), DAY)
    for bad in (cny("0"), Money.of("1", "USD")):
        with pytest.raises(WriteOffError):
            record_recovery(approved(), bad, date(2024, 7, 1))
    with pytest.raises(WriteOffError) as err:
        record_recovery(approved(), cny("1"), date(2024, 6, 2))
    assert err.value.rule == "write_off.date"


def test_recoverable_total_across_write_offs():
    ws = [record_recovery(approved("500"), cny("100"), date(2024, 7, 1)), approved("200"), requested("50"),
          request_write_off("INV-U", Money.of("9", "USD"), Money.of("9", "USD"), "r", "alice", ["finance"], DAY)]
    assert recoverable_total(ws, "CNY") == cny("600")


@pytest.mark.parametrize("grounds, field", [
    (WriteOffGrounds(179), "cause"),
    (WriteOffGrounds(-30), "cause"),
    (WriteOffGrounds(0, WriteOffCause.BANKRUPTCY, " "), "cause_reference"),
])
def test_a_write_off_needs_its_age_or_a_documented_cause(grounds, field):
    with pytest.raises(WriteOffError) as err:
        check_grounds(grounds, 180)
    assert err.value.field == field


def test_grounds_that_suffice():
    check_grounds(WriteOffGrounds(180), 180)
    check_grounds(WriteOffGrounds(0, WriteOffCause.COURT_RULING, "(2026)沪01执123号"), 180)
