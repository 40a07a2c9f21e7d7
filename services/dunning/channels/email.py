"""E-mail over SMTP (aiosmtplib): HTML with a text alternative, attachments, pooled connections.

A small pool of open connections is reused for many messages each (no handshake per
message); a connection that fails is dropped and the message is tried once more on a fresh
one. Replies 5xx are permanent failures, 4xx and connection errors transient.
"""
from __future__ import annotations

import asyncio
import re
from contextlib import suppress
from email.utils import parseaddr

import aiosmtplib

from services.dunning.channels.config import ChannelConfig
from services.dunning.channels.mime import build_email
from services.dunning.channels.model import DeliveryFailed, OutgoingMessage

_CONNECTION_ERRORS = (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPConnectError,
                      aiosmtplib.SMTPTimeoutError, aiosmtplib.SMTPReadTimeoutError,
                      aiosmtplib.SMTPConnectTimeoutError, OSError, asyncio.TimeoutError)


# A plain ASCII address: no spaces, quotes, brackets or line breaks, so it can go into the
# To header and the RCPT command as is (no header or command injection from a contact).
ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?")


def _classify(error: aiosmtplib.SMTPResponseException) -> DeliveryFailed:
    permanent = 500 <= error.code < 600
    return DeliveryFailed(f"smtp {error.code}: {error.message}"[:500], permanent=permanent)


class EmailSender:
    """Sends through a pool of at most `pool_size` SMTP connections, opened on demand."""

    def __init__(self, config: ChannelConfig) -> None:
        assert config.smtp_host, "EmailSender needs AR_DUNNING_SMTP_HOST"
        self._config = config
        self._sender = config.smtp_from  # the From header; the envelope sender is its address
        self._envelope_from = parseaddr(config.smtp_from)[1] or config.smtp_from
        self._timeout = float(config.smtp_timeout)
        self._idle: asyncio.LifoQueue[aiosmtplib.SMTP] = asyncio.LifoQueue()
        self._slots = asyncio.Semaphore(config.smtp_pool_size)
        self._open: set[aiosmtplib.SMTP] = set()

    async def _connect(self) -> aiosmtplib.SMTP:
        cfg = self._config
        smtp = aiosmtplib.SMTP(hostname=cfg.smtp_host, port=cfg.smtp_port, timeout=self._timeout,
                               start_tls=cfg.smtp_starttls, use_tls=cfg.smtp_tls)
        await smtp.connect()
        if cfg.smtp_user:
            password = cfg.smtp_password.get_secret_value() if cfg.smtp_password else ""
            await smtp.login(cfg.smtp_user, password)
        self._open.add(smtp)
        return smtp

    async def _drop(self, smtp: aiosmtplib.SMTP) -> None:
        self._open.discard(smtp)
        with suppress(Exception):
            smtp.close()

    async def send(self, msg: OutgoingMessage) -> None:
        if not ADDRESS.fullmatch(msg.to or ""):
            raise DeliveryFailed(f"not an e-mail address: {msg.to!r}", permanent=True)
        mail = build_email(msg, self._sender)
        async with self._slots:
            for attempt in (1, 2):
                smtp = None
                try:
                    smtp = self._idle.get_nowait() if not self._idle.empty() else await self._connect()
                    await smtp.sendmail(self._envelope_from, [msg.to], mail)
                except aiosmtplib.SMTPRecipientsRefused as error:
                    await self._reset(smtp)
                    codes = [r.code for r in error.recipients]
                    raise DeliveryFailed(f"recipient refused: {error.recipients[0].message}"[:500],
                                         permanent=all(500 <= c < 600 for c in codes)) from None
                except aiosmtplib.SMTPResponseException as error:
                    # Includes a refused sender or DATA: the connection is still usable after RSET.
                    await self._reset(smtp)
                    raise _classify(error) from None
                except _CONNECTION_ERRORS as error:
                    if smtp is not None:
                        await self._drop(smtp)
                    if attempt == 2:
                        raise DeliveryFailed(f"smtp connection: {type(error).__name__}: {error}"[:500],
                                             permanent=False) from None
                    continue  # a pooled connection may have been closed by the server: one fresh try
                self._idle.put_nowait(smtp)
                return

    async def _reset(self, smtp: aiosmtplib.SMTP | None) -> None:
        if smtp is None:
            return
        try:
            await smtp.rset()
        except Exception:
            await self._drop(smtp)
            return
        self._idle.put_nowait(smtp)

    async def close(self) -> None:
        while not self._idle.empty():
            smtp = self._idle.get_nowait()
            with suppress(Exception):
                await smtp.quit()
            await self._drop(smtp)
        for smtp in list(self._open):
            await self._drop(smtp)
