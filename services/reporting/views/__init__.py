"""The read side of reporting's GET routes, and what exports, the dashboard and the
month-end pack call directly: `await views.<report>(deps, uow, ctx, **params)` returns
plain data (dates, Decimal amounts, str, int) of a stable shape, documented in each
module; `views.<report>_rows(data)` flattens it to a list of flat dicts (one per table row,
keys in column order) for CSV and XLSX."""
from services.reporting.views.activity import activity, activity_rows
from services.reporting.views.aging import aging, aging_rows
from services.reporting.views.kpis import (
    cei, cei_rows, dso, dso_rolling, dso_rolling_rows, dso_rows, summary, summary_rows,
)
from services.reporting.views.people import (
    disputes, disputes_rows, payment_behaviour, payment_behaviour_rows, salespeople, salespeople_rows, warnings,
    warnings_rows,
)
from services.reporting.views.provisions import provision, provision_rows

__all__ = ["activity", "activity_rows", "aging", "aging_rows", "cei", "cei_rows", "dso", "dso_rolling",
           "dso_rolling_rows", "dso_rows", "summary", "summary_rows", "disputes", "disputes_rows",
           "payment_behaviour", "payment_behaviour_rows", "salespeople", "salespeople_rows", "warnings",
           "warnings_rows", "provision", "provision_rows"]
