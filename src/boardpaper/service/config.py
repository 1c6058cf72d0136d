"""The service's settings and media types: what ``boardpaper serve`` options become."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from boardpaper.service.pool import (
    JobFunction,
    render_job,
)

YAML_TYPES = {"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"}


MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "zip": "application/zip",
}


PROBLEM_JSON = "application/problem+json"


DEFAULT_DISPLAY = "report.yaml"


@dataclass
class ServiceConfig:
    """How the service runs. Every default is the safe one."""

    workers: int = 1
    queue: int = 32
    max_body_bytes: int = 1_000_000
    render_timeout: float = 30.0
    body_timeout: float = 30.0
    max_connections: int = 1000
    token: str | None = None
    recycle_after: int = 50
    template_dirs: list[Path] = field(default_factory=list)
    job: JobFunction = render_job
    cache_dir: Path | None = None
    """Render cache folder (``render.cache``); None: no cache. ``boardpaper serve`` sets one."""
