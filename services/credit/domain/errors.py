"""Typed errors of the credit rules. Each carries the HTTP status and a stable code the
edge renders as problem+json; the domain itself never imports the web framework."""
from __future__ import annotations


class CreditDomainError(Exception):
    status_code: int = 422
    code: str = "credit_rule_violation"


class InvalidScore(CreditDomainError, ValueError):
    """A scorecard input outside 0..weight, or for an unknown criterion."""

    code = "invalid_score"


class ReasonRequired(CreditDomainError, ValueError):
    """A rejection or an override without a written reason."""

    code = "reason_required"


class ApprovalForbidden(CreditDomainError):
    """The actor may not take this step (wrong role, or segregation of duties)."""

    status_code = 403
    code = "approval_forbidden"


class SelfApprovalForbidden(ApprovalForbidden):
    """The submitter of an application decided on it."""

    code = "self_approval_forbidden"


class InvalidTransition(CreditDomainError):
    """A decision on an application that is already approved or rejected."""

    status_code = 409
    code = "invalid_transition"


class OverrideForbidden(CreditDomainError):
    """The actor holds none of the roles allowed to override a review."""

    status_code = 403
    code = "override_forbidden"


class OverrideNotAllowed(CreditDomainError):
    """Only a `review` decision can be overridden; a reject never can."""

    status_code = 409
    code = "override_not_allowed"


class HoldForbidden(CreditDomainError):
    """A manual hold placed or lifted by a role not allowed to."""

    status_code = 403
    code = "hold_forbidden"
