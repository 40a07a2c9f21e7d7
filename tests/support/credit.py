"""Helpers for credit's tests: keys per role, ledger facts into the embedded product, a
complete customer, the approval chain, the check; builders for the domain's unit tests;
an in-memory unit of work for handler tests that need no SQL."""
from __future__ import annotations

import contextlib
import json
from datetime import date, datetime, timezone

import sqlalchemy as sa

from services.credit.bootstrap import SERVICE, dependencies
from services.credit.config import CreditConfig
from services.credit.domain.grading import GradingInput
from services.credit.domain.subscores import SubScore
from services.credit.tables import CreditTable
from shared.events.ledger import AppliedLine, PaymentAllocatedV1
from shared.money import Money
from shared.platform_tables import outbox
from tests.support.embedded import deliver, embedded_product
from tests.support.facts import recorded_invoice
from tests.support import migrations as migrations_check

TODAY = date(2026, 6, 1)  # the embedded product's FixedClock (Asia/Shanghai)
ROLES = ("sales", "sales_manager", "sales_admin", "finance", "general_manager", "auditor", "integration")
DOCUMENTS = [{"kind": k, "reference": f"REF-{k}"} for k in
             ("business_licence", "organisation_code", "legal_rep_id", "fixed_phone", "legal_rep_phones")]
SCORES = {"financial_strength": 9, "operating_condition": 9, "reputation_and_prospects": 9}

# --- the domain's unit tests -------------------------------------------------------------------

NOW = datetime(2024, 7, 15, 9, 30, tzinfo=timezone.utc)


def cny(amount: str | int) -> Money:
    return Money.of(str(amount), "CNY")


def scored(repayment: int, purchases: int, others: int = 30, **kwargs) -> GradingInput:
    """An input with the three entered criteria sharing `others` points (each at most 10)."""
    assert 0 <= others <= 30
    parts = [min(10, others), min(10, max(0, others - 10)), max(0, others - 20)]
    entered = dict(zip(("financial_strength", "operating_condition", "reputation_and_prospects"), parts))
    return GradingInput(
        repayment=SubScore("repayment", repayment, 40, "test"),
        purchases=SubScore("purchases", purchases, 30, "test"),
        entered_scores=entered,
        **kwargs,
    )


# --- the HTTP API through the embedded product ------------------------------------------------

async def keys(client, *extra: str) -> dict[str, dict]:
    """Authorization headers per role; `extra` names get their own key (e.g. "sales_manager2")."""
    out = {}
    for name in ROLES + extra:
        role = name.rstrip("0123456789")
        issued = await client.post("/credit/v1/api-keys", json={"name": name, "roles": [role]})
        assert issued.status_code == 201, issued.text
        out[name] = {"Authorization": f"Bearer {issued.json()['key']}"}
    return out


async def ledger(client, *payloads, source: str = "/ledger") -> None:
    """Deliver facts as the ledger would publish them, then settle the outboxes."""
    await deliver(client, *payloads, source=source)


async def customer(client, cid: str, *, onboarded_on: str | None = "2024-01-10", documents=None, **fields):
    body = {"name": f"Customer {cid}", "region": "East", "customer_type": "distributor", "industry": "retail",
            "salesperson": "li", "onboarded_on": onboarded_on,
            "documents": DOCUMENTS if documents is None else documents, **fields}
    r = await client.put(f"/credit/v1/customers/{cid}", json=body)
    assert r.status_code in (200, 201), r.text
    return r.json()


