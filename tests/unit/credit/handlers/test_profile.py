"""customer-profile-changed from the handlers that change what it shows (the file, the
effective grade, the blacklist flag), on an in-memory unit of work: whole profile, a
revision growing per customer, nothing when nothing published changed."""
from datetime import date, datetime, timezone

import pytest

from services.credit.config import CreditConfig, build_policy
from services.credit.deps import CreditDeps
from services.credit.handlers import grading, holds
from services.credit.handlers.profile import publish_profile
from services.credit.tables import CreditFileRow, CreditProfileRow, HoldRow
from shared.clock import FixedClock
from shared.context import Context
from shared.events.credit import CustomerProfileChangedV1
from tests.support.credit import FakeUnitOfWork

NOW = datetime(2026, 6, 1, 4, 0, tzinfo=timezone.utc)
TODAY = date(2026, 6, 1)
DEPS = CreditDeps(build_policy(CreditConfig()), FixedClock(NOW))
FINANCE = Context("fin-key", TODAY, NOW, frozenset({"finance"}), "Fin")


def rows(**profile):
    file = CreditFileRow(customer_id="C1", name="Acme", region="East", customer_type="distributor",
                         industry="retail", salesperson="li", onboarded_on=date(2024, 1, 10), currency="CNY",
                         version=1, created_at=NOW, updated_at=NOW, updated_by="fin-key")
    fields = {"customer_id": "C1", "currency": "CNY", "limit_minor": 0, "term_days": 0, "blacklisted": False,
              "updated_at": NOW, "profile_revision": 0, **profile}
    return file, CreditProfileRow(**fields)


def published(uow) -> list[CustomerProfileChangedV1]:
    return [e for e in uow.events if isinstance(e, CustomerProfileChangedV1)]


async def publish(uow, ctx=FINANCE):
    async with uow:
        revision = await publish_profile(DEPS, uow, ctx, "C1")
        await uow.commit()
    return revision


async def test_the_whole_profile_is_published_once_per_change_with_a_growing_revision():
    file, profile = rows(grade="B")
    uow = FakeUnitOfWork([file, profile])
    assert await publish(uow) == 1
    [event] = published(uow)
    assert event.model_dump(exclude={"effective_date"}) == {
        "customer_id": "C1", "revision": 1, "name": "Acme", "region": "East", "customer_type": "distributor",
        "industry": "retail", "salesperson": "li", "grade": "B", "currency": "CNY",
        "onboarded_on": date(2024, 1, 10), "blacklisted": False}
    assert event.effective_date == TODAY and profile.profile_revision == 1
    assert await publish(uow) is None and len(published(uow)) == 1  # nothing published changed
    file.name = "Acme Ltd"
    assert await publish(uow) == 2 and published(uow)[-1].name == "Acme Ltd"


async def test_no_file_no_publication():
    _, profile = rows()
    uow = FakeUnitOfWork([profile])
    assert await publish(uow) is None and uow.events == []


async def test_a_change_of_the_effective_grade_publishes_the_profile_with_it():
    file, profile = rows(grade="B", rated_grade="B", profile_revision=3, profile_digest="old")
    uow = FakeUnitOfWork([file, profile])
    profile.rated_grade = "D"
    async with uow:
        await grading.set_grade(DEPS, uow, FINANCE, profile, 65, ["re-rated"], TODAY)
        await uow.commit()
    assert [(e.grade, e.revision) for e in published(uow)] == [("D", 4)]
    async with uow:  # the same grade again: no grade change, no profile
        await grading.set_grade(DEPS, uow, FINANCE, profile, 65, ["re-rated"], TODAY)
        await uow.commit()
    assert len(published(uow)) == 1


async def test_lifting_the_blacklist_publishes_the_flag():
    file, profile = rows(grade="C", blacklisted=True)
    hold = HoldRow(hold_id="H1", customer_id="C1", kind="blacklist", reason="3 overdue holds",
                   placed_by="system:credit", placed_on=date(2026, 5, 1), invoice_numbers=[])
    uow = FakeUnitOfWork([file, profile, hold])
    await holds.release_manual(DEPS, uow, FINANCE, "C1", "H1", "cleared by the GM")
    assert [e.blacklisted for e in published(uow)] == [False]
    assert hold.released_by == "fin-key" and profile.blacklisted is False and uow.commits == 1


async def test_an_uncommitted_change_publishes_nothing():
    file, profile = rows()
    uow = FakeUnitOfWork([file, profile])
    with pytest.raises(RuntimeError):
        async with uow:
            await publish_profile(DEPS, uow, FINANCE, "C1")
            raise RuntimeError("the transaction fails")
    assert uow.events == []
