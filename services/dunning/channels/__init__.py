"""Dunning's message channels: templates, e-mail, SMS and letters (the public interface).

The dispatcher builds a MessageContext, renders a template, wraps it in an
OutgoingMessage and calls Senders.send after the step's transaction has committed;
DeliveryFailed tells it whether to retry (next_attempt_delay) or record the failure.
"""
from services.dunning.channels.backoff import next_attempt_delay
from services.dunning.channels.config import ChannelConfig, load_channel_config
from services.dunning.channels.letter import letter_pdf
from services.dunning.channels.model import (
    Attachment,
    CompanyInfo,
    DeliveryFailed,
    DunningItem,
    MessageContext,
    OutgoingMessage,
    Rendered,
)
from services.dunning.channels.render import known_templates, render
from services.dunning.channels.scripts import DEFAULT_SCRIPTS
from services.dunning.channels.senders import Senders

__all__ = [
    "MessageContext", "DunningItem", "CompanyInfo", "OutgoingMessage", "Attachment", "Rendered",
    "render", "letter_pdf", "known_templates", "DeliveryFailed", "Senders", "ChannelConfig",
    "load_channel_config", "next_attempt_delay", "DEFAULT_SCRIPTS",
]
