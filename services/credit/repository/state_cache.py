"""The customers' credit state as the check reads it, kept in memory between checks, so a
check that reserves nothing needs one round trip (storing its result) instead of two.

Hot path: it breaks "every read goes to the database" for speed; the generic part (bounded,
generation-guarded, notification-invalidated) is `shared.state_cache.NotifiedCache`. Here:
what is kept (a customer's `CheckState`, per business day, since the select filters expired
reservations and temporary limits by date), and how it is kept exact: triggers on the
tables the check reads notify each changed customer_id after commit (migrations
credit_0003 and credit_0004, channel `CHANNEL`, delivered by `shared.listen`), and every
commit of this process clears it at once (read-your-writes for the API's own callers,
before the notification arrives). Wired in `bootstrap.dependencies`.

Changes by another process reach this one after the commit plus the notification's trip,
usually well under a millisecond: a check there may decide on the state of that moment, as
a check whose read raced with the commit would."""
from __future__ import annotations

from services.credit.repository.checks import CheckState
from shared.state_cache import NotifiedCache

CHANNEL = "credit_state_changed"  # the triggers' channel; payload a customer_id, or * (a TRUNCATE)


class CreditStateCache(NotifiedCache[CheckState]):
    """customer_id → (business day, CheckState)."""
