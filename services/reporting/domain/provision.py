"""Provision for bad debts (坏账准备): a flat rate, a configured aging matrix, and the
expected-credit-loss matrix of the simplified approach (IFRS 9 / CAS 22) from the ledger's
own history; its coverage of actual write-offs; the adequacy test of seed 000."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal
from typing import Mapping, Sequence

RATE_DP = Decimal("0.0001")


def _minor(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), ROUND_HALF_UP))


def flat(open_minor: int, rate: Decimal) -> int:
    """Open receivables × the flat rate."""
    return _minor(Decimal(open_minor) * rate)


def matrix(by_slab: Sequence[int], rates: Sequence[Decimal]) -> list[int]:
    """Per aging slab: its open amount × its rate."""
    if len(by_slab) != len(rates):
        raise ValueError("one rate per slab")
    return [_minor(Decimal(amount) * rate) for amount, rate in zip(by_slab, rates)]


def allocate_oldest_first(open_by_slab: Mapping[int, int], amount: int) -> dict[int, int]:
    """An amount taken off an invoice (a write-off) comes off its oldest slab first, up to
    what each slab holds."""
    left, out = amount, {}
    for slab in sorted(open_by_slab, reverse=True):
        take = min(left, open_by_slab[slab])
        if take > 0:
            out[slab] = take
            left -= take
    return out


def loss_rates(exposure: Sequence[int], losses: Sequence[int]) -> list[Decimal]:
    """Observed loss rate per slab (ours): of what was open in the slab at the look-back's
    month ends, the share later written off; never above 1, 0 when nothing was exposed.
    Rates are made non-decreasing with age (an older debt is never less likely lost)."""
    rates, floor = [], Decimal(0)
    for exposed, lost in zip(exposure, losses):
        rate = Decimal(0) if exposed <= 0 else min(Decimal(1), Decimal(lost) / Decimal(exposed))
        floor = max(floor, rate.quantize(RATE_DP, ROUND_HALF_UP))
        rates.append(floor)
    return rates


def coverage(provision: int, written_off: int) -> Decimal | None:
    """Provision ÷ actual write-offs over the last twelve months."""
    return None if written_off <= 0 else (Decimal(provision) / Decimal(written_off)).quantize(Decimal("0.01"),
                                                                                             ROUND_HALF_UP)


@dataclass(frozen=True)
class Adequacy:
    current: int        # the provision at the policy's flat rate
    required: int       # the expected credit loss
    shortfall: int      # required − current (negative: an excess that could be released)
    adequate: bool
    proposed_rate: Decimal | None  # required ÷ open, rounded up to 0.1 %
    impact: int         # the charge to profit if the proposed rate is adopted (negative: a release)


def adequacy(open_minor: int, current: int, required: int) -> Adequacy:
    proposed = None if open_minor <= 0 else (Decimal(required) / Decimal(open_minor)).quantize(
        Decimal("0.001"), ROUND_CEILING)
    impact = required - current if proposed is None else flat(open_minor, proposed) - current
    return Adequacy(current, required, required - current, current >= required, proposed, impact)
