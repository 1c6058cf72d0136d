"""The build manifest (OUTDIR/manifest.json) and ``verify``: rebuild in memory, compare bytes.

A manifest lists every input (report files and every file of each template
used, with sha256), every output (path relative to OUTDIR, sha256, and what
it was made from) and the environment (``boardpaper.render.environment``). Input
paths are relative to the folder the build ran in (``root``), so a later
checkout of the same repository verifies from its own root.

The manifest itself holds no time, host or user, so it is as reproducible as
the papers. ``ManifestBuilder`` is reusable: other outputs (e.g. agenda
packs) add their inputs and outputs with a ``kind`` and register a rebuild
function with ``register_rebuilder`` so ``verify`` can rebuild them too.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePosixPath
from typing import Any

from boardpaper.pipeline import LoadedReport, with_attachments
from boardpaper.progress import Progress
from boardpaper.render.cache import RenderCache
from boardpaper.render.environment import FontUse, environment
from boardpaper.render.head_start import PdfHeadStart
from boardpaper.render.parallel import render_papers
from boardpaper.render.stamp import content_sha256
from boardpaper.template.inherit import base_folder
from boardpaper.template.library import builtin_templates_dir
from boardpaper.template.manifest import Template, template_files

MANIFEST_NAME = "manifest.json"


MANIFEST_FORMAT = 1


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


BUILTIN = "builtin:"
"""Prefix of recorded paths inside boardpaper's own templates, wherever it is installed."""


BUILTIN_BASE = "builtin-base:"
"""Prefix of recorded paths inside the built-in base template (``template/base/``)."""


def recorded_path(path: Path, root: Path) -> str:
    """``path`` as the manifest records it, in POSIX form.

    Relative to ``root`` when inside it; ``builtin:NAME/FILE`` inside the
    built-in templates (so another installation finds them); else absolute.
    """
    absolute = Path(os.path.abspath(path))  # as the user sees it: symlinks kept
    for base, prefix in (
        (Path(os.path.abspath(root)), ""),
        (builtin_templates_dir(), BUILTIN),
        (base_folder(), BUILTIN_BASE),
    ):
        try:
            return prefix + absolute.relative_to(os.path.abspath(base)).as_posix()
        except ValueError:
            continue
    return absolute.as_posix()


def resolve_recorded(recorded: str, root: Path) -> Path:
    """Where a recorded input path is now (``recorded_path`` reversed)."""
    if recorded.startswith(BUILTIN_BASE):
        return base_folder() / recorded.removeprefix(BUILTIN_BASE)
    if recorded.startswith(BUILTIN):
        return builtin_templates_dir() / recorded.removeprefix(BUILTIN)
    path = Path(recorded)
    return path if path.is_absolute() else root / path


class ManifestBuilder:
    """Collects one build's inputs, outputs and fonts; ``to_bytes()`` gives manifest.json."""

    def __init__(self, outdir: Path, root: Path | None = None):
        self.outdir = outdir
        self.root = root or Path.cwd()
        self.inputs: dict[str, dict[str, Any]] = {}
        self.outputs: dict[str, dict[str, Any]] = {}
        self.templates: dict[str, dict[str, Any]] = {}
        self.fonts: list[FontUse] = []

    def add_input(self, path: Path, role: str, data: bytes | None = None, **details: Any) -> str:
        """Record an input file and its sha256 (of ``data``, or else of the file read now).

        Returns the path as recorded.
        """
        name = recorded_path(path, self.root)
        digest = sha256_hex(path.read_bytes() if data is None else data)
        self.inputs[name] = {"path": name, "sha256": digest, "role": role}
        self.inputs[name].update(details)
        return name

    def add_data_files(self, report: LoadedReport, source: str) -> None:
        """Record the data files (CSV, XLSX) ``report`` read, as inputs of its ``source``.

        The sha256 is the one the build read (not the file's now), so ``verify``
        names a data file changed since the build. A Word appendix converted to PDF
        also records its converter (``converted_by``: LibreOffice and its version),
        which decides the PDF's bytes.
        """
        converters = {
            attachment.pdf.name: attachment.pdf.converted_by
            for attachment in report.attachments
            if attachment.pdf.converted_by
        }
        for name, digest in report.paper.data_files:
            recorded = recorded_path(Path(report.source_path).parent / name, self.root)
            self.inputs[recorded] = {
                "path": recorded,
                "sha256": digest,
                "role": "data",
                "report": source,
            }
            if name in converters:
                self.inputs[recorded]["converted_by"] = converters[name]

    def add_template(self, template: Template) -> None:
        """Record a template folder and every file in it, and so for each template it extends.

        Each template's entry names its parent (``extends``), so ``verify`` can tell which
        papers a changed parent file affects.
        """
        if template.name in self.templates:
            return
        folder = recorded_path(template.folder, self.root)
        entry: dict[str, Any] = {"folder": folder, "sha256": template.files_hash}
        if template.parent is not None:
            entry["extends"] = template.parent.name
            self.add_template(template.parent)
        self.templates[template.name] = entry
        for path in template_files(template.folder):
            self.add_input(path, "template", template=template.name)

    def add_output(self, path: Path, data: bytes, kind: str, **details: Any) -> None:
        """Record an output file (``path`` inside OUTDIR) that ``kind``'s rebuilder can remake."""
        name = path.relative_to(self.outdir).as_posix()
        self.outputs[name] = {"path": name, "sha256": sha256_hex(data), "kind": kind, **details}

    def add_report(
        self,
        report: LoadedReport,
        outputs: dict[str, tuple[Path, bytes]],
        source_data: bytes | None = None,
    ) -> None:
        """Record a report, its template and its rendered outputs (format -> (path, bytes)).

        ``source_data`` is the report's bytes when they did not come from
        ``report.source_path`` on disk (an upload).
        """
        source = self.add_input(Path(report.source_path), "report", source_data)
        self.add_data_files(report, source)
        self.add_template(report.template)
        for fmt, (path, data) in sorted(outputs.items()):
            self.add_output(
                path,
                data,
                "report",
                format=fmt,
                source=source,
                template=report.template.name,
                content_sha256=content_sha256(report.paper.source),
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "boardpaper_manifest": MANIFEST_FORMAT,
            "about": (
                "Inputs are relative to the folder the build ran in, outputs to this folder. "
                "Check with: boardpaper verify OUTDIR (run from that folder)."
            ),
            "templates": dict(sorted(self.templates.items())),
            "inputs": [self.inputs[name] for name in sorted(self.inputs)],
            "outputs": [self.outputs[name] for name in sorted(self.outputs)],
            "environment": environment(self.fonts),
        }

    def to_bytes(self) -> bytes:
        """The manifest as stable JSON bytes (sorted keys, LF, trailing newline)."""
        return (
            json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        ).encode()


