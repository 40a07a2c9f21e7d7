"""Every registered payload class, by CloudEvents type. Adding an event = adding its
class to one of the modules below and to PAYLOADS."""
from __future__ import annotations

from shared.events import credit, dunning, ledger, platform
from shared.events.contract import EventPayload
from shared.events.topics import topic_partitions

PAYLOADS: tuple[type[EventPayload], ...] = (
    ledger.InvoiceIssuedV1, ledger.PaymentReceivedV1, ledger.InvoiceRecordedV1, ledger.PaymentRecordedV1,
    ledger.InvoiceDueDatesChangedV1, ledger.OverdueThresholdV1, ledger.PaymentAllocatedV1,
    ledger.InvoiceSettledV1, ledger.CreditNoteIssuedV1, ledger.InvoiceWrittenOffV1,
    ledger.WriteOffRecoveredV1, ledger.DisputeOpenedV1, ledger.DisputeResolvedV1, ledger.PaymentReversedV1,
    ledger.RefundIssuedV1, credit.CustomerProfileChangedV1, credit.TermExtensionApprovedV1,
    credit.CreditGradeChangedV1, credit.CreditLimitChangedV1, credit.CustomerHoldPlacedV1,
    credit.CustomerHoldReleasedV1, credit.CustomerBlacklistedV1, credit.OrderCreditReservedV1,
    dunning.PromiseToPayBrokenV1, dunning.DunningActionTakenV1, dunning.PromiseToPayMadeV1,
    dunning.PromiseToPayKeptV1, dunning.RepaymentPlanCreatedV1, dunning.RepaymentPlanBreachedV1,
    dunning.LegalCaseOpenedV1, dunning.LegalCaseStageChangedV1, dunning.LegalCaseClosedV1,
    dunning.DunningHoldRequestedV1, dunning.BlacklistRequestedV1, platform.ApiKeyIssuedV1, platform.ApiKeyRevokedV1,
)

BY_TYPE: dict[str, type[EventPayload]] = {p.event_type(): p for p in PAYLOADS}


def payload_class(event_type: str) -> type[EventPayload]:
    try:
        return BY_TYPE[event_type]
    except KeyError:
        raise LookupError(f"unknown event type {event_type!r}") from None


def check_topics() -> None:
    declared = topic_partitions()
    missing = sorted({p.topic for p in PAYLOADS} - set(declared))
    if missing:
        raise RuntimeError(f"payload topics missing from topics.txt: {missing}")
