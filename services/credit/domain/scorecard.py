"""The 100-point credit scorecard (信用评分表), seed 002 §7.

Seed 002 §7 names two criteria that matter on their own, with floors per grade:
到期货款偿还状况 (repayment of amounts due to us) and 采购状况 (purchases from us). It
gives no weights and no other criteria. The defaults below are therefore inferred:

* purchases = 30: the purchases floors 27/24/21/18 are exactly 90/80/70/60 % of 30, the
  same percentages as the grade totals 90/80/70/60 of 100;
* repayment = 40: the floors 35/30/25/20 must fit under the weight (A needs 35), and 40 is
  the smallest round weight that leaves the A floor below full marks;
* the remaining 30 points go to three person-entered criteria named in the same seed:
  financial strength (§8 资金实力/偿债能力), operating condition (§8 生产、经营状况) and
  reputation and prospects (§7 合作前景, §9 行业内声誉, §2(4) 同业调查).

Repayment and purchases are computed from the customer's own history (`subscores`);
every other criterion is entered by a person. Weights are configuration and must sum
to 100.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Mapping

from services.credit.domain.errors import InvalidScore

REPAYMENT = "repayment"
PURCHASES = "purchases"
COMPUTED_CRITERIA = frozenset({REPAYMENT, PURCHASES})
_SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")


class CriterionSource(StrEnum):
    COMPUTED = "computed"  # from the customer's own history
    ENTERED = "entered"  # by a person, after the credit investigation (资信调查)


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    label_zh: str
    weight: int
    source: CriterionSource = CriterionSource.ENTERED
    description: str = ""

    def __post_init__(self) -> None:
        if not _SNAKE.match(self.id):
            raise ValueError(f"criterion id {self.id!r} must be snake_case")
        if isinstance(self.weight, bool) or not isinstance(self.weight, int) or self.weight <= 0:
            raise ValueError(f"criterion {self.id}: weight must be a positive integer")


@dataclass(frozen=True, slots=True)
class Scorecard:
    criteria: tuple[Criterion, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "criteria", tuple(self.criteria))
        ids = [c.id for c in self.criteria]
        if len(set(ids)) != len(ids):
            raise ValueError("criterion ids must be unique")
        total = sum(c.weight for c in self.criteria)
        if total != 100:
            raise ValueError(f"scorecard weights must sum to 100, not {total}")
        computed = {c.id for c in self.criteria if c.source is CriterionSource.COMPUTED}
        if computed != COMPUTED_CRITERIA:
            raise ValueError("the scorecard needs exactly 'repayment' and 'purchases' as computed criteria")

    def criterion(self, criterion_id: str) -> Criterion:
        for c in self.criteria:
            if c.id == criterion_id:
                return c
        raise InvalidScore(f"unknown criterion {criterion_id!r}", field="scores")

    def weight(self, criterion_id: str) -> int:
        return self.criterion(criterion_id).weight

    @property
    def entered(self) -> tuple[Criterion, ...]:
        return tuple(c for c in self.criteria if c.source is CriterionSource.ENTERED)

    def validate_entered(self, scores: Mapping[str, int]) -> None:
        """Every entered criterion scored once, as an integer within 0..weight."""
        expected = {c.id for c in self.entered}
        unknown = set(scores) - expected
        if unknown:
            raise InvalidScore(f"not entered criteria: {sorted(unknown)}", field="scores")
        missing = expected - set(scores)
        if missing:
            raise InvalidScore(f"missing scores for: {sorted(missing)}", field="scores")
        for cid, points in scores.items():
            check_points(cid, points, self.weight(cid))


def check_points(criterion_id: str, points: int, weight: int) -> None:
    if isinstance(points, bool) or not isinstance(points, int):
        raise InvalidScore(f"{criterion_id}: score must be an integer", field="scores")
    if not 0 <= points <= weight:
        raise InvalidScore(f"{criterion_id}: score {points} outside 0..{weight}", field="scores")


DEFAULT_SCORECARD = Scorecard((
    Criterion(REPAYMENT, "到期货款偿还状况", 40, CriterionSource.COMPUTED,
              "repayment of amounts due to us: days paid late, broken promises"),
    Criterion(PURCHASES, "采购状况", 30, CriterionSource.COMPUTED,
              "purchases from us in the last 12 months"),
    Criterion("financial_strength", "资金实力与偿债能力", 10, CriterionSource.ENTERED,
              "capital and ability to pay debts"),
    Criterion("operating_condition", "生产经营状况", 10, CriterionSource.ENTERED,
              "production, sales, profit and revenue trend"),
    Criterion("reputation_and_prospects", "行业声誉与合作前景", 10, CriterionSource.ENTERED,
              "standing in the industry (peer inquiry) and prospects of cooperation"),
))
