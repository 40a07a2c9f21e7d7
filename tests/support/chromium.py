"""Headless Chromium (Debian's `chromium`, installed by scripts/system-deps.sh) for tests:
the DOM of a page after rendering, a PNG screenshot, and a small PNG reader to look at it.

Each call is one short-lived browser process with its own profile directory, bounded in
time; nothing is left running.
"""
from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import struct
import subprocess
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator

TIMEOUT_SECONDS = 60
_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--hide-scrollbars",
          "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--mute-audio",
          "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def binary() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(url: str, *extra: str, cwd: Path) -> subprocess.CompletedProcess:
    browser = binary()
    if browser is None:
        raise RuntimeError("chromium is not installed: run scripts/system-deps.sh")
    command = [browser, *_FLAGS, f"--user-data-dir={cwd / 'profile'}", *extra, url]
    return subprocess.run(command, cwd=cwd, capture_output=True, timeout=TIMEOUT_SECONDS, check=True)


def dump_dom(url: str) -> str:
    """The page's DOM serialised after load (what a user's browser would hold)."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as tmp:
        return _run(url, "--dump-dom", cwd=Path(tmp)).stdout.decode("utf-8")


def screenshot(url: str, width: int = 1280, height: int = 2000) -> bytes:
    """A PNG of the page in a window of width × height pixels."""
    with tempfile.TemporaryDirectory(prefix="chromium-") as tmp:
        out = Path(tmp) / "shot.png"
        _run(url, f"--window-size={width},{height}", f"--screenshot={out}", cwd=Path(tmp))
        return out.read_bytes()


@dataclass(frozen=True)
class Image:
    width: int
    height: int
    channels: int
    rows: list[bytes]  # unfiltered, `channels` bytes per pixel

    def pixel(self, x: int, y: int) -> tuple[int, ...]:
        start = x * self.channels
        return tuple(self.rows[y][start:start + self.channels])

    def colours(self, step: int = 4) -> set[tuple[int, ...]]:
        """The distinct colours on a grid of every `step`-th pixel (RGB only)."""
        return {self.pixel(x, y)[:3] for y in range(0, self.height, step) for x in range(0, self.width, step)}


def read_png(data: bytes) -> Image:
    """Decode an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, header
    channels = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(idat), width * channels
    rows, previous = [], bytes(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, corner = previous[i], previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        previous = bytes(line)
        rows.append(previous)
    return Image(width, height, channels, rows)


@contextlib.asynccontextmanager
async def serve(app) -> AsyncIterator[str]:
    """An ASGI app on a free 127.0.0.1 port for the browser (uvicorn in this event loop, no
    lifespan: the caller has started what the app needs); yields the base URL."""
    import uvicorn

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, 10)
