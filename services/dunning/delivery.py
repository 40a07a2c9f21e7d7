"""The seam to the message channels (`services.dunning.channels`, built on its own branch):
imported lazily so the service works, and its tests pass, before the channels land. Without
them every delivery fails (retryably) with "channels not installed" and the ladder goes on."""
from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Awaitable, Callable

TEMPLATES = frozenset({"pre_due_reminder", "payment_notice", "second_notice", "demand_letter", "lawyer_letter",
                       "supply_stop_notice", "sms_reminder", "sms_overdue"})
FALLBACK_SCRIPTS = {
    1: {"zh-CN": "您好，贵司账款已逾期，请尽快安排付款。", "en": "Your account is overdue; please arrange payment promptly."},
    2: {"zh-CN": "贵司账款已逾期较久，请于指定日期前付清，否则我们将采取进一步措施。",
        "en": "Your account is seriously overdue; pay by the stated date or we will take further steps."},
    3: {"zh-CN": "贵司长期拖欠账款，我们将采取法律行动等更严厉的措施。",
        "en": "Your debt is long overdue; we will take stricter measures, including legal action."},
}


def _channels() -> Any | None:
    try:
        return importlib.import_module("services.dunning.channels")
    except ImportError:
        return None


def known_templates() -> frozenset[str]:
    channels = _channels()
    return channels.known_templates() if channels is not None else TEMPLATES


def default_scripts() -> dict[int, dict[str, str]]:
    channels = _channels()
    return dict(channels.DEFAULT_SCRIPTS) if channels is not None else FALLBACK_SCRIPTS


class DeliveryError(Exception):
    def __init__(self, reason: str, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


@dataclass(frozen=True)
class Letter:
    """What a stored message holds to be rendered (at delivery, and again for the document)."""
    channel: str
    template: str
    language: str
    recipient: str
    context: dict  # JSON: customer, contact, items, totals, dates, case and action ids


Sender = Callable[[Letter], Awaitable[None]]


def backoff(attempt: int) -> timedelta:
    channels = _channels()
    if channels is not None:
        return channels.next_attempt_delay(attempt)
    return min(timedelta(minutes=2 ** max(0, attempt - 1)), timedelta(hours=6))


def _context(channels: Any, letter: Letter, company: Any) -> Any:
    c = letter.context
    items = tuple(channels.DunningItem(i["invoice_number"], Decimal(i["amount"]), i["currency"],
                                       date.fromisoformat(i["due_date"]), i["days_overdue"]) for i in c["items"])
    return channels.MessageContext(
        customer_id=c["customer_id"], customer_name=c.get("customer_name") or c["customer_id"],
        contact_name=c.get("contact_name"), language=letter.language, items=items, total=Decimal(c["total"]),
        currency=c["currency"], today=date.fromisoformat(c["today"]),
        pay_by=date.fromisoformat(c["pay_by"]) if c.get("pay_by") else None,
        late_charges=Decimal(c["late_charges"]) if c.get("late_charges") else None,
        case_id=c["case_id"], reference=c["reference"], collector=c.get("collector"), company=company)


def build_sender(config: Any = None) -> Sender:
    """The production sender: renders with the channels' templates and sends through their
    SMTP / SMS webhook / letter senders, configured from AR_DUNNING_SMTP_*, AR_DUNNING_SMS_*."""
    state: dict[str, Any] = {}

    async def send(letter: Letter) -> None:
        channels = _channels()
        if channels is None:
            raise DeliveryError("channels not installed")
        if "senders" not in state:
            cfg = channels.load_channel_config()
            state["cfg"], state["senders"] = cfg, channels.Senders.from_config(cfg)
        ctx = _context(channels, letter, state["cfg"].company)
        rendered = channels.render(letter.template, letter.language, ctx)
        attachments = ()
        if letter.channel == "letter":
            attachments = (channels.Attachment(f"{letter.template}.pdf", "application/pdf",
                                               channels.letter_pdf(rendered, ctx)),)
        message = channels.OutgoingMessage(channel="email" if letter.channel == "letter" else letter.channel,
                                           recipient=letter.recipient, subject=rendered.subject, text=rendered.text,
                                           html=rendered.html, attachments=attachments)
        try:
            await state["senders"].send(message)
        except channels.DeliveryFailed as e:
            raise DeliveryError(e.reason, e.permanent) from e

    return send


def render_pdf(letter: Letter) -> bytes:
    """The letter as the customer got it, for `GET /actions/{id}/document`."""
    channels = _channels()
    if channels is None:
        raise DeliveryError("channels not installed", permanent=True)
    cfg = channels.load_channel_config()
    ctx = _context(channels, letter, cfg.company)
    return channels.letter_pdf(channels.render(letter.template, letter.language, ctx), ctx)
