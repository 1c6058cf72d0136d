"""Packs in the manifest: `boardpaper pack` records them, `boardpaper verify` rebuilds them."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from boardpaper.cli.main import cli
from boardpaper.meeting.manifest import pack_with_manifest
from boardpaper.output import write_atomically
from tests.helpers import SAMPLE_MEETING, make_content

PACK_FILES = ["agenda.docx", "agenda.pdf", "members-pack.pdf", "public-pack.pdf"]


@pytest.fixture(scope="module")
def packed(tmp_path_factory, sample_meeting, sample_pack) -> Path:
    """The sample pack (built once per session) written with its manifest, as `pack` writes it."""
    outdir = tmp_path_factory.mktemp("pack") / "out"
    write_atomically(pack_with_manifest(SAMPLE_MEETING, sample_meeting, sample_pack, outdir))
    return outdir


def test_the_manifest_lists_every_pack_file_and_its_inputs(packed: Path) -> None:
    manifest = json.loads((packed / "manifest.json").read_text(encoding="utf-8"))
    outputs = {entry["path"]: entry for entry in manifest["outputs"]}
    assert sorted(outputs) == PACK_FILES
    for name, entry in outputs.items():
        assert entry["kind"] == "pack"
        assert entry["sha256"] == hashlib.sha256((packed / name).read_bytes()).hexdigest()
    roles = {entry["path"]: entry["role"] for entry in manifest["inputs"]}
    assert roles["content/meetings/children-and-young-people-2021-03-01.yaml"] == "meeting"
    for report in (
        "childrens-improvement-plan.yaml",
        "residential-placements-contract.yaml",
        "social-work-recruitment.yaml",
    ):
        assert roles[f"content/{report}"] == "report"
    assert "templates/council-standard/agenda.html" in roles
    assert "templates/council-standard/agenda.docx" in roles
    # council-standard extends the built-in base: its Word file is an input too.
    assert "src/boardpaper/template/base/paper.docx" in roles
    assert set(manifest["templates"]) == {"council-standard", "base"}
    assert manifest["templates"]["council-standard"]["extends"] == "base"


def test_verify_finds_a_fresh_pack_identical(packed: Path, runner) -> None:
    result = runner.invoke(cli, ["verify", str(packed)])
    assert result.exit_code == 0, result.output
    for name in PACK_FILES:
        assert f"identical   {(packed / name).as_posix()}" in result.output
    assert "all 4 outputs identical" in result.output


def test_verify_names_a_pack_file_changed_after_the_build(packed: Path, tmp_path, runner) -> None:
    copy = tmp_path / "out"
    shutil.copytree(packed, copy)
    data = bytearray((copy / "public-pack.pdf").read_bytes())
    data[len(data) // 2] ^= 0x01
    (copy / "public-pack.pdf").write_bytes(bytes(data))
    result = runner.invoke(cli, ["verify", str(copy)])
    assert result.exit_code == 1
    assert (
        f"different   {(copy / 'public-pack.pdf').as_posix()}: the file was changed after the build"
        in result.output
    )
    for name in ("agenda.docx", "agenda.pdf", "members-pack.pdf"):
        assert f"identical   {(copy / name).as_posix()}" in result.output


def test_pack_writes_a_manifest_and_a_changed_report_makes_verify_fail(tmp_path, runner) -> None:
    meeting = make_content(tmp_path, "- report: ../social-work-recruitment.yaml\n")
    out = tmp_path / "out"
    result = runner.invoke(cli, ["pack", str(meeting), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"wrote {out / 'manifest.json'}" in result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(entry["path"] for entry in manifest["outputs"]) == PACK_FILES

    report = tmp_path / "content" / "social-work-recruitment.yaml"
    text = report.read_text(encoding="utf-8")
    assert "This report updates members" in text
    report.write_text(text.replace("This report updates members", "This report updates Members"))
    result = runner.invoke(cli, ["verify", str(out)])
    assert result.exit_code == 1
    assert f"input changed: {report.as_posix()}" in result.output
    for name in PACK_FILES:
        line = next(
            line for line in result.output.splitlines() if line.endswith(name) or name + ":" in line
        )
        assert line.startswith("different"), line
        assert f"inputs changed since the build: {report.as_posix()}" in line
