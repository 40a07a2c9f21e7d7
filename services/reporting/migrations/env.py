from services.reporting.tables import ReportingTable
from shared.migrations import run_env

run_env(ReportingTable.metadata)
