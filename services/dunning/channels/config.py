"""The channels' settings (env prefix AR_DUNNING_), read once at start-up.

No SMTP host means e-mail is disabled (every e-mail fails permanently, the ladder goes
on); no SMS URL likewise for SMS. Timeouts are Decimal seconds, bounded.
"""
from __future__ import annotations

from decimal import Decimal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from services.dunning.channels.model import CompanyInfo


class ChannelConfig(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AR_DUNNING_", env_file=None, extra="ignore", frozen=True)

    smtp_host: str | None = Field(None, max_length=253)
    smtp_port: int = Field(25, ge=1, le=65535)
    smtp_from: str = Field("receivables@localhost", max_length=320)
    smtp_starttls: bool = False  # upgrade a plain connection (port 587)
    smtp_tls: bool = False  # implicit TLS from the first byte (port 465)
    smtp_user: str | None = Field(None, max_length=320)
    smtp_password: SecretStr | None = None
    smtp_timeout: Decimal = Field(Decimal(10), gt=0, le=300)
    # Connections kept open and reused, each for many messages. 8: SMTP is a round trip per
    # command, so throughput grows with connections up to ~8 on a local server (bench/dunning_sweep.py).
    smtp_pool_size: int = Field(8, ge=1, le=64)

    sms_url: str | None = Field(None, max_length=2000)
    sms_token: SecretStr | None = None
    sms_timeout: Decimal = Field(Decimal(10), gt=0, le=300)

    company_name: str = Field("", max_length=200)
    company_address: str = Field("", max_length=500)
    company_phone: str = Field("", max_length=50)
    company_bank_account: str = Field("", max_length=200)
    company_email: str = Field("", max_length=320)

    # A TrueType/OpenType font (or .ttc collection) with CJK glyphs for letters; None: search
    # the system's fonts (scripts/system-deps.sh installs fonts-wqy-microhei).
    letter_font: str | None = Field(None, max_length=1000)

    @model_validator(mode="after")
    def _one_tls_mode(self) -> "ChannelConfig":
        if self.smtp_tls and self.smtp_starttls:
            raise ValueError("AR_DUNNING_SMTP_TLS and AR_DUNNING_SMTP_STARTTLS exclude each other")
        return self

    @property
    def company(self) -> CompanyInfo:
        return CompanyInfo(name=self.company_name, address=self.company_address, phone=self.company_phone,
                           bank_account=self.company_bank_account, email=self.company_email)


def load_channel_config(**overrides: object) -> ChannelConfig:
    """Read the environment; keyword overrides win (tests)."""
    return ChannelConfig(**overrides)  # type: ignore[arg-type]
