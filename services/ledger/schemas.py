"""HTTP shapes of the ledger API: money as decimal strings, dates as YYYY-MM-DD."""
from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from services.ledger.domain.write_offs import WriteOffCause
from shared.events.ledger import Contact
from shared.events.ledger import MAX_ALLOCATIONS, MAX_INSTALMENTS
from shared.ids import BusinessId
from shared.money import DecimalAmount
from shared.wire import TEXT_PATTERN, AmountIn, CurrencyIn, DateIn, Timestamp



class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InstalmentIn(In):
    due_date: DateIn
    amount: AmountIn


class InvoiceIn(In):
    invoice_number: BusinessId = Field(examples=["INV-2026-0001"],
                                       description="unique; no `/`, `?`, `#` or control characters (it is a URL "
                                                   "path segment)")
    customer_id: BusinessId = Field(examples=["C-1001"])
    issue_date: DateIn
    due_date: DateIn | None = Field(None, description="give due_date, payment_terms or instalments")
    payment_terms: str | None = Field(None, max_length=40, description="NET30, EOM+15, SHIP+30 or RECEIPT+30 (due "
                                      "N days after the customer receives the invoice); monthly settlement (月结) is "
                                      "EOM or EOM+N", examples=["NET30"])
    shipment_date: DateIn | None = Field(None, description="date on the consignment note, for SHIP+N terms")
    receipt_date: DateIn | None = Field(None, description="when the customer received the invoice, if known "
                                                          "already (RECEIPT+N terms); else record it later")
    amount: AmountIn = Field(examples=["1200.00"])
    currency: CurrencyIn
    instalments: list[InstalmentIn] | None = Field(
        None, max_length=MAX_INSTALMENTS,
        description=f"optional schedule (e.g. 30% down payment, the rest at milestones); sums to amount; at most "
                    f"{MAX_INSTALMENTS} lines")
    contract_ref: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    delivery_ref: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    order_ref: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    region: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    product_line: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    customer_type: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    salesperson: str | None = Field(None, max_length=100, pattern=TEXT_PATTERN)
    bill_to: Contact | None = Field(None, description="who receives this invoice and its reminders")


class InstalmentOut(BaseModel):
    seq: int
    due_date: date | None = Field(description="none: due N days after the customer receives the invoice "
                                              "(RECEIPT+N terms), which is not recorded yet")
    amount: DecimalAmount
    open_amount: DecimalAmount
    disputed_amount: DecimalAmount
    days_overdue: int | None = Field(description="today minus the due date while it is open; none once settled")
    aging_bucket: str | None
    receivable_class: str | None = Field(description="not_yet_due, in_collection, quasi_doubtful, doubtful, dead")
    last_threshold_days: int | None = Field(description="the last aging threshold emitted for it")


class DisputeOut(BaseModel):
    dispute_id: str
    invoice_number: str
    instalment_seq: int | None
    customer_id: str
    amount: DecimalAmount
    currency: str
    category: str
    note: str
    opened_date: date
    fact_finding_due: date
    status: str
    outcome: str | None
    settlement: str | None
    credit_amount: DecimalAmount
    released_amount: DecimalAmount
    resolved_date: date | None
    our_fault: bool
    opened_by: str
    resolved_by: str | None


class WriteOffOut(BaseModel):
    write_off_id: str
    invoice_number: str
    customer_id: str
    amount: DecimalAmount
    currency: str
    reason: str
    cause: str | None = None
    cause_reference: str | None = None
    requested_by: str
    requested_date: date
    status: str
    decided_by: str | None
    decided_date: date | None
    decision_note: str | None
    effective_date: date | None
    recovered_amount: DecimalAmount


class DueDateChangeOut(BaseModel):
    instalment_seq: int
    previous_due_date: date | None = Field(description="none: it awaited the invoice's receipt")
    due_date: date
    reason: str = Field(description="term_extension (approved in credit) or receipt (RECEIPT+N terms)")
    reference: str = Field(description="the credit application, or the receipt's proof")
    effective_date: date


