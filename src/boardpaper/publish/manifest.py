"""The site in the build manifest: ``publish`` records it, ``verify`` rebuilds it.

Every file of the site is a manifest output of kind "site". Its inputs are the
meeting files, every report they name (earlier versions too), the data files
(CSV, XLSX) those reports read and every file of every template used; the
options that shape the site (title, address, content folder) are recorded with
each output, so the rebuild is the same build.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from boardpaper.errors import ContentError, Problem
from boardpaper.meeting.load import load_meeting
from boardpaper.meeting.schema import Meeting
from boardpaper.provenance.manifest import MANIFEST_NAME, ManifestBuilder, recorded_path
from boardpaper.provenance.verify import PartialRebuild, RebuildContext, register_rebuilder
from boardpaper.publish.site import SiteOptions, build_site

SITE_KIND = "site"


def site_with_manifest(
    meetings: list[tuple[Path, Meeting]],
    files: dict[str, bytes],
    outdir: Path,
    options: SiteOptions,
    content_root: Path | None = None,
    root: Path | None = None,
) -> dict[Path, bytes]:
    """The site's ``files`` (``build_site``) placed in OUTDIR, plus OUTDIR/manifest.json.

    Returns OUTDIR/<path> -> bytes; nothing is written.
    """
    manifest = ManifestBuilder(outdir, root)
    recorded_meetings = []
    sources = []
    for path, meeting in meetings:
        name = manifest.add_input(path, "meeting")
        recorded_meetings.append(name)
        sources.append(name)
        manifest.add_template(meeting.template)
        for item in meeting.items:
            reports = [item.report] if item.report is not None else []
            reports += [version.report for version in item.earlier_versions]
            for report in reports:
                source = manifest.add_input(Path(report.source_path), "report")
                manifest.add_data_files(report, source)
                sources.append(source)
                manifest.add_template(report.template)
    details: dict[str, Any] = {
        "meetings": recorded_meetings,
        "sources": sorted(set(sources)),
        "templates": sorted(manifest.templates),
        "title": options.title,
        "base_url": options.base_url,
    }
    if content_root is not None:
        details["content_root"] = recorded_path(content_root, manifest.root)
    paths = {outdir / name: data for name, data in files.items()}
    for path, data in paths.items():
        manifest.add_output(path, data, SITE_KIND, **details)
    paths[outdir / MANIFEST_NAME] = manifest.to_bytes()
    return paths


def rebuild_site(entries: list[dict[str, Any]], context: RebuildContext) -> dict[str, bytes]:
    """The rebuilder for "site" outputs: load the recorded meetings again, rebuild the site.

    Returns {output path: bytes}; raises PartialRebuild with the problems of any
    meeting that no longer loads (then nothing is rebuilt: the pages depend on all).
    """
    first = entries[0]
    library = context.library()
    content_root = first.get("content_root")
    problems: list[Problem] = []
    meetings = []
    for recorded in first.get("meetings", []):
        try:
            meetings.append(
                load_meeting(
                    context.input_path(recorded),
                    library,
                    context.input_path(content_root) if content_root else None,
                )
            )
        except ContentError as error:
            problems.extend(error.problems)
    if problems:
        raise PartialRebuild({}, problems)
    options = SiteOptions(title=first.get("title", ""), base_url=first.get("base_url", ""))
    try:
        files = build_site(meetings, options)
    except ContentError as error:
        raise PartialRebuild({}, error.problems) from None
    return {entry["path"]: files[entry["path"]] for entry in entries if entry["path"] in files}


def leftover_files(outdir: Path, published: set[Path]) -> tuple[list[Path], list[Path]]:
    """Files already in OUTDIR that this publication does not write, in two lists: those an
    earlier ``publish`` wrote (its OUTDIR/manifest.json lists them: a paper since made exempt,
    a meeting since removed; to delete, so nothing stays public by accident), and the rest
    (someone else's: left alone, but named). Symbolic links count as someone else's."""
    previous: set[str] = set()
    try:
        recorded = json.loads((outdir / MANIFEST_NAME).read_bytes())
        previous = {
            str(output["path"])
            for output in recorded.get("outputs", [])
            if isinstance(output, dict) and output.get("kind") == SITE_KIND
        }
    except (OSError, ValueError, AttributeError):
        pass
    ours: list[Path] = []
    others: list[Path] = []
    if not outdir.is_dir():
        return ours, others
    for folder, _, names in os.walk(outdir):
        for name in names:
            path = Path(folder) / name
            if path in published or path == outdir / MANIFEST_NAME:
                continue
            mine = path.relative_to(outdir).as_posix() in previous and not path.is_symlink()
            (ours if mine else others).append(path)
    return sorted(ours), sorted(others)


def remove_leftovers(outdir: Path, paths: list[Path]) -> None:
    """Delete ``paths`` (from ``leftover_files``), then any folder of OUTDIR left empty."""
    for path in paths:
        path.unlink(missing_ok=True)
    for folder in sorted({path.parent for path in paths}, key=lambda f: len(f.parts), reverse=True):
        while folder != outdir and folder.is_relative_to(outdir) and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


register_rebuilder(SITE_KIND, rebuild_site)
