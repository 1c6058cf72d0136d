"""Reproducible builds end to end: the installed CLI, in separate processes.

Two builds of the seed, as different as we can make them (clock a year
ahead, time zone, locale, hash seed, working and output folders, file
times, checkout location), must give byte-identical papers; ``verify``
must confirm a good build and name what changed in a bad one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from boardpaper.cli.main import cli
from tests.helpers import SEED_YAML, copy_template

BOARDPAPER = Path(sys.executable).parent / "boardpaper"
PAPERS = ("childrens-improvement-plan.docx", "childrens-improvement-plan.pdf")
SCRUBBED = ("TZ", "LANG", "LANGUAGE", "PYTHONHASHSEED", "SOURCE_DATE_EPOCH", "FAKETIME")


def make_project(folder: Path) -> Path:
    """A checkout of a content repository: the seed report and the council-standard template."""
    (folder / "content").mkdir(parents=True)
    shutil.copy2(SEED_YAML, folder / "content" / SEED_YAML.name)
    copy_template("council-standard", folder / "templates" / "council-standard")
    return folder


def run(
    args: list[str], cwd: Path, env: dict[str, str], clock: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command in a clean environment plus ``env``, under faketime at ``clock`` if given."""
    base = {k: v for k, v in os.environ.items() if k not in SCRUBBED and not k.startswith("LC_")}
    command = (["faketime", clock] if clock else []) + args
    return subprocess.run(
        command, cwd=cwd, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


A_YEAR_AHEAD = (dt.datetime.now() + dt.timedelta(days=366)).strftime("%Y-%m-%d %H:%M:%S")


@pytest.fixture(scope="module")
def first_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed built the ordinary way: ``boardpaper build content -o build`` at the root."""
    project = make_project(tmp_path_factory.mktemp("first") / "checkout")
    env = {"TZ": "UTC", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PYTHONHASHSEED": "0"}
    result = run([str(BOARDPAPER), "build", "content", "-o", "build"], project, env)
    assert result.returncode == 0, result.stderr
    return project


@pytest.fixture(scope="module")
def second_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed built as differently as possible; returns its output folder."""
    project = make_project(tmp_path_factory.mktemp("second") / "another place" / "checkout")
    old = time.mktime((2001, 9, 9, 1, 46, 40, 0, 0, -1))
    for path in project.rglob("*"):
        os.utime(path, (old, old))
    outdir = tmp_path_factory.mktemp("elsewhere") / "deep" / "papers"
    env = {
        "TZ": "Pacific/Kiritimati",
        "LANG": "de_DE.UTF-8",
        "LC_ALL": "de_DE.UTF-8",
        "PYTHONHASHSEED": "4242",
    }
    # Run from inside content/, templates found through --templates, output far away.
    result = run(
        [str(BOARDPAPER), "build", ".", "-o", str(outdir), "--templates", "../templates"],
        project / "content",
        env,
        clock=A_YEAR_AHEAD,
    )
    assert result.returncode == 0, result.stderr
    return outdir


@pytest.mark.faketime
def test_the_clock_really_moves_under_faketime(tmp_path: Path) -> None:
    assert shutil.which("faketime"), "faketime is installed by `make setup-test`"
    script = "import time; print(time.time())"
    result = run([sys.executable, "-c", script], tmp_path, {}, clock=A_YEAR_AHEAD)
    assert float(result.stdout) > time.time() + 360 * 86400
    result = run(["locale", "-a"], tmp_path, {})
    assert "de_DE.utf8" in result.stdout.split(), "setup-system.sh --test generates de_DE.UTF-8"


@pytest.mark.faketime
def test_two_builds_in_different_conditions_give_identical_bytes(
    first_build: Path, second_build: Path
) -> None:
    for name in PAPERS:
        assert sha256(first_build / "build" / name) == sha256(second_build / name), name
    first = json.loads((first_build / "build" / "manifest.json").read_text())
    second = json.loads((second_build / "manifest.json").read_text())

    def recorded(manifest: dict) -> list[tuple[str, str, str]]:
        return [(e["path"], e["sha256"], e["content_sha256"]) for e in manifest["outputs"]]

    assert recorded(first) == recorded(second)
    assert (
        first["templates"]["council-standard"]["sha256"]
        == (second["templates"]["council-standard"]["sha256"])
    )
    assert first["environment"] == second["environment"]


def test_manifest_lists_inputs_outputs_and_environment(first_build: Path) -> None:
    manifest = json.loads((first_build / "build" / "manifest.json").read_text())
    inputs = {entry["path"]: entry for entry in manifest["inputs"]}
    template_dir = first_build / "templates" / "council-standard"
    expected = {"content/childrens-improvement-plan.yaml"} | {
        f"templates/council-standard/{p.name}" for p in template_dir.iterdir()
    }
    assert set(inputs) == expected
    for path, entry in inputs.items():
        assert entry["sha256"] == sha256(first_build / path), path
    outputs = {entry["path"]: entry for entry in manifest["outputs"]}
    assert set(outputs) == set(PAPERS)
    for name, entry in outputs.items():
        assert entry["sha256"] == sha256(first_build / "build" / name)
        assert entry["source"] == "content/childrens-improvement-plan.yaml"
        assert entry["content_sha256"] == sha256(SEED_YAML)
    env = manifest["environment"]
    for package in ("boardpaper", "weasyprint", "pydyf", "python-docx", "docxtpl", "fonttools"):
        assert package in env["python_packages"], package
    assert env["libraries"]["harfbuzz"] and env["libraries"]["pango"]
    assert env["libraries"]["harfbuzz_subset"] is True
    fonts = {font["name"]: font for font in env["fonts"]}
    assert {"Liberation-Sans", "Liberation-Sans-Bold"} <= set(fonts)
    for font in fonts.values():
        assert font["file"] and sha256(Path(font["file"])) == font["sha256"]
    text = (first_build / "build" / "manifest.json").read_text()
    assert str(first_build) not in text  # inputs are relative: a later checkout verifies too


def test_verify_accepts_a_good_build(first_build: Path) -> None:
    result = run([str(BOARDPAPER), "verify", "build"], first_build, {})
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    for name in PAPERS:
        assert f"identical   build/{name}" in lines
    assert "all 2 outputs identical" in lines


def copy_project(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


def test_one_character_of_content_changes_the_papers_and_verify_says_so(
    first_build: Path, tmp_path: Path, runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = copy_project(first_build, tmp_path / "checkout")
    report = project / "content" / "childrens-improvement-plan.yaml"
    text = report.read_text(encoding="utf-8")
    assert text.count("progress made") == 1
    report.write_text(text.replace("progress made", "progress Made"), encoding="utf-8")

    result = runner.invoke(cli, ["verify", str(project / "build"), "--root", str(project)])
    assert result.exit_code == 1
    assert "input changed: content/childrens-improvement-plan.yaml" in result.output
    for name in PAPERS:
        line = next(
            line for line in result.output.splitlines() if line.endswith(name) or name + ":" in line
        )
        assert line.startswith("different"), line
        assert "inputs changed since the build: content/childrens-improvement-plan.yaml" in line

    monkeypatch.chdir(project)
    result = runner.invoke(cli, ["build", "content", "-o", "rebuilt"])
    assert result.exit_code == 0, result.output
    old = json.loads((project / "build" / "manifest.json").read_text())
    new = json.loads((project / "rebuilt" / "manifest.json").read_text())
    for name in PAPERS:
        assert sha256(project / "rebuilt" / name) != sha256(project / "build" / name)
    old_hashes = {entry["content_sha256"] for entry in old["outputs"]}
    new_hashes = {entry["content_sha256"] for entry in new["outputs"]}
    assert new_hashes == {sha256(report)} and old_hashes == {sha256(SEED_YAML)}
    result = runner.invoke(cli, ["inspect", "rebuilt/childrens-improvement-plan.pdf"])
    assert f"content sha256:      {sha256(report)}" in result.output


def test_one_byte_of_a_pdf_changed_fails_verify_naming_the_file(
    first_build: Path, tmp_path: Path, runner
) -> None:
    outdir = shutil.copytree(first_build / "build", tmp_path / "published")
    pdf = outdir / "childrens-improvement-plan.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))

    result = runner.invoke(cli, ["verify", str(outdir), "--root", str(first_build)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    pdf_line = next(line for line in lines if "childrens-improvement-plan.pdf" in line)
    assert pdf_line.startswith(
        f"different   {pdf.as_posix()}: the file was changed after the build"
    )
    assert f"identical   {(outdir / 'childrens-improvement-plan.docx').as_posix()}" in lines
    assert "input changed" not in result.output


def test_verify_reports_a_missing_output(first_build: Path, tmp_path: Path, runner) -> None:
    outdir = shutil.copytree(first_build / "build", tmp_path / "published")
    (outdir / "childrens-improvement-plan.docx").rename(outdir / "renamed.docx")
    result = runner.invoke(cli, ["verify", str(outdir), "--root", str(first_build), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    verdicts = {check["path"]: check["status"] for check in report["outputs"]}
    assert verdicts == {
        "childrens-improvement-plan.docx": "missing",
        "childrens-improvement-plan.pdf": "identical",
    }
    assert report["unrecorded"] == ["renamed.docx"]


def test_verify_without_the_inputs_cannot_rebuild(
    first_build: Path, tmp_path: Path, runner
) -> None:
    project = copy_project(first_build, tmp_path / "checkout")
    (project / "content" / "childrens-improvement-plan.yaml").unlink()
    result = runner.invoke(cli, ["verify", str(project / "build"), "--root", str(project)])
    assert result.exit_code == 1
    assert "input missing: content/childrens-improvement-plan.yaml" in result.output
    assert "not rebuilt" in result.output
    assert "environment changed" not in result.output  # no fonts used now: nothing to compare


def test_verify_needs_a_manifest(tmp_path: Path, runner) -> None:
    result = runner.invoke(cli, ["verify", str(tmp_path)])
    assert result.exit_code == 2
    assert "no manifest here" in result.output


def test_verify_explains_a_font_change(first_build: Path, tmp_path: Path) -> None:
    """Without Liberation Sans the PDF changes (the .docx embeds no font); verify says why."""
    config = tmp_path / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        "<selectfont><rejectfont><glob>*/liberation2/*</glob></rejectfont></selectfont>"
        "</fontconfig>"
    )
    result = run(
        [str(BOARDPAPER), "verify", "build"], first_build, {"FONTCONFIG_FILE": str(config)}
    )
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "identical   build/childrens-improvement-plan.docx" in lines
    assert (
        "different   build/childrens-improvement-plan.pdf: the rebuild differs though the inputs"
        " are unchanged (see the environment changes)"
    ) in lines
    assert any(
        line.startswith("environment changed: font Liberation-Sans: used at the build")
        for line in lines
    )


@pytest.mark.parametrize(
    ("outputs", "message"),
    [
        ([{"path": "../secret.pdf", "sha256": "0"}], "'../secret.pdf' is not a path inside"),
        ([{"path": "x.pdf"}], "every outputs entry needs path and sha256"),
        ([{"path": "x.pdf", "sha256": "0"}], "report output 'x.pdf' needs a source and a format"),
    ],
)
def test_verify_refuses_a_bad_manifest_with_one_line(
    tmp_path: Path, runner, outputs: list, message: str
) -> None:
    manifest = {"boardpaper_manifest": 1, "outputs": outputs}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest))
    result = runner.invoke(cli, ["verify", str(tmp_path)])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
