"""Credit exposure = open receivables + credit reserved for approved, not yet invoiced orders.

A reservation (amount, order_ref, expiry) is made when a check with `reserve` approves an
order. It counts while today <= expires_on (it lapses at the end of that day). It is
released when an invoice with the same order_ref arrives: by default entirely (FULL: the
invoice now carries the exposure), or by the invoiced amount (BY_AMOUNT, for orders
invoiced in parts; a remainder stays reserved until a later invoice or expiry).

What counts is configuration: reservations in or out, disputed receivables in or out
(default: both in; a disputed amount is still owed until the dispute is settled).
All amounts must be in the credit currency; the caller converts before asking.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from typing import Iterable

from shared.money import Money
from services.credit.domain._money import total
from services.credit.domain.receivables import OpenItem


@dataclass(frozen=True, slots=True)
class Reservation:
    order_ref: str
    amount: Money
    expires_on: date
    reserved_on: date | None = None

    def is_active(self, on: date) -> bool:
        return on <= self.expires_on


class ReleaseReason(StrEnum):
    INVOICED = "invoiced"
    EXPIRED = "expired"


class ReleaseMode(StrEnum):
    FULL = "full"
    BY_AMOUNT = "by_amount"


@dataclass(frozen=True, slots=True)
class ReleasedReservation:
    reservation: Reservation
    reason: ReleaseReason
    released_amount: Money


@dataclass(frozen=True, slots=True)
class ReservationUpdate:
    remaining: tuple[Reservation, ...]
    released: tuple[ReleasedReservation, ...]


def release_on_invoice(reservations: Iterable[Reservation], order_ref: str,
                       invoice_amount: Money | None = None,
                       mode: ReleaseMode = ReleaseMode.FULL) -> ReservationUpdate:
    remaining: list[Reservation] = []
    released: list[ReleasedReservation] = []
    for r in reservations:
        if r.order_ref != order_ref:
            remaining.append(r)
        elif mode is ReleaseMode.FULL or invoice_amount is None or invoice_amount >= r.amount:
            released.append(ReleasedReservation(r, ReleaseReason.INVOICED, r.amount))
        else:
            released.append(ReleasedReservation(r, ReleaseReason.INVOICED, invoice_amount))
            remaining.append(replace(r, amount=r.amount - invoice_amount))
    return ReservationUpdate(tuple(remaining), tuple(released))


def release_mode(configured: ReleaseMode, invoice_currency: str, reservation_currency: str) -> ReleaseMode:
    """By amount only when the invoice and the reservation are in one currency (no
    conversion): else the invoice releases the whole reservation."""
    return configured if invoice_currency == reservation_currency else ReleaseMode.FULL


def release_expired(reservations: Iterable[Reservation], today: date) -> ReservationUpdate:
    remaining = tuple(r for r in reservations if r.is_active(today))
    released = tuple(ReleasedReservation(r, ReleaseReason.EXPIRED, r.amount)
                     for r in reservations if not r.is_active(today))
    return ReservationUpdate(remaining, released)


@dataclass(frozen=True, slots=True)
class ExposurePolicy:
    include_reservations: bool = True
    include_disputed: bool = True


@dataclass(frozen=True, slots=True)
class Exposure:
    total: Money
    open_receivables: Money  # what counted, after the disputed rule
    disputed: Money  # the open amounts in dispute, counted or not
    reservations: Money  # active reservations, counted or not
    policy: ExposurePolicy


def compute_exposure(open_items: Iterable[OpenItem], reservations: Iterable[Reservation],
                     today: date, currency: str,
                     policy: ExposurePolicy = ExposurePolicy()) -> Exposure:
    items = list(open_items)
    disputed = total((i.disputed_amount for i in items if i.disputed), currency)
    counted = total((i.open_amount if policy.include_disputed else i.undisputed_amount for i in items), currency)
    reserved = total((r.amount for r in reservations if r.is_active(today)), currency)
    exposure = counted + reserved if policy.include_reservations else counted
    return Exposure(exposure, counted, disputed, reserved, policy)
