"""The credit file (PUT, versioned, never deleted) and customer visits (002 §2(4))."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from services.credit import repository
from services.credit.deps import CreditDeps
from services.credit.domain.credit_file import DocumentKind, check_currency_change, check_documents
from services.credit.handlers import grading
from services.credit.handlers.common import history, jsonable
from services.credit.handlers.profile import publish_profile
from services.credit.tables import (
    CreditDocumentRow, CreditFileRow, CreditFileVersionRow, CreditProfileRow, VisitRow,
)
from shared.context import Context
from shared.db import UnitOfWork
from shared.errors import NotFound
from shared.wire import not_after


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


async def put_file(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str, body: FileInput) -> bool:
    """Create or change the file; every call appends a version, and the customer's profile is
    published if what it shows changed. Returns True if created."""
    check_documents([d.kind for d in body.documents])
    now = ctx.now
    async with uow:
        row = await repository.get_file(uow, customer_id)
        profile = await repository.get_profile(uow, customer_id)
        currency = body.currency or (row.currency if row else deps.policy.currency)
        created = row is None
        if created:
            row = CreditFileRow(customer_id=customer_id, name=body.name, currency=currency, version=0,
                                created_at=now, updated_at=now, updated_by=ctx.actor)
            repository.add(uow, row)
        elif profile is not None:
            check_currency_change(customer_id, row.currency, currency, profile.limit_minor)
        row.name, row.region, row.customer_type = body.name, body.region, body.customer_type
        row.industry, row.salesperson, row.onboarded_on = body.industry, body.salesperson, body.onboarded_on
        row.currency, row.version, row.updated_at, row.updated_by = currency, row.version + 1, now, ctx.actor
        await repository.replace_documents(uow, customer_id, [
            CreditDocumentRow(customer_id=customer_id, kind=d.kind.value, reference=d.reference,
                              received_on=d.received_on, expires_on=d.expires_on) for d in body.documents])
        repository.add(uow, CreditFileVersionRow(customer_id=customer_id, version=row.version,
                                                 snapshot=_snapshot(row, body.documents), changed_by=ctx.actor,
                                                 changed_at=now))
        if profile is None:
            profile = CreditProfileRow(customer_id=customer_id, currency=currency, limit_minor=0, term_days=0,
                                       blacklisted=False, updated_at=now, profile_revision=0)
            repository.add(uow, profile)
        profile.currency = currency
        history(uow, customer_id, now, ctx.today, "file_version",
                f"credit file version {row.version} by {ctx.name}", version=row.version)
        await repository.flush(uow)
        if not created:
            await grading.rerate(deps, uow, ctx, customer_id, "file")
        await publish_profile(deps, uow, ctx, customer_id)
        await uow.commit()
    return created


async def record_visit(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str, role: str,
                       visited_on: date, note: str) -> None:
    not_after(visited_on, ctx.today, deps.policy.config.future_days, "visited_on", "a visit")
    async with uow:
        if await repository.get_file(uow, customer_id) is None:
            raise NotFound(f"no credit file for customer {customer_id!r}")
        repository.add(uow, VisitRow(customer_id=customer_id, role=role, visited_on=visited_on,
                                     visited_by=ctx.actor, note=note))
        history(uow, customer_id, ctx.now, visited_on, "visit", f"visit by the {role} ({ctx.name})",
                role=role, note=note)
        await uow.commit()
