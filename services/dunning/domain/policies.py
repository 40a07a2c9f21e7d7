"""Collection ladders (催收流程): the steps a case goes through, by days from the due date,
and the rules a policy must keep. The default is seed 000's main ladder with seed 004's
steps as corrected in domain.md; seed 000's risk-control variant ships as a second policy.
A policy applies to customers of some grades or segments (003: firmer for new customers,
gentler for established ones); the default applies to everyone else."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from shared.errors import RuleError

#: what a step does; the first three deliver a message through the channel of that name
MESSAGE_ACTIONS = ("email", "sms", "letter", "lawyer_letter")
TASK_ACTIONS = ("phone_task", "internal_task", "visit")
REQUEST_ACTIONS = ("stop_supply_request", "credit_hold_request")
HANDOFF_ACTIONS = ("legal_handoff", "agency_handoff")
ACTIONS = MESSAGE_ACTIONS + TASK_ACTIONS + REQUEST_ACTIONS + HANDOFF_ACTIONS
PERFORMERS = ("finance", "salesperson", "collector", "legal", "system")
#: the channel a message action delivers through (a lawyer's letter is a letter)
CHANNEL = {"email": "email", "sms": "sms", "letter": "letter", "lawyer_letter": "letter"}
MAX_STEPS = 30


@dataclass(frozen=True)
class Step:
    key: str  # unique within the policy: what "executed once per (item, step)" counts
    day: int  # days from the due date; negative = before due
    action: str
    performer: str = "system"
    template: str | None = None
    script_level: int | None = None
    min_amount: Decimal = Decimal(0)  # below it the step is recorded as skipped
    #: a pre-due reminder whose day moves to `day_established` for established customers
    #: in good standing (004: 7 or 3 days before due, by grade, history and term)
    day_established: int | None = None
    optional: bool = False  # never run by the ladder, only asked for (the lawyer's letter)


@dataclass(frozen=True)
class Policy:
    name: str
    steps: tuple[Step, ...]
    version: int = 1
    description: str = ""
    grades: tuple[str, ...] = ()  # applies to these credit grades …
    segments: tuple[str, ...] = ()  # … or these customer types ("new" = onboarded < a year)
    currency: str = "CNY"  # of the steps' minimum amounts


def check_policy(policy: Policy, known_templates: frozenset[str]) -> Policy:
    """A policy's steps are ordered by day without two on the same day, keys are unique,
    and every action, performer and template is known. Raises a 422 naming the step."""
    if not policy.steps:
        raise RuleError("a policy needs at least one step", "steps", "policy.empty")
    if len(policy.steps) > MAX_STEPS:
        raise RuleError(f"at most {MAX_STEPS} steps", "steps", "policy.too_many_steps")
    keys: set[str] = set()
    previous: Step | None = None
    for n, step in enumerate(policy.steps):
        where = f"steps[{n}]"
        if step.action not in ACTIONS:
            raise RuleError(f"unknown action or channel {step.action!r}", f"{where}.action", "policy.unknown_action")
        if step.performer not in PERFORMERS:
            raise RuleError(f"unknown performer {step.performer!r}", f"{where}.performer",
                            "policy.unknown_performer")
        if step.template is not None and step.template not in known_templates:
            raise RuleError(f"unknown template {step.template!r}", f"{where}.template", "policy.unknown_template")
        if step.action in MESSAGE_ACTIONS and step.template is None:
            raise RuleError(f"a {step.action} step needs a template", f"{where}.template", "policy.template_missing")
        if step.min_amount < 0:
            raise RuleError("a minimum amount is not negative", f"{where}.min_amount", "policy.min_amount")
        if step.key in keys:
            raise RuleError(f"step {step.key!r} appears twice", f"{where}.key", "policy.duplicate_step")
        keys.add(step.key)
        if step.day_established is not None and not step.day <= step.day_established < 1:
            raise RuleError("the established customers' day lies between the step's day and the due date",
                            f"{where}.day_established", "policy.day_established")
        if previous is not None:
            if step.day < previous.day:
                raise RuleError(f"steps are ordered by day: {step.key!r} (day {step.day}) comes after "
                                f"{previous.key!r} (day {previous.day})", f"{where}.day", "policy.unordered_steps")
            if step.day == previous.day or step.day <= (previous.day_established or previous.day):
                raise RuleError(f"{step.key!r} overlaps {previous.key!r} (day {step.day})", f"{where}.day",
                                "policy.overlapping_steps")
        previous = step
    return policy


def applies(policy: Policy, grade: str | None, segment: str | None) -> bool:
    return (grade is not None and grade in policy.grades) or (segment is not None and segment in policy.segments)


def choose(policies: list[Policy], grade: str | None, segment: str | None, default: str = "default") -> str:
    """The policy a new case follows: the first (by name) whose grades or segments match,
    else the default."""
    for policy in sorted(policies, key=lambda p: p.name):
        if policy.name != default and applies(policy, grade, segment):
            return policy.name
    return default


DEFAULT_POLICY = Policy("default", description="seed 000's main ladder with seed 004's steps (domain.md)", steps=(
    Step("pre_due_reminder", -7, "email", "finance", "pre_due_reminder", day_established=-3),
    Step("day1_check", 1, "internal_task", "finance"),
    Step("payment_notice", 3, "email", "system", "payment_notice", script_level=1),
    Step("second_notice", 15, "sms", "system", "sms_overdue", script_level=1),
    Step("collector_call", 30, "phone_task", "collector", script_level=2),
    Step("demand_letter", 60, "letter", "finance", "demand_letter", script_level=3),
    Step("lawyer_letter", 75, "lawyer_letter", "legal", "lawyer_letter", script_level=3, optional=True),
    Step("legal_handoff", 90, "legal_handoff", "legal"),
    Step("legal_decision", 180, "internal_task", "legal"),
))

VARIANT_POLICY = Policy(
    "risk_control", description="seed 000's variant: 7 days letter, 15 days phone, 30 days legal and supply stopped",
    segments=("new",), steps=(
        Step("reminder_letter", 7, "letter", "finance", "second_notice", script_level=1),
        Step("collector_call", 15, "phone_task", "collector", script_level=2),
        Step("supply_stop", 30, "stop_supply_request", "system", "supply_stop_notice"),
        Step("legal_handoff", 31, "legal_handoff", "legal"),  # the day after: steps never share a day
    ))

SEEDED = (DEFAULT_POLICY, VARIANT_POLICY)
