from services.ledger.tables import LedgerTable
from shared.migrations import run_env

run_env(LedgerTable.metadata)
