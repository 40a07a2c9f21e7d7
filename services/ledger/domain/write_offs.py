"""Write-offs (坏账核销, 001/003): bad debts leave the receivable through an approval.

- Request: only a user with the finance role; a non-blank reason; 0 < amount <=
  the open amount of the invoice; and grounds (001, 003: a bad debt is confirmed by its
  overdue time or by what happened to the debtor): overdue at least a configured number
  of days (180 by default, where the receivable turns quasi-doubtful), or a documented
  cause — bankruptcy, a court ruling, a settlement agreement, the debtor deregistered —
  with the document's reference. The grounds are checked again at approval.
- Decision by a second person: approver != requester, and the approver has the
  finance or general_manager role. requested -> approved | rejected; both final
  (`WriteOffTransitionError`, 409). Approval may re-check the open amount, which can
  have fallen since the request.
- Once approved, the write_off movement removes the amount from the open balance and
  the item is classified `dead` (see receivable_class). Recovery continues: a recovery
  is cash against the written-off amount, recorded on the write-off; the recovered
  total never exceeds the written-off amount. It does not re-open the item.
Roles are plain strings (compared case-insensitively); users are plain ids.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from shared.errors import RuleError
from shared.money import Money
from shared.roles import FINANCE, GENERAL_MANAGER

REQUESTER_ROLES = frozenset({FINANCE})
APPROVER_ROLES = frozenset({FINANCE, GENERAL_MANAGER})


class WriteOffError(RuleError):
    default_rule = "write_off"


class WriteOffForbidden(WriteOffError):
    default_rule = "write_off.forbidden"
    status = 403


class WriteOffTransitionError(WriteOffError):
    default_rule = "write_off.illegal_transition"
    status = 409


class WriteOffCause(StrEnum):
    BANKRUPTCY = "bankruptcy"  # 破产清算
    COURT_RULING = "court_ruling"  # 法院判决/裁定, e.g. enforcement ended without assets
    AGREEMENT = "agreement"  # a settlement agreement (和解/债务重组) forgiving the rest
    DEREGISTERED = "deregistered"  # the debtor deregistered or its licence revoked (注销/吊销)


@dataclass(frozen=True, slots=True)
class WriteOffGrounds:
    days_overdue: int  # of the invoice's longest overdue open instalment (0 when none is)
    cause: WriteOffCause | None = None
    cause_reference: str | None = None


def check_grounds(grounds: WriteOffGrounds, min_overdue_days: int) -> None:
    if grounds.cause is not None:
        if not (grounds.cause_reference or "").strip():
            raise WriteOffError(f"a {grounds.cause.value} write-off needs the document's reference",
                                field="cause_reference", rule="write_off.cause_reference")
        return
    if grounds.days_overdue < min_overdue_days:
        raise WriteOffError(f"the invoice is {max(grounds.days_overdue, 0)} days overdue: a write-off needs "
                            f"{min_overdue_days} days overdue or a documented cause ("
                            f"{', '.join(c.value for c in WriteOffCause)})", field="cause",
                            rule="write_off.grounds")


class WriteOffStatus(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"


@dataclass(frozen=True, slots=True)
class WriteOff:
    invoice_number: str
    amount: Money
    reason: str
    requested_by: str
    requested_on: date
    status: WriteOffStatus = WriteOffStatus.REQUESTED
    decided_by: str | None = None
    decided_on: date | None = None
    decision_note: str = ""
    recovered: Money | None = None  # None until the first recovery

    @property
    def recovered_total(self) -> Money:
        return self.recovered or Money.zero(self.amount.currency)

    @property
    def recoverable(self) -> Money:
        """What may still be recovered: the approved amount less recoveries so far."""
        if self.status is not WriteOffStatus.APPROVED:
            return Money.zero(self.amount.currency)
        return self.amount - self.recovered_total


def _has(roles: Collection[str], allowed: frozenset[str]) -> bool:
    return any(r.strip().lower() in allowed for r in roles)


def request_write_off(invoice_number: str, amount: Money, open_amount: Money, reason: str, requested_by: str,
                      requester_roles: Collection[str], requested_on: date, *,
                      grounds: WriteOffGrounds | None = None, min_overdue_days: int = 0) -> WriteOff:
    if not _has(requester_roles, REQUESTER_ROLES):
        raise WriteOffForbidden("only finance may request a write-off", field="requested_by")
    if not reason or not reason.strip():
        raise WriteOffError("a write-off needs a reason", field="reason", rule="write_off.reason")
    _check_amount(amount, open_amount)
    check_grounds(grounds or WriteOffGrounds(min_overdue_days), min_overdue_days)
    return WriteOff(invoice_number, amount, reason.strip(), requested_by, requested_on)


def _check_amount(amount: Money, open_amount: Money) -> None:
    if amount.currency != open_amount.currency:
        raise WriteOffError("the write-off must be in the invoice currency", field="amount",
                            rule="write_off.currency")
    if not amount.is_positive:
        raise WriteOffError("a write-off must be greater than zero", field="amount", rule="write_off.amount")
    if amount > open_amount:
        raise WriteOffError(f"{amount} exceeds the open amount {open_amount}", field="amount",
                            rule="write_off.exceeds_open")


def _decide(write_off: WriteOff, to: WriteOffStatus, by: str, roles: Collection[str], on: date,
            note: str) -> WriteOff:
    if write_off.status is not WriteOffStatus.REQUESTED:
        raise WriteOffTransitionError(f"a {write_off.status} write-off cannot be {to}", field="status")
    if by == write_off.requested_by:
        raise WriteOffForbidden("the approver must be another person than the requester", field="approved_by",
                                rule="write_off.same_person")
    if not _has(roles, APPROVER_ROLES):
        raise WriteOffForbidden("only finance or the general manager may decide a write-off",
                                field="approved_by", rule="write_off.approver_role")
    if on < write_off.requested_on:
        raise WriteOffError("a decision cannot precede the request", field="decided_on", rule="write_off.date")
    return replace(write_off, status=to, decided_by=by, decided_on=on, decision_note=note)


def approve_write_off(write_off: WriteOff, approver: str, approver_roles: Collection[str], on: date, *,
                      open_amount: Money | None = None, note: str = "", grounds: WriteOffGrounds | None = None,
                      min_overdue_days: int = 0) -> WriteOff:
    decided = _decide(write_off, WriteOffStatus.APPROVED, approver, approver_roles, on, note)
    if open_amount is not None:
        _check_amount(write_off.amount, open_amount)
    if grounds is not None:
        check_grounds(grounds, min_overdue_days)
    return decided


def reject_write_off(write_off: WriteOff, approver: str, approver_roles: Collection[str], on: date,
                     note: str = "") -> WriteOff:
    return _decide(write_off, WriteOffStatus.REJECTED, approver, approver_roles, on, note)


def record_recovery(write_off: WriteOff, amount: Money, on: date) -> WriteOff:
    """A payment against the written-off amount; the recovered total stays <= the write-off."""
    if write_off.status is not WriteOffStatus.APPROVED:
        raise WriteOffTransitionError("only an approved write-off can be recovered", field="status",
                                      rule="write_off.not_approved")
    if amount.currency != write_off.amount.currency or not amount.is_positive:
        raise WriteOffError("a recovery is a positive amount in the write-off currency", field="amount",
                            rule="write_off.recovery_amount")
    if write_off.decided_on is not None and on < write_off.decided_on:
        raise WriteOffError("a recovery cannot precede the write-off", field="received_date", rule="write_off.date")
    if amount > write_off.recoverable:
        raise WriteOffError(f"{amount} exceeds what is left to recover, {write_off.recoverable}", field="amount",
                            rule="write_off.over_recovered")
    return replace(write_off, recovered=write_off.recovered_total + amount)


def recoverable_total(write_offs: Iterable[WriteOff], currency: str) -> Money:
    """Across a customer's write-offs: approved amounts less recoveries."""
    return sum((w.recoverable for w in write_offs if w.amount.currency == currency), Money.zero(currency))
