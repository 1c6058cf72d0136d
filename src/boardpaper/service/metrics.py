"""The service's observability: pool and request counts in, Prometheus text and JSON log lines out.

``ServiceMetrics`` keeps the counters ``/metrics`` shows (prometheus_client, the
reference client, rather than a hand-written exposition format): renders by format
and outcome, how long render requests took, the queue depth, worker recycles and
replacements, and render-cache hits and misses. ``JsonLogFormatter`` writes each log
record as one JSON object; fields come only from the message and a fixed list of
names, so report content never reaches the log.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

LOG_FIELDS = (
    "client",
    "method",
    "path",
    "status",
    "bytes",
    "duration_s",
    "format",
    "cache",
    "outcome",
    "workers",
)
"""The only extra attributes of a log record that JSON log lines carry."""


class _PoolCollector(Collector):
    """Worker recycles and replacements, read from the pool's own counts when scraped."""

    def __init__(self, status: Callable[[], dict[str, int]]):
        self.status = status

    def collect(self) -> Iterator[CounterMetricFamily]:
        counts = self.status()
        yield CounterMetricFamily(
            "boardpaper_worker_recycles",
            "Render workers retired after their quota of renders and started afresh",
            value=counts.get("retired", 0),
        )
        yield CounterMetricFamily(
            "boardpaper_worker_replacements",
            "Render workers killed and replaced (time limit, crash, failed start)",
            value=counts.get("replaced", 0),
        )


class ServiceMetrics:
    """The counters of one service process, in their own registry."""

    def __init__(self, pool_status: Callable[[], dict[str, int]]):
        self.registry = CollectorRegistry()
        self.renders = Counter(
            "boardpaper_renders",
            "Render requests answered, by format and outcome",
            ["format", "outcome"],
            registry=self.registry,
        )
        self.render_seconds = Histogram(
            "boardpaper_render_seconds",
            "Seconds from receiving a render request to having its answer",
            ["format"],
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
            registry=self.registry,
        )
        self.cache = Counter(
            "boardpaper_render_cache",
            "Render cache look-ups, by result (hit or miss)",
            ["result"],
            registry=self.registry,
        )
        queue = Gauge(
            "boardpaper_queue_depth",
            "Render requests admitted and not yet answered (running or waiting)",
            registry=self.registry,
        )
        queue.set_function(lambda: pool_status().get("admitted", 0))
        ready = Gauge(
            "boardpaper_workers_ready", "Render workers warm and alive", registry=self.registry
        )
        ready.set_function(lambda: pool_status().get("workers_ready", 0))
        self.registry.register(_PoolCollector(pool_status))

    def exposition(self) -> bytes:
        """The metrics in Prometheus' text format."""
        return generate_latest(self.registry)


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the ``LOG_FIELDS`` given."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in LOG_FIELDS:
            if name in record.__dict__:
                entry[name] = record.__dict__[name]
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(log_format: str) -> None:
    """Log INFO and above to stderr, as JSON lines (``json``) or plain text (``text``)."""
    handler = logging.StreamHandler()
    if log_format == "json":
        handler.setFormatter(JsonLogFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
