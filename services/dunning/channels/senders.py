"""One entry point for the dispatcher: Senders.send(message) by its channel.

Built once from the config (bootstrap); close() on shutdown. A channel not configured
fails permanently with a reason the case shows, and the ladder goes on.
"""
from __future__ import annotations

import time

from services.dunning.channels.config import ChannelConfig
from services.dunning.channels.email import EmailSender
from services.dunning.channels.letter import letter_pdf
from services.dunning.channels.metrics import DELIVERIES, DELIVERY_LATENCY
from services.dunning.channels.model import DeliveryFailed, MessageContext, OutgoingMessage, Rendered
from services.dunning.channels.sms import SmsSender


class Senders:
    def __init__(self, config: ChannelConfig, email: EmailSender | None, sms: SmsSender | None) -> None:
        self.config = config
        self.email = email
        self.sms = sms

    @classmethod
    def from_config(cls, config: ChannelConfig) -> "Senders":
        return cls(config,
                   EmailSender(config) if config.smtp_host else None,
                   SmsSender(config) if config.sms_url else None)

    async def send(self, msg: OutgoingMessage) -> None:
        """Deliver or raise DeliveryFailed. A letter is delivered once its PDF exists: it is
        printed and posted by a person, who records the receipt's return on the case."""
        started = time.perf_counter()
        try:
            await self._send(msg)
        except DeliveryFailed as failure:
            DELIVERIES.labels("dunning", msg.channel, "permanent" if failure.permanent else "transient").inc()
            raise
        DELIVERIES.labels("dunning", msg.channel, "sent").inc()
        DELIVERY_LATENCY.labels("dunning", msg.channel).observe(time.perf_counter() - started)

    async def _send(self, msg: OutgoingMessage) -> None:
        if msg.channel == "email":
            if self.email is None:
                raise DeliveryFailed("email channel not configured", permanent=True)
            await self.email.send(msg)
        elif msg.channel == "sms":
            if self.sms is None:
                raise DeliveryFailed("sms channel not configured", permanent=True)
            await self.sms.send(msg)
        elif msg.channel == "letter":
            if not any(a.mime_type == "application/pdf" for a in msg.attachments):
                raise DeliveryFailed("letter without its PDF", permanent=True)
        else:
            raise DeliveryFailed(f"unknown channel {msg.channel!r}", permanent=True)

    def letter_pdf(self, rendered: Rendered, ctx: MessageContext) -> bytes:
        """letter_pdf with the configured font (AR_DUNNING_LETTER_FONT)."""
        return letter_pdf(rendered, ctx, font=self.config.letter_font)

    async def close(self) -> None:
        if self.email is not None:
            await self.email.close()
        if self.sms is not None:
            await self.sms.close()
