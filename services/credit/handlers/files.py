"""The credit file (PUT, versioned, never deleted), the customer's credit view (grade,
limit, exposure, holds and why), the timeline, and customer visits (002 §2(4))."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

from services.credit import repository
from services.credit.context import of
from services.credit.domain.check import TemporaryLimit
from services.credit.domain.credit_file import DocumentKind
from services.credit.domain.exposure import Reservation, compute_exposure
from services.credit.domain.rerating import VisitCandidate, visits_due
from services.credit.domain.receivables import summarize_overdue
from services.credit.handlers import grading
from services.credit.handlers.common import history, jsonable, money
from services.credit.handlers.holds import open_item
from services.credit.tables import (
    CreditDocumentRow, CreditFileRow, CreditFileVersionRow, CreditProfileRow, VisitRow,
)
from shared.auth import Principal
from shared.db import UnitOfWork
from shared.errors import Conflict, NotFound, RuleError
from shared.money import Money


@dataclass
class DocumentInput:
    kind: DocumentKind
    reference: str
    received_on: date | None = None
    expires_on: date | None = None


@dataclass
class FileInput:
    name: str
    region: str | None = None
    customer_type: str | None = None
    industry: str | None = None
    salesperson: str | None = None
    onboarded_on: date | None = None
    currency: str | None = None
    documents: list[DocumentInput] = field(default_factory=list)


def _snapshot(row: CreditFileRow, docs: list[DocumentInput]) -> dict:
    return jsonable({"name": row.name, "region": row.region, "customer_type": row.customer_type,
                     "industry": row.industry, "salesperson": row.salesperson, "onboarded_on": row.onboarded_on,
                     "currency": row.currency,
                     "documents": [{"kind": d.kind.value, "reference": d.reference, "received_on": d.received_on,
                                    "expires_on": d.expires_on} for d in docs]})


async def put_file(uow: UnitOfWork, customer_id: str, principal: Principal, body: FileInput) -> bool:
    """Create or change the file; every call appends a version. Returns True if created."""
    ctx = of(uow)
    now, today = ctx.clock.now(), ctx.clock.today()
    kinds = [d.kind for d in body.documents]
    if len(set(kinds)) != len(kinds):
        raise RuleError("each document kind at most once", "documents", "unique_kind")
    async with uow:
        row = await repository.get_file(uow, customer_id)
        profile = await repository.get_profile(uow, customer_id)
        currency = body.currency or (row.currency if row else ctx.policy.currency)
        created = row is None
        if created:
            row = CreditFileRow(customer_id=customer_id, name=body.name, currency=currency, version=0,
                                created_at=now, updated_at=now, updated_by=principal.key_id)
        elif currency != row.currency and profile is not None and profile.limit_minor > 0:
            raise Conflict(f"customer {customer_id} has a limit in {row.currency}: change the limit first",
                           field="currency")
        row.name, row.region, row.customer_type = body.name, body.region, body.customer_type
        row.industry, row.salesperson, row.onboarded_on = body.industry, body.salesperson, body.onboarded_on
        row.currency, row.version, row.updated_at, row.updated_by = currency, row.version + 1, now, principal.key_id
        uow.session.add(row)
        await repository.replace_documents(uow, customer_id, [
            CreditDocumentRow(customer_id=customer_id, kind=d.kind.value, reference=d.reference,
                              received_on=d.received_on, expires_on=d.expires_on) for d in body.documents])
        uow.session.add(CreditFileVersionRow(customer_id=customer_id, version=row.version,
                                             snapshot=_snapshot(row, body.documents), changed_by=principal.key_id,
                                             changed_at=now))
        if profile is None:
            profile = CreditProfileRow(customer_id=customer_id, currency=currency, limit_minor=0, term_days=0,
                                       blacklisted=False, updated_at=now)
        profile.currency = currency
        uow.session.add(profile)
        history(uow, customer_id, now, today, "file_version",
                f"credit file version {row.version} by {principal.name}", version=row.version)
        await uow.session.flush()
        if not created:
            await grading.rerate(uow, customer_id, "file")
        await uow.commit()
    return created


@dataclass
class CustomerView:
    file: CreditFileRow
    documents: list
    completeness: object
    is_new: bool
    profile: CreditProfileRow
    assessment: object
    exposure: object
    overdue: object
    effective_limit: Money
    available: Money
    holds: list
    temporary_limits: list
    reservations: list


async def customer_view(uow: UnitOfWork, customer_id: str) -> CustomerView:
    ctx = of(uow)
    today = ctx.clock.today()
    policy = ctx.policy
    async with uow:
        row = await repository.get_file(uow, customer_id)
        profile = await repository.get_profile(uow, customer_id)
        if row is None or profile is None:
            raise NotFound(f"no credit file for customer {customer_id!r}")
        docs = await repository.documents_of(uow, customer_id)
        cfile = grading.credit_file(row, docs)
        cur = profile.currency
        items = [open_item(r) for r in await repository.receivables_of(uow, customer_id, open_only=True)
                 if r.currency == cur]
        reservations = await repository.active_reservations(uow, customer_id, today)
        exposure = compute_exposure(items, [Reservation(r.order_ref, money(r.amount_minor, cur), r.expires_on)
                                            for r in reservations if r.currency == cur], today, cur, policy.exposure)
        temps = [t for t in await repository.temporary_limits_of(uow, customer_id, today) if t.currency == cur]
        limit = money(profile.limit_minor, cur)
        for t in temps:
            if TemporaryLimit(money(t.amount_minor, cur), t.expires_on, t.valid_from).is_valid(today):
                limit = limit + money(t.amount_minor, cur)
        assessment = (await repository.get_assessment(uow, profile.last_assessment_id)
                      if profile.last_assessment_id else None)
        return CustomerView(
            file=row, documents=docs, completeness=cfile.completeness(today, policy.grading.required_documents),
            is_new=cfile.is_new(today, policy.grading.new_customer_months), profile=profile, assessment=assessment,
            exposure=exposure, overdue=summarize_overdue(items, today, cur), effective_limit=limit,
            available=max(limit - exposure.total, Money.zero(cur)),
            holds=await repository.active_holds(uow, customer_id), temporary_limits=temps, reservations=reservations)


async def timeline(uow: UnitOfWork, customer_id: str, limit: int) -> list[dict]:
    """File versions, assessments, grade/limit changes, holds, application steps, checks."""
    async with uow:
        if await repository.get_file(uow, customer_id) is None:
            raise NotFound(f"no credit file for customer {customer_id!r}")
        entries = []
        versions = {v.version: v for v in await repository.file_versions(uow, customer_id)}
        for h in await repository.history_of(uow, customer_id, limit):
            detail = dict(h.detail or {})
            if h.kind == "file_version" and detail.get("version") in versions:
                detail["snapshot"] = versions[detail["version"]].snapshot
            entries.append({"at": repository.utc(h.at), "effective_date": h.effective_date, "kind": h.kind,
                            "summary": h.summary, "detail": detail})
        for c in await repository.checks_of(uow, customer_id, limit):
            result = json.loads(c.result)
            codes = ", ".join(r["code"] for r in result["reasons"]) or "no reasons"
            entries.append({"at": repository.utc(c.checked_at), "effective_date": repository.utc(c.checked_at).date(),
                            "kind": "check", "summary": f"check of order {c.order_ref} for {result['amount']} "
                                                        f"{result['currency']}: {c.decision} ({codes})",
                            "detail": result})
    entries.sort(key=lambda e: e["at"], reverse=True)
    return entries[:limit]


async def record_visit(uow: UnitOfWork, customer_id: str, principal: Principal, role: str, visited_on: date,
                       note: str) -> None:
    ctx = of(uow)
    async with uow:
        if await repository.get_file(uow, customer_id) is None:
            raise NotFound(f"no credit file for customer {customer_id!r}")
        uow.session.add(VisitRow(customer_id=customer_id, role=role, visited_on=visited_on,
                                 visited_by=principal.key_id, note=note))
        history(uow, customer_id, ctx.clock.now(), visited_on, "visit", f"visit by the {role} ({principal.name})",
                role=role, note=note)
        await uow.commit()


async def due_visits(uow: UnitOfWork) -> list:
    ctx = of(uow)
    today = ctx.clock.today()
    cur = ctx.policy.currency
    async with uow:
        profiles = [p for p in await repository.profiles_with_limit(uow) if p.currency == cur]
        visits = await repository.visits_of(uow, [p.customer_id for p in profiles])
    last: dict[str, dict[str, date]] = {}
    for v in visits:
        seen = last.setdefault(v.customer_id, {})
        if v.role not in seen or seen[v.role] < v.visited_on:
            seen[v.role] = v.visited_on
    candidates = [VisitCandidate(p.customer_id, money(p.limit_minor, cur), p.term_days, last.get(p.customer_id, {}))
                  for p in profiles]
    return visits_due(candidates, today, ctx.policy.visits)
