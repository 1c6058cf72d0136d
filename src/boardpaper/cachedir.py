"""Where boardpaper keeps what it may reuse (rendered papers, converted Word appendices)."""

from __future__ import annotations

import os
from pathlib import Path


def default_cache_dir() -> Path:
    """The cache folder unless ``--cache-dir`` says otherwise: ``$BOARDPAPER_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/boardpaper``, else ``~/.cache/boardpaper``."""
    configured = os.environ.get("BOARDPAPER_CACHE_DIR")
    if configured:
        return Path(configured)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "boardpaper"
