"""The hand-written migration matches the tables' metadata; the journal is append-only
(on SQLite here, on PostgreSQL in tests/integration/ledger); configuration is validated."""
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from pydantic import ValidationError
from sqlalchemy.exc import IntegrityError

from tests.support.ledger import db, invoice, migrate_over_data
from services.ledger.config import LedgerConfig
from services.ledger.tables import LedgerTable
from tests.support.embedded import embedded_product


def _diff(connection) -> list:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    ours = {t.name for t in LedgerTable.metadata.sorted_tables}

    def table_of(d) -> str | None:  # the platform tables (outbox, inbox...) are not in this model
        if isinstance(d, list):  # [("modify_type", schema, table, column, ...)]
            return d[0][2]
        if d[0] in ("add_column", "remove_column"):
            return d[2]
        obj = d[1]  # a Table, Index or constraint
        return obj.name if isinstance(obj, sa.Table) else obj.table.name

    return [d for d in compare_metadata(context, LedgerTable.metadata) if table_of(d) in ours]


async def test_the_migration_creates_exactly_the_tables_of_the_model(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        async with db(client).engine.connect() as conn:
            assert await conn.run_sync(_diff) == []


async def test_the_journal_and_allocations_refuse_update_and_delete(tmp_path):
    async with embedded_product(tmp_path, names=["ledger"]) as client:
        await invoice(client, "A")
        for statement in ("UPDATE journal_entries SET amount_minor = 1", "DELETE FROM journal_entries"):
            async with db(client).engine.connect() as conn:
                with pytest.raises(IntegrityError, match="append-only"):
                    await conn.execute(sa.text(statement))
        async with db(client).engine.connect() as conn:
            assert await conn.scalar(sa.text("SELECT count(*) FROM journal_entries")) == 1


def test_configuration_is_validated(monkeypatch):
    monkeypatch.setenv("AR_LEDGER_THRESHOLDS", "[1, 7, 7]")
    with pytest.raises(ValidationError, match="increasing"):
        LedgerConfig()
    monkeypatch.setenv("AR_LEDGER_THRESHOLDS", "[-3, 1, 30]")
    monkeypatch.setenv("AR_LEDGER_LATE_FEE_DAILY_RATE", "0.001")
    monkeypatch.setenv("AR_LEDGER_HOLIDAYS", '["2026-10-01"]')
    config = LedgerConfig()
    assert config.thresholds == (-3, 1, 30) and str(config.late_fee_policy.daily_rate) == "0.001"
    assert config.class_thresholds.dead_from == 731 and config.buckets.labels[-1] == "90+"


async def test_ledger_0007_keys_the_aging_guard_by_due_date_keeping_what_was_emitted(tmp_path):
    out = await migrate_over_data(f"sqlite+aiosqlite:///{tmp_path / 'l.db'}")
    assert out["diff"] == []
    assert out["crossings"] == [(7, -7, "2026-05-01"), (7, -3, "2026-05-01")]
