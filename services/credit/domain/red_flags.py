"""Red flags (002 §8): any one forces the worst grade (E), whatever the score.

The first flag, earlier bad debt or another serious breach (不良欠款/严重违约), is excused
when the customer withheld payment because of our own failure to perform the contract
(product quality complaint, late delivery, another nonconformity on our side). That
exception applies to this flag only: using a quality complaint as an excuse to withhold
undisputed amounts is itself a red flag.

Repeatedly broken promises (经常不兑现承诺) may be reported by a person or derived from the
promise-to-pay history: `threshold` broken promises in the window raise the flag.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Iterable


class RedFlag(StrEnum):
    PRIOR_BAD_DEBT_OR_BREACH = "prior_bad_debt_or_breach"
    BROKEN_PROMISES = "broken_promises"
    DEBT_DISPUTE_OR_ASSET_TRANSFER = "debt_dispute_or_asset_transfer"
    WEAK_CAPITAL = "weak_capital"
    HEAVY_LOSSES_OR_FALLING_REVENUE = "heavy_losses_or_falling_revenue"
    COMPLAINT_AS_EXCUSE = "complaint_as_excuse"
    BOUNCED_CHEQUE = "bounced_cheque"
    SUED_BY_OTHER_SUPPLIERS = "sued_by_other_suppliers"


RED_FLAG_LABELS_ZH: dict[RedFlag, str] = {
    RedFlag.PRIOR_BAD_DEBT_OR_BREACH: "曾发生过不良欠款或其他严重违约行为",
    RedFlag.BROKEN_PROMISES: "经常不兑现承诺",
    RedFlag.DEBT_DISPUTE_OR_ASSET_TRANSFER: "出现不良债务纠纷或严重的转移资产行为",
    RedFlag.WEAK_CAPITAL: "资金实力不足,偿债能力较差",
    RedFlag.HEAVY_LOSSES_OR_FALLING_REVENUE: "生产经营状况不良,严重亏损,或营业额持续多月下滑",
    RedFlag.COMPLAINT_AS_EXCUSE: "不公正行为,如以质量客诉为由拖欠正常无客诉货款",
    RedFlag.BOUNCED_CHEQUE: "开具空头支票给本司",
    RedFlag.SUED_BY_OTHER_SUPPLIERS: "已被其他供应商就货款问题提起诉讼",
}


class OwnFaultCause(StrEnum):
    """Our own failure that excuses a customer's earlier non-payment (002 §8.1)."""

    QUALITY_COMPLAINT = "quality_complaint"  # 产品质量客诉
    LATE_DELIVERY = "late_delivery"  # 交货不及时
    OTHER_NONCONFORMITY = "other_nonconformity"  # 本公司出现了某些不符合合同的事项


EXCUSABLE_FLAGS = frozenset({RedFlag.PRIOR_BAD_DEBT_OR_BREACH})


@dataclass(frozen=True, slots=True)
class RedFlagReport:
    flag: RedFlag
    own_fault_cause: OwnFaultCause | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.own_fault_cause is not None and self.flag not in EXCUSABLE_FLAGS:
            raise ValueError(f"{self.flag} cannot be excused by our own fault")

    @property
    def excused(self) -> bool:
        return self.own_fault_cause is not None


@dataclass(frozen=True, slots=True)
class RedFlagOutcome:
    applied: tuple[RedFlagReport, ...]
    excused: tuple[RedFlagReport, ...]

    @property
    def forces_worst_grade(self) -> bool:
        return bool(self.applied)


def evaluate_red_flags(reports: Iterable[RedFlagReport], broken_promises: int = 0,
                       broken_promises_threshold: int | None = 3) -> RedFlagOutcome:
    reports = list(reports)
    if (broken_promises_threshold is not None and broken_promises >= broken_promises_threshold
            and not any(r.flag is RedFlag.BROKEN_PROMISES for r in reports)):
        reports.append(RedFlagReport(RedFlag.BROKEN_PROMISES,
                                     note=f"{broken_promises} broken promises in 12 months"))
    applied = tuple(r for r in reports if not r.excused)
    excused = tuple(r for r in reports if r.excused)
    return RedFlagOutcome(applied, excused)


@dataclass(frozen=True, slots=True)
class RaisedFlag:
    """A flag credit raised from a fact (a bounced payment, a write-off), by its source key."""
    source_key: str
    flag: RedFlag
    own_fault_cause: OwnFaultCause | None = None


def write_off_cause(invoice_our_fault: bool) -> OwnFaultCause | None:
    """A write-off is bad debt (不良欠款) unless a dispute on its invoice found our fault."""
    return OwnFaultCause.OTHER_NONCONFORMITY if invoice_our_fault else None


def excused_by_dispute(flags: Iterable[RaisedFlag], our_fault: bool, invoice_already_ours: bool) -> tuple[str, ...]:
    """A dispute resolved as our own fault (002 §8.1) excuses the bad-debt flags raised on
    its invoice that no cause excuses yet; returns their source keys. Only the first time
    the invoice is found to be our fault (a second dispute excuses nothing new)."""
    if not our_fault or invoice_already_ours:
        return ()
    return tuple(f.source_key for f in flags if f.flag in EXCUSABLE_FLAGS and f.own_fault_cause is None)
