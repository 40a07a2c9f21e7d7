"""The grade scale (信用等级) as configuration: levels from best to worst, each with its
minimum total and the repayment / purchases floors of seed 002 §7.

The last level is the no-credit level (prepayment or cash before delivery, 预付订金或款到
发货): red flags force it and it never gets a limit. `cap_for_new_or_incomplete` is the
best grade a new customer or one with key documents missing may get without a special
approval (002 §9: "not B or better", so C on the default scale).

Shipped scales: five levels A–E (002, the default), four levels A–D (000: ABCD) and three
levels A/B/C (003: C = prepayment or cash on delivery). On the three-level scale the cap is
B, because C there means no credit at all; the four-level thresholds are our own reading.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GradeLevel:
    name: str
    min_total: int
    repayment_floor: int = 0
    purchases_floor: int = 0
    extends_credit: bool = True
    meaning: str = ""


@dataclass(frozen=True, slots=True)
class GradeScale:
    levels: tuple[GradeLevel, ...]
    cap_for_new_or_incomplete: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", tuple(self.levels))
        names = [lv.name for lv in self.levels]
        if len(self.levels) < 2 or len(set(names)) != len(names):
            raise ValueError("a grade scale needs at least two uniquely named levels")
        mins = [lv.min_total for lv in self.levels]
        if any(a <= b for a, b in zip(mins, mins[1:])):
            raise ValueError("minimum totals must strictly decrease from best to worst")
        if mins[-1] != 0 or self.levels[-1].extends_credit:
            raise ValueError("the worst level must start at 0 and extend no credit")
        if self.cap_for_new_or_incomplete not in names:
            raise ValueError(f"cap grade {self.cap_for_new_or_incomplete!r} is not on the scale")

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(lv.name for lv in self.levels)

    @property
    def worst(self) -> GradeLevel:
        return self.levels[-1]

    def level(self, name: str) -> GradeLevel:
        for lv in self.levels:
            if lv.name == name:
                return lv
        raise ValueError(f"unknown grade {name!r} on scale {self.names}")

    def rank(self, name: str) -> int:
        """0 for the best grade; larger is worse."""
        return self.names.index(self.level(name).name)

    def for_total(self, total: int) -> GradeLevel:
        for lv in self.levels:
            if total >= lv.min_total:
                return lv
        return self.worst

    def lower(self, name: str, steps: int = 1) -> GradeLevel:
        return self.levels[min(self.rank(name) + steps, len(self.levels) - 1)]

    def worse_of(self, a: str, b: str) -> str:
        return a if self.rank(a) >= self.rank(b) else b

    def extends_credit(self, name: str) -> bool:
        return self.level(name).extends_credit


FIVE_LEVEL_SCALE = GradeScale((
    GradeLevel("A", 90, 35, 27, meaning="excellent; limit may follow a strategic agreement"),
    GradeLevel("B", 80, 30, 24, meaning="good"),
    GradeLevel("C", 70, 25, 21, meaning="basic"),
    GradeLevel("D", 60, 20, 18, meaning="risky; limit strictly controlled"),
    GradeLevel("E", 0, extends_credit=False, meaning="no credit: prepayment or cash before delivery"),
), cap_for_new_or_incomplete="C")

FOUR_LEVEL_SCALE = GradeScale((
    GradeLevel("A", 90, 35, 27, meaning="excellent"),
    GradeLevel("B", 75, 30, 24, meaning="good"),
    GradeLevel("C", 60, 20, 18, meaning="risky; limit strictly controlled"),
    GradeLevel("D", 0, extends_credit=False, meaning="no credit: prepayment or cash before delivery"),
), cap_for_new_or_incomplete="C")

THREE_LEVEL_SCALE = GradeScale((
    GradeLevel("A", 80, 30, 24, meaning="good"),
    GradeLevel("B", 60, 20, 18, meaning="basic; limit strictly controlled"),
    GradeLevel("C", 0, extends_credit=False, meaning="prepayment or cash on delivery"),
), cap_for_new_or_incomplete="B")

DEFAULT_SCALE = FIVE_LEVEL_SCALE