async def approve_limit(client, k, cid: str, limit: str, term_days: int = 30, grade: str | None = None,
                        currency: str | None = None, justification: str | None = "the test's scenario") -> dict:
    """Through the whole chain: sales_manager → sales_admin → finance → general_manager. With a
    justification, in case the limit or term is beyond the policy (most test customers have
    no sales history: any limit is)."""
    body = {"customer_id": cid, "kind": "grade_limit_term", "limit": limit, "term_days": term_days}
    if justification is not None:
        body["justification"] = justification
    if grade:
        body["grade"] = grade
    if currency:
        body["currency"] = currency
    app = await client.post("/credit/v1/applications", json=body, headers=k["sales_manager"])
    assert app.status_code == 201, app.text
    app_id = app.json()["application_id"]
    for role in ("sales_admin", "finance", "general_manager"):
        r = await client.post(f"/credit/v1/applications/{app_id}/decisions", json={"decision": "approve"},
                              headers=k[role])
        assert r.status_code == 200, r.text
    return r.json()


def configure(client, **overrides) -> None:
    """Rebuild credit's dependencies with another configuration in a running embedded product
    (routes and consumers read `runtime.deps` at each call)."""
    runtime = client.host.runtime("credit")
    runtime.deps = dependencies(runtime, CreditConfig(**overrides))


async def check(client, k, cid: str, amount: str, order_ref: str, currency: str = "CNY", reserve: bool = False,
                role: str = "sales", term_days: int | None = None):
    body = {"customer_id": cid, "amount": amount, "currency": currency, "order_ref": order_ref, "reserve": reserve}
    if term_days is not None:
        body["term_days"] = term_days
    return await client.post("/credit/v1/checks", json=body, headers=k[role])


async def outbox_events(client, topic: str) -> list[dict]:
    """What credit published (its outbox), oldest first."""
    runtime = client.host.runtime("credit")
    async with runtime.db.engine.connect() as conn:
        rows = (await conn.execute(sa.select(outbox.c.payload).where(outbox.c.topic == topic)
                                   .order_by(outbox.c.seq))).all()
    return [json.loads(r[0]) for r in rows]


async def assess(client, k, cid: str, scores=None, **extra):
    r = await client.post(f"/credit/v1/customers/{cid}/assessments", json={"scores": scores or SCORES, **extra},
                          headers=k["finance"])
    assert r.status_code == 201, r.text
    return r.json()


@contextlib.asynccontextmanager
async def credit_alone(tmp_path, database_url: str | None = None):
    """The embedded product with credit only (on PostgreSQL if a URL is given) and keys."""
    overrides = {"credit_database_url": database_url} if database_url else {}
    async with embedded_product(tmp_path, names=["credit"], **overrides) as client:
        yield client, await keys(client)


def credit_invoice(number, amount, due, issued=date(2026, 5, 1), order_ref=None, cid="C1"):
    """The ledger's invoice-recorded for one instalment."""
    return recorded_invoice(invoice_number=number, customer_id=cid, issue_date=issued, due_date=due, amount=amount,
                            currency="CNY", order_ref=order_ref)


async def graded_customer(client, k) -> None:
    """C1 with a paid history, a grade and a limit of 100,000."""
    await customer(client, "C1")
    await ledger(client, credit_invoice("I-0", "600000", date(2026, 2, 4), issued=date(2026, 1, 5)),
                 PaymentAllocatedV1(payment_reference="P-0", customer_id="C1", received_date=date(2026, 2, 1),
                                    effective_date=date(2026, 2, 1), currency="CNY", unapplied_amount="0",
                                    lines=[AppliedLine(invoice_number="I-0", instalment_seq=1, amount="600000",
                                                       due_date=date(2026, 2, 4))]))
    await assess(client, k, "C1")
    await approve_limit(client, k, "C1", "100000")


async def open_items(client, cid: str = "C1", **params) -> dict:
    r = await client.get(f"/credit/v1/customers/{cid}/receivables", params=params)
    assert r.status_code == 200, r.text
    return r.json()


# --- migrations ---------------------------------------------------------------------------------

async def migrated_matches_models(url: str) -> list:
    return await migrations_check.migrated_matches_models(SERVICE, CreditTable.metadata, "credit_0001", url)



# --- handlers without a database -----------------------------------------------------------------

