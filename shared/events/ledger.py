"""Facts about receivables: what billing sends us and what the ledger publishes.

Billing's `invoice-issued` and `payment-received` are input: only the ledger reads them.
What the ledger booked it publishes as its own facts (`invoice-recorded`,
`payment-recorded`, allocations, settlements, credit notes, write-offs, disputes,
reversals, refunds); every other service builds on those, never on billing's messages.

Every payload carries its effective date (issue, received, as-of) beside the CloudEvents
`time` it was produced at: reports are computed as of any date and back-dated events are
normal."""
from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.contract import EventPayload
from shared.ids import BusinessId
from shared.money import CurrencyCode, DecimalAmount
from shared.wire import TEXT_PATTERN, AmountIn, CurrencyIn, DateIn



#: bounds of billing's lists: a 10-year monthly schedule; a remittance advice of a year of invoices
MAX_INSTALMENTS, MAX_ALLOCATIONS = 120, 1000


class InstalmentLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    due_date: DateIn
    amount: AmountIn


class Contact(BaseModel):
    """Who receives the customer's paperwork and reminders (the bill-to contact)."""
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str | None = Field(None, max_length=200, pattern=TEXT_PATTERN)
    email: str | None = Field(None, max_length=254, pattern=TEXT_PATTERN)
    mobile: str | None = Field(None, max_length=40, pattern=TEXT_PATTERN)
    address: str | None = Field(None, max_length=500, pattern=TEXT_PATTERN)
    language: Literal["zh-CN", "en"] | None = None


class InvoiceIssuedV1(EventPayload):
    """An invoice on credit terms, as billing sends it (input: only the ledger reads it).
    Resending the same invoice is harmless; the ledger publishes what it booked as
    `invoice-recorded`."""
    topic: ClassVar[str] = "invoice-issued"
    subject_field: ClassVar[str] = "invoice_number"

    invoice_number: BusinessId
    customer_id: BusinessId
    issue_date: DateIn
    due_date: DateIn | None = Field(None, description="give due_date or payment_terms")
    payment_terms: str | None = Field(None, description="NET30, EOM+15, SHIP+30 or RECEIPT+30; monthly "
                                                         "settlement (月结) is EOM or EOM+N", max_length=40)
    shipment_date: DateIn | None = Field(None, description="date on the consignment note, for SHIP+N terms")
    receipt_date: DateIn | None = Field(None, description="when the customer received the invoice, if known "
                                                          "already, for RECEIPT+N terms (票到后N天)")
    amount: AmountIn
    currency: CurrencyIn
    instalments: list[InstalmentLine] | None = Field(None, max_length=MAX_INSTALMENTS)
    contract_ref: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    delivery_ref: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    order_ref: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN,
                                  description="releases the credit reservation")
    region: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    product_line: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    customer_type: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    salesperson: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    bill_to: Contact | None = Field(None, description="the customer's contact for this invoice")


class RecordedInstalment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    seq: int = Field(ge=1)
    due_date: date | None = Field(description="None: due N days after the customer receives the invoice "
                                              "(RECEIPT+N terms), not received yet, so not overdue")
    amount: DecimalAmount


class InvoiceRecordedV1(EventPayload):
    """An invoice as the ledger booked it, whatever its source (billing's event, the API, an
    import): the due date resolved from the terms, every instalment with its own due date
    and amount. Published once per invoice number; a resent invoice is not published again."""
    topic: ClassVar[str] = "invoice-recorded"
    subject_field: ClassVar[str] = "invoice_number"

    invoice_number: BusinessId
    customer_id: BusinessId
    issue_date: date
    due_date: date | None = Field(description="when the whole invoice is due: its last instalment's due date; "
                                              "None until a RECEIPT+N invoice is received")
    payment_terms: str | None = Field(None, description="the canonical code the due date came from, e.g. NET30")
    shipment_date: date | None = None
    amount: DecimalAmount
    currency: CurrencyCode
    instalments: list[RecordedInstalment] = Field(min_length=1, description="each due date and amount; one "
                                                                           "line for an invoice without a schedule")
    contract_ref: str | None = None
    delivery_ref: str | None = None
    order_ref: str | None = None
    region: str | None = None
    product_line: str | None = None
    customer_type: str | None = None
    salesperson: str | None = None
    bill_to: Contact | None = None
    flags: list[str] = Field(default_factory=list, description="what a ledger rule found and let through, e.g. "
                                                               "large_order.down_payment")
    recorded_via: Literal["billing", "api", "import"] = Field(description="where the ledger got it")


