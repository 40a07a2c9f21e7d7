"""The credit rules' errors: `shared.errors.RuleError` with the status and the stable rule
name each one stands for, so tests and callers can name the case they expect."""
from __future__ import annotations

from shared.errors import RuleError


class InvalidScore(RuleError):
    """A scorecard input outside 0..weight, or for an unknown criterion."""
    default_rule = "scorecard_range"


class ReasonRequired(RuleError):
    """A rejection, an override or a hold without a written reason."""
    default_rule = "reason_required"


class ApprovalForbidden(RuleError):
    """The actor may not take this step (wrong role, or segregation of duties)."""
    status, slug, title, default_rule = 403, "forbidden", "Not allowed", "approval_forbidden"


class SelfApprovalForbidden(ApprovalForbidden):
    """The submitter of an application decided on it."""
    default_rule = "self_approval_forbidden"


class InvalidTransition(RuleError):
    """A decision on an application that is already approved or rejected."""
    status, slug, title, default_rule = 409, "conflict", "Conflict with the current state", "invalid_transition"


class OverrideForbidden(RuleError):
    """The actor holds none of the roles allowed to override a review."""
    status, slug, title, default_rule = 403, "forbidden", "Not allowed", "override_forbidden"


class OverrideNotAllowed(RuleError):
    """Only a `review` decision can be overridden; a reject never can."""
    status, slug, title, default_rule = 409, "conflict", "Conflict with the current state", "override_not_allowed"


class HoldForbidden(RuleError):
    """A manual hold placed or lifted by a role not allowed to."""
    status, slug, title, default_rule = 403, "forbidden", "Not allowed", "hold_forbidden"
