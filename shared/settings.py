"""One settings class, validated at start-up (pydantic-settings, env prefix AR_).

Outside development the process refuses to start with the shipped default secrets:
a forgotten AR_BOOTSTRAP_ADMIN_KEY in production is an open door, so it is an error,
not a warning.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_ADMIN_KEY = "dev-admin-key-change-me"
SERVICES = ("ledger", "credit", "dunning", "reporting")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AR_", env_file=None, extra="ignore")

    env: Literal["dev", "test", "prod"] = "dev"
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    data_dir: Path = Path("./var")
    log_level: str = "INFO"
    log_json: bool = True
    business_timezone: str = "Asia/Shanghai"
    business_date: date | None = Field(None, description="pins today's business date (tests, demos, training); "
                                                         "refused in prod")

    # Transport: "inprocess" for the embedded default, "kafka" for the distributed stack.
    transport: Literal["inprocess", "kafka"] = "inprocess"
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    kafka_client_id: str = "receivables"

    # One database URL per service; unset means a SQLite file in data_dir (embedded mode).
    ledger_database_url: str | None = None
    credit_database_url: str | None = None
    dunning_database_url: str | None = None
    reporting_database_url: str | None = None
    db_pool_size: int = Field(10, ge=1)
    migrate_on_start: bool = True

    bootstrap_admin_key: str = DEV_ADMIN_KEY

    # Outbox relay and consumer tuning.
    relay_batch_size: int = Field(500, ge=1, le=10_000)
    relay_poll_seconds: float = Field(0.2, gt=0)
    consumer_batch_size: int = Field(500, ge=1, le=10_000)
    consumer_max_attempts: int = Field(3, ge=1, le=20)
    consumer_backoff_seconds: float = Field(0.2, ge=0)
    outbox_retention_days: int = Field(7, ge=0)

    # Request bodies: JSON up to this size (413 beyond); file uploads (imports) up to the other.
    max_body_bytes: int = Field(1024 * 1024, ge=1024, le=64 * 1024 * 1024)
    max_upload_bytes: int = Field(64 * 1024 * 1024, ge=1024, le=1024 * 1024 * 1024)

    metrics_port: int | None = Field(None, description="worker processes expose /metrics, /readyz here")
    # Loopback by default: metrics are for the local Prometheus, not the world. Compose sets 0.0.0.0.
    metrics_host: str = "127.0.0.1"
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025

    @field_validator("business_timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except Exception:
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> "Settings":
        if self.env == "prod" and self.business_date is not None:
            raise ValueError("AR_BUSINESS_DATE pins the business date for tests and training: not in prod")
        if self.env != "dev":
            key = self.bootstrap_admin_key
            if key == DEV_ADMIN_KEY or len(key) < 24:
                raise ValueError(
                    "AR_BOOTSTRAP_ADMIN_KEY must be set to a secret of at least 24 characters "
                    f"outside development (AR_ENV={self.env})"
                )
            for name in SERVICES:
                url = getattr(self, f"{name}_database_url") or ""
                if ":postgres@" in url or ":password@" in url:
                    raise ValueError(f"AR_{name.upper()}_DATABASE_URL uses a default password")
        return self

    def database_url(self, service: str) -> str:
        url = getattr(self, f"{service}_database_url")
        if url:
            return url
        return f"sqlite+aiosqlite:///{(self.data_dir / f'{service}.sqlite3').resolve()}"


def load_settings(**overrides) -> Settings:
    return Settings(**overrides)
