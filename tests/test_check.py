"""`boardpaper check`: passes on the repository, fails with a located message on each defect."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import docx
import pikepdf
import pytest

from boardpaper.audit.template_lint import lint_word_template
from boardpaper.cli.main import cli
from boardpaper.pipeline import find_meetings, find_reports
from boardpaper.template.library import load_template
from tests.helpers import ROOT, SAMPLE_MEETING, SEED_YAML, copy_template

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

SMALL_REPORT = """\
template: test-council
meeting: Audit Committee
date: 2026-02-03
wards: All
title: Internal Audit Progress
contacts:
  cabinet_member:
    name: Cllr Ann Lee
    role: Cabinet Member for Finance
    email: ann.lee@council.example
  director:
    name: Raj Mehta
    role: Director of Finance
    email: raj.mehta@council.example
purpose:
  - To report progress on the internal audit plan.
reason:
  - Members oversee internal audit.
recommendations:
  - That the committee notes progress.
supporting_information:
  - heading: Progress
    paragraphs:
      - Twelve of twenty audits are complete.
options:
  - N/A
implications:
  financial: [N/A]
  legal: [N/A]
  engagement: [N/A]
  purchasing: [N/A]
  climate: [N/A]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A content repository: templates/test-council (a copy of council-standard) and a report."""
    folder = tmp_path / "templates" / "test-council"
    copy_template("council-standard", folder)
    manifest = folder / "template.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8").replace(
            "name: council-standard", "name: test-council"
        ),
        encoding="utf-8",
    )
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "audit.yaml").write_text(SMALL_REPORT, encoding="utf-8")
    return tmp_path


def _check(runner, project: Path, *extra: str):
    return runner.invoke(
        cli,
        [
            "check",
            str(project / "content"),
            "--templates",
            str(project / "templates"),
            *extra,
        ],
    )


def _edit_docx(path: Path, edit) -> None:
    document = docx.Document(str(path))
    edit(document)
    document.save(str(path))


def _lines(output: str, fragment: str) -> list[str]:
    return [line for line in output.splitlines() if fragment in line]


def test_check_passes_on_the_repository(runner, tmp_path: Path) -> None:
    junit = tmp_path / "check.xml"
    result = runner.invoke(cli, ["check", str(ROOT / "content"), "--junit", str(junit)])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output
    suites = ElementTree.parse(junit).getroot()
    assert suites.get("failures") == "0"
    names = {case.get("name") for case in suites.iter("testcase")}
    assert {"council-standard", "cabinet-decision", "performance-report"} <= names
    reports = find_reports([ROOT / "content"])  # meeting files are not reports
    meetings = find_meetings([ROOT / "content"])
    assert len([n for n in names if n.endswith(".yaml")]) == len(reports) + len(meetings)
    assert len(reports) >= 3 and len(meetings) >= 1


def test_a_meeting_published_too_late_fails_check_with_its_line(runner, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    meeting = tmp_path / "content" / "meetings" / SAMPLE_MEETING.name
    assert meeting in find_meetings([tmp_path / "content"])
    text = meeting.read_text(encoding="utf-8")
    assert "\npublished: 2021-02-19\n" in text
    meeting.write_text(text.replace("published: 2021-02-19", "published: 2021-02-24"))
    result = runner.invoke(cli, ["check", str(tmp_path / "content")])
    assert result.exit_code == 1
    late = _lines(result.output, "2 clear working days before the meeting")
    assert late and all(":9:12: published: item " in line for line in late)


def test_small_project_passes(runner, project: Path) -> None:
    result = _check(runner, project)
    assert result.exit_code == 0, result.output


def test_word_tag_split_across_runs_is_located(runner, project: Path) -> None:
    word = project / "templates" / "test-council" / "paper.docx"

    def split_title(document) -> None:
        paragraph = next(p for p in document.paragraphs if p.text == "{{ paper.title }}")
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        paragraph.add_run("{{ paper.")
        paragraph.add_run("title }}").bold = True

    _edit_docx(word, split_title)
    junit = project / "out.xml"
    result = _check(runner, project, "--junit", str(junit))
    assert result.exit_code == 1
    (line,) = _lines(result.output, "split across")
    number = _paragraph_number(word, "{{ paper.title }}")
    assert line.startswith(f"{word}: word/document.xml paragraph {number}: ")
    assert "tag '{{ paper.title }}' is split across 2 runs" in line
    failure = ElementTree.parse(junit).getroot().find(".//testcase[@name='test-council']/failure")
    assert failure is not None and "split across 2 runs" in failure.text


def _paragraph_number(word: Path, text: str) -> int:
    with zipfile.ZipFile(word) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    for number, paragraph in enumerate(root.iter(f"{W}p"), start=1):
        if "".join(t.text or "" for t in paragraph.iter(f"{W}t")) == text:
            return number
    raise AssertionError(text)


def test_unbalanced_word_tag_is_located(project: Path) -> None:
    word = project / "templates" / "test-council" / "paper.docx"
    _edit_docx(word, lambda d: d.add_paragraph("{%p if paper.title %}"))
    problems = lint_word_template(load_template(word.parent))
    messages = [str(p) for p in problems]
    assert any(
        re.search(r"word/document\.xml paragraph \d+: '\{% if %\}' is never closed", m)
        for m in messages
    ), messages


def test_unknown_variable_in_html_template_is_located(runner, project: Path) -> None:
    html = project / "templates" / "test-council" / "paper.html"
    lines = html.read_text(encoding="utf-8").splitlines()
    at = lines.index('<h1 class="title">{{ paper.title }}</h1>')
    lines.insert(at + 1, "<p>{{ paper.subtitle }} {{ council_motto }}</p>")
    html.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _check(runner, project)
    assert result.exit_code == 1
    assert f"{html}:{at + 2}: variables: uses 'paper.subtitle', but the paper has no" in (
        result.output
    )
    assert f"{html}:{at + 2}: variables: uses 'council_motto', which boardpaper does not" in (
        result.output
    )


def test_unknown_variable_in_word_template_is_reported(runner, project: Path) -> None:
    word = project / "templates" / "test-council" / "paper.docx"
    _edit_docx(word, lambda d: d.add_paragraph("{{ council_logo }} {{ fields.sponsor }}"))
    result = _check(runner, project)
    assert result.exit_code == 1
    assert f"{word}: variables: uses 'council_logo', which boardpaper does not provide" in (
        result.output
    )
    assert f"{word}: variables: uses 'fields.sponsor', but the fields has no" in result.output
    # Rendering the report with it fails too, and says which report and format.
    assert re.search(r"content/audit\.yaml: docx: rendering with the 'test-council'", result.output)


def test_report_missing_a_required_section_is_located(runner, project: Path) -> None:
    report = project / "content" / "audit.yaml"
    text = report.read_text(encoding="utf-8")
    report.write_text(
        text.replace("purpose:\n  - To report progress on the internal audit plan.\n", ""),
        encoding="utf-8",
    )
    result = _check(runner, project)
    assert result.exit_code == 1
    assert "content/audit.yaml:1:1: purpose: required but missing" in result.output


def test_word_template_lacking_a_required_style_is_reported(runner, project: Path) -> None:
    word = project / "templates" / "test-council" / "paper.docx"

    def drop_style(document) -> None:
        style = document.styles["Numbered Paragraph"]
        style.element.getparent().remove(style.element)

    _edit_docx(word, drop_style)
    result = _check(runner, project)
    assert result.exit_code == 1
    assert f"{word}: styles: style 'Numbered Paragraph' is missing" in result.output


def test_manifest_error_is_located(runner, project: Path) -> None:
    manifest = project / "templates" / "test-council" / "template.yaml"
    text = manifest.read_text(encoding="utf-8").replace(
        "recommendation_numbering: roman", "recommendation_numbering: alphabetical"
    )
    manifest.write_text(text, encoding="utf-8")
    result = _check(runner, project)
    assert result.exit_code == 1
    line = text.splitlines().index(
        next(x for x in text.splitlines() if x.startswith("recommendation_numbering"))
    )
    assert re.search(
        rf"template\.yaml:{line + 1}:\d+: recommendation_numbering: expected one of roman",
        result.output,
    )


def test_accessibility_audits_built_files(runner, tmp_path: Path) -> None:
    built = tmp_path / "build"
    result = runner.invoke(cli, ["build", str(SEED_YAML), "-o", str(built), "-f", "docx"])
    assert result.exit_code == 0, result.output
    good = runner.invoke(cli, ["check", "--accessibility", str(built)])
    assert good.exit_code == 0, good.output
    untagged = pikepdf.new()
    untagged.add_blank_page()
    untagged.save(built / "untagged.pdf")
    bad = runner.invoke(cli, ["check", "--accessibility", str(built)])
    assert bad.exit_code == 1
    assert f"{built / 'untagged.pdf'}: tagged:" in bad.output


def test_accessibility_with_nothing_to_audit_is_a_usage_error(runner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["check", "--accessibility", str(tmp_path)])
    assert result.exit_code == 2


def test_check_defaults_to_content_in_the_current_folder(
    runner, project: Path, monkeypatch
) -> None:
    monkeypatch.chdir(project)
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "1 report" in result.output
    (project / "content" / "audit.yaml").write_text(
        SMALL_REPORT.replace("date: 2026-02-03", "date: 2026-02-30"), encoding="utf-8"
    )
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 1
    assert "content/audit.yaml:3:7: date: '2026-02-30' is not a real date" in result.output


def _png(width: int = 8, height: int = 4) -> bytes:
    """A small solid-colour PNG, made here so the tests carry no binary files."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + b"\x1d\x35\x57" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_logo_from_the_manifest_is_a_figure_with_alt_text_in_the_pdf(runner, project: Path) -> None:
    folder = project / "templates" / "test-council"
    (folder / "logo.png").write_bytes(_png())
    manifest = folder / "template.yaml"
    manifest.write_text(
        manifest.read_text(encoding="utf-8")
        + "logo:\n  file: logo.png\n  alt: Test Council crest\n",
        encoding="utf-8",
    )
    out = project / "build"
    result = runner.invoke(
        cli,
        [
            "build",
            str(project / "content"),
            "-o",
            str(out),
            "-f",
            "pdf",
            "--templates",
            str(project / "templates"),
        ],
    )
    assert result.exit_code == 0, result.output
    with pikepdf.open(out / "audit.pdf") as pdf:
        figures = [
            node
            for node in _structure(pdf.Root.StructTreeRoot)
            if node.get("/S") == pikepdf.Name("/Figure")
        ]
        assert [str(node.get("/Alt")) for node in figures] == ["Test Council crest"]
        assert len(pdf.pages[0].get_images()) == 1


