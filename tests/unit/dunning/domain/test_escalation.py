from datetime import date

from services.dunning.domain.escalation import CaseState, ItemState, escalate

DUE, AS_OF = date(2026, 4, 13), date(2026, 5, 13)


def fact(threshold: int, seq: int = 1, customer: str = "C") -> ItemState:
    return ItemState("INV", seq, customer, DUE, threshold, threshold, 50_000, "CNY", AS_OF)


def test_items_and_cases_only_escalate_whatever_the_order():
    items, cases = escalate({}, {}, [fact(7), fact(60), fact(30), fact(1, seq=2)])
    assert {k: s.threshold_days for k, s in items.items()} == {("INV", 1): 60, ("INV", 2): 1}
    assert (cases["C"].highest_threshold, cases["C"].severity) == (60, "moderate")


def test_a_redelivered_or_lower_fact_changes_nothing():
    known_items = {("INV", 1): fact(60)}
    known_cases = {"C": CaseState("C", "moderate", 60, AS_OF)}
    assert escalate(known_items, known_cases, [fact(30), fact(60)]) == ({}, {})
    items, cases = escalate(known_items, known_cases, [fact(90)])
    assert items[("INV", 1)].threshold_days == 90 and cases["C"].severity == "moderate"
    assert escalate(known_items, known_cases, [fact(180)])[1]["C"].severity == "severe"
