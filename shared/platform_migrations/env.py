from shared.migrations import PLATFORM_VERSION_TABLE, run_env
from shared.platform_tables import metadata

run_env(metadata, version_table=PLATFORM_VERSION_TABLE)
