"""The published customer profile: a new revision only when what is published changed."""
from dataclasses import replace
from datetime import date

from services.credit.domain.profile import PublishedProfile, next_revision

PROFILE = PublishedProfile("Acme", "East", "distributor", "retail", "li", "B", "CNY", date(2024, 1, 10), False)


def test_the_first_publication_is_revision_one_and_an_unchanged_profile_is_not_published_again():
    assert next_revision(PROFILE, None, 0) == 1
    assert next_revision(PROFILE, PROFILE.digest(), 1) is None


def test_any_published_field_changing_makes_the_next_revision():
    for change in ({"name": "Acme Ltd"}, {"grade": "C"}, {"blacklisted": True}, {"region": None},
                   {"onboarded_on": date(2024, 1, 11)}, {"salesperson": "wang"}):
        assert next_revision(replace(PROFILE, **change), PROFILE.digest(), 4) == 5, change
