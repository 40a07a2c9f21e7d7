"""Builders shared by the credit unit tests."""
from __future__ import annotations

from datetime import date, datetime, timezone

from shared.money import Money
from services.credit.domain.grading import GradingInput
from services.credit.domain.subscores import SubScore

TODAY = date(2024, 7, 15)
NOW = datetime(2024, 7, 15, 9, 30, tzinfo=timezone.utc)


def cny(amount: str | int) -> Money:
    return Money.of(str(amount), "CNY")


def scored(repayment: int, purchases: int, others: int = 30, **kwargs) -> GradingInput:
    """An input with the three entered criteria sharing `others` points (each at most 10)."""
    assert 0 <= others <= 30
    parts = [min(10, others), min(10, max(0, others - 10)), max(0, others - 20)]
    entered = dict(zip(("financial_strength", "operating_condition", "reputation_and_prospects"), parts))
    return GradingInput(
        repayment=SubScore("repayment", repayment, 40, "test"),
        purchases=SubScore("purchases", purchases, 30, "test"),
        entered_scores=entered,
        **kwargs,
    )