class FakeSession:
    """Rows by primary key: what handlers reach through the repository's `get`, `add` and
    `flush` (no SQL: a handler that queries needs SQLite)."""

    def __init__(self, rows=()) -> None:
        self.rows: dict[tuple, object] = {}
        for row in rows:
            self.add(row)

    @staticmethod
    def _key(cls, key) -> tuple:
        return (cls, key if isinstance(key, tuple) else (key,))

    def add(self, row) -> None:
        pk = tuple(getattr(row, c.name) for c in type(row).__table__.primary_key.columns)
        self.rows[self._key(type(row), pk)] = row

    def add_all(self, rows) -> None:
        for row in rows:
            self.add(row)

    async def get(self, cls, key):
        return self.rows.get(self._key(cls, key))

    async def flush(self) -> None:
        pass

    def of(self, cls) -> list:
        return [row for (kind, _), row in self.rows.items() if kind is cls]


class FakeUnitOfWork:
    """The unit of work's contract in memory: re-entrant scopes, commit, events emitted."""

    def __init__(self, rows=()) -> None:
        self.session = FakeSession(rows)
        self.events: list = []  # committed
        self._pending: list = []
        self.commits = 0
        self._depth = 0

    async def __aenter__(self):
        self._depth += 1
        return self

    async def __aexit__(self, *exc) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._pending = []

    async def commit(self) -> None:
        if self._depth <= 1:
            self.events += self._pending
            self._pending = []
            self.commits += 1

    def emit(self, payload, **_) -> str:
        self._pending.append(payload)
        return f"event-{len(self.events) + len(self._pending)}"


# --- what a hostile client sends ----------------------------------------------------------------

HOSTILE = (None, True, 0, -1, 2 ** 63, 10 ** 40, 1.5, 1e308, [], ["x"] * 200, {}, {"a": {"b": [1]}},
           "", " ", "x" * 5000, "a/b?c#d", "\x00", "nul\x00inside", "tab\there", "1E+2", "-1", "0",
           "9" * 40, "1.0000001", "2026-02-30", "0001-01-01", "9999-12-31", "0", "yes", "cny", "𠜎" * 150)
PLATFORM_PATHS = ("/v1/api-keys", "/v1/dead-letters")  # shared/, not credit's


def credit_operations(spec: dict):
    """(method, path, operation) of credit's own business routes."""
    for path, ops in spec["paths"].items():
        if not path.startswith("/v1/") or path.startswith(PLATFORM_PATHS):
            continue
        for method, op in ops.items():
            yield method.upper(), path, op


