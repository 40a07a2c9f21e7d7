from services.credit.tables import CreditTable
from shared.migrations import run_env

run_env(CreditTable.metadata)
