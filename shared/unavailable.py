"""A database outage is `503 Service Unavailable` with `Retry-After`, not a 500.

The client did nothing wrong and the same request will work once the database is back
(`/readyz` says 503 for the same reason), so the answer says "retry" in the standard way
(RFC 9110 §15.6.4) as RFC 9457 problem+json. Anything else unexpected stays a 500.

Installed by the app factory for errors raised in routes and dependencies; the request
middleware (shared/http.py) uses `crash_problem` for errors raised before the routes (the
Idempotency-Key lookup).
"""
from __future__ import annotations

import asyncio
import errno
import logging
import socket
from typing import Any

import asyncpg
import sqlalchemy.exc as sa_exc
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shared.problems import problem_response

log = logging.getLogger(__name__)
RETRY_AFTER_SECONDS = 5
_NETWORK_ERRNOS = {errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EHOSTUNREACH,
                   errno.ENETUNREACH, errno.ETIMEDOUT, errno.EPIPE}
_DRIVER_ERRORS = (asyncpg.PostgresConnectionError, asyncpg.InterfaceError,
                  asyncpg.exceptions.OperatorInterventionError)  # admin shutdown, crash shutdown


def is_unavailable(error: BaseException) -> bool:
    """True for "the database cannot be reached right now": refused or dropped connections,
    a server shutting down or starting, timeouts. Not for constraint violations or bugs."""
    if isinstance(error, sa_exc.DBAPIError):
        if isinstance(error, sa_exc.IntegrityError):
            return False
        if error.connection_invalidated or isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)):
            return True
        return isinstance(error.orig, _DRIVER_ERRORS) or isinstance(getattr(error.orig, "__cause__", None),
                                                                    _DRIVER_ERRORS)
    if isinstance(error, sa_exc.TimeoutError):  # the pool had no connection to give in time
        return True
    if isinstance(error, (*_DRIVER_ERRORS, ConnectionError, asyncio.TimeoutError, socket.gaierror)):
        return True
    # asyncpg raises a bare OSError("Multiple exceptions: ... Connect call failed") when every
    # address refuses; other OSErrors (a missing file) are bugs, not outages.
    return isinstance(error, OSError) and (error.errno in _NETWORK_ERRNOS or "Connect call failed" in str(error))


def crash_problem(error: BaseException, path: str | None, correlation_id: str | None
                  ) -> tuple[dict[str, Any], list[tuple[bytes, bytes]]]:
    """The problem body and extra headers for an error no handler expected; logs it."""
    if is_unavailable(error):
        log.warning("database unavailable: %s: %s", type(error).__name__, error, extra={"path": path})
        body = {"type": "https://receivables.dev/problems/service-unavailable", "title": "Service unavailable",
                "status": 503, "detail": "the database is unavailable; retry after a few seconds"}
        headers = [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())]
    else:
        log.error("unhandled error", exc_info=error, extra={"path": path})
        body = {"type": "https://receivables.dev/problems/internal-error", "title": "Internal server error",
                "status": 500, "detail": "an internal error occurred; quote the correlation id to support"}
        headers = []
    if path:
        body["instance"] = path
    if correlation_id:
        body["correlation_id"] = correlation_id
    return body, headers


def install_unavailable_handlers(app: FastAPI) -> None:
    """More specific than the catch-all 500 handler, so Starlette picks these first."""
    from shared.logs import current_correlation_id

    async def _handle(request: Request, exc: Exception) -> JSONResponse:
        body, headers = crash_problem(exc, request.url.path, current_correlation_id())
        return problem_response(body["status"], body, {k.decode(): v.decode() for k, v in headers})

    for error in (sa_exc.DBAPIError, sa_exc.TimeoutError, *_DRIVER_ERRORS, OSError):
        app.add_exception_handler(error, _handle)