def _structure(node) -> list:
    found = []
    kids = node.get("/K")
    if kids is None:
        return found
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary):
            found.append(kid)
            found.extend(_structure(kid))
    return found


def test_missing_logo_file_is_a_located_manifest_error(runner, project: Path) -> None:
    manifest = project / "templates" / "test-council" / "template.yaml"
    text = manifest.read_text(encoding="utf-8") + "logo:\n  file: crest.svg\n  alt: Crest\n"
    manifest.write_text(text, encoding="utf-8")
    result = _check(runner, project)
    assert result.exit_code == 1
    line = len(text.splitlines()) - 1
    assert f"template.yaml:{line}:9: logo.file: file 'crest.svg' not found" in result.output


def test_image_without_alt_text_in_word_template_is_located(project: Path) -> None:
    folder = project / "templates" / "test-council"
    (folder / "crest.png").write_bytes(_png())
    word = folder / "paper.docx"
    _edit_docx(
        word,
        lambda d: (
            d.sections[0].header.add_paragraph().add_run().add_picture(str(folder / "crest.png"))
        ),
    )
    problems = [str(p) for p in lint_word_template(load_template(folder))]
    assert len(problems) == 1 and re.search(
        r"paper\.docx: word/header\d*\.xml image 1: .* has no alt text", problems[0]
    ), problems

    def describe(document) -> None:
        for properties in document.sections[0].header._element.iter(
            "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"
        ):
            properties.set("descr", "Test Council crest")

    _edit_docx(word, describe)
    assert lint_word_template(load_template(folder)) == []


