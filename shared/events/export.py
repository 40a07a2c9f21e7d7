"""Write the event contract for integrators: one JSON Schema per payload version in
docs/events/schemas/ and an AsyncAPI 3.0 document, docs/events/asyncapi.yaml.
Run `make schemas`; a test fails when the committed files are stale."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from shared.events.registry import PAYLOADS
from shared.money import AMOUNT_PATTERN, AMOUNT_RULE, CURRENCY_EXPONENTS
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


def _amounts_at_scale(node: dict, pattern: str, defs: dict) -> dict:
    """A schema that constrains every amount reachable from `node` to `pattern` and says
    nothing else (`properties` binds objects only, `items` arrays only, `pattern` strings)."""
    if node.get("pattern") == AMOUNT_PATTERN:
        return {"pattern": pattern}
    if "$ref" in node:
        return _amounts_at_scale(defs[node["$ref"].rsplit("/", 1)[-1]], pattern, defs)
    out: dict = {}
    props = {k: c for k, v in node.get("properties", {}).items() if (c := _amounts_at_scale(v, pattern, defs))}
    if props:
        out["properties"] = props
    if isinstance(node.get("items"), dict) and (items := _amounts_at_scale(node["items"], pattern, defs)):
        out["items"] = items
    for branch in node.get("anyOf", []):  # `X | None`: the null branch needs nothing
        out.update(_amounts_at_scale(branch, pattern, defs))
    return out


def bound_decimals_by_currency(schema: dict) -> dict:
    """State per currency how many decimals its amounts may have (a payload's amounts are
    all in its `currency`): an amount with more is dead-lettered by every consumer."""
    if "currency" not in schema.get("properties", {}):
        return schema
    rules = []
    for exp in sorted(set(CURRENCY_EXPONENTS.values())):
        codes = sorted(c for c, e in CURRENCY_EXPONENTS.items() if e == exp)
        pattern = r"^(0|[1-9][0-9]{0,11})$" if exp == 0 else rf"^(0|[1-9][0-9]{{0,11}})(\.[0-9]{{1,{exp}}})?$"
        then = _amounts_at_scale(schema, pattern, schema.get("$defs", {}))
        if then:
            rules.append({"if": {"properties": {"currency": {"enum": codes}}, "required": ["currency"]},
                          "then": then})
    if rules:
        schema["allOf"] = rules
        schema["x-amount-rule"] = AMOUNT_RULE
        schema["properties"]["currency"] = {**schema["properties"]["currency"], "enum": sorted(CURRENCY_EXPONENTS)}
    return schema


def schema_files() -> dict[str, str]:
    files = {}
    for payload in PAYLOADS:
        # Validation mode: what a consumer accepts (billing publishes two of these events).
        schema = bound_decimals_by_currency(payload.model_json_schema(mode="validation"))
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
                                "Kafka binary mode, key = customer id, JSON data. Money: decimal strings + ISO currency; "
                                "an amount has no sign and at most as many decimals as its currency's "
                                "minor unit (CNY 2, JPY 0, BHD 3)."},
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
