"""The base error of the ledger's rules.

Every rule violation is a `ValueError` (so callers that only know ValueError still
catch it) carrying:
- `rule`:  a stable dotted identifier of the rule broken, e.g. "allocation.exceeds_open";
- `field`: the input path that broke it, e.g. "allocations[1].amount" (None if no
  single field is to blame);
- `message`: a sentence for humans.
- `status_code`: the status the HTTP layer should answer with (422 for a rule on
  the input; subclasses use 403 for a missing role, 409 for an illegal state move).
The HTTP layer maps any `LedgerRuleError` to a problem+json naming field and rule.
"""
from __future__ import annotations


class LedgerRuleError(ValueError):
    """A ledger business rule refused the input."""

    default_rule: str = "ledger"
    status_code: int = 422

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.rule = rule or self.default_rule

    def __str__(self) -> str:
        where = f" [{self.field}]" if self.field else ""
        return f"{self.rule}{where}: {self.message}"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(rule={self.rule!r}, field={self.field!r}, message={self.message!r})"
