"""SMS against a real local HTTP server playing the provider's webhook."""
import pytest

from services.dunning.channels import DeliveryFailed, OutgoingMessage, Senders, load_channel_config, render
from tests.support.dunning_channels import context
from tests.support.sms import SmsServer


@pytest.fixture
def sms():
    with SmsServer() as server:
        yield server


def message(to="+8613800000000"):
    rendered = render("sms_overdue", "zh-CN", context())
    return OutgoingMessage(channel="sms", to=to, subject="", text=rendered.text, language="zh-CN",
                           reference="act-0001")


async def send(sms, msg, **config):
    senders = Senders.from_config(load_channel_config(sms_url=sms.url, sms_token="s3cret", **config))
    try:
        await senders.send(msg)
    finally:
        await senders.close()


async def test_accepted_with_bearer_token(sms):
    await send(sms, message())
    [request] = sms.requests
    assert request.authorization == "Bearer s3cret" and request.path == "/sms"
    assert request.to == "+8613800000000" and request.reference == "act-0001"
    assert "杭州星辰贸易有限公司" in request.text


async def test_4xx_is_permanent(sms):
    sms.status_for["+860"] = 400
    with pytest.raises(DeliveryFailed) as failure:
        await send(sms, message("+860"))
    assert failure.value.permanent and "400" in failure.value.reason


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_5xx_and_throttling_are_transient(sms, status):
    sms.status = status
    with pytest.raises(DeliveryFailed) as failure:
        await send(sms, message())
    assert not failure.value.permanent


async def test_timeout_is_transient(sms):
    sms.delay = 1.5
    with pytest.raises(DeliveryFailed) as failure:
        await send(sms, message(), sms_timeout="0.2")
    assert not failure.value.permanent and "timed out" in failure.value.reason


async def test_not_configured_is_permanent():
    senders = Senders.from_config(load_channel_config(sms_url=None))
    with pytest.raises(DeliveryFailed) as failure:
        await senders.send(message())
    assert failure.value.permanent and failure.value.reason == "sms channel not configured"


async def test_letter_needs_its_pdf():
    senders = Senders.from_config(load_channel_config())
    letter = OutgoingMessage(channel="letter", to="上海市", subject="催款函", text="...", language="zh-CN",
                             reference="act-1")
    with pytest.raises(DeliveryFailed):
        await senders.send(letter)


async def test_outcomes_are_counted(sms):
    from services.dunning.channels.metrics import DELIVERIES

    def count(outcome):
        return DELIVERIES.labels("dunning", "sms", outcome)._value.get()

    before = count("sent"), count("permanent")
    await send(sms, message())
    sms.status = 400
    with pytest.raises(DeliveryFailed):
        await send(sms, message())
    assert (count("sent"), count("permanent")) == (before[0] + 1, before[1] + 1)
