"""Dunning's hand-written migrations build exactly the tables the models declare."""
from pathlib import Path

from tests.support.dunning import migrated_matches_models


async def test_the_hand_written_migration_matches_the_tables_on_sqlite(tmp_path):
    assert await migrated_matches_models(f"sqlite+aiosqlite:///{Path(tmp_path) / 'm.sqlite3'}") == []
