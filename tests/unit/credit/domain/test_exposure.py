from datetime import date

import pytest

from shared.money import Money, MoneyError
from services.credit.domain.exposure import (
    ExposurePolicy, ReleaseMode, ReleaseReason, Reservation, compute_exposure, release_expired,
    release_mode, release_on_invoice,
)
from services.credit.domain.receivables import OpenInstalment, OpenItem, open_items, summarize_overdue
from tests.support.credit import cny

TODAY = date(2024, 7, 15)
ITEMS = (OpenItem("INV-1", date(2024, 7, 1), cny("1000")),
         OpenItem("INV-2", date(2024, 6, 1), cny("500"), disputed_amount=cny("500")))
R1 = Reservation("SO-1", cny("300"), expires_on=date(2024, 7, 31))
R2 = Reservation("SO-2", cny("200"), expires_on=date(2024, 7, 14))  # expired yesterday


def test_exposure_default_counts_receivables_disputed_and_active_reservations():
    e = compute_exposure(ITEMS, (R1, R2), TODAY, "CNY")
    assert e.total == cny("1800")
    assert e.open_receivables == cny("1500") and e.disputed == cny("500")
    assert e.reservations == cny("300")


def test_exposure_without_disputed():
    e = compute_exposure(ITEMS, (R1,), TODAY, "CNY", ExposurePolicy(include_disputed=False))
    assert e.total == cny("1300") and e.disputed == cny("500")


def test_exposure_without_reservations():
    e = compute_exposure(ITEMS, (R1,), TODAY, "CNY", ExposurePolicy(include_reservations=False))
    assert e.total == cny("1500") and e.reservations == cny("300")


def test_reservation_active_through_expiry_day():
    assert R2.is_active(date(2024, 7, 14)) and not R2.is_active(TODAY)
    assert compute_exposure((), (R2,), date(2024, 7, 14), "CNY").total == cny("200")


def test_release_on_invoice_full():
    update = release_on_invoice((R1, R2), "SO-1")
    assert update.remaining == (R2,)
    assert [(r.reservation, r.reason, r.released_amount) for r in update.released] == [
        (R1, ReleaseReason.INVOICED, cny("300"))]


def test_release_on_invoice_unknown_order_changes_nothing():
    update = release_on_invoice((R1,), "SO-9", cny("100"))
    assert update.remaining == (R1,) and update.released == ()


def test_release_by_amount_keeps_remainder():
    update = release_on_invoice((R1,), "SO-1", cny("100"), ReleaseMode.BY_AMOUNT)
    assert update.remaining[0].amount == cny("200")
    assert update.released[0].released_amount == cny("100")
    final = release_on_invoice(update.remaining, "SO-1", cny("250"), ReleaseMode.BY_AMOUNT)
    assert final.remaining == () and final.released[0].released_amount == cny("200")


def test_release_expired():
    update = release_expired((R1, R2), TODAY)
    assert update.remaining == (R1,)
    assert [(r.reservation, r.reason) for r in update.released] == [(R2, ReleaseReason.EXPIRED)]


def test_invoice_then_exposure_moves_from_reservation_to_receivable():
    before = compute_exposure(ITEMS, (R1,), TODAY, "CNY")
    left = release_on_invoice((R1,), "SO-1").remaining
    invoiced = ITEMS + (OpenItem("INV-3", date(2024, 8, 14), cny("300")),)
    assert compute_exposure(invoiced, left, TODAY, "CNY").total == before.total


def test_exposure_refuses_other_currencies():
    with pytest.raises(MoneyError):
        compute_exposure((OpenItem("X", TODAY, Money.of("1", "USD")),), (), TODAY, "CNY")


def test_overdue_summary_excludes_disputed_and_not_yet_due():
    items = ITEMS + (OpenItem("INV-4", date(2024, 7, 15), cny("50")),)
    s = summarize_overdue(items, TODAY, "CNY")
    assert s.amount == cny("1000") and s.max_days_overdue == 14
    with_disputed = summarize_overdue(items, TODAY, "CNY", include_disputed=True)
    assert with_disputed.amount == cny("1500") and with_disputed.max_days_overdue == 44
    assert summarize_overdue(items, TODAY, "CNY", min_days=30).amount == cny("0")


def test_settled_item_is_not_overdue():
    s = summarize_overdue((OpenItem("INV-5", date(2024, 1, 1), cny("0")),), TODAY, "CNY")
    assert s.amount == cny("0") and s.items == ()


def test_an_invoice_in_another_currency_releases_the_whole_reservation():
    assert release_mode(ReleaseMode.BY_AMOUNT, "CNY", "CNY") is ReleaseMode.BY_AMOUNT
    assert release_mode(ReleaseMode.BY_AMOUNT, "USD", "CNY") is ReleaseMode.FULL
    assert release_mode(ReleaseMode.FULL, "CNY", "CNY") is ReleaseMode.FULL


def test_an_open_item_is_dated_by_its_own_due_date():
    [item] = open_items([OpenInstalment("I-1", 2, date(2024, 6, 11), cny("300"))])
    assert (item.due_date, item.instalment_seq, item.days_overdue(TODAY), item.disputed) == (
        date(2024, 6, 11), 2, 34, False)


def test_an_invoices_disputed_amount_covers_its_instalments_oldest_due_first():
    """Like the ledger: 700 disputed on an invoice of three open instalments covers the first
    (500) and 200 of the second; what is overdue is the undisputed rest."""
    items = open_items([OpenInstalment("I-1", 3, date(2024, 8, 1), cny("500"), 70000),
                        OpenInstalment("I-1", 1, date(2024, 6, 1), cny("500"), 70000),
                        OpenInstalment("I-1", 2, date(2024, 7, 1), cny("500"), 70000),
                        OpenInstalment("I-2", 1, date(2024, 6, 1), cny("100"))])
    assert [(i.instalment_seq, i.disputed_amount) for i in items] == [
        (3, None), (1, cny("500")), (2, cny("200")), (1, None)]
    assert [i.undisputed_amount for i in items] == [cny("500"), cny("0"), cny("300"), cny("100")]
    overdue = summarize_overdue(items, TODAY, "CNY")
    assert overdue.amount == cny("400") and overdue.max_days_overdue == 44
    assert summarize_overdue(items, TODAY, "CNY", include_disputed=True).amount == cny("1100")
    exposure = compute_exposure(items, (), TODAY, "CNY", ExposurePolicy(include_disputed=False))
    assert (exposure.disputed, exposure.open_receivables) == (cny("700"), cny("900"))
