"""Structured JSON logs with a correlation id.

The id comes from the X-Correlation-ID (or X-Request-ID) header, travels inside every
event the request causes (CloudEvents extension `correlationid`) and is restored by the
consumer, so one customer's story can be followed across the four services.
"""
from __future__ import annotations

import json
import logging
import secrets
import sys
from contextvars import ContextVar
from datetime import datetime, timezone

correlation_id: ContextVar[str | None] = ContextVar("correlation_id", default=None)
service_name: ContextVar[str | None] = ContextVar("service_name", default=None)


def new_correlation_id() -> str:
    return secrets.token_hex(16)  # 128 random bits, like a uuid4 without building one


def current_correlation_id() -> str | None:
    return correlation_id.get()


class JsonFormatter(logging.Formatter):
    _skip = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if cid := correlation_id.get():
            entry["correlation_id"] = cid
        if svc := service_name.get():
            entry["service"] = svc
        for key, value in record.__dict__.items():
            if key not in self._skip and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def configure_logging(level: str = "INFO", as_json: bool = True) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter() if as_json else logging.Formatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("aiokafka", "kafka", "sqlalchemy.engine", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
