"""The credit check's queries (the sales hot path).

Everything a check reads comes from one UNION ALL select: the customer's profile, open
instalments (each with its invoice's dispute and extension), active reservations, active holds, temporary limits, and an earlier check of
the same order_ref (idempotency). The parts of a union share one set of columns, so each
part puts its values into generic slots (two text, three integer, two date columns);
`_Part` declares which column goes where and turns a row back into the part's named
tuple, so code outside this module only sees named rows.

The select comes in two shapes: for one check (SQLite, and the reserving check's
transaction on PostgreSQL) and for a batch of checks (`= ANY($1)`, see `CheckStore`).
"""
from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any, NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from services.credit.tables import (
    CheckRow, CreditProfileRow, HoldRow, InstalmentRow, ReceivableRow, ReservationRow, TemporaryLimitRow,
)
from shared.db import UnitOfWork


class Profile(NamedTuple):
    grade: str | None
    currency: str
    limit_minor: int | None
    term_days: int | None
    blacklisted: int  # 0 or 1: the union's integer slot


class StoredCheck(NamedTuple):
    request_hash: str
    result: str  # the JSON answered, byte for byte


class OpenInstalment(NamedTuple):
    """One open instalment: its own due date (None: not due yet) and open amount; the
    disputed amount is its invoice's."""
    invoice_number: str
    currency: str
    open_minor: int
    disputed_minor: int
    seq: int
    due_date: date | None


class ActiveReservation(NamedTuple):
    order_ref: str
    currency: str
    amount_minor: int
    expires_on: date


class ActiveHold(NamedTuple):
    hold_id: str
    kind: str
    placed_on: date


class TemporaryLimitGrant(NamedTuple):
    currency: str
    amount_minor: int
    valid_from: date | None
    expires_on: date


class NewCheck(NamedTuple):
    """A check's row in `credit_checks` (fields in the table's column order)."""
    order_ref: str
    check_id: str
    customer_id: str
    request_hash: str
    decision: str
    result: str
    checked_by: str
    checked_at: datetime


@dataclass
class CheckState:
    """Everything a check reads about its customer and order_ref."""
    profile: Profile | None = None  # None: no credit file
    earlier: StoredCheck | None = None  # this order_ref was checked before
    instalments: list[OpenInstalment] = field(default_factory=list)
    reservations: list[ActiveReservation] = field(default_factory=list)
    holds: list[ActiveHold] = field(default_factory=list)
    temporary_limits: list[TemporaryLimitGrant] = field(default_factory=list)


# --- the union ---------------------------------------------------------------------------------

_SLOTS = {"text": (("t1", sa.Text), ("t2", sa.Text)),
          "int": (("n1", sa.BigInteger), ("n2", sa.BigInteger), ("n3", sa.BigInteger)),
          "date": (("d1", sa.Date), ("d2", sa.Date))}
_COLUMNS = ["tag", "owner", *(name for slots in _SLOTS.values() for name, _ in slots)]
_TODAY = sa.bindparam("today", type_=sa.Date)
_P, _C, _R, _I, _V, _H, _T = (CreditProfileRow.__table__, CheckRow.__table__, ReceivableRow.__table__,
                              InstalmentRow.__table__, ReservationRow.__table__, HoldRow.__table__,
                              TemporaryLimitRow.__table__)


def _slot_kind(column) -> str:
    if isinstance(column.type, sa.Date):
        return "date"
    return "int" if isinstance(column.type, (sa.Integer, sa.Boolean)) else "text"


@dataclass(frozen=True)
class _Part:
    tag: str
    row: type  # the named tuple; its fields in the order of `columns`
    state_field: str  # where CheckState keeps it
    owner: Any  # the column compared with the check's `looked_up_by` value
    looked_up_by: str  # "customer_id", or "order_ref" for an earlier check
    columns: tuple
    where: tuple = ()

    def slots(self) -> dict[str, Any]:
        """slot name -> column: each column takes the next free slot of its kind."""
        free = {kind: [name for name, _ in slots] for kind, slots in _SLOTS.items()}
        return {free[_slot_kind(column)].pop(0): column for column in self.columns}

    def decoder(self):
        get = operator.itemgetter(*(_COLUMNS.index(slot) for slot in self.slots()))
        return lambda row: self.row._make(get(row))


