import pytest
from pydantic import ValidationError

from shared.settings import DEV_ADMIN_KEY, Settings


def test_dev_defaults_are_accepted_and_sqlite_is_the_default_database(tmp_path):
    s = Settings(data_dir=tmp_path)
    assert s.bootstrap_admin_key == DEV_ADMIN_KEY
    assert s.database_url("ledger").startswith("sqlite+aiosqlite:///")
    assert s.database_url("ledger").endswith("ledger.sqlite3")


def test_outside_dev_the_default_admin_key_is_refused():
    with pytest.raises(ValidationError, match="AR_BOOTSTRAP_ADMIN_KEY"):
        Settings(env="prod")
    with pytest.raises(ValidationError, match="AR_BOOTSTRAP_ADMIN_KEY"):
        Settings(env="prod", bootstrap_admin_key="short")


def test_outside_dev_default_database_passwords_are_refused():
    with pytest.raises(ValidationError, match="default password"):
        Settings(env="prod", bootstrap_admin_key="x" * 32,
                 ledger_database_url="postgresql+asyncpg://ar:postgres@db/ar_ledger")


def test_unknown_time_zone_is_refused():
    with pytest.raises(ValidationError):
        Settings(business_timezone="Mars/Olympus")


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("AR_PORT", "8100")
    monkeypatch.setenv("AR_TRANSPORT", "kafka")
    s = Settings()
    assert s.port == 8100 and s.transport == "kafka"
