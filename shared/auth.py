"""API keys: `Authorization: Bearer <key>`, stored as SHA-256 (keys are 256-bit random,
so a fast hash is the right tool, as for GitHub tokens), each with roles.

A key issued by any service's admin API is published as `api-key-issued` (hash only)
and stored by all four, so it works everywhere while each service owns its database.
AR_BOOTSTRAP_ADMIN_KEY seeds an admin key in every service at start-up (restored if revoked).
"""
from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, Request
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from shared.context import Context
from shared.db import Database, UnitOfWork
from shared.errors import Conflict, Forbidden, RuleError, Unauthorized
from shared.events.platform import ApiKeyIssuedV1, ApiKeyRevokedV1
from shared.logs import current_correlation_id
from shared.platform_tables import api_keys
from shared.roles import ADMIN, ROLES

BOOTSTRAP_KEY_ID = "bootstrap-admin"


@dataclass(frozen=True, slots=True)
class Principal:
    key_id: str
    name: str
    roles: frozenset[str]

    def has_any(self, roles) -> bool:
        return ADMIN in self.roles or bool(self.roles & set(roles))


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def new_key() -> tuple[str, str]:
    key_id = secrets.token_hex(6)
    return key_id, f"ark_{key_id}_{secrets.token_urlsafe(32)}"


class ApiKeyStore:
    """Key lookups with a short cache: the credit check is on the sales hot path and a
    revocation taking a few seconds to bite is acceptable. When a known key's entry expires,
    one refresh runs while requests keep the answer they had (stale-while-revalidate), and
    concurrent first lookups of a key share one query: otherwise every request in flight
    would query at the same moment, every `cache_seconds`, and spike the tail latency.

    An unknown key is remembered for `negative_seconds` only and never answered stale: it
    may be a key whose `api-key-issued` event is about to be applied. `forget()` drops
    everything (the embedded delivery calls it when a key event commits); a lookup that was
    reading the database meanwhile answers its caller but does not fill the cache."""

    def __init__(self, db: Database, cache_seconds: float = 5.0, stale_seconds: float = 60.0,
                 negative_seconds: float = 1.0) -> None:
        self.db = db
        self.cache_seconds = cache_seconds
        self.stale_seconds = stale_seconds
        self.negative_seconds = negative_seconds
        self._cache: dict[str, tuple[float, Principal | None]] = {}
        self._loading: dict[str, asyncio.Future] = {}
        self._generation = 0

    async def lookup(self, key: str) -> Principal | None:
        digest = hash_key(key)
        hit = self._cache.get(digest)
        now = time.monotonic()
        if hit is not None:
            if hit[0] > now:
                return hit[1]
            if hit[1] is not None and hit[0] + self.stale_seconds > now:
                self._refresh(digest)
                return hit[1]
        return await asyncio.shield(self._refresh(digest))

    def _refresh(self, digest: str) -> asyncio.Future:
        loading = self._loading.get(digest)
        if loading is None:
            loading = self._loading[digest] = asyncio.ensure_future(self._load(digest))
            loading.add_done_callback(lambda done: self._loading.pop(digest, None)
                                      if self._loading.get(digest) is done else None)
        return loading

    async def _load(self, digest: str) -> Principal | None:
        generation = self._generation
        async with self.db.sessionmaker() as session:
            row = (await session.execute(sa.select(api_keys).where(
                api_keys.c.key_hash == digest, api_keys.c.revoked_at.is_(None)))).first()
        principal = None
        if row is not None and hmac.compare_digest(row.key_hash, digest):
            principal = Principal(row.key_id, row.name, frozenset(row.roles.split(",")))
        if generation == self._generation:  # no key event committed while we read
            if len(self._cache) > 10_000:
                self._cache.clear()
            ttl = self.cache_seconds if principal is not None else self.negative_seconds
            self._cache[digest] = (time.monotonic() + ttl, principal)
        return principal

    def forget(self) -> None:
        """Drop every cached answer, and keep lookups already reading from caching theirs."""
        self._generation += 1
        self._cache.clear()
        self._loading.clear()

    async def seed_bootstrap(self, key: str, source: str) -> None:
        """The configured key is (re)stored as an active admin at every start: a revoked
        or lost bootstrap key comes back with a restart. The API and the worker of a
        service start together and both seed, so this is one upsert, never select-then-insert
        (the loser of that race used to exit with a unique violation)."""
        async with self.db.unit_of_work(source) as uow:
            await store_key(uow, BOOTSTRAP_KEY_ID, hash_key(key), "bootstrap admin", ["admin"],
                            datetime.now(timezone.utc), replace=True)
            await uow.commit()
        self.forget()


def _insert(uow: UnitOfWork):
    dialect = sqlite_insert if uow.db.is_sqlite else pg_insert
    return dialect(api_keys)


async def store_key(uow: UnitOfWork, key_id: str, key_hash: str, name: str, roles: list[str],
                    created_at: datetime, *, replace: bool = False) -> None:
    """Insert a key, safe under concurrency: INSERT ... ON CONFLICT DO NOTHING on any unique
    index (an arbiter of key_id alone still let a concurrent twin fail on key_hash). With
    `replace` the row of `key_id` then takes this hash and roles and is active again (the
    bootstrap key); otherwise an existing key is left as it is (a redelivered
    `api-key-issued`). Concurrent updates of one row wait for each other: no violation."""
    roles_text = ",".join(sorted(roles))
    await uow.execute(_insert(uow).values(key_id=key_id, key_hash=key_hash, name=name, roles=roles_text,
                                          created_at=created_at).on_conflict_do_nothing())
    if replace:
        await uow.execute(sa.update(api_keys).where(
            api_keys.c.key_id == key_id,
            sa.or_(api_keys.c.key_hash != key_hash, api_keys.c.roles != roles_text,
                   api_keys.c.revoked_at.is_not(None))).values(key_hash=key_hash, roles=roles_text, revoked_at=None))


