"""Credit's own tables (its database only). Amounts in integer minor units."""
from __future__ import annotations

from sqlalchemy.orm import registry
from sqlmodel import SQLModel


class CreditTable(SQLModel, registry=registry()):
    pass