_PARTS = (
    _Part("p", Profile, "profile", _P.c.customer_id, "customer_id",
          (_P.c.grade, _P.c.currency, _P.c.limit_minor, _P.c.term_days, sa.cast(_P.c.blacklisted, sa.Integer))),
    _Part("c", StoredCheck, "earlier", _C.c.order_ref, "order_ref", (_C.c.request_hash, _C.c.result)),
    _Part("r", OpenInstalment, "instalments", _I.c.customer_id, "customer_id",
          (_I.c.invoice_number, _I.c.currency, _I.c.open_minor, _R.c.disputed_minor, _I.c.seq, _I.c.due_date),
          (_I.c.open_minor > 0, _R.c.invoice_number == _I.c.invoice_number)),
    _Part("v", ActiveReservation, "reservations", _V.c.customer_id, "customer_id",
          (_V.c.order_ref, _V.c.currency, _V.c.amount_minor, _V.c.expires_on),
          (_V.c.released_on.is_(None), _V.c.expires_on >= _TODAY)),
    _Part("h", ActiveHold, "holds", _H.c.customer_id, "customer_id", (_H.c.hold_id, _H.c.kind, _H.c.placed_on),
          (_H.c.released_on.is_(None),)),
    _Part("t", TemporaryLimitGrant, "temporary_limits", _T.c.customer_id, "customer_id",
          (_T.c.currency, _T.c.amount_minor, _T.c.valid_from, _T.c.expires_on), (_T.c.expires_on >= _TODAY,)),
)
_DECODE = {part.tag: (part.state_field, part.decoder()) for part in _PARTS}
_BY_ORDER_REF = {part.tag for part in _PARTS if part.looked_up_by == "order_ref"}


def _state_query(*, batched: bool, cast_nulls: bool):
    """`batched`: every customer_id in :customer_ids and order_ref in :order_refs (PostgreSQL);
    else one :customer_id and :order_ref. `cast_nulls`: PostgreSQL needs typed NULLs to match
    the union's columns; SQLite must not get CAST(NULL AS DATE) (NUMERIC affinity would turn
    the dates of the other parts into numbers)."""
    def owner_is(part: _Part):
        if batched:
            values = sa.bindparam(f"{part.looked_up_by}s", type_=postgresql.ARRAY(sa.String))
            return part.owner == sa.any_(values)
        return part.owner == sa.bindparam(part.looked_up_by)

    def select(part: _Part):
        filled = part.slots()
        values = [sa.literal_column(f"'{part.tag}'", sa.String(1)).label("tag"), part.owner.label("owner")]
        for name, type_ in (slot for slots in _SLOTS.values() for slot in slots):
            value = filled.get(name)
            if value is None:
                value = sa.cast(sa.null(), type_) if cast_nulls else sa.type_coerce(sa.null(), type_)
            values.append(sa.type_coerce(value, type_).label(name))
        return sa.select(*values).where(owner_is(part), *part.where)
    return sa.union_all(*(select(part) for part in _PARTS))


_ONE_SQLITE = _state_query(batched=False, cast_nulls=False)
_ONE_POSTGRES = _state_query(batched=False, cast_nulls=True)
BATCHED_STATE_QUERY = _state_query(batched=True, cast_nulls=True)


def _file(state: CheckState, row) -> None:
    state_field, decode = _DECODE[row[0]]
    bucket = getattr(state, state_field)
    if isinstance(bucket, list):
        bucket.append(decode(row))
    else:
        setattr(state, state_field, decode(row))


def states_of(rows, checks: Iterable[tuple[str, str]]) -> list[CheckState]:
    """The batched select's rows as one CheckState per (customer_id, order_ref) of `checks`."""
    customers: dict[str, CheckState] = {}
    earlier: dict[str, CheckState] = {}
    for row in rows:
        owners = earlier if row[0] in _BY_ORDER_REF else customers
        state = owners.get(row[1])
        if state is None:
            state = owners[row[1]] = CheckState()
        _file(state, row)
    states = []
    for customer_id, order_ref in checks:
        state = customers.get(customer_id) or CheckState()
        stored = earlier.get(order_ref)
        states.append(replace(state, earlier=stored.earlier) if stored else state)
    return states


# --- one check in a transaction (SQLite; reserving checks on PostgreSQL) -----------------------

async def load_check_state(uow: UnitOfWork, customer_id: str, order_ref: str, today: date,
                           lock_profile: bool = False) -> CheckState:
    if lock_profile and not uow.db.is_sqlite:  # reserving checks of one customer queue up here
        await uow.execute(sa.select(_P.c.customer_id).where(_P.c.customer_id == customer_id)
                                  .with_for_update())
    rows = await uow.execute(_ONE_SQLITE if uow.db.is_sqlite else _ONE_POSTGRES,
                                     {"customer_id": customer_id, "order_ref": order_ref, "today": today})
    state = CheckState()
    for row in rows:
        _file(state, row)
    return state


async def insert_check(uow: UnitOfWork, check: NewCheck) -> None:
    await uow.execute(sa.insert(_C).values(**check._asdict()))


async def insert_reservation(uow: UnitOfWork, values: dict) -> None:
    await uow.execute(sa.insert(_V).values(**values))


async def get_check(uow: UnitOfWork, order_ref: str) -> CheckRow | None:
    return await uow.session.get(CheckRow, order_ref)


async def update_check(uow: UnitOfWork, order_ref: str, decision: str, result: str) -> None:
    await uow.execute(sa.update(_C).where(_C.c.order_ref == order_ref)
                              .values(decision=decision, result=result))
