"""Red flags raised from facts and the own-fault excuse (002 §8.1) on dispute resolution."""
import pytest

from services.credit.domain.red_flags import (
    OwnFaultCause, RaisedFlag, RedFlag, RedFlagReport, evaluate_red_flags, excused_by_dispute, write_off_cause,
)

BAD_DEBT = RaisedFlag("write_off:WO-1", RedFlag.PRIOR_BAD_DEBT_OR_BREACH)
BOUNCED = RaisedFlag("bounced:P-1", RedFlag.BOUNCED_CHEQUE)
EXCUSED = RaisedFlag("write_off:WO-0", RedFlag.PRIOR_BAD_DEBT_OR_BREACH, OwnFaultCause.LATE_DELIVERY)


def test_a_dispute_found_our_fault_excuses_the_unexcused_bad_debt_flags_of_its_invoice_only():
    assert excused_by_dispute([BAD_DEBT, BOUNCED, EXCUSED], our_fault=True, invoice_already_ours=False) == (
        "write_off:WO-1",)


def test_nothing_is_excused_when_the_fault_was_not_ours_or_was_found_before():
    assert excused_by_dispute([BAD_DEBT], our_fault=False, invoice_already_ours=False) == ()
    assert excused_by_dispute([BAD_DEBT], our_fault=True, invoice_already_ours=True) == ()


def test_a_write_off_is_bad_debt_unless_its_invoice_was_found_our_fault():
    assert write_off_cause(False) is None
    assert write_off_cause(True) is OwnFaultCause.OTHER_NONCONFORMITY


def test_only_bad_debt_can_be_excused_and_an_excused_flag_forces_nothing():
    with pytest.raises(ValueError):
        RedFlagReport(RedFlag.BOUNCED_CHEQUE, OwnFaultCause.QUALITY_COMPLAINT)
    outcome = evaluate_red_flags([RedFlagReport(RedFlag.PRIOR_BAD_DEBT_OR_BREACH, OwnFaultCause.LATE_DELIVERY)])
    assert not outcome.forces_worst_grade and len(outcome.excused) == 1
