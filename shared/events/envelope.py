"""The CloudEvents 1.0 envelope in Kafka binary mode: attributes as `ce_*` headers,
`content-type: application/json`, the payload as the message value, the customer id as
the key. Compatible with the `cloudevents` package (see tests); written out here because
the relay builds headers straight from stored outbox rows without re-serialising data."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from shared.events.contract import EventPayload
from shared.events.registry import payload_class

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
REQUIRED = ("id", "source", "type", "specversion")


class EnvelopeError(ValueError):
    """A message that is not a valid event: never retried, goes to the dead-letter topic."""


@dataclass(frozen=True, slots=True)
class Envelope:
    id: str
    source: str
    type: str
    topic: str
    key: str
    data: dict[str, Any]
    time: str | None = None
    subject: str | None = None
    dataschema: str | None = None
    correlation_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def payload(self) -> EventPayload:
        """Validate the data against its registered, versioned model."""
        return payload_class(self.type).model_validate(self.data)

    def attributes(self) -> dict[str, str]:
        attrs = {"specversion": SPEC_VERSION, "id": self.id, "source": self.source, "type": self.type}
        for name, value in (("time", self.time), ("subject", self.subject),
                            ("dataschema", self.dataschema), ("correlationid", self.correlation_id)):
            if value is not None:
                attrs[name] = value
        attrs.update(self.extra)
        return attrs


def new_envelope(payload: EventPayload, source: str, correlation_id: str | None = None,
                 now: datetime | None = None) -> Envelope:
    when = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return Envelope(
        id=str(uuid.uuid4()), source=source, type=payload.event_type(), topic=payload.topic,
        key=payload.partition_key(), data=payload.model_dump(mode="json"),
        time=when.isoformat().replace("+00:00", "Z"), subject=payload.subject(),
        dataschema=payload.schema_id(), correlation_id=correlation_id,
    )


_CONTENT_TYPE_HEADER = ("content-type", CONTENT_TYPE.encode())
_HEADER_NAMES: dict[str, str] = {}


def _header_name(name: str) -> str:
    header = _HEADER_NAMES.get(name)
    if header is None:
        header = _HEADER_NAMES[name] = f"ce_{name}"
    return header


def headers_from_attributes(attributes: dict[str, str]) -> list[tuple[str, bytes]]:
    # On the relay's hot path: one call per published event.
    headers = [_CONTENT_TYPE_HEADER]
    headers += [(_header_name(name), value.encode()) for name, value in attributes.items()]
    return headers


def to_kafka(envelope: Envelope) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    value = json.dumps(envelope.data, separators=(",", ":"), ensure_ascii=False).encode()
    return envelope.key.encode(), value, headers_from_attributes(envelope.attributes())


def from_kafka(topic: str, key: bytes | None, value: bytes | None,
               headers: list[tuple[str, bytes]] | tuple) -> Envelope:
    attrs: dict[str, str] = {}
    content_type = None
    try:
        for name, raw in headers or ():
            lname = name.lower()
            if lname == "content-type":
                content_type = raw.decode()
            elif lname.startswith("ce_"):
                attrs[lname[3:]] = raw.decode()
    except UnicodeDecodeError as exc:
        raise EnvelopeError(f"header is not UTF-8: {exc}") from None
    missing = [name for name in REQUIRED if not attrs.get(name)]
    if missing:
        raise EnvelopeError(f"not a CloudEvent: missing ce_{', ce_'.join(missing)} header(s)")
    if attrs["specversion"] != SPEC_VERSION:
        raise EnvelopeError(f"unsupported CloudEvents specversion {attrs['specversion']!r}")
    if content_type and not content_type.startswith(CONTENT_TYPE):
        raise EnvelopeError(f"unsupported content-type {content_type!r}")
    if value is None:
        raise EnvelopeError("message has no value")
    try:
        data = json.loads(value)
    except (ValueError, UnicodeDecodeError) as exc:
        raise EnvelopeError(f"value is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise EnvelopeError("event data must be a JSON object")
    known = {"specversion", "id", "source", "type", "time", "subject", "dataschema", "correlationid"}
    return Envelope(
        id=attrs["id"], source=attrs["source"], type=attrs["type"], topic=topic,
        key=key.decode(errors="replace") if key else "", data=data, time=attrs.get("time"),
        subject=attrs.get("subject"), dataschema=attrs.get("dataschema"),
        correlation_id=attrs.get("correlationid"),
        extra={k: v for k, v in attrs.items() if k not in known},
    )