def test_names_a_template_sets_itself_are_not_unknown(project: Path) -> None:
    from boardpaper.audit.template_lint import lint_html_template

    html = project / "templates" / "test-council" / "paper.html"
    text = html.read_text(encoding="utf-8").replace(
        "{% for item in paper.front_sheet %}\n",
        "{% for item in paper.front_sheet %}\n"
        "{% if item.email %}{% set parts = item.text.split(item.email) %}"
        "{{ parts[0] }}{% endif %}\n",
        1,
    )
    html.write_text(text, encoding="utf-8")
    assert lint_html_template(load_template(html.parent)) == []


def test_two_paragraph_tags_in_one_paragraph_are_located(project: Path) -> None:
    word = project / "templates" / "test-council" / "paper.docx"
    _edit_docx(word, lambda d: d.add_paragraph("{%p if paper.title %}{%p endif %}"))
    messages = [str(p) for p in lint_word_template(load_template(word.parent))]
    assert any(
        re.search(r"word/document\.xml paragraph \d+: 2 '\{%p/tr/tc/r %\}' tags in one", m)
        for m in messages
    ), messages


def test_word_template_without_the_body_is_reported(project: Path) -> None:
    word = project / "templates" / "test-council" / "paper.docx"

    def drop_body(document) -> None:
        paragraph = next(p for p in document.paragraphs if p.text == "{{p body }}")
        paragraph._p.getparent().remove(paragraph._p)

    _edit_docx(word, drop_body)
    messages = [str(p) for p in lint_word_template(load_template(word.parent))]
    assert messages == [
        f"{word}: body: the numbered body is never placed: add a paragraph holding only "
        "{{p body }}"
    ]