class ReceiptIn(In):
    received_date: DateIn = Field(description="the day the customer signed for the invoice; not before its issue "
                                              "date, not after tomorrow")
    proof: str | None = Field(None, min_length=1, max_length=200, pattern=TEXT_PATTERN, examples=["SF-1234567890"],
                              description="the signed receipt's reference (courier waybill, signed copy's id): "
                                          "the evidence a demand letter or a lawsuit needs")


class InvoiceOut(BaseModel):
    invoice_number: str
    customer_id: str
    issue_date: date
    due_date: date | None = Field(description="its last instalment's; none until a RECEIPT+N invoice is received")
    payment_terms: str | None
    shipment_date: date | None
    receipt_date: date | None = Field(None, description="when the customer received the invoice (signed for)")
    receipt_proof: str | None = Field(None, description="the signed receipt's reference")
    amount: DecimalAmount
    open_amount: DecimalAmount
    disputed_amount: DecimalAmount
    credited_amount: DecimalAmount
    written_off_amount: DecimalAmount
    currency: str
    status: str = Field(description="open, partially_paid, settled or written_off")
    settled_date: date | None
    days_overdue: int | None
    receivable_class: str | None
    contract_ref: str | None
    delivery_ref: str | None
    order_ref: str | None
    region: str | None
    product_line: str | None
    customer_type: str | None
    salesperson: str | None
    bill_to: Contact | None = None
    flags: list[str] = Field(default_factory=list, description="what a rule found, e.g. large_order.down_payment: a "
                                                               "large order whose first instalment is under 30 %")
    source: str
    instalments: list[InstalmentOut]
    disputes: list[DisputeOut] = []
    write_offs: list[WriteOffOut] = []
    due_date_changes: list[DueDateChangeOut] = Field(
        default_factory=list, description="every move of an instalment's due date (one invoice's view only)")


class InvoicePage(BaseModel):
    items: list[InvoiceOut]
    total: int
    limit: int
    offset: int


class AllocationIn(In):
    invoice_number: BusinessId
    amount: AmountIn


class PaymentIn(In):
    payment_reference: BusinessId = Field(examples=["BANK-20260601-0042"])
    customer_id: BusinessId
    received_date: DateIn
    amount: AmountIn
    currency: CurrencyIn
    method: Literal["bank_transfer", "cheque", "cash", "direct_debit", "card", "other"] = "bank_transfer"
    allocations: list[AllocationIn] | None = Field(
        None, max_length=MAX_ALLOCATIONS,
        description=f"the customer's remittance advice; without it, oldest due first; at most {MAX_ALLOCATIONS} lines")


class PaymentAllocationOut(BaseModel):
    invoice_number: str
    instalment_seq: int
    amount: DecimalAmount
    effective_date: date
    kind: str = Field(description="payment, or cash_application when applied later from cash on account")


class PaymentOut(BaseModel):
    payment_reference: str
    customer_id: str
    received_date: date
    amount: DecimalAmount
    currency: str
    method: str
    status: str = Field(description="received or reversed")
    applied_amount: DecimalAmount
    unapplied_amount: DecimalAmount = Field(description="cash on account, applied to the next invoice")
    recovered_amount: DecimalAmount = Field(description="paid against written-off amounts")
    refunded_amount: DecimalAmount
    reversed_date: date | None
    allocations: list[PaymentAllocationOut]


class ReversalIn(In):
    reason: str = Field(min_length=1, max_length=500, pattern=TEXT_PATTERN, examples=["cheque returned unpaid"])
    reversed_date: DateIn | None = Field(None, description="default today")
    bounced: StrictBool = Field(True, description="a bounced cheque (空头支票): credit treats it as a red flag")


class ReopenedOut(BaseModel):
    invoice_number: str
    instalment_seq: int
    amount: DecimalAmount
    due_date: date


class ReversalOut(BaseModel):
    payment_reference: str
    reversed_date: date
    reopened: list[ReopenedOut]
    payment: PaymentOut


