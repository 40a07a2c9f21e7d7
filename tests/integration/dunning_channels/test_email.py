"""E-mail against a real SMTP server (aiosmtpd on 127.0.0.1)."""
import asyncio

import pytest

from services.dunning.channels import (Attachment, DeliveryFailed, OutgoingMessage, Senders, letter_pdf,
                                       load_channel_config, render)
from services.dunning.channels.email import EmailSender
from tests.support.dunning_channels import CUSTOMER_NAME, context, email_message
from tests.support.mail import MailServer, free_port


@pytest.fixture
def mail():
    with MailServer() as server:
        yield server


def config_for(mail: MailServer, **overrides):
    return load_channel_config(smtp_host=mail.host, smtp_port=mail.port, smtp_from="ar@huadong.example",
                               smtp_timeout=5, **overrides)


async def test_demand_letter_arrives_as_html_text_and_pdf(mail):
    ctx = context()
    rendered = render("demand_letter", "zh-CN", ctx)
    pdf = letter_pdf(rendered, ctx)
    senders = Senders.from_config(config_for(mail))
    try:
        await senders.send(OutgoingMessage(channel="email", to="wang@xingchen.example", subject=rendered.subject,
                                           text=rendered.text, html=rendered.html, language="zh-CN",
                                           reference=ctx.reference,
                                           attachments=(Attachment("催款函-act-0001.pdf", pdf),)))
    finally:
        await senders.close()
    [received] = mail.messages
    assert received.mail_from == "ar@huadong.example" and received.rcpt_tos == ("wang@xingchen.example",)
    message = received.message
    assert message["Subject"] == rendered.subject
    assert message["X-Dunning-Reference"] == "act-0001"
    assert CUSTOMER_NAME in message.get_body(("plain",)).get_content()
    assert CUSTOMER_NAME in message.get_body(("html",)).get_content()
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "催款函-act-0001.pdf"
    assert attachment.get_content() == pdf


async def test_many_messages_share_a_few_connections(mail):
    sender = EmailSender(config_for(mail, smtp_pool_size=2))
    try:
        await asyncio.gather(*(sender.send(email_message(f"c{n}@example.cn", reference=f"act-{n}"))
                               for n in range(40)))
    finally:
        await sender.close()
    assert mail.accepted == 40
    assert mail.connections <= 2


async def test_refused_recipient_is_permanent_and_connection_survives(mail):
    mail.refuse["gone@example.cn"] = "550 5.1.1 no such user"
    sender = EmailSender(config_for(mail, smtp_pool_size=1))
    try:
        with pytest.raises(DeliveryFailed) as failure:
            await sender.send(email_message("gone@example.cn"))
        assert failure.value.permanent and "no such user" in failure.value.reason
        await sender.send(email_message("ok@example.cn"))
    finally:
        await sender.close()
    assert [m.rcpt_tos for m in mail.messages] == [("ok@example.cn",)]
    assert mail.connections == 1


async def test_busy_reply_is_transient(mail):
    mail.refuse["busy@example.cn"] = "451 4.3.0 try again later"
    sender = EmailSender(config_for(mail))
    try:
        with pytest.raises(DeliveryFailed) as failure:
            await sender.send(email_message("busy@example.cn"))
    finally:
        await sender.close()
    assert not failure.value.permanent


async def test_reconnects_after_the_server_cut_the_connection(mail):
    sender = EmailSender(config_for(mail, smtp_pool_size=1))
    try:
        await sender.send(email_message("a@example.cn"))
        mail.restart()  # the pooled connection is now dead
        await sender.send(email_message("b@example.cn"))
    finally:
        await sender.close()
    assert mail.accepted == 2 and mail.connections == 2


async def test_no_server_is_transient():
    config = load_channel_config(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_timeout=2)
    sender = EmailSender(config)
    try:
        with pytest.raises(DeliveryFailed) as failure:
            await sender.send(email_message())
    finally:
        await sender.close()
    assert not failure.value.permanent and "connection" in failure.value.reason


async def test_not_configured_is_permanent():
    senders = Senders.from_config(load_channel_config(smtp_host=None))
    with pytest.raises(DeliveryFailed) as failure:
        await senders.send(email_message())
    assert failure.value.permanent and failure.value.reason == "email channel not configured"
    await senders.close()


async def test_not_an_address_is_permanent(mail):
    sender = EmailSender(config_for(mail))
    with pytest.raises(DeliveryFailed) as failure:
        await sender.send(email_message("not-an-address"))
    assert failure.value.permanent
    await sender.close()
