"""The credit file (客户信用档案, 002 §2(1)): who the customer is and which required
documents finance holds, with a completeness status at a date.

Required by default: business licence (营业执照, after its annual inspection), organisation
code certificate (组织机构代码证), legal representative's ID (法人身份证复印件), fixed phone of
the premises (固定电话) and the legal representative's phones (家庭电话、法人个人手机). A
document with an empty reference is missing; one past its `expires_on` is expired, and
either makes the file incomplete. The set is configurable (after China's 三证合一 reform a
business licence carries the organisation code, so some companies drop that one).

New customer: no onboarding date, or onboarded less than `new_customer_months` (default 12)
before the date asked about. Twelve months because the limit rule (002 §2(2)) rests on a
full year of sales and the yearly July re-rating is the first rating on own history.

The file is a value: changes make a new value; the storage keeps the audit trail.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from services.credit.domain._dates import add_months
from shared.errors import Conflict, RuleError


class DocumentKind(StrEnum):
    BUSINESS_LICENCE = "business_licence"
    ORGANISATION_CODE = "organisation_code"
    LEGAL_REP_ID = "legal_rep_id"
    FIXED_PHONE = "fixed_phone"
    LEGAL_REP_PHONES = "legal_rep_phones"


DOCUMENT_LABELS_ZH: dict[DocumentKind, str] = {
    DocumentKind.BUSINESS_LICENCE: "营业执照",
    DocumentKind.ORGANISATION_CODE: "组织机构代码证",
    DocumentKind.LEGAL_REP_ID: "法人身份证",
    DocumentKind.FIXED_PHONE: "经营场所固定电话",
    DocumentKind.LEGAL_REP_PHONES: "法人家庭电话及个人手机",
}
DEFAULT_REQUIRED_DOCUMENTS: frozenset[DocumentKind] = frozenset(DocumentKind)


class Completeness(StrEnum):
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, slots=True)
class CreditDocument:
    kind: DocumentKind
    reference: str  # document number, scan id, or the phone number(s)
    received_on: date | None = None
    expires_on: date | None = None


@dataclass(frozen=True, slots=True)
class DocumentStatus:
    status: Completeness
    missing: tuple[DocumentKind, ...]
    expired: tuple[DocumentKind, ...]

    @property
    def complete(self) -> bool:
        return self.status is Completeness.COMPLETE

    @property
    def lacking(self) -> tuple[DocumentKind, ...]:
        return self.missing + self.expired


@dataclass(frozen=True, slots=True)
class CreditFile:
    customer_id: str
    name: str
    region: str | None = None
    customer_type: str | None = None
    industry: str | None = None
    salesperson: str | None = None
    documents: tuple[CreditDocument, ...] = ()
    onboarded_on: date | None = None

    def document(self, kind: DocumentKind) -> CreditDocument | None:
        found = [d for d in self.documents if d.kind is kind and d.reference.strip()]
        return found[-1] if found else None

    def with_document(self, doc: CreditDocument) -> "CreditFile":
        kept = tuple(d for d in self.documents if d.kind is not doc.kind)
        return replace(self, documents=kept + (doc,))

    def completeness(self, as_of: date,
                     required: frozenset[DocumentKind] = DEFAULT_REQUIRED_DOCUMENTS) -> DocumentStatus:
        order = [k for k in DocumentKind if k in required]
        missing = tuple(k for k in order if self.document(k) is None)
        expired = tuple(k for k in order if (d := self.document(k)) is not None
                        and d.expires_on is not None and d.expires_on < as_of)
        status = Completeness.COMPLETE if not (missing or expired) else Completeness.INCOMPLETE
        return DocumentStatus(status, missing, expired)

    def is_new(self, as_of: date, new_customer_months: int = 12) -> bool:
        if self.onboarded_on is None:
            return True
        return as_of < add_months(self.onboarded_on, new_customer_months)


def check_documents(kinds: list[DocumentKind]) -> None:
    """A file holds each kind of document at most once."""
    if len(set(kinds)) != len(kinds):
        raise RuleError("each document kind at most once", "documents", "unique_kind")


def check_currency_change(customer_id: str, current: str, new: str, limit_minor: int) -> None:
    """The credit currency may change only while the customer has no limit in it."""
    if new != current and limit_minor > 0:
        raise Conflict(f"customer {customer_id} has a limit in {current}: change the limit first",
                       field="currency")