class CreditNoteIn(In):
    credit_note_number: BusinessId = Field(examples=["CN-2026-0007"])
    customer_id: BusinessId
    invoice_number: BusinessId | None = Field(None, description="without it: credit on account")
    issue_date: DateIn | None = Field(None, description="default today")
    amount: AmountIn
    currency: CurrencyIn
    reason: str = Field(min_length=1, max_length=500, pattern=TEXT_PATTERN)


class CreditNoteOut(BaseModel):
    credit_note_number: str
    customer_id: str
    invoice_number: str | None
    issue_date: date
    amount: DecimalAmount
    applied_amount: DecimalAmount
    unapplied_amount: DecimalAmount
    currency: str
    reason: str
    dispute_id: str | None


class RefundIn(In):
    refund_reference: BusinessId
    customer_id: BusinessId
    amount: AmountIn
    currency: CurrencyIn
    refund_date: DateIn | None = None
    note: str | None = Field(None, max_length=500, pattern=TEXT_PATTERN)


class RefundOut(BaseModel):
    refund_reference: str
    customer_id: str
    refund_date: date
    amount: DecimalAmount
    currency: str
    sources: list[dict[str, Any]]


class DisputeIn(In):
    category: Literal["pricing", "quantity", "quality", "delivery", "duplicate_billing", "other"]
    note: str = Field(min_length=1, max_length=2000, pattern=TEXT_PATTERN)
    amount: AmountIn | None = Field(None, description="default: everything undisputed still open")
    instalment_seq: StrictInt | None = Field(None, ge=1, description="dispute one instalment only")
    opened_date: DateIn | None = Field(None, description="default today")


class ResolutionIn(In):
    outcome: Literal["valid", "invalid", "withdrawn"]
    settlement: Literal["credit_note", "discount", "return_offset", "instalments"] | None = Field(
        None, description="required when valid")
    amount: AmountIn | None = Field(
        None, description="the credit for credit_note / return_offset (default: all disputed) or discount")
    instalments: list[InstalmentIn] | None = Field(None, max_length=MAX_INSTALMENTS,
                                                   description="the new schedule for settlement=instalments")
    resolved_date: DateIn | None = None
    note: str | None = Field(None, max_length=2000, pattern=TEXT_PATTERN)
    our_fault: StrictBool = False


class WriteOffIn(In):
    amount: AmountIn
    reason: str = Field(min_length=1, max_length=2000, pattern=TEXT_PATTERN, examples=["customer bankrupt, liquidation closed"])
    cause: WriteOffCause | None = Field(
        None, description="a documented cause; without one the invoice must be overdue at least the configured "
                          "days (AR_LEDGER_WRITE_OFF_MIN_OVERDUE_DAYS, default 180)")
    cause_reference: str | None = Field(None, min_length=1, max_length=200, pattern=TEXT_PATTERN,
                                        description="the document proving the cause, e.g. the court's case number",
                                        examples=["(2026)沪0115破123号"])


class ApprovalIn(In):
    decision: Literal["approve", "reject"] = "approve"
    note: str | None = Field(None, max_length=2000, pattern=TEXT_PATTERN)
    effective_date: DateIn | None = Field(None, description="when the write-off takes effect; default today")


class CurrencyBalanceOut(BaseModel):
    currency: str
    balance: DecimalAmount = Field(description="open_amount - unapplied_cash")
    open_amount: DecimalAmount = Field(description="what is open at as_of, disputed or not")
    overdue_amount: DecimalAmount = Field(description="open, past due and not disputed at as_of")
    unapplied_cash: DecimalAmount
    disputed_amount: DecimalAmount = Field(description="open and disputed at as_of: never overdue, not aged")
    aging: dict[str, DecimalAmount] = Field(description="the undisputed open amount by aging bucket")


class BalanceOut(BaseModel):
    customer_id: str
    as_of: date
    balances: list[CurrencyBalanceOut] = Field(description="one per currency the customer has entries in (or "
                                                           "the one asked), never converted")


