"""Hand-made dashboard data for the outputs' tests (figures easy to check by hand)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from services.reporting.outputs.dashboard import AgingRow, DashboardData, RagRow, WarningSignal

D = Decimal


def dashboard_data() -> DashboardData:
    # East 600 + 200 + 100 = 900; North 400 + 50.50 = 450.50; buckets 1000 / 250.50 / 100.
    return DashboardData(
        as_of=date(2026, 11, 30), currency="CNY",
        buckets=["current", "1-30", "31-60"],
        bucket_totals=[D("1000.00"), D("250.50"), D("100.00")],
        aging_rows=[AgingRow("华东 East", [D(600), D(200), D(100)], D(900)),
                    AgingRow("North", [D(400), D("50.50"), D(0)], D("450.50"))],
        dso_points=[(f"2026-{m:02d}", D(40 + m)) for m in range(1, 13)], benchmark=D(45),
        top_overdue=[("Acme <Trading>", D("300.00"), 45), ("甲公司", D("50.50"), 12)],
        rag=[RagRow("East", "Pumps", "Dealer", D("900.00"), D("0.3333"), D("0.8"), "red"),
             RagRow("North", "Valves", "Direct", D("450.50"), D("0.1121"), None, "green")],
        warnings=[WarningSignal("overdue_beyond_limit", "Acme <Trading>", "45 days > 30")],
    )
