"""Agenda packs in the build manifest: ``boardpaper pack`` records them, ``verify`` rebuilds them.

Every pack file (agenda.docx, agenda.pdf, public-pack.pdf, members-pack.pdf and
any supplement files) is a manifest output of kind "pack". Its inputs are the
meeting file, every report the meeting names and every file of every template
the pack uses. The rebuilder registered here loads the recorded meeting file
again and rebuilds the whole pack in memory, once per meeting.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from boardpaper.errors import ContentError, Problem
from boardpaper.meeting.load import load_meeting
from boardpaper.meeting.pack import build_pack
from boardpaper.meeting.schema import Meeting
from boardpaper.provenance.manifest import MANIFEST_NAME, ManifestBuilder, recorded_path
from boardpaper.provenance.verify import PartialRebuild, RebuildContext, register_rebuilder

PACK_KIND = "pack"


def pack_with_manifest(
    meeting_path: Path,
    meeting: Meeting,
    files: dict[str, bytes],
    outdir: Path,
    content_root: Path | None = None,
    root: Path | None = None,
) -> dict[Path, bytes]:
    """The pack ``files`` (``build_pack(meeting)``) placed in OUTDIR, plus OUTDIR/manifest.json.

    ``meeting`` was loaded from ``meeting_path`` with ``content_root`` (the
    ``--content`` folder; None: the default one), recorded so ``verify`` loads
    it the same way. Input paths are relative to ``root`` (default: the
    working directory). Returns OUTDIR/<file> -> bytes; nothing is written.
    """
    manifest = ManifestBuilder(outdir, root)
    meeting_input = manifest.add_input(meeting_path, "meeting")
    sources = [meeting_input]
    templates = [meeting.template]
    for item in meeting.items:
        if item.report is not None:
            source = manifest.add_input(Path(item.report.source_path), "report")
            manifest.add_data_files(item.report, source)
            sources.append(source)
            templates.append(item.report.template)
    summons = meeting.summons
    if summons is not None and summons.signature is not None:
        picture = summons.signature.picture
        manifest.add_input(
            meeting_path.parent / picture.name, "signature", picture.data, meeting=meeting_input
        )
    for template in templates:
        manifest.add_template(template)
    details: dict[str, Any] = {
        "meeting": meeting_input,
        "sources": sorted(set(sources)),
        "templates": sorted({template.name for template in templates}),
    }
    if content_root is not None:
        details["content_root"] = recorded_path(content_root, manifest.root)
    paths = {outdir / name: data for name, data in sorted(files.items())}
    for path, data in paths.items():
        manifest.add_output(path, data, PACK_KIND, **details)
    paths[outdir / MANIFEST_NAME] = manifest.to_bytes()
    return paths


def rebuild_packs(entries: list[dict[str, Any]], context: RebuildContext) -> dict[str, bytes]:
    """The rebuilder for "pack" outputs: rebuild each recorded meeting's pack in memory.

    Returns {output path in OUTDIR: bytes}; raises PartialRebuild with the
    problems of any meeting that no longer loads.
    """
    library = context.library()
    by_meeting: dict[tuple[str, str | None], list[dict[str, Any]]] = {}
    for entry in entries:
        key = (str(entry.get("meeting")), entry.get("content_root"))
        by_meeting.setdefault(key, []).append(entry)
    rebuilt: dict[str, bytes] = {}
    problems: list[Problem] = []
    for (meeting_input, content_root), outputs in sorted(
        by_meeting.items(), key=lambda pair: (pair[0][0], pair[0][1] or "")
    ):
        try:
            meeting = load_meeting(
                context.input_path(meeting_input),
                library,
                context.input_path(content_root) if content_root else None,
            )
        except ContentError as error:
            problems.extend(error.problems)
            continue
        files = build_pack(meeting)
        for entry in outputs:
            name = PurePosixPath(entry["path"]).name
            if name in files:
                rebuilt[entry["path"]] = files[name]
            else:
                problems.append(
                    Problem(meeting_input, None, None, "", f"the pack no longer has {name}")
                )
    if problems:
        raise PartialRebuild(rebuilt, problems)
    return rebuilt


register_rebuilder(PACK_KIND, rebuild_packs)
