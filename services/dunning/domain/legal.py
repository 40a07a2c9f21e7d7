"""Legal cases (法律程序): stages move forward only and `closed` is final; the evidence
package (000, 002, 003) lists what legal needs and what is still missing; the cost/risk
assessment before suing."""
from __future__ import annotations

from decimal import Decimal

from shared.errors import Conflict, RuleError

STAGES = ("letter", "filed", "hearing", "judgment", "enforcement", "closed")
EVIDENCE = ("contract", "delivery_proofs", "acceptance_proofs", "invoices_with_receipts", "reconciliations",
            "notices_and_letters", "contact_log", "promises_and_agreements", "counterparty_details")
#: what dunning holds itself and lists as present when it has any
OWN_EVIDENCE = ("contact_log", "promises_and_agreements", "notices_and_letters")


def check_stage(current: str, new: str) -> None:
    if current == "closed":
        raise Conflict("a closed legal case does not change stage", "stage", "legal.closed")
    if STAGES.index(new) < STAGES.index(current):
        raise RuleError(f"a legal case moves forward: {current} → {new} goes back", "stage", "legal.stage_backwards")


def missing_evidence(provided: set[str]) -> list[str]:
    return [e for e in EVIDENCE if e not in provided]


def worth_suing(claim: Decimal, expected_recovery_percent: Decimal, estimated_cost: Decimal) -> bool:
    """The assessment before suing: the expected recovery exceeds the cost."""
    return claim * expected_recovery_percent / 100 > estimated_cost
