"""Platform events: API keys are issued by any service's admin API and propagated to all
four, so one key works everywhere while each service keeps its own database. Only the
SHA-256 of the key travels."""
from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from shared.events.contract import EventPayload


class ApiKeyIssuedV1(EventPayload):
    topic: ClassVar[str] = "api-key-issued"
    key_field: ClassVar[str] = "key_id"
    key_id: str
    key_hash: str
    name: str
    roles: list[str]
    issued_at: datetime


class ApiKeyRevokedV1(EventPayload):
    topic: ClassVar[str] = "api-key-revoked"
    key_field: ClassVar[str] = "key_id"
    key_id: str
    revoked_at: datetime