class DueDateChange(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    seq: int = Field(ge=1)
    due_date: date
    previous_due_date: date | None = Field(description="None: it had none (a RECEIPT+N invoice not received)")


class InvoiceDueDatesChangedV1(EventPayload):
    """The ledger moved an invoice's due dates: a term extension (展期) approved in credit,
    or the customer's receipt of an invoice on RECEIPT+N terms (票到后N天). Every instalment
    still open, with its new and previous due date; the aging clock follows the new ones."""
    topic: ClassVar[str] = "invoice-due-dates-changed"
    subject_field: ClassVar[str] = "invoice_number"

    invoice_number: BusinessId
    customer_id: BusinessId
    reason: Literal["term_extension", "receipt"]
    reference: str = Field(max_length=200, description="the approved application, or the receipt's proof")
    effective_date: date
    due_date: date = Field(description="the invoice's new due date (its last instalment's)")
    instalments: list[DueDateChange] = Field(min_length=1)


class AllocationLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    invoice_number: BusinessId
    amount: AmountIn


class PaymentReceivedV1(EventPayload):
    """Cash received from a customer, optionally with the invoices it pays."""
    topic: ClassVar[str] = "payment-received"
    subject_field: ClassVar[str] = "payment_reference"

    payment_reference: BusinessId
    customer_id: BusinessId
    received_date: DateIn
    amount: AmountIn
    currency: CurrencyIn
    method: Literal["bank_transfer", "cheque", "cash", "direct_debit", "card", "other"] = "bank_transfer"
    allocations: list[AllocationLine] | None = Field(None, max_length=MAX_ALLOCATIONS)


class PaymentRecordedV1(EventPayload):
    """A payment as the ledger booked it: the cash received, how, and what of it paid
    invoices at once, stayed on account or recovered written-off debt. What it paid is
    in `payment-allocated` (also later, when cash on account is applied)."""
    topic: ClassVar[str] = "payment-recorded"
    subject_field: ClassVar[str] = "payment_reference"

    payment_reference: BusinessId
    customer_id: BusinessId
    received_date: date
    amount: DecimalAmount
    currency: CurrencyCode
    method: Literal["bank_transfer", "cheque", "cash", "direct_debit", "card", "other"]
    applied_amount: DecimalAmount
    unapplied_amount: DecimalAmount
    recovered_amount: DecimalAmount
    recorded_via: Literal["billing", "api", "import"]


class OverdueThresholdV1(EventPayload):
    """An open instalment crossed a day threshold relative to its due date (negative =
    before due). Emitted once per (instalment, threshold) by the ledger's aging clock."""
    topic: ClassVar[str] = "overdue-threshold"
    subject_field: ClassVar[str] = "invoice_number"

    invoice_number: BusinessId
    instalment_seq: int = Field(ge=1)
    customer_id: BusinessId
    threshold_days: int
    as_of: date
    due_date: date
    days_overdue: int
    open_amount: DecimalAmount
    customer_open_amount: DecimalAmount | None = None
    currency: CurrencyCode
    region: str | None = None
    product_line: str | None = None
    customer_type: str | None = None
    salesperson: str | None = None


class AppliedLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    invoice_number: str
    instalment_seq: int
    amount: DecimalAmount
    due_date: date = Field(description="the instalment's due date; for an invoice on RECEIPT+N terms not received "
                                       "yet, the date the amount was applied (paid before its clock started)")


class PaymentAllocatedV1(EventPayload):
    """Cash applied to invoices (from a payment or from unapplied cash)."""
    topic: ClassVar[str] = "payment-allocated"
    subject_field: ClassVar[str] = "payment_reference"

    payment_reference: str
    customer_id: str
    received_date: date
    effective_date: date
    currency: CurrencyCode
    lines: list[AppliedLine]
    unapplied_amount: DecimalAmount
    days_late_weighted: int | None = Field(
        None, description="amount-weighted days paid after due, for credit's repayment score")


class InvoiceSettledV1(EventPayload):
    topic: ClassVar[str] = "invoice-settled"
    subject_field: ClassVar[str] = "invoice_number"

    invoice_number: str
    customer_id: str
    settled_date: date
    due_date: date = Field(description="the invoice's due date; the settled date for an invoice on RECEIPT+N "
                                       "terms settled before its receipt was recorded")
    days_late: int
    amount: DecimalAmount
    currency: CurrencyCode


class CreditNoteIssuedV1(EventPayload):
    topic: ClassVar[str] = "credit-note-issued"
    subject_field: ClassVar[str] = "credit_note_number"

    credit_note_number: str
    customer_id: str
    invoice_number: str | None
    issue_date: date
    amount: DecimalAmount
    currency: CurrencyCode
    reason: str


class InvoiceWrittenOffV1(EventPayload):
    topic: ClassVar[str] = "invoice-written-off"
    subject_field: ClassVar[str] = "invoice_number"

    write_off_id: str
    invoice_number: str
    customer_id: str
    effective_date: date
    amount: DecimalAmount
    currency: CurrencyCode
    reason: str
    requested_by: str
    approved_by: str


class WriteOffRecoveredV1(EventPayload):
    topic: ClassVar[str] = "write-off-recovered"
    subject_field: ClassVar[str] = "invoice_number"

    invoice_number: str
    customer_id: str
    payment_reference: str
    received_date: date
    amount: DecimalAmount
    currency: CurrencyCode


class DisputeOpenedV1(EventPayload):
    topic: ClassVar[str] = "dispute-opened"
    subject_field: ClassVar[str] = "invoice_number"

    dispute_id: str
    invoice_number: str
    customer_id: str
    opened_date: date
    fact_finding_due: date
    amount: DecimalAmount
    currency: CurrencyCode
    category: str
    note: str | None = None


class DisputeResolvedV1(EventPayload):
    topic: ClassVar[str] = "dispute-resolved"
    subject_field: ClassVar[str] = "invoice_number"

    dispute_id: str
    invoice_number: str
    customer_id: str
    resolved_date: date
    outcome: Literal["valid", "invalid", "withdrawn"] = Field(
        description="valid: the claim holds (settled as `settlement`); invalid or withdrawn: collection resumes")
    settlement: str | None = Field(None, description="credit_note, discount, return_offset or instalments")
    amount: DecimalAmount
    adjusted_amount: DecimalAmount
    currency: CurrencyCode
    our_fault: bool = Field(False, description="the cause was ours (quality, late delivery)")
    credit_note_number: str | None = Field(None, description="the credit note booked for the adjusted amount")
    instalments: list[InstalmentLine] | None = Field(
        None, description="for settlement=instalments: the disputed amount's new schedule")


class PaymentReversedV1(EventPayload):
    """A payment undone, e.g. a bounced cheque (空头支票): credit treats it as a red flag."""
    topic: ClassVar[str] = "payment-reversed"
    subject_field: ClassVar[str] = "payment_reference"

    payment_reference: str
    customer_id: str
    reversed_date: date
    amount: DecimalAmount
    currency: CurrencyCode
    reason: str
    bounced: bool = True
    reopened: list[AppliedLine] = []


class RefundIssuedV1(EventPayload):
    """Unapplied cash or credit on account paid back to the customer: raises the balance."""
    topic: ClassVar[str] = "refund-issued"
    subject_field: ClassVar[str] = "refund_reference"

    refund_reference: str
    customer_id: str
    refund_date: date
    amount: DecimalAmount
    currency: CurrencyCode