def test_unreadable_template_files_are_reported_not_crashed_on(runner, project: Path) -> None:
    folder = project / "templates" / "test-council"
    (folder / "paper.docx").write_bytes(b"not a zip file")
    (folder / "paper.html").write_bytes(b"\xff\xfe{{ broken")
    result = _check(runner, project)
    assert result.exit_code == 1
    assert f"{folder / 'paper.docx'}: not a Word (.docx) file" in result.output
    assert f"{folder / 'paper.html'}: cannot be read:" in result.output
    assert "Traceback" not in result.output


def test_ci_examples_run_commands_that_exist(runner) -> None:
    """The workflow and pre-commit examples parse, and each boardpaper command line in them
    is accepted by the CLI (checked with --help, so nothing runs)."""
    import shlex

    import yaml

    examples = ROOT / "docs" / "examples"
    workflow = yaml.safe_load((examples / "github-workflow.yml").read_text(encoding="utf-8"))
    commands = [
        step["run"]
        for step in workflow["jobs"]["papers"]["steps"]
        if step.get("run", "").startswith("boardpaper ")
    ]
    hooks = yaml.safe_load((examples / "pre-commit-config.yaml").read_text(encoding="utf-8"))
    commands += [hook["entry"] for repo in hooks["repos"] for hook in repo["hooks"]]
    assert any("--junit" in c for c in commands) and any("--accessibility" in c for c in commands)
    for command in commands:
        args = shlex.split(command)[1:]
        result = runner.invoke(cli, [*args, "--help"])
        assert result.exit_code == 0, (command, result.output)
