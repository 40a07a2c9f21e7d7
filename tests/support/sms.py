"""A real HTTP server on 127.0.0.1 playing the SMS provider's webhook (docs/dunning-channels.md).

    with SmsServer() as sms:
        config = load_channel_config(sms_url=sms.url, sms_token="t0k")
        ...
        [request] = sms.requests                 # SmsRequest(to, text, reference, authorization)

sms.status = 503 answers every request with 503 (default 202); sms.status_for["+86..."] = 400
for one number; sms.delay = 2.0 holds each answer that long (a client timeout).
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass(frozen=True)
class SmsRequest:
    to: str
    text: str
    reference: str
    authorization: str | None
    path: str


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        provider = self.server.provider
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        request = SmsRequest(body.get("to", ""), body.get("text", ""), body.get("reference", ""),
                             self.headers.get("Authorization"), self.path)
        provider._record(request)
        if provider.delay:
            time.sleep(provider.delay)
        status = provider.status_for.get(request.to, provider.status)
        payload = json.dumps({"accepted": 200 <= status < 300, "reference": request.reference}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args) -> None:  # quiet in test output
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    provider: "SmsServer"

    def handle_error(self, request, client_address) -> None:
        # A client that timed out (sms.delay) has gone when the answer is written: expected.
        pass


class SmsServer:
    def __init__(self) -> None:
        self.status = 202
        self.status_for: dict[str, int] = {}
        self.delay = 0.0
        self.requests: list[SmsRequest] = []
        self._lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self._server is not None, "start() first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/sms"

    def _record(self, request: SmsRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def start(self) -> "SmsServer":
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.provider = self
        self._thread = threading.Thread(target=self._server.serve_forever, name="sms-provider", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "SmsServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
