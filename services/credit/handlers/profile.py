"""`customer-profile-changed`: the customer's master data credit owns, published whole
whenever what is published changes (the credit file's fields, the effective grade, the
blacklist flag), with a revision stored per customer. Called by the handlers that change
one of them, inside their transaction; publishing nothing when nothing published changed,
so several calls in one transaction publish once."""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from services.credit import repository
from services.credit.deps import CreditDeps
from services.credit.domain.profile import PublishedProfile, next_revision
from shared.context import Context
from shared.db import UnitOfWork
from shared.events.credit import CustomerProfileChangedV1


async def publish_profile(deps: CreditDeps, uow: UnitOfWork, ctx: Context, customer_id: str,
                          effective_date: date | None = None) -> int | None:
    """The revision published, or None (no file yet, or nothing published changed)."""
    file = await repository.get_file(uow, customer_id)
    profile = await repository.get_profile(uow, customer_id)
    if file is None or profile is None:
        return None
    published = PublishedProfile(file.name, file.region, file.customer_type, file.industry, file.salesperson,
                                 profile.grade, profile.currency, file.onboarded_on, bool(profile.blacklisted))
    revision = next_revision(published, profile.profile_digest, profile.profile_revision or 0)
    if revision is None:
        return None
    profile.profile_revision, profile.profile_digest = revision, published.digest()
    uow.emit(CustomerProfileChangedV1(customer_id=customer_id, revision=revision, **asdict(published),
                                      effective_date=ctx.on(effective_date)))
    return revision