async def issue_key(uow: UnitOfWork, name: str, roles: list[str]) -> tuple[str, str]:
    unknown = sorted(set(roles) - ROLES)
    if not roles or unknown:
        raise RuleError(f"unknown roles {unknown}" if unknown else "give at least one role", "roles", "allowed_values")
    key_id, key = new_key()
    now = datetime.now(timezone.utc)
    async with uow:
        await store_key(uow, key_id, hash_key(key), name, roles, now)
        uow.emit(ApiKeyIssuedV1(key_id=key_id, key_hash=hash_key(key), name=name, roles=sorted(roles),
                                issued_at=now))
        await uow.commit()
    return key_id, key


async def revoke_key(uow: UnitOfWork, key_id: str) -> bool:
    """Revoke an active key; False when there is none. The last active admin key cannot
    be revoked (Conflict): nobody could issue or revoke keys any more."""
    now = datetime.now(timezone.utc)
    async with uow:
        row = (await uow.execute(sa.select(api_keys.c.roles).where(
            api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None)))).first()
        if row is None:
            return False
        if "admin" in row.roles.split(",") and not await _other_active_admin(uow, key_id):
            raise Conflict(f"{key_id!r} is the last active admin key; issue another admin key before "
                           "revoking it", rule="last_admin_key")
        await uow.execute(sa.update(api_keys).where(
            api_keys.c.key_id == key_id, api_keys.c.revoked_at.is_(None)).values(revoked_at=now))
        uow.emit(ApiKeyRevokedV1(key_id=key_id, revoked_at=now))
        await uow.commit()
    return True


async def _other_active_admin(uow: UnitOfWork, key_id: str) -> bool:
    rows = await uow.execute(sa.select(api_keys.c.roles).where(
        api_keys.c.key_id != key_id, api_keys.c.revoked_at.is_(None)))
    return any(ADMIN in r.roles.split(",") for r in rows)


async def on_key_issued(_deps, uow: UnitOfWork, _ctx: Context, event: ApiKeyIssuedV1) -> None:
    await store_key(uow, event.key_id, event.key_hash, event.name, event.roles, event.issued_at)


async def on_key_revoked(_deps, uow: UnitOfWork, _ctx: Context, event: ApiKeyRevokedV1) -> None:
    await uow.execute(sa.update(api_keys).where(
        api_keys.c.key_id == event.key_id, api_keys.c.revoked_at.is_(None)).values(revoked_at=event.revoked_at))


async def current_principal(request: Request) -> Principal:
    header = request.headers.get("authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise Unauthorized("send an API key as 'Authorization: Bearer <key>'")
    return await _principal_of(request, key.strip(), Unauthorized)


async def _principal_of(request: Request, key: str, error: type[Unauthorized]) -> Principal:
    principal = await request.app.state.runtime.keys.lookup(key)
    if principal is None:
        raise error("unknown or revoked API key")
    request.state.principal = principal
    return principal


class PageUnauthorized(Unauthorized):
    """A page's 401 asks the browser for the key (HTTP Basic: any user name, the key as password)."""
    challenge = 'Basic realm="receivables", charset="UTF-8"'


def basic_password(value: str) -> str:
    try:
        return base64.b64decode(value, validate=True).decode("utf-8").partition(":")[2]
    except (ValueError, UnicodeDecodeError):
        return ""


async def page_principal(request: Request) -> Principal:
    """For a page a browser opens (shared.runtime's `pages`): the key as a Bearer header, or as
    the password of HTTP Basic, which a browser asks for and sends by itself."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    scheme, value = scheme.lower(), value.strip()
    key = value if scheme == "bearer" else basic_password(value) if scheme == "basic" else ""
    if not key.strip():
        raise PageUnauthorized("sign in with an API key as the password")
    return await _principal_of(request, key.strip(), PageUnauthorized)


def requires_page(*roles: str):
    """`requires` for a page: the same roles and command context, the key from a browser."""
    unknown = set(roles) - ROLES
    assert not unknown, unknown

    async def page_context(request: Request, principal: Annotated[Principal, Depends(page_principal)]) -> Context:
        return context_of(request, authorize(principal, roles))

    return Depends(page_context)


PrincipalDep = Annotated[Principal, Depends(current_principal)]


def authorize(principal: Principal, roles) -> Principal:
    """The caller must hold one of `roles`; admin passes every route's check (a business
    rule that needs a role asks the command context for it)."""
    if not principal.has_any(roles):
        raise Forbidden(f"this action needs one of the roles: {', '.join(sorted(roles))}",
                        required_roles=sorted(roles))
    return principal


def require_roles(*roles: str):
    """Dependency giving the principal (the key administration routes)."""
    unknown = set(roles) - ROLES
    assert not unknown, unknown

    async def check(principal: PrincipalDep) -> Principal:
        return authorize(principal, roles)

    return Depends(check)


def context_of(request: Request, principal: Principal) -> Context:
    """The command context of a request: the key, its own roles, the service's business date."""
    clock = request.app.state.runtime.clock
    return Context(principal.key_id, clock.today(), clock.now(), principal.roles, principal.name,
                   current_correlation_id(), "rest")


def requires(*roles: str):
    """Dependency: the caller must hold one of `roles`; gives the command context handlers take.
    Services name these once in their auth.py: `Reader = Annotated[Context, requires(...)]`."""
    unknown = set(roles) - ROLES
    assert not unknown, unknown

    async def command_context(request: Request, principal: PrincipalDep) -> Context:
        return context_of(request, authorize(principal, roles))

    return Depends(command_context)
