from services.dunning.tables import DunningTable
from shared.migrations import run_env

run_env(DunningTable.metadata)
