"""The worklist's score and its parts; the collectors' assignment rules."""
from decimal import Decimal

from services.dunning.domain.worklist import AssignmentRule, CaseFacts, assign, cooperation_of, score


def test_the_score_and_its_parts():
    total, parts = score(CaseFacts(Decimal("125000"), 45, "D", 1, "refuses"))
    assert parts == {"amount": 12, "days": 7, "grade": 15, "broken_promises": 5, "cooperation": 10}
    assert total == 49
    assert score(CaseFacts(Decimal("10000000"), 400, "E", 9, "refuses"))[0] == 100  # each part capped
    assert score(CaseFacts(Decimal("0"), 0, "A", 0, "cooperative"))[0] == 0
    assert score(CaseFacts(Decimal("0"), 0, None, 0))[1]["grade"] == 10  # not rated: in the middle


def test_cooperation_from_the_last_contact():
    assert cooperation_of("promised") == "cooperative" and cooperation_of("refused") == "refuses"
    assert cooperation_of(None) == "unknown"


def test_the_first_matching_rule_assigns_the_collector():
    rules = [AssignmentRule("big", min_amount=Decimal(100000)), AssignmentRule("east", region="East"),
             AssignmentRule("li-team", salesperson="li"), AssignmentRule("pool")]
    assert assign(rules, "East", "li", Decimal(200000)) == "big"
    assert assign(rules, "East", "li", Decimal(100)) == "east"
    assert assign(rules, "West", "li", Decimal(100)) == "li-team"
    assert assign(rules, "West", "wu", Decimal(100)) == "pool"
    assert assign([], "West", "wu", Decimal(100)) is None
