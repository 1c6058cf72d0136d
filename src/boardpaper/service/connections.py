"""Slow or hostile clients and noisy failures: uvicorn settings in, a server that stays up out.

uvicorn (0.54, h11) times out idle keep-alive connections, but not a client
that sends its headers one byte at a time: 21,000 such connections used up
every file descriptor, `/healthz` failed, and asyncio logged a traceback per
refused accept (271 MB of log). So:

- ``HeaderTimeoutProtocol`` closes a connection whose request headers are not
  complete ``HEADER_TIMEOUT_SECONDS`` after its first byte (or after it opened);
- the body has its own read deadline (``service.app.read_report``);
- ``limit_concurrency`` answers 503 past a number of connections and tasks,
  and ``raise_file_limit`` lifts the soft descriptor limit to the hard one;
- ``RepeatFilter`` lets each kind of log message through a few times a minute,
  then counts the rest and says how many it held back, without tracebacks.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import time
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_TIMEOUT_SECONDS = 10.0
"""How long a client may take to send a request's headers (a browser needs milliseconds)."""


class HeaderTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, closing connections whose request headers arrive too slowly."""

    header_timeout = HEADER_TIMEOUT_SECONDS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._header_deadline: asyncio.TimerHandle | None = None
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._header_deadline is None and self._between_requests():
            self._arm()  # the first bytes of a further request on a kept-alive connection
        super().data_received(data)
        if self._header_deadline is not None and not self._between_requests():
            self._header_deadline.cancel()
            self._header_deadline = None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None
        super().connection_lost(exc)

    def _between_requests(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        self._header_deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _too_slow(self) -> None:
        self._header_deadline = None
        if self._between_requests() and not self.transport.is_closing():
            self.transport.close()


def raise_file_limit() -> int:
    """Lift this process's soft limit on open files to its hard limit; returns the limit."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError):
            pass
    return soft


class RepeatFilter(logging.Filter):
    """Let a kind of message (logger, template, level) through ``burst`` times a ``window``.

    The rest are counted, not printed; the next one let through says how many
    were held back. Repeats lose their traceback: one is enough to diagnose.
    """

    def __init__(self, burst: int = 5, window: float = 60.0) -> None:
        super().__init__()
        self.burst = burst
        self.window = window
        self._seen: dict[tuple[str, Any, int], list[float]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        key = (record.name, record.msg, record.levelno)
        now = time.monotonic()
        started, count, held = self._seen.get(key, [now, 0, 0])
        if now - started > self.window:
            started, count = now, 0
        count += 1
        if count > self.burst:
            self._seen[key] = [started, count, held + 1]
            return False
        if held:
            record.msg = f"{record.msg} ({held} like this held back)"
        if count > 1:
            record.exc_info = None
            record.exc_text = None
        self._seen[key] = [started, count, 0]
        if len(self._seen) > 1000:  # messages with ever-new templates: forget the oldest
            self._seen.pop(next(iter(self._seen)))
        return True


def install_repeat_filter(*logger_names: str) -> RepeatFilter:
    """Put one ``RepeatFilter`` on every handler of the root logger and the named loggers."""
    repeat = RepeatFilter()
    for name in ("", *logger_names):
        for handler in logging.getLogger(name).handlers:
            handler.addFilter(repeat)
    return repeat
