"""The seam between the ladder's stored messages and the channels (`services.dunning.channels`):
a stored message (`Letter`: channel, template, language, recipient and the JSON its
template sees) becomes the channels' MessageContext, is rendered, and goes to
`Senders.send`. Tests give `bootstrap.dependencies` their own sender."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Awaitable, Callable

from services.dunning import channels
from services.dunning.channels.metrics import DELIVERIES


def known_templates() -> frozenset[str]:
    return channels.known_templates()


def default_scripts() -> dict[int, dict[str, str]]:
    return dict(channels.DEFAULT_SCRIPTS)


class DeliveryError(Exception):
    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


@dataclass(frozen=True)
class Letter:
    """What a stored message holds to be rendered (at delivery, and again for the document)."""
    channel: str  # email | sms | letter
    template: str
    language: str
    recipient: str  # an e-mail address, a mobile number or a postal address
    context: dict  # JSON: customer, contact, items, totals, dates, case and action ids


Sender = Callable[[Letter], Awaitable[None]]


def backoff(attempt: int) -> timedelta:
    return channels.next_attempt_delay(attempt)


def message_context(letter: Letter, company: Any) -> channels.MessageContext:
    c = letter.context
    items = tuple(channels.DunningItem(i["invoice_number"], Decimal(i["amount"]), i["currency"],
                                       date.fromisoformat(i["due_date"]), i["days_overdue"]) for i in c["items"])
    name = c.get("customer_name") or c["customer_id"]
    return channels.MessageContext(
        customer_id=c["customer_id"], customer_name=name, contact_name=c.get("contact_name") or name,
        language=letter.language, items=items, total=Decimal(c["total"]), currency=c["currency"],
        today=date.fromisoformat(c["today"]), case_id=c["case_id"], reference=c["reference"], company=company,
        pay_by=date.fromisoformat(c["pay_by"]) if c.get("pay_by") else None,
        late_charges=Decimal(c["late_charges"]) if c.get("late_charges") else None, collector=c.get("collector"))


class ChannelSender:
    """The production sender: the channels configured from AR_DUNNING_SMTP_*, AR_DUNNING_SMS_*,
    AR_DUNNING_COMPANY_* (read at the first delivery, so a process that sends nothing needs
    none); `close()` at shutdown closes the pooled connections."""

    def __init__(self) -> None:
        self.config: Any = None
        self.senders: Any = None

    async def __call__(self, letter: Letter) -> None:
        if self.senders is None:
            self.config = channels.load_channel_config()
            self.senders = channels.Senders.from_config(self.config)
        try:
            ctx = message_context(letter, self.config.company)
            rendered = channels.render(letter.template, letter.language, ctx)
            attachments = ()
            if letter.channel == "letter":
                attachments = (channels.Attachment(f"{letter.template}-{ctx.reference}.pdf",
                                                   self.senders.letter_pdf(rendered, ctx)),)
        except Exception as e:  # a template or font defect: no retry helps
            DELIVERIES.labels("dunning", letter.channel, "permanent").inc()
            raise DeliveryError(f"cannot render {letter.template}: {type(e).__name__}: {e}", permanent=True) from e
        message = channels.OutgoingMessage(channel=letter.channel, to=letter.recipient, subject=rendered.subject,
                                           text=rendered.text, language=letter.language, reference=ctx.reference,
                                           html=rendered.html, attachments=attachments)
        try:
            await self.senders.send(message)
        except channels.DeliveryFailed as e:
            raise DeliveryError(e.reason, e.permanent) from e

    async def close(self) -> None:
        if self.senders is not None:
            await self.senders.close()


def build_sender(config: Any = None) -> Sender:
    return ChannelSender()


def render_pdf(letter: Letter) -> bytes:
    """The letter as the customer got it, for `GET /actions/{id}/document`."""
    cfg = channels.load_channel_config()
    ctx = message_context(letter, cfg.company)
    try:
        return channels.letter_pdf(channels.render(letter.template, letter.language, ctx), ctx, font=cfg.letter_font)
    except Exception as e:
        raise DeliveryError(f"cannot render {letter.template}: {type(e).__name__}: {e}", permanent=True) from e
