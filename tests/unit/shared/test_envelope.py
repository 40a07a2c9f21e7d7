import json

import pytest
from cloudevents.v1.kafka import KafkaMessage, from_binary, to_binary
from cloudevents.v1.http import CloudEvent

from shared.events.envelope import EnvelopeError, from_kafka, new_envelope, to_kafka
from shared.events.ledger import InvoiceIssuedV1, PaymentReceivedV1
from shared.events.registry import PAYLOADS, check_topics


def invoice():
    return InvoiceIssuedV1(invoice_number="INV-1", customer_id="C-9", issue_date="2026-01-01",
                           due_date="2026-01-31", amount="1000.00", currency="CNY")


def test_binary_mode_round_trip_keeps_attributes_key_and_payload():
    env = new_envelope(invoice(), "/ledger", correlation_id="corr-1")
    key, value, headers = to_kafka(env)
    assert key == b"C-9"
    names = dict(headers)
    assert names["ce_type"] == b"ar.invoice-issued.v1"
    assert names["ce_specversion"] == b"1.0"
    assert names["content-type"] == b"application/json"
    back = from_kafka("invoice-issued", key, value, headers)
    assert back.correlation_id == "corr-1"
    assert back.subject == "INV-1"
    assert back.payload() == invoice()


def test_interoperates_with_the_cloudevents_sdk_both_ways():
    key, value, headers = to_kafka(new_envelope(invoice(), "/ledger"))
    sdk_event = from_binary(KafkaMessage(dict(headers), key, value))
    assert sdk_event["type"] == "ar.invoice-issued.v1"
    assert sdk_event.data["amount"] == "1000.00"

    sdk = CloudEvent({"type": "ar.payment-received.v1", "source": "/billing", "partitionkey": "C-1",
                      "datacontenttype": "application/json"},
                     {"payment_reference": "P-1", "customer_id": "C-1", "received_date": "2026-02-01",
                      "amount": "10.00", "currency": "CNY"})
    msg = to_binary(sdk)
    env = from_kafka("payment-received", msg.key.encode(), msg.value, list(msg.headers.items()))
    assert isinstance(env.payload(), PaymentReceivedV1)


@pytest.mark.parametrize("headers,value,match", [
    ([], b"{}", "missing ce_id"),
    ([("ce_id", b"1"), ("ce_source", b"/x"), ("ce_type", b"t"), ("ce_specversion", b"0.3")], b"{}", "specversion"),
    ([("ce_id", b"1"), ("ce_source", b"/x"), ("ce_type", b"t"), ("ce_specversion", b"1.0")], b"not json", "not JSON"),
    ([("ce_id", b"1"), ("ce_source", b"/x"), ("ce_type", b"t"), ("ce_specversion", b"1.0")], b"[1]", "JSON object"),
])
def test_malformed_messages_are_envelope_errors(headers, value, match):
    with pytest.raises(EnvelopeError, match=match):
        from_kafka("invoice-issued", b"k", value, headers)


def test_every_payload_has_a_declared_topic_and_a_unique_type():
    check_topics()
    types = [p.event_type() for p in PAYLOADS]
    assert len(types) == len(set(types))


def test_payloads_refuse_unknown_fields_and_float_money():
    data = json.loads(invoice().model_dump_json())
    with pytest.raises(ValueError):
        InvoiceIssuedV1.model_validate({**data, "surprise": 1})
    with pytest.raises(ValueError):
        InvoiceIssuedV1.model_validate({**data, "amount": 10.5})
