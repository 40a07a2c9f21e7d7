"""Wires the credit service: routes, event handlers, jobs, migrations, configuration."""
from __future__ import annotations

from pathlib import Path

from services.credit import context
from services.credit.consumers import HANDLERS
from services.credit.endpoints import router
from services.credit.handlers import jobs
from shared.runtime import ScheduledJob, ServiceDefinition


SERVICE = ServiceDefinition(
    name="credit",
    title="Credit API",
    description="Credit control (信用管理): credit files, scorecard grades with their reasons, limits and terms "
                "through the approval chain, exposure learnt from the ledger's events, holds, and the credit "
                "check before each sale.",
    migrations=Path(__file__).with_name("migrations"),
    routers=[router],
    handlers=HANDLERS,
    jobs=[ScheduledJob("credit-rerating-and-reservations", lambda deps: deps.policy.config.job_interval_seconds,
                       jobs.run)],
    dependencies=context.bind,
    close=context.close,
    openapi_tags=[
        {"name": "customers", "description": "Credit files, grades and why, exposure, holds, history, visits"},
        {"name": "applications", "description": "Grade/limit/term, temporary limits, term extensions: the "
                                                "approval chain"},
        {"name": "checks", "description": "The credit check before a sale"},
    ],
)
