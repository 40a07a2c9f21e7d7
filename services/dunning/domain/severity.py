"""Severity of a collection case from days overdue (seed 000): ≤ 30 mild, 31–90
moderate, > 90 severe; before due it is only a reminder."""
from __future__ import annotations

from enum import Enum


class Severity(str, Enum):
    reminder = "reminder"
    mild = "mild"
    moderate = "moderate"
    severe = "severe"


def severity(days_overdue: int) -> Severity:
    if days_overdue <= 0:
        return Severity.reminder
    if days_overdue <= 30:
        return Severity.mild
    if days_overdue <= 90:
        return Severity.moderate
    return Severity.severe
