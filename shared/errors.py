"""The one error type of the product: `RuleError(message, field, rule, status)`.

Domain rules, handlers and the platform raise it (or a subclass naming its status);
`shared.problems` renders it as RFC 9457 problem+json, and the event consumer
dead-letters a 4xx at once (a retry cannot fix bad data) and retries anything else.
Pure: no web framework here, so domain code may raise it.

- `message`: a sentence for humans;
- `field`: the input path that broke the rule, e.g. "allocations[1].amount" (None when no
  single field is to blame);
- `rule`: a stable dotted identifier clients can branch on, e.g. "allocation.exceeds_open";
- `status`: the HTTP status (422 by default; 403, 404, 409 from the subclasses below).

It is a `ValueError`, so a rule used inside a pydantic validator (configuration, payloads)
is reported as that model's validation error.
"""
from __future__ import annotations

from typing import Any

TYPE_BASE = "https://receivables.dev/problems/"


class RuleError(ValueError):
    status: int = 422
    slug: str = "rule-violation"
    title: str = "The request breaks a rule"
    default_rule: str = "invalid"

    def __init__(self, message: str, field: str | None = None, rule: str | None = None, status: int | None = None,
                 *, errors: list[dict[str, Any]] | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule or self.default_rule
        if status is not None:
            self.status = status
        if errors is None:  # a named field or rule is listed, so clients can branch on it
            named = field or rule or self.default_rule != RuleError.default_rule
            errors = [{"field": field or "", "rule": self.rule, "message": message}] if named else []
        self.errors = errors
        self.extra = extra

    @property
    def detail(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    def __str__(self) -> str:
        return self.detail

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, field={self.field!r}, rule={self.rule!r}, status={self.status})"

    def body(self, instance: str | None = None, correlation_id: str | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"type": TYPE_BASE + self.slug, "title": self.title, "status": self.status,
                                "detail": self.detail}
        if instance:
            body["instance"] = instance
        if self.errors:
            body["errors"] = self.errors
        if correlation_id:
            body["correlation_id"] = correlation_id
        body.update(self.extra)
        return body


class BadRequest(RuleError):
    status, slug, title = 400, "bad-request", "Bad request"


class Unauthorized(RuleError):
    status, slug, title = 401, "unauthorized", "Authentication required"


class Forbidden(RuleError):
    status, slug, title = 403, "forbidden", "Not allowed"


class NotFound(RuleError):
    status, slug, title = 404, "not-found", "Not found"


class Conflict(RuleError):
    status, slug, title = 409, "conflict", "Conflict with the current state"


def is_client_error(error: BaseException) -> bool:
    """A defect of the request or message: no retry can fix it."""
    return isinstance(error, RuleError) and 400 <= error.status < 500
