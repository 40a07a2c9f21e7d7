"""Write the event contract for integrators: one JSON Schema per payload version in
docs/events/schemas/ and an AsyncAPI 3.0 document, docs/events/asyncapi.yaml.
Run `make schemas`; a test fails when the committed files are stale."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from shared.events.registry import PAYLOADS
from shared.events.topics import topic_partitions

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "events"

CE_HEADERS = {
    "type": "object",
    "description": "CloudEvents 1.0 attributes in Kafka binary mode (ce_ headers).",
    "properties": {
        "ce_specversion": {"type": "string", "const": "1.0"},
        "ce_id": {"type": "string", "description": "unique event id; consumers deduplicate on it"},
        "ce_source": {"type": "string", "examples": ["/ledger", "/billing"]},
        "ce_type": {"type": "string", "examples": ["ar.invoice-issued.v1"]},
        "ce_time": {"type": "string", "format": "date-time", "description": "when it was produced"},
        "ce_subject": {"type": "string", "description": "the business object, e.g. the invoice number"},
        "ce_dataschema": {"type": "string", "examples": ["urn:ar:events:invoice-issued:v1"]},
        "ce_correlationid": {"type": "string", "description": "follows a request across services"},
        "content-type": {"type": "string", "const": "application/json"},
    },
    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type"],
}


def schema_files() -> dict[str, str]:
    files = {}
    for payload in PAYLOADS:
        schema = payload.model_json_schema(mode="serialization")
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": payload.schema_id(),
                  "x-cloudevents-type": payload.event_type(), "x-kafka-topic": payload.topic,
                  "x-kafka-key": payload.key_field, **schema}
        files[f"schemas/{payload.topic}.v{payload.version}.json"] = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    return files


def asyncapi() -> dict:
    partitions = topic_partitions()
    channels, operations, messages = {}, {}, {}
    for p in PAYLOADS:
        name = f"{p.topic}.v{p.version}"
        messages[name] = {
            "name": p.event_type(), "title": p.__name__, "summary": (p.__doc__ or "").strip().split("\n\n")[0],
            "contentType": "application/json",
            "headers": CE_HEADERS,
            "payload": {"$ref": f"./schemas/{name}.json"},
            "bindings": {"kafka": {"key": {"type": "string", "description": f"the {p.key_field}"}}},
        }
        channels.setdefault(p.topic, {"address": p.topic, "messages": {},
                                      "bindings": {"kafka": {"topic": p.topic, "partitions": partitions[p.topic]}}})
        channels[p.topic]["messages"][name] = {"$ref": f"#/components/messages/{name}"}
        operations[f"receive-{p.topic}"] = {"action": "receive", "channel": {"$ref": f"#/channels/{p.topic}"}}
    return {
        "asyncapi": "3.0.0",
        "info": {"title": "Receivables platform events", "version": "1.0.0",
                 "description": "Events between billing, ledger, credit, dunning and reporting. CloudEvents 1.0, "
                                "Kafka binary mode, key = customer id, JSON data. Money: decimal strings + ISO currency."},
        "defaultContentType": "application/json",
        "servers": {"kafka": {"host": "kafka:9092", "protocol": "kafka"}},
        "channels": channels, "operations": operations, "components": {"messages": messages},
    }


def render() -> dict[str, str]:
    import yaml

    files = schema_files()
    files["asyncapi.yaml"] = yaml.safe_dump(asyncapi(), sort_keys=False, allow_unicode=True, width=100)
    return files


def main() -> int:
    for rel, text in render().items():
        path = OUT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    print(f"wrote {len(render())} files under {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
