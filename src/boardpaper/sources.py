"""Where a build finds its inputs: the YAML files under the content paths, and the folders
a template name is looked up in.

One definition for the pipeline (``pipeline.find_reports``, ``find_meetings``,
``template.library.default_library``) and for the build record (``rebuild_record``),
which must see exactly the files and folders a build would, before the pipeline is
imported. Standard library only.
"""

from __future__ import annotations

import os
from pathlib import Path


def yaml_files(paths: list[Path]) -> list[Path]:
    """Each folder of ``paths`` expanded into the ``*.yaml`` files under it (sorted); a file
    named directly passes through. Which of them are reports is the pipeline's to decide."""
    found: list[Path] = []
    for path in paths:
        found.extend(sorted(path.rglob("*.yaml")) if path.is_dir() else [path])
    return found


def template_folders(extra: list[Path] | None = None) -> list[Path]:
    """The folders template names are looked up in, first first: ``extra`` (``--templates``),
    ``$BOARDPAPER_TEMPLATES``, then ``./templates``; the built-in set comes after them."""
    folders = list(extra or [])
    configured = os.environ.get("BOARDPAPER_TEMPLATES")
    if configured:
        folders.append(Path(configured))
    folders.append(Path.cwd() / "templates")
    return folders
