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
import importlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from boardpaper.errors import ContentError, Problem
from boardpaper.pipeline import LoadedReport, load_report, render
from boardpaper.render.environment import FontUse, compare, environment
from boardpaper.render.stamp import content_sha256
from boardpaper.template.library import (
    Template,
    TemplateLibrary,
    builtin_templates_dir,
    template_files,
)

MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = 1


def sha256_hex(data: bytes) -> str:
    """Hex sha256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


BUILTIN = "builtin:"
"""Prefix of recorded paths inside boardpaper's own templates, wherever it is installed."""


def recorded_path(path: Path, root: Path) -> str:
    """``path`` as the manifest records it, in POSIX form.

    Relative to ``root`` when inside it; ``builtin:NAME/FILE`` inside the
    built-in templates (so another installation finds them); else absolute.
    """
    absolute = Path(os.path.abspath(path))  # as the user sees it: symlinks kept
    for base, prefix in ((Path(os.path.abspath(root)), ""), (builtin_templates_dir(), BUILTIN)):
        try:
            return prefix + absolute.relative_to(os.path.abspath(base)).as_posix()
        except ValueError:
            continue
    return absolute.as_posix()


def resolve_recorded(recorded: str, root: Path) -> Path:
    """Where a recorded input path is now (``recorded_path`` reversed)."""
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

    def add_template(self, template: Template) -> None:
        """Record a template folder and every file in it."""
        if template.name in self.templates:
            return
        folder = recorded_path(template.folder, self.root)
        self.templates[template.name] = {"folder": folder, "sha256": template.files_hash}
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
) -> dict[Path, bytes]:
    """Render each report to OUTDIR/<file stem>.<format> plus OUTDIR/manifest.json.

    Returns path -> bytes; nothing is written (hand it to ``write_atomically``,
    or zip it). Input paths in the manifest are relative to ``root`` (default:
    the working directory). ``sources`` maps a report's ``source_path`` to its
    bytes when it was not read from that file (an upload).
    """
    files: dict[Path, bytes] = {}
    manifest = ManifestBuilder(outdir, root)
    for report in reports:
        stem = Path(report.source_path).stem
        rendered = render(report, formats, fonts=manifest.fonts)
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


# --- verify ---------------------------------------------------------------------------------

Rebuilder = Callable[[list[dict[str, Any]], "RebuildContext"], dict[str, bytes]]
"""Rebuild some outputs of one kind: (their manifest entries, context) -> {path: bytes}.

Raises ContentError when the inputs no longer load."""

REBUILDERS: dict[str, Rebuilder] = {}

REBUILDER_MODULES = ("boardpaper.meeting.manifest",)
"""Modules that register rebuilders for other kinds; imported by ``verify_build`` only
(they import much more than a plain build needs, and import this module)."""


def register_rebuilder(kind: str, rebuilder: Rebuilder) -> None:
    """Teach ``verify`` to rebuild outputs of ``kind`` (e.g. "pack")."""
    REBUILDERS[kind] = rebuilder


@dataclass
class RebuildContext:
    """What rebuilders share: where inputs are, and the recorded templates."""

    root: Path
    manifest: dict[str, Any]
    fonts: list[FontUse] = field(default_factory=list)

    def input_path(self, recorded: str) -> Path:
        return resolve_recorded(recorded, self.root)

    def library(self) -> TemplateLibrary:
        """The recorded template folders (not whatever the search path finds today)."""
        parents: list[Path] = []
        for entry in self.manifest.get("templates", {}).values():
            parent = self.input_path(entry["folder"]).parent
            if parent not in parents:
                parents.append(parent)
        return TemplateLibrary(parents)


def _rebuild_reports(entries: list[dict[str, Any]], context: RebuildContext) -> dict[str, bytes]:
    library = context.library()
    by_source: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        by_source.setdefault(entry["source"], []).append(entry)
    rebuilt: dict[str, bytes] = {}
    problems: list[Problem] = []
    for source, outputs in sorted(by_source.items()):
        try:
            report = load_report(context.input_path(source), library, display=source)
        except ContentError as error:
            problems.extend(error.problems)
            continue
        formats = tuple(entry["format"] for entry in outputs)
        files = render(report, formats, fonts=context.fonts)
        for entry in outputs:
            rebuilt[entry["path"]] = files[entry["format"]]
    if problems:
        raise PartialRebuild(rebuilt, problems)
    return rebuilt


class PartialRebuild(ContentError):
    """Some outputs were rebuilt (``rebuilt``), others could not be (``problems``)."""

    def __init__(self, rebuilt: dict[str, bytes], problems: list[Problem]):
        super().__init__(problems)
        self.rebuilt = rebuilt


register_rebuilder("report", _rebuild_reports)


@dataclass(frozen=True)
class Check:
    """One file's verdict (a word of ``OUTPUT_STATUSES`` or ``INPUT_STATUSES``) and why."""

    path: str
    status: str
    detail: str = ""


OUTPUT_STATUSES = ("identical", "different", "missing", "not rebuilt")
INPUT_STATUSES = ("unchanged", "changed", "missing")


