from datetime import date

import pytest

from shared.money import Money
from services.ledger.domain.disputes import (
    DisputedItem, dispute_credit_plan, spread_dispute,
    ALLOWED_TRANSITIONS, Dispute, DisputeCategory, DisputeError, DisputeStatus as S, IllegalTransition, Resolution,
    open_dispute, resolve_invalid, resolve_valid, start_investigation, transition,
    withdraw,
)
from services.ledger.domain.working_days import WorkCalendar
from shared.errors import RuleError


def cny(value: str) -> Money:
    return Money.of(value, "CNY")


MON = date(2024, 3, 4)


def opened(amount: str = "400") -> Dispute:
    return open_dispute("INV-1", cny(amount), cny("1000"), "pricing", "unit price differs from the contract", MON)


def investigating(amount: str = "400") -> Dispute:
    return start_investigation(opened(amount), date(2024, 3, 5))


def test_fact_finding_is_due_15_working_days_out_on_the_calendar_given():
    assert opened().fact_finding_due == date(2024, 3, 25)  # weekends only: three weeks of five days
    labour_day = WorkCalendar.of({date(2024, 5, d) for d in range(1, 6)}, {date(2024, 4, 28)}, official=False)
    d = open_dispute("INV-1", cny("1"), cny("1"), "quality", "broken", date(2024, 4, 26), calendar=labour_day)
    assert d.fact_finding_due == date(2024, 5, 21)  # 28 Apr (make-up), 29, 30, then 6-10, 13-17, 20, 21 May
    # China's public calendar: National Day 2026 (1-7 Oct off, Sat 10 Oct worked in lieu)
    d = open_dispute("INV-1", cny("1"), cny("1"), "quality", "broken", date(2026, 9, 29), calendar=WorkCalendar())
    assert d.fact_finding_due == date(2026, 10, 26)  # 30 Sep, 8, 9, 10 (Sat), 12-16, 19-23, 26 Oct


def test_opening_rules():
    d = opened()
    assert d.status is S.OPEN and d.category is DisputeCategory.PRICING and d.resolution is None
    assert open_dispute("I", cny("1000"), cny("1000"), DisputeCategory.OTHER, " x ", MON).note == "x"
    with pytest.raises(DisputeError) as err:
        open_dispute("I", cny("1000.01"), cny("1000"), "pricing", "n", MON)
    assert err.value.field == "amount" and err.value.rule == "dispute.exceeds_open"
    for bad in ("0", "-1"):
        with pytest.raises(DisputeError) as err:
            open_dispute("I", cny(bad), cny("1000"), "pricing", "n", MON)
        assert err.value.field == "amount"
    with pytest.raises(DisputeError) as err:
        open_dispute("I", cny("1"), cny("1000"), "weather", "n", MON)
    assert err.value.field == "category"
    with pytest.raises(DisputeError) as err:
        open_dispute("I", cny("1"), cny("1000"), "pricing", "  ", MON)
    assert err.value.field == "note"
    with pytest.raises(DisputeError):
        open_dispute("I", Money.of("1", "USD"), cny("1000"), "pricing", "n", MON)


def test_all_categories():
    assert {c.value for c in DisputeCategory} == {"pricing", "quantity", "quality", "delivery",
                                                  "duplicate_billing", "other"}


@pytest.mark.parametrize("resolution, credit, expected_credit", [
    (Resolution.CREDIT_NOTE, None, "400"), (Resolution.CREDIT_NOTE, "150", "150"),
    (Resolution.DISCOUNT, "80", "80"), (Resolution.RETURN_OFFSET, None, "400"), ("return_offset", "399.99", "399.99"),
])
def test_valid_outcomes_credit_and_release_the_rest(resolution, credit, expected_credit):
    d, adj = resolve_valid(investigating(), resolution, date(2024, 3, 20), credit=cny(credit) if credit else None)
    assert d.status is S.RESOLVED_VALID and d.resolution is Resolution(resolution)
    assert d.closed_on == date(2024, 3, 20)
    assert adj.credit == cny(expected_credit)
    assert adj.credit + adj.released == cny("400")
    assert adj.schedule == ()


