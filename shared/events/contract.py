"""Base class of every event payload: versioned, strict, past-tense names.

A payload's CloudEvents type is `ar.<topic>.v<version>`; its JSON Schema id is
`urn:ar:events:<topic>:v<version>`. A breaking change is a new version class; the old
one stays registered until every producer has moved.
"""
from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict


class EventPayload(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    topic: ClassVar[str]
    version: ClassVar[int] = 1
    #: the field holding the Kafka key; the customer id, so one customer's events stay in order
    key_field: ClassVar[str] = "customer_id"
    #: the field naming the business object (CloudEvents `subject`)
    subject_field: ClassVar[str | None] = None

    @classmethod
    def event_type(cls) -> str:
        return f"ar.{cls.topic}.v{cls.version}"

    @classmethod
    def schema_id(cls) -> str:
        return f"urn:ar:events:{cls.topic}:v{cls.version}"

    def partition_key(self) -> str:
        return str(getattr(self, self.key_field))

    def subject(self) -> str | None:
        return str(getattr(self, self.subject_field)) if self.subject_field else None
