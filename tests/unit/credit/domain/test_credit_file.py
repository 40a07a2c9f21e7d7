from datetime import date

import pytest

from services.credit.domain.credit_file import (
    Completeness, CreditDocument, CreditFile, DocumentKind, check_currency_change, check_documents,
)
from shared.errors import Conflict, RuleError

AS_OF = date(2024, 7, 1)


def full_file(**kw) -> CreditFile:
    docs = tuple(CreditDocument(k, f"{k}-ref") for k in DocumentKind)
    base = dict(customer_id="c1", name="苏州某某", region="East", customer_type="distributor",
                industry="textiles", salesperson="wang", documents=docs, onboarded_on=date(2022, 3, 1))
    base.update(kw)
    return CreditFile(**base)


def test_complete_file():
    status = full_file().completeness(AS_OF)
    assert status.status is Completeness.COMPLETE and status.complete
    assert status.missing == () and status.expired == ()


def test_missing_document_makes_file_incomplete():
    file = CreditFile("c1", "x", documents=(CreditDocument(DocumentKind.BUSINESS_LICENCE, "91320"),))
    status = file.completeness(AS_OF)
    assert status.status is Completeness.INCOMPLETE
    assert status.missing == (DocumentKind.ORGANISATION_CODE, DocumentKind.LEGAL_REP_ID,
                              DocumentKind.FIXED_PHONE, DocumentKind.LEGAL_REP_PHONES)


def test_blank_reference_counts_as_missing():
    file = full_file().with_document(CreditDocument(DocumentKind.FIXED_PHONE, "  "))
    assert file.completeness(AS_OF).missing == (DocumentKind.FIXED_PHONE,)


def test_expired_licence_makes_file_incomplete():
    file = full_file().with_document(
        CreditDocument(DocumentKind.BUSINESS_LICENCE, "91320", expires_on=date(2024, 6, 30)))
    status = file.completeness(AS_OF)
    assert status.expired == (DocumentKind.BUSINESS_LICENCE,) and not status.complete
    assert file.completeness(date(2024, 6, 30)).complete


def test_required_set_configurable():
    file = CreditFile("c1", "x", documents=(CreditDocument(DocumentKind.BUSINESS_LICENCE, "91320"),))
    assert file.completeness(AS_OF, frozenset({DocumentKind.BUSINESS_LICENCE})).complete


def test_with_document_replaces_same_kind():
    file = full_file().with_document(CreditDocument(DocumentKind.LEGAL_REP_ID, "new"))
    assert file.document(DocumentKind.LEGAL_REP_ID).reference == "new"
    assert len(file.documents) == len(DocumentKind)


def test_new_customer_is_under_twelve_months():
    file = full_file(onboarded_on=date(2023, 7, 2))
    assert file.is_new(AS_OF)
    assert not file.is_new(date(2024, 7, 2))
    assert full_file(onboarded_on=None).is_new(AS_OF)
    assert not full_file(onboarded_on=date(2024, 1, 1)).is_new(AS_OF, new_customer_months=6)


def test_each_document_kind_at_most_once_and_the_currency_only_without_a_limit():
    check_documents([DocumentKind.FIXED_PHONE, DocumentKind.LEGAL_REP_ID])
    with pytest.raises(RuleError) as twice:
        check_documents([DocumentKind.FIXED_PHONE, DocumentKind.FIXED_PHONE])
    assert (twice.value.field, twice.value.rule) == ("documents", "unique_kind")
    check_currency_change("C1", "CNY", "USD", 0)
    check_currency_change("C1", "CNY", "CNY", 100)
    with pytest.raises(Conflict):
        check_currency_change("C1", "CNY", "USD", 100)