class StatementLineOut(BaseModel):
    date: date
    type: str
    reference: str
    debit: DecimalAmount | None
    credit: DecimalAmount | None
    balance: DecimalAmount


class LateFeeLine(BaseModel):
    invoice_number: str
    seq: int
    due_date: date | None
    open_amount: DecimalAmount
    days_overdue: int | None
    late_fee: DecimalAmount
    capped: bool


class StatementOut(BaseModel):
    customer_id: str
    currency: str
    period_from: date = Field(alias="from")
    period_to: date = Field(alias="to")
    opening_balance: DecimalAmount
    lines: list[StatementLineOut]
    closing_balance: DecimalAmount
    aging: dict[str, DecimalAmount] = Field(description="open items at the period end by days overdue")
    late_fees: list[LateFeeLine] = Field(description="computed on demand, not booked")
    late_fee_total: DecimalAmount

    model_config = ConfigDict(populate_by_name=True)


class LateFeeOut(BaseModel):
    invoice_number: str
    as_of: date
    currency: str
    daily_rate: str
    grace_days: int
    basis: str
    late_fee: DecimalAmount
    instalments: list[LateFeeLine]
    booked: bool = False


class SweepIn(In):
    as_of: DateIn


class SweepOut(BaseModel):
    as_of: date
    examined: int = Field(description="instalments due for a look")
    crossings: int = Field(description="(instalment, threshold) pairs newly crossed")
    events: int = Field(description="overdue-threshold events emitted")
    chunks: int
    seconds: float


class RejectedRow(BaseModel):
    row: int = Field(description="row number in the file (the header is row 1)")
    field: str
    reason: str


class ImportOut(BaseModel):
    batch_id: str
    file_name: str
    file_format: str
    status: str = Field(description="imported, partially_imported, rejected or dry_run")
    total_rows: int
    valid_rows: int
    rejected_rows: int
    already_present: int
    imported_invoices: int
    imported_payments: int
    opened_disputes: int
    rejected: list[RejectedRow]


class JournalEntryOut(BaseModel):
    id: int
    customer_id: str
    kind: str
    effective_date: date
    amount: DecimalAmount
    balance_effect: DecimalAmount
    currency: str
    reference: str
    invoice_number: str | None
    lines: Any
    reverses_entry_id: int | None
    source: str
    actor: str
    created_at: Timestamp


class ParkedPaymentOut(BaseModel):
    payment_reference: str
    customer_id: str
    received_date: date
    amount: DecimalAmount
    currency: str
    awaiting: list[str] = Field(description="the invoices it names that are not booked (yet)")
    status: str = Field(description="parked, applied (its invoices came) or released (booked by a person)")
    parked_at: Timestamp
    age_days: int = Field(description="days since it was parked")
    resolved_at: Timestamp | None
    last_error: str | None = Field(description="why it was not applied when its invoices came, if so")


class ParkedPaymentPage(BaseModel):
    items: list[ParkedPaymentOut]
    total: int
    limit: int
    offset: int


class OpenDisputeOut(DisputeOut):
    days_to_deadline: int | None = Field(description="working-day deadline of fact-finding minus today, in calendar "
                                                     "days; negative: late")


class DisputePage(BaseModel):
    items: list[OpenDisputeOut]
    total: int
    limit: int
    offset: int


class WriteOffPage(BaseModel):
    items: list[WriteOffOut]
    total: int
    limit: int
    offset: int


class CustomerBalanceOut(BaseModel):
    customer_id: str
    currency: str
    open_amount: DecimalAmount
    overdue_amount: DecimalAmount = Field(description="open, past due and not disputed")
    disputed_amount: DecimalAmount
    unapplied_cash: DecimalAmount
    balance: DecimalAmount = Field(description="open_amount - unapplied_cash")
    open_invoices: int
    max_days_overdue: int = Field(description="days since the oldest undisputed overdue due date; 0 when none")


class CustomerPage(BaseModel):
    items: list[CustomerBalanceOut]
    total: int
    limit: int
    offset: int