def body_fields(spec: dict, op: dict) -> list[str]:
    content = op.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return []
    schema = content["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return list(schema.get("properties", {}))


async def fuzz(client, spec: dict, headers: dict, valid: dict, path_values: dict) -> list[tuple]:
    """Each credit route with every field of its body, its query and path parameters, one at
    a time, replaced by each hostile value (the rest valid): the answers that were 5xx."""
    from urllib.parse import quote
    failures = []
    for method, path, op in credit_operations(spec):
        base_body = valid.get((method, path))
        params = {p["name"]: p for p in op.get("parameters", [])}
        base_path = {name: path_values.get(name, "C1") for name, p in params.items() if p["in"] == "path"}
        base_query = {name: path_values.get(name, "x") for name, p in params.items()
                      if p["in"] == "query" and p.get("required")}
        cases = [("body", f, v) for f in body_fields(spec, op) for v in HOSTILE] if base_body is not None else []
        cases += [(p["in"], name, v) for name, p in params.items() for v in HOSTILE if not isinstance(v, (dict, list))]
        for where, name, value in cases:
            body = dict(base_body) if base_body is not None else None
            path_args, query = dict(base_path), dict(base_query)
            if where == "body":
                body[name] = value
            elif where == "path":
                path_args[name] = "" if value is None else str(value)
            else:
                query[name] = "" if value is None else str(value)
            url = "/credit" + path.format(**{k: quote(v, safe="") or "%20" for k, v in path_args.items()})
            r = await client.request(method, url, params=query, json=body, headers=headers)
            if r.status_code >= 500:
                failures.append((method, path, where, name, repr(value)[:40], r.status_code, r.text[:200]))
    return failures


async def fuzz_every_route(client, k) -> list[tuple]:
    """A customer with an approved limit, a pending application, a hold and a check; then every
    credit route fuzzed from valid requests about them (`fuzz`): the 5xx answers."""
    await customer(client, "C1")
    await approve_limit(client, k, "C1", "1000")
    application = {"customer_id": "C1", "kind": "grade_limit_term", "limit": "1000", "term_days": 30,
                   "justification": "x"}
    pending = await client.post("/credit/v1/applications", json=application, headers=k["sales_manager"])
    hold = await client.post("/credit/v1/customers/C1/holds", json={"reason": "x"}, headers=k["finance"])
    await check(client, k, "C1", "10", "SO-1")
    valid = {
        ("PUT", "/v1/customers/{customer_id}"): {"name": "Acme", "documents": []},
        ("POST", "/v1/customers/{customer_id}/assessments"): {"scores": {"financial_strength": 5}},
        ("POST", "/v1/customers/{customer_id}/holds"): {"reason": "x"},
        ("POST", "/v1/customers/{customer_id}/visits"): {"role": "sales_manager", "visited_on": "2026-05-01"},
        ("POST", "/v1/applications"): application,
        ("POST", "/v1/applications/{application_id}/decisions"): {"decision": "reject", "comment": "no"},
        ("POST", "/v1/checks"): {"customer_id": "C1", "amount": "10", "currency": "CNY", "order_ref": "SO-2"},
        ("POST", "/v1/checks/{order_ref}/override"): {"reason": "x"},
    }
    ids = {"customer_id": "C1", "application_id": pending.json()["application_id"],
           "hold_id": hold.json()["hold_id"], "order_ref": "SO-1", "reason": "lifted"}
    spec = (await client.get("/credit/openapi.json")).json()
    return await fuzz(client, spec, k["finance"], valid, ids)


def undeclared_limits(spec: dict) -> list[str]:
    """Every string, integer, array and object a client sends to credit's routes without its
    bound declared (maxLength/enum/pattern of fixed size, maximum, maxItems, maxProperties)."""
    missing: list[str] = []
    seen: set[str] = set()

    def walk(schema: dict, where: str) -> None:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[-1]
            if name in seen:
                return
            seen.add(name)
            walk(spec["components"]["schemas"][name], name)
            return
        for key in ("anyOf", "oneOf", "allOf"):
            for i, sub in enumerate(schema.get(key, ())):
                walk(sub, where)
        kind = schema.get("type")
        if kind == "string" and not ({"maxLength", "enum", "const"} & set(schema) or schema.get("format") == "date"):
            missing.append(f"{where}: string without maxLength")
        if kind == "integer" and "maximum" not in schema:
            missing.append(f"{where}: integer without maximum")
        if kind == "array":
            if "maxItems" not in schema:
                missing.append(f"{where}: array without maxItems")
            walk(schema.get("items", {}), f"{where}[]")
        if kind == "object":
            for prop, sub in schema.get("properties", {}).items():
                walk(sub, f"{where}.{prop}")
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                if "maxProperties" not in schema:
                    missing.append(f"{where}: object without maxProperties")
                walk(extra, f"{where}{{}}")
                walk(schema.get("propertyNames", {"type": "string"}), f"{where} keys")

    for method, path, op in credit_operations(spec):
        for p in op.get("parameters", []):
            walk(p["schema"], f"{method} {path} {p['in']} {p['name']}")
        content = op.get("requestBody", {}).get("content", {}).get("application/json")
        if content:
            walk(content["schema"], f"{method} {path} body")
    return missing
