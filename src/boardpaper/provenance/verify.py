"""``boardpaper verify``: a build folder's manifest in, each output rebuilt in memory and compared.

Every recorded output is identical, different, missing or not rebuilt; every input
unchanged, changed or missing; environment differences (libraries, fonts) are
named. Other kinds of output (packs) register a rebuilder.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from boardpaper.errors import ContentError, Problem
from boardpaper.pipeline import load_report, render
from boardpaper.provenance.manifest import read_manifest, resolve_recorded, sha256_hex
from boardpaper.render.environment import FontUse, compare, environment
from boardpaper.template.library import (
    TemplateLibrary,
)

Rebuilder = Callable[[list[dict[str, Any]], "RebuildContext"], dict[str, bytes]]
"""Rebuild some outputs of one kind: (their manifest entries, context) -> {path: bytes}.

Raises ContentError when the inputs no longer load."""


REBUILDERS: dict[str, Rebuilder] = {}


REBUILDER_MODULES = ("boardpaper.meeting.manifest", "boardpaper.publish.manifest")
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


def rebuild_reports(entries: list[dict[str, Any]], context: RebuildContext) -> dict[str, bytes]:
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


register_rebuilder("report", rebuild_reports)


class PartialRebuild(ContentError):
    """Some outputs were rebuilt (``rebuilt``), others could not be (``problems``)."""

    def __init__(self, rebuilt: dict[str, bytes], problems: list[Problem]):
        super().__init__(problems)
        self.rebuilt = rebuilt


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
            _check_output(
                entry,
                outdir,
                rebuilt.get(entry["path"]),
                changed_inputs,
                unknown_kinds,
                manifest.get("templates", {}),
            )
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
    changes += _converter_changes(manifest)
    recorded = {entry["path"] for entry in manifest.get("outputs", [])}
    unrecorded = sorted(
        path.relative_to(outdir).as_posix()
        for path in outdir.rglob("*")
        if path.suffix in (".pdf", ".docx")
        and path.is_file()
        and path.relative_to(outdir).as_posix() not in recorded
    )
    return Verification(outputs, inputs, changes, problems, unrecorded)


def _converter_changes(manifest: dict[str, Any]) -> list[str]:
    """Word appendices whose converter (LibreOffice's version) is not the build's."""
    from boardpaper.load.convert import converter_name

    changes = []
    for entry in manifest.get("inputs", []):
        then = entry.get("converted_by")
        if then is None:
            continue
        now = converter_name()
        if now != then:
            changes.append(
                f"{entry['path']}: converted by {then} at the build, "
                f"{now or 'no LibreOffice installed'} now"
            )
    return changes


def _check_input(entry: dict[str, Any], context: RebuildContext) -> Check:
    path = context.input_path(entry["path"])
    try:
        data = path.read_bytes()
    except OSError:
        return Check(entry["path"], "missing", f"not found at {path}")
    if sha256_hex(data) != entry["sha256"]:
        return Check(entry["path"], "changed", "its sha256 differs from the manifest")
    return Check(entry["path"], "unchanged")


def _with_parents(names: list[str], templates: dict[str, Any]) -> list[str]:
    """The templates ``names`` and every one they extend (recorded as ``extends``)."""
    found: list[str] = []
    for start in names:
        name: Any = start
        while isinstance(name, str) and name not in found:
            found.append(name)
            name = (templates.get(name) or {}).get("extends")
    return found


def _check_output(
    entry: dict[str, Any],
    outdir: Path,
    rebuilt: bytes | None,
    changed_inputs: list[dict[str, Any]],
    unknown_kinds: set[str],
    manifest_templates: dict[str, Any],
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
        templates = _with_parents(templates, manifest_templates)
        changed = [
            item["path"]
            for item in changed_inputs
            if item["path"] in sources
            or item.get("report") in sources  # a data file the report read
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
