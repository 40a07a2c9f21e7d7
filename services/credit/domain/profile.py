"""The customer's master data credit owns, as published to the other services
(`customer-profile-changed`): whole, not a diff, with a revision that grows with every
publication of a customer. A publication happens when what is published changes (the
credit file's fields, the effective grade, the blacklist flag), and only then."""
from __future__ import annotations

import hashlib
from dataclasses import astuple, dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class PublishedProfile:
    name: str
    region: str | None
    customer_type: str | None
    industry: str | None
    salesperson: str | None
    grade: str | None  # effective
    currency: str
    onboarded_on: date | None
    blacklisted: bool

    def digest(self) -> str:
        return hashlib.sha256("\x1f".join(map(repr, astuple(self))).encode()).hexdigest()


def next_revision(profile: PublishedProfile, last_digest: str | None, last_revision: int) -> int | None:
    """The revision to publish `profile` under; None when it is what was published last."""
    return None if profile.digest() == last_digest else last_revision + 1
