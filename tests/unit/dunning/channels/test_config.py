from decimal import Decimal

import pytest
from pydantic import ValidationError

from services.dunning.channels import load_channel_config


def test_from_the_environment(monkeypatch):
    monkeypatch.setenv("AR_DUNNING_SMTP_HOST", "smtp.example.cn")
    monkeypatch.setenv("AR_DUNNING_SMTP_PORT", "587")
    monkeypatch.setenv("AR_DUNNING_SMTP_STARTTLS", "true")
    monkeypatch.setenv("AR_DUNNING_SMTP_PASSWORD", "pw")
    monkeypatch.setenv("AR_DUNNING_SMS_TIMEOUT", "2.5")
    monkeypatch.setenv("AR_DUNNING_COMPANY_NAME", "华东机械有限公司")
    config = load_channel_config()
    assert (config.smtp_host, config.smtp_port, config.smtp_starttls) == ("smtp.example.cn", 587, True)
    assert config.smtp_password.get_secret_value() == "pw" and "pw" not in repr(config)
    assert config.sms_timeout == Decimal("2.5") and config.sms_url is None
    assert config.company.name == "华东机械有限公司"


def test_channels_off_by_default(monkeypatch):
    for name in ("AR_DUNNING_SMTP_HOST", "AR_DUNNING_SMS_URL"):
        monkeypatch.delenv(name, raising=False)
    config = load_channel_config()
    assert config.smtp_host is None and config.sms_url is None


@pytest.mark.parametrize("field,value", [("smtp_port", 0), ("smtp_timeout", 0), ("smtp_pool_size", 100)])
def test_bounds(field, value):
    with pytest.raises(ValidationError):
        load_channel_config(**{field: value})


def test_one_tls_mode():
    with pytest.raises(ValidationError):
        load_channel_config(smtp_tls=True, smtp_starttls=True)