def render_with_manifest(
    reports: list[LoadedReport],
    formats: tuple[str, ...],
    outdir: Path,
    root: Path | None = None,
    sources: dict[str, bytes] | None = None,
    jobs: int | None = 1,
    cache: RenderCache | None = None,
    progress: Progress | None = None,
    head_start: PdfHeadStart | None = None,
) -> dict[Path, bytes]:
    """Render each report to OUTDIR/<file stem>.<format> plus OUTDIR/manifest.json.

    Returns path -> bytes; nothing is written (hand it to ``write_atomically``,
    or zip it). Input paths in the manifest are relative to ``root`` (default:
    the working directory). ``sources`` maps a report's ``source_path`` to its
    bytes when it was not read from that file (an upload). ``jobs`` worker
    processes render (None: one per core; 1: in this process); papers in
    ``cache`` are taken from it. ``progress`` hears of each paper as it is done.
    ``head_start`` is handed to ``render_papers``.
    """
    files: dict[Path, bytes] = {}
    manifest = ManifestBuilder(outdir, root)
    papers = [(report.paper, report.template) for report in reports]
    names = [report.source_path for report in reports]
    rendered_papers = render_papers(
        papers,
        formats,
        jobs=jobs,
        cache=cache,
        progress=progress,
        names=names,
        head_start=head_start,
    )
    for report, rendered_paper in zip(reports, rendered_papers, strict=True):
        stem = Path(report.source_path).stem
        manifest.fonts.extend(rendered_paper.fonts)
        rendered = with_attachments(report, rendered_paper.files)
        outputs = {fmt: (outdir / f"{stem}.{fmt}", data) for fmt, data in rendered.items()}
        manifest.add_report(report, outputs, (sources or {}).get(report.source_path))
        files.update(outputs.values())
    files[outdir / MANIFEST_NAME] = manifest.to_bytes()
    return files


def read_manifest(outdir: Path) -> dict[str, Any]:
    """Load OUTDIR/manifest.json. Raises ValueError saying what is wrong."""
    path = outdir / MANIFEST_NAME
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(
            f"{path}: no manifest here; was this folder built by boardpaper?"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: cannot read the manifest: {error}") from None
    if not isinstance(manifest, dict) or manifest.get("boardpaper_manifest") != MANIFEST_FORMAT:
        raise ValueError(f"{path}: not a boardpaper manifest (format {MANIFEST_FORMAT})")
    for section, required in (("inputs", ("path", "sha256")), ("outputs", ("path", "sha256"))):
        entries = manifest.get(section, [])
        if not isinstance(entries, list) or not all(
            isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in required)
            for entry in entries
        ):
            raise ValueError(f"{path}: every {section} entry needs {' and '.join(required)}")
    for entry in manifest.get("outputs", []):
        name = PurePosixPath(entry["path"])
        if not name.parts or name.is_absolute() or ".." in name.parts:
            raise ValueError(f"{path}: output {str(name)!r} is not a path inside this folder")
        if entry.get("kind", "report") == "report" and not all(
            isinstance(entry.get(key), str) for key in ("source", "format")
        ):
            raise ValueError(f"{path}: report output {str(name)!r} needs a source and a format")
    templates = manifest.get("templates", {})
    if not isinstance(templates, dict) or not all(
        isinstance(entry, dict) and isinstance(entry.get("folder"), str)
        for entry in templates.values()
    ):
        raise ValueError(f"{path}: templates must map each name to its folder")
    return manifest
