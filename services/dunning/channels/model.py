"""What a template sees (MessageContext) and what a channel delivers (OutgoingMessage).

Plain frozen dataclasses: the dispatcher builds them from its own rows, so nothing here
knows the dunning tables. Amounts are Decimal in the item's currency, never float.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Literal

Language = Literal["zh-CN", "en"]
Channel = Literal["email", "sms", "letter"]
LANGUAGES: tuple[Language, ...] = ("zh-CN", "en")


@dataclass(frozen=True)
class CompanyInfo:
    """The creditor: who writes, where to pay (AR_DUNNING_COMPANY_*)."""
    name: str
    address: str = ""
    phone: str = ""
    bank_account: str = ""
    email: str = ""


@dataclass(frozen=True)
class DunningItem:
    """One overdue (or soon due) invoice of the case."""
    invoice_number: str
    amount: Decimal
    currency: str
    due_date: date
    days_overdue: int  # negative before the due date


@dataclass(frozen=True)
class MessageContext:
    """Everything a template may use; a field a template names but this lacks fails loudly."""
    customer_id: str
    customer_name: str
    contact_name: str | None  # None: the templates greet the customer by name
    language: Language
    items: tuple[DunningItem, ...]
    total: Decimal
    currency: str
    today: date
    case_id: str
    reference: str  # the action id: quoted on the message, the receipt slip and the SMS
    company: CompanyInfo
    pay_by: date | None = None
    late_charges: Decimal | None = None
    collector: str | None = None


@dataclass(frozen=True)
class Rendered:
    """A template rendered in one language; html is None for the SMS templates."""
    subject: str
    text: str
    html: str | None


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mime_type: str = "application/pdf"

    def __post_init__(self) -> None:
        # Positional fields are easy to swap: fail at construction, not in the SMTP session.
        if not isinstance(self.content, (bytes, bytearray)) or "/" not in str(self.mime_type):
            raise TypeError("Attachment(filename, content: bytes, mime_type='application/pdf')")


@dataclass(frozen=True)
class OutgoingMessage:
    """One delivery: an e-mail (to = address), an SMS (to = mobile) or a letter (to = postal address).

    A letter is not posted by a sender: its PDF is the document a person prints and sends,
    so Senders.send accepts it as delivered once the PDF is attached.
    """
    channel: Channel
    to: str
    subject: str
    text: str
    language: Language
    reference: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = field(default=())


class DeliveryFailed(Exception):
    """A channel refused or could not take a message.

    permanent: retrying the same message will not help (bad address, 5xx SMTP reply, 4xx
    from the SMS provider, channel not configured); otherwise retry with next_attempt_delay.
    """

    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent

    def __repr__(self) -> str:
        return f"DeliveryFailed({self.reason!r}, permanent={self.permanent})"