@dataclass
class Verification:
    """The result of ``verify_build``."""

    outputs: list[Check]
    inputs: list[Check]
    environment_changes: list[str]
    problems: list[Problem]
    unrecorded: list[str] = field(default_factory=list)
    """Papers (.pdf, .docx) in OUTDIR that the manifest does not list: not verified."""

    @property
    def ok(self) -> bool:
        """True when every recorded output was rebuilt byte for byte."""
        return all(check.status == "identical" for check in self.outputs)


def verify_build(outdir: Path, root: Path | None = None) -> Verification:
    """Rebuild OUTDIR's recorded outputs in memory from their inputs under ``root``; compare.

    Each output is "identical" (rebuilt bytes = file in OUTDIR = manifest),
    "different" (with why), "missing" (not in OUTDIR) or "not rebuilt" (its
    inputs no longer load; ``problems`` says why). Raises ValueError for a
    missing or unreadable manifest.
    """
    manifest = read_manifest(outdir)
    for module in REBUILDER_MODULES:
        importlib.import_module(module)
    context = RebuildContext(root or Path.cwd(), manifest)
    inputs = [_check_input(entry, context) for entry in manifest.get("inputs", [])]
    changed = {check.path for check in inputs if check.status != "unchanged"}
    changed_inputs = [e for e in manifest.get("inputs", []) if e["path"] in changed]

    entries_by_kind: dict[str, list[dict[str, Any]]] = {}
    for entry in manifest.get("outputs", []):
        if not (outdir / entry["path"]).is_file():
            continue  # reported missing; no need to rebuild it
        entries_by_kind.setdefault(entry.get("kind", "report"), []).append(entry)
    rebuilt: dict[str, bytes] = {}
    problems: list[Problem] = []
    unknown_kinds: set[str] = set()
    for kind, entries in sorted(entries_by_kind.items()):
        rebuilder = REBUILDERS.get(kind)
        if rebuilder is None:
            unknown_kinds.add(kind)
            continue
        try:
            rebuilt.update(rebuilder(entries, context))
        except PartialRebuild as error:
            rebuilt.update(error.rebuilt)
            problems.extend(error.problems)
        except ContentError as error:
            problems.extend(error.problems)

    outputs: list[Check] = []
    for entry in manifest.get("outputs", []):
        outputs.append(
            _check_output(entry, outdir, rebuilt.get(entry["path"]), changed_inputs, unknown_kinds)
        )
    pdfs = [
        entry["path"] for entry in manifest.get("outputs", []) if entry["path"].endswith(".pdf")
    ]
    # Which fonts are used "now" is only known when every PDF was rebuilt.
    every_pdf_rebuilt = all(path in rebuilt for path in pdfs)
    changes = compare(
        manifest.get("environment", {}),
        environment(context.fonts),
        font_presence=every_pdf_rebuilt,
    )
    recorded = {entry["path"] for entry in manifest.get("outputs", [])}
    unrecorded = sorted(
        path.relative_to(outdir).as_posix()
        for path in outdir.rglob("*")
        if path.suffix in (".pdf", ".docx")
        and path.is_file()
        and path.relative_to(outdir).as_posix() not in recorded
    )
    return Verification(outputs, inputs, changes, problems, unrecorded)


def _check_input(entry: dict[str, Any], context: RebuildContext) -> Check:
    path = context.input_path(entry["path"])
    try:
        data = path.read_bytes()
    except OSError:
        return Check(entry["path"], "missing", f"not found at {path}")
    if sha256_hex(data) != entry["sha256"]:
        return Check(entry["path"], "changed", "its sha256 differs from the manifest")
    return Check(entry["path"], "unchanged")


def _check_output(
    entry: dict[str, Any],
    outdir: Path,
    rebuilt: bytes | None,
    changed_inputs: list[dict[str, Any]],
    unknown_kinds: set[str],
) -> Check:
    name, recorded = entry["path"], entry["sha256"]
    target = outdir / name
    if not target.is_file():
        return Check(name, "missing", f"{target} is not there")
    on_disk = sha256_hex(target.read_bytes())
    if rebuilt is None:
        kind = entry.get("kind", "report")
        why = (
            f"this boardpaper cannot rebuild {kind!r} outputs"
            if kind in unknown_kinds
            else "its inputs no longer load (see the problems above)"
        )
        return Check(name, "not rebuilt", why)
    fresh = sha256_hex(rebuilt)
    if fresh == on_disk == recorded:
        return Check(name, "identical")
    if fresh == on_disk:
        return Check(
            name,
            "different",
            "the file and the rebuild agree, but the manifest records another sha256 "
            "(was the manifest edited?)",
        )
    reasons: list[str] = []
    if on_disk != recorded:
        reasons.append(
            "the file was changed after the build (its sha256 is not the manifest's"
            + (", the rebuild's is)" if fresh == recorded else ")")
        )
    if fresh != recorded:
        sources = [entry["source"]] if entry.get("source") else entry.get("sources", [])
        templates = [entry["template"]] if entry.get("template") else entry.get("templates", [])
        changed = [
            item["path"]
            for item in changed_inputs
            if item["path"] in sources
            or (item.get("template") is not None and item.get("template") in templates)
        ]
        if changed:
            reasons.append(
                "the rebuild differs: inputs changed since the build: " + ", ".join(changed)
            )
        else:
            reasons.append(
                "the rebuild differs though the inputs are unchanged (see the environment changes)"
            )
    return Check(name, "different", "; ".join(reasons))
