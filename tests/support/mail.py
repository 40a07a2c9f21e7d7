"""A real SMTP server on 127.0.0.1 (aiosmtpd in its own thread) for dunning's e-mail tests.

    with MailServer() as mail:                 # or start()/stop()
        config = load_channel_config(smtp_host=mail.host, smtp_port=mail.port)
        ...
        [received] = mail.messages              # Received(mail_from, rcpt_tos, message)
        received.message.get_body(("html",))    # parsed EmailMessage

mail.refuse["x@y"] = "550 5.1.1 no such user" refuses one recipient (or "451 ..." for a
transient reply); mail.connections counts the SMTP sessions the server saw (EHLO/HELO).
`keep=False` only counts (the benchmark's sink); `run_sink` runs one in another process.
"""
from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.raw, policy=email.policy.default)  # type: ignore[return-value]


class _Handler:
    def __init__(self, server: "MailServer") -> None:
        self.server = server

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.server._connected()
        session.host_name = hostname
        return responses

    async def handle_HELO(self, server, session, envelope, hostname):
        self.server._connected()
        session.host_name = hostname
        return "250 {}".format(server.hostname)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = self.server.refuse.get(address)
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.server._received(envelope)
        return "250 Message accepted for delivery"


class MailServer:
    def __init__(self, *, port: int | None = None, keep: bool = True, fast_loop: bool = False) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.keep = keep
        self.refuse: dict[str, str] = {}
        self.messages: list[Received] = []
        self.accepted = 0
        self.connections = 0
        self._lock = threading.Lock()
        self._controller: Controller | None = None
        self.fast_loop = fast_loop  # uvloop (a dependency of uvicorn[standard]): the sink's own speed

    def _connected(self) -> None:
        with self._lock:
            self.connections += 1

    def _received(self, envelope) -> None:
        with self._lock:
            self.accepted += 1
            if self.keep:
                self.messages.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content
                                              or envelope.content))

    def start(self) -> "MailServer":
        # decode_data=False: the raw bytes as sent (UTF-8 headers, base64 parts) for parsing back.
        loop = None
        if self.fast_loop:
            import uvloop
            loop = uvloop.new_event_loop()
        self._controller = Controller(_Handler(self), hostname=self.host, port=self.port, loop=loop,
                                      server_hostname="mail.test", ready_timeout=10)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def restart(self) -> None:
        """Stop and start on the same port: every open client connection is cut."""
        self.stop()
        self.start()

    def wait_for(self, count: int, timeout: float = 10) -> None:
        """Wait until `count` messages were accepted (a DATA reply is sent after the handler)."""
        deadline = time.monotonic() + timeout
        while self.accepted < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.accepted} messages accepted, expected {count}")
            time.sleep(0.01)

    def __enter__(self) -> "MailServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def run_sink(port: int, ready, accepted) -> None:  # pragma: no cover - runs in a child process
    """A counting sink in another process (benchmarks): `ready` is set when it listens,
    `accepted` (a multiprocessing.Value) is kept up to date."""
    server = MailServer(port=port, keep=False, fast_loop=True)
    original = server._received

    def count(envelope) -> None:
        original(envelope)
        accepted.value = server.accepted

    server._received = count  # type: ignore[method-assign]
    server.start()
    ready.set()
    threading.Event().wait()
