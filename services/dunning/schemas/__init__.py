"""HTTP shapes of the dunning API (under /dunning/v1), one module per part of the contract.
Amounts are decimal strings with an ISO currency code; dates are business dates. What a
client sends is bounded where it is declared (shared/wire.py, shared/ids.py)."""
from __future__ import annotations

from services.dunning.schemas.common import (  # noqa: F401
    CustomerIdPath, CaseIdPath, LegalCaseIdPath, ActionIdPath, PolicyNamePath, Limit, Language, StepKey, Day, Strict,
)
from services.dunning.schemas.policies import (  # noqa: F401
    StepIn, PolicyIn, StepOut, PolicyOut, ScriptIn, ScriptOut,
)
from services.dunning.schemas.collectors import (  # noqa: F401
    ContactIn, ContactOut, PromiseIn, PromiseOut, InstalmentIn, PlanIn, InstalmentOut, PlanOut, REASON_CODES, OUTCOMES, ContactLogIn, ContactLogOut, EscalationIn, EscalationOut, ConcessionIn, DecisionIn, ConcessionOut, WorkItemOut, WorklistPage,
)
from services.dunning.schemas.cases import (  # noqa: F401
    ItemOut, StepDueOut, ActionOut, ActionPatch, ChannelHealthOut, CaseSummaryOut, CaseOut, CasePage, ActionPage, LadderRunOut,
)
from services.dunning.schemas.legal import (  # noqa: F401
    LegalIn, AssessmentIn, LegalPatch, LegalOut, LegalPage,
)
