"""The published contract (JSON Schemas, AsyncAPI) matches the code, and the service
boundaries hold."""
import subprocess
import sys
from pathlib import Path

import jsonschema

from shared.events.export import OUT, render
from shared.events.ledger import InvoiceIssuedV1

ROOT = Path(__file__).resolve().parents[3]


def test_exported_event_schemas_are_up_to_date():
    stale = [rel for rel, text in render().items()
             if not (OUT / rel).exists() or (OUT / rel).read_text() != text]
    assert not stale, f"run `make schemas`: stale {stale}"


def test_an_event_validates_against_its_published_schema():
    import json
    schema = json.loads((OUT / "schemas/invoice-issued.v1.json").read_text())
    event = InvoiceIssuedV1(invoice_number="I", customer_id="C", issue_date="2026-01-01",
                            due_date="2026-01-02", amount="1.00", currency="CNY")
    jsonschema.validate(event.model_dump(mode="json"), schema)


def test_services_never_import_each_other():
    result = subprocess.run([str(Path(sys.executable).with_name("lint-imports"))], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