def test_valid_by_instalments_reschedules_without_crediting():
    d, adj = resolve_valid(investigating(), Resolution.INSTALMENTS, date(2024, 3, 20),
                           schedule=[(date(2024, 5, 1), cny("200")), (date(2024, 4, 1), cny("200"))])
    assert adj.credit == cny("0") and adj.released == cny("400")
    assert [(i.seq, i.due_date) for i in adj.schedule] == [(1, date(2024, 4, 1)), (2, date(2024, 5, 1))]
    with pytest.raises(DisputeError) as err:
        resolve_valid(investigating(), Resolution.INSTALMENTS, date(2024, 3, 20),
                      schedule=[(date(2024, 4, 1), cny("100"))])
    assert err.value.field == "schedule" and err.value.rule == "instalments.sum"
    with pytest.raises(DisputeError) as err:
        resolve_valid(investigating(), Resolution.INSTALMENTS, date(2024, 3, 20),
                      schedule=[(date(2024, 3, 1), cny("400"))])
    assert err.value.field == "schedule[0].due_date"
    with pytest.raises(DisputeError):
        resolve_valid(investigating(), Resolution.INSTALMENTS, date(2024, 3, 20), credit=cny("1"),
                      schedule=[(date(2024, 4, 1), cny("400"))])


def test_valid_outcome_errors():
    with pytest.raises(DisputeError) as err:
        resolve_valid(investigating(), Resolution.DISCOUNT, date(2024, 3, 20))
    assert err.value.field == "credit"
    for credit in (cny("400.01"), cny("0"), Money.of("1", "USD")):
        with pytest.raises(DisputeError):
            resolve_valid(investigating(), Resolution.CREDIT_NOTE, date(2024, 3, 20), credit=credit)
    with pytest.raises(DisputeError):
        resolve_valid(investigating(), Resolution.DISCOUNT, date(2024, 3, 20), credit=cny("1"),
                      schedule=[(date(2024, 4, 1), cny("400"))])
    with pytest.raises(ValueError):
        resolve_valid(investigating(), "refund", date(2024, 3, 20))


def test_invalid_releases_everything_and_collection_resumes():
    d, adj = resolve_invalid(investigating(), date(2024, 3, 25))
    assert d.status is S.RESOLVED_INVALID and d.closed_on == date(2024, 3, 25)
    assert adj.credit == cny("0") and adj.released == cny("400") and adj.resolution is None


def test_withdrawal_from_open_or_investigating():
    for d in (opened(), investigating()):
        w, adj = withdraw(d, date(2024, 3, 6))
        assert w.status is S.WITHDRAWN and adj.released == cny("400")


def test_fact_finding_cannot_be_skipped_and_final_states_stay_final():
    with pytest.raises(IllegalTransition) as err:
        resolve_valid(opened(), Resolution.CREDIT_NOTE, MON)
    assert err.value.field == "status" and err.value.status == 409
    with pytest.raises(IllegalTransition):
        resolve_invalid(opened(), MON)
    done, _ = resolve_invalid(investigating(), date(2024, 3, 25))
    for to in S:
        with pytest.raises(IllegalTransition):
            transition(done, to, date(2024, 3, 26))
    with pytest.raises(IllegalTransition):
        start_investigation(investigating(), date(2024, 3, 6))


def test_transitions_table_and_dates():
    assert ALLOWED_TRANSITIONS[S.OPEN] == {S.INVESTIGATING, S.WITHDRAWN}
    assert ALLOWED_TRANSITIONS[S.INVESTIGATING] == {S.RESOLVED_VALID, S.RESOLVED_INVALID, S.WITHDRAWN}
    assert start_investigation(opened(), MON).closed_on is None
    with pytest.raises(DisputeError) as err:
        start_investigation(opened(), date(2024, 3, 1))
    assert err.value.rule == "dispute.date"
    assert isinstance(err.value, RuleError)


def test_a_new_dispute_covers_undisputed_parts_oldest_due_first():
    items = [DisputedItem(("I", 2), date(2026, 6, 1), 500, 0), DisputedItem(("I", 1), date(2026, 5, 1), 400, 100)]
    assert spread_dispute(items, 450) == [(("I", 1), 300), (("I", 2), 150)]


def test_a_disputes_own_credit_settles_the_disputed_parts_then_what_is_open():
    items = [DisputedItem(("I", 1), date(2026, 5, 1), 400, 100), DisputedItem(("I", 2), date(2026, 6, 1), 500, 50)]
    assert dispute_credit_plan(items, 120) == [(("I", 1), 100, True), (("I", 2), 20, True)]
    # the disputed parts shrank (paid meanwhile): the rest reduces what is open, oldest first
    assert dispute_credit_plan(items, 200) == [(("I", 1), 100, True), (("I", 2), 50, True), (("I", 1), 50, False)]
