"""Template inheritance: a folder that holds only what it changes, the chain's files in the
paper's provenance and in ``verify``, ``new template --from``, and the loader's sandbox."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from boardpaper.cli.main import cli
from boardpaper.errors import TemplateError
from boardpaper.pipeline import load_report, render
from boardpaper.template.library import TemplateLibrary, default_library, load_template
from tests.helpers import ROOT, SEED_YAML, TEMPLATES, copy_template, docx_paragraphs, pdf_text


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A content repository with its own templates/ folder, run from its root."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "content").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write_template(project: Path, name: str, manifest: str, **files: str) -> Path:
    folder = project / "templates" / name
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text(manifest, encoding="utf-8")
    for file_name, text in files.items():
        (folder / file_name.replace("_", ".")).write_text(text, encoding="utf-8")
    return folder


def report_using(project: Path, template: str, source: Path = SEED_YAML) -> Path:
    text = source.read_text(encoding="utf-8")
    original = next(line for line in text.splitlines() if line.startswith("template:"))
    path = project / "content" / source.name
    path.write_text(text.replace(original, f"template: {template}"), encoding="utf-8")
    return path


# --- a child that holds only what it changes ----------------------------------------------------


def test_a_child_with_a_manifest_and_a_css_tweak_builds_and_shows_the_tweak(
    project: Path, runner, seed_outputs: dict[str, bytes]
) -> None:
    write_template(
        project,
        "draft-titles",
        "name: draft-titles\ndescription: Council standard, titles marked draft.\n"
        "extends: council-standard\n",
        paper_css='h1.title::after { content: " (draft)"; }\n',
    )
    report_using(project, "draft-titles")
    result = runner.invoke(cli, ["build", "content", "-o", "build"])
    assert result.exit_code == 0, result.output
    pdf = (project / "build" / "childrens-improvement-plan.pdf").read_bytes()
    assert "(draft)" not in pdf_text(seed_outputs["pdf"])
    assert "Improvement Plan Update (draft)" in pdf_text(pdf)
    # Everything else is the parent's: the same words, and the parent's Word file.
    assert pdf_text(pdf).replace(" (draft)", "") == pdf_text(seed_outputs["pdf"])
    docx = (project / "build" / "childrens-improvement-plan.docx").read_bytes()
    assert docx_paragraphs(docx) == docx_paragraphs(seed_outputs["docx"])


def test_overrides_change_inherited_headings_labels_and_wording(project: Path) -> None:
    write_template(
        project,
        "our-scrutiny",
        """\
name: our-scrutiny
description: Council standard with our own words.
extends: council-standard
recommendation_numbering: decimal
overrides:
  purpose: {heading: Why this report}
  recommendations:
    heading: Decisions sought
    standard_wording: ["The Board is asked:"]
  wards: {label: Wards}
""",
    )
    template = TemplateLibrary([project / "templates", TEMPLATES]).get("our-scrutiny")
    assert [link.name for link in template.chain] == ["our-scrutiny", "council-standard", "base"]
    report = load_report(report_using(project, "our-scrutiny"), default_library())
    text = pdf_text(render(report, ("pdf",))["pdf"])
    assert "1. Why this report" in text
    assert "3. Decisions sought" in text
    assert "The Board is asked:" in text
    assert "Wards: All" in text
    assert "Recommendation(s) / Proposed Decision" not in text
    # Not overridden: still the parent's heading and numbering style is the child's own.
    assert "2. Reason for Proposal and its benefits" in text
    assert "3.1 " in text and "(i)" not in text


def test_child_manifest_errors_are_located_in_the_childs_file(project: Path) -> None:
    folder = write_template(
        project,
        "broken-child",
        """\
name: broken-child
description: Mistakes of its own.
extends: council-standard
recomendation_numbering: roman
overrides:
  purpos: {heading: Why}
  wards: {heading: Wards}
""",
    )
    with pytest.raises(TemplateError) as caught:
        load_template(folder)
    found = {(p.path, p.line, p.key) for p in caught.value.problems}
    manifest = "templates/broken-child/template.yaml"
    assert (manifest, 4, "recomendation_numbering") in found
    messages = {p.key: p.message for p in caught.value.problems}
    assert "did you mean 'recommendation_numbering'" in messages["recomendation_numbering"]
    assert all(p.path == manifest for p in caught.value.problems)


def test_inherited_problems_stay_in_their_own_files(project: Path) -> None:
    write_template(project, "parent", "name: parent\ndescription: x\nextends: base\nfont: 12\n")
    child = write_template(project, "child", "name: child\ndescription: y\nextends: parent\n")
    with pytest.raises(TemplateError) as caught:
        load_template(child)
    places = {(p.path, p.key) for p in caught.value.problems}
    assert ("templates/parent/template.yaml", "front_sheet") in places
    assert ("templates/child/template.yaml", "extends") in places


def test_extends_naming_nothing_or_going_round_is_located(project: Path) -> None:
    nowhere = write_template(project, "lost", "name: lost\ndescription: x\nextends: nowhere\n")
    write_template(project, "a", "name: a\ndescription: x\nextends: b\n")
    write_template(project, "b", "name: b\ndescription: x\nextends: a\n")
    with pytest.raises(TemplateError) as caught:
        load_template(nowhere)
    [problem] = caught.value.problems
    assert (problem.line, problem.key) == (3, "extends")
    assert "no template called 'nowhere'" in problem.message
    with pytest.raises(TemplateError) as caught:
        load_template(project / "templates" / "a")
    assert any("no template called 'a'" in p.message for p in caught.value.problems)


def test_a_template_may_extend_the_built_in_one_of_its_own_name(project: Path) -> None:
    """Like a theme's custom_dir: templates/council-standard changes the shipped one."""
    write_template(
        project,
        "council-standard",
        "name: council-standard\ndescription: Ours.\nextends: council-standard\n",
        paper_css="h2 { color: #004b87; }\n",
    )
    template = default_library().get("council-standard")
    assert [link.folder for link in template.chain] == [
        project / "templates" / "council-standard",
        TEMPLATES / "council-standard",
        template.chain[-1].folder,
    ]
    assert [sheet.name for sheet in template.stylesheets] == ["paper.css", "paper.css"]


def test_base_is_not_a_template_for_reports(project: Path, runner) -> None:
    result = runner.invoke(cli, ["templates"])
    assert result.exit_code == 0, result.output
    assert "base" not in result.output.split()
    result = runner.invoke(cli, ["new", "report", "x.yaml", "--template", "base"])
    assert result.exit_code == 2


# --- provenance and verify ----------------------------------------------------------------------


def test_changing_a_parent_changes_the_hash_and_verify_names_the_parents_file(
    project: Path, runner
) -> None:
    copy_template("council-standard", project / "templates" / "our-standard")
    child = write_template(
        project,
        "our-child",
        "name: our-child\ndescription: Ours, with red headings.\nextends: our-standard\n",
        paper_css="h2 { color: #a00000; }\n",
    )
    report_using(project, "our-child")
    result = runner.invoke(cli, ["build", "content", "-o", "build"])
    assert result.exit_code == 0, result.output
    manifest = (project / "build" / "manifest.json").read_text(encoding="utf-8")
    assert '"templates/our-standard/paper.css"' in manifest
    assert runner.invoke(cli, ["verify", "build"]).exit_code == 0
    before = load_template(child).files_hash

    parent_css = project / "templates" / "our-standard" / "paper.css"
    parent_css.write_text(parent_css.read_text(encoding="utf-8") + "p { color: #222; }\n")
    assert load_template(child).files_hash != before
    result = runner.invoke(cli, ["verify", "build"])
    assert result.exit_code == 1, result.output
    pdf_line = next(line for line in result.output.splitlines() if "childrens" in line)
    assert pdf_line.startswith("different")
    assert "templates/our-standard/paper.css" in result.output


def test_the_base_counts_in_the_hash_of_every_template_that_extends_it() -> None:
    from boardpaper.template.inherit import base_folder, chain_files

    template = TemplateLibrary([TEMPLATES]).get("performance-report")
    names = [name for name, _ in chain_files(template.chain)]
    assert "template.yaml" in names
    assert "base:paper.css" in names and "base:paper.docx" in names
    assert template.word_template == base_folder() / "paper.docx"


# --- boardpaper new template --------------------------------------------------------------------


def test_new_template_from_writes_a_self_contained_folder_that_checks_clean(
    project: Path, runner
) -> None:
    result = runner.invoke(cli, ["new", "template", "our-cabinet", "--from", "cabinet-decision"])
    assert result.exit_code == 0, result.output
    folder = project / "templates" / "our-cabinet"
    assert sorted(os.listdir(folder)) == ["paper.css", "paper.docx", "paper.html", "template.yaml"]
    manifest = (folder / "template.yaml").read_text(encoding="utf-8")
    assert "extends" not in manifest and "name: our-cabinet\n" in manifest
    assert "extends" not in (folder / "paper.html").read_text(encoding="utf-8")
    assert load_template(folder).chain[1:] == ()

    source = ROOT / "content" / "waste-collection-contract.yaml"
    report_using(project, "our-cabinet", source)
    result = runner.invoke(cli, ["check", "content"])
    assert result.exit_code == 0, result.output
    copied = render(load_report(project / "content" / source.name, default_library()))
    original = render(load_report(source, TemplateLibrary([TEMPLATES])))
    assert pdf_text(copied["pdf"]) == pdf_text(original["pdf"])
    assert docx_paragraphs(copied["docx"]) == docx_paragraphs(original["docx"])

    again = runner.invoke(cli, ["new", "template", "our-cabinet", "--from", "cabinet-decision"])
    assert again.exit_code == 2 and "already exists" in again.output


def test_new_template_keep_extends_writes_a_child_that_checks_clean(project: Path, runner) -> None:
    result = runner.invoke(
        cli,
        ["new", "template", "our-perf", "--from", "performance-report", "--keep-extends"],
    )
    assert result.exit_code == 0, result.output
    folder = project / "templates" / "our-perf"
    assert os.listdir(folder) == ["template.yaml"]
    assert "extends: performance-report\n" in (folder / "template.yaml").read_text()
    report_using(project, "our-perf", ROOT / "content" / "quarterly-performance-q2.yaml")
    for data in (ROOT / "content").glob("*.*"):  # the report's indicator data files
        if data.suffix in (".csv", ".xlsx"):
            shutil.copy(data, project / "content" / data.name)
    result = runner.invoke(cli, ["check", "content"])
    assert result.exit_code == 0, result.output


# --- the sandbox --------------------------------------------------------------------------------


def test_the_html_loader_sees_only_the_chain(project: Path) -> None:
    (project / "secret.html").write_text("SECRET-TEXT", encoding="utf-8")
    for index, reference in enumerate(
        ["../../secret.html", "/etc/passwd", "cabinet-decision:paper.html", "base:../base/x"]
    ):
        name = f"nosy-{index}"
        write_template(
            project,
            name,
            f"name: {name}\ndescription: x\nextends: council-standard\n",
            paper_html='{% extends "base:paper.html" %}'
            f'{{% block title %}}{{% include "{reference}" %}}{{% endblock %}}\n',
        )
        report = load_report(report_using(project, name), default_library())
        with pytest.raises(TemplateError) as caught:
            render(report, ("pdf",))
        [problem] = caught.value.problems
        assert problem.path == f"templates/{name}/paper.html"
        assert "is not a file of this template, its parents or the base" in problem.message


def test_a_symlink_out_of_a_template_folder_is_refused(project: Path) -> None:
    outside = project / "outside.html"
    outside.write_text("{{ paper.title }} SECRET-TEXT", encoding="utf-8")
    folder = write_template(
        project, "linked", "name: linked\ndescription: x\nextends: council-standard\n"
    )
    (folder / "paper.html").symlink_to(outside)
    with pytest.raises(TemplateError) as caught:
        load_template(folder)
    [problem] = caught.value.problems
    assert problem.path == "templates/linked/paper.html"
    assert "outside the template folder" in problem.message


def test_new_template_from_keeps_dated_wording_and_preambles(project: Path, runner) -> None:
    # council-standard's ambition is printed only for meetings in 2019-2023; the flattened
    # copy must keep those dates, and a preamble set through overrides: must survive too.
    write_template(
        project,
        "our-scrutiny",
        "name: our-scrutiny\ndescription: Ours.\nextends: council-standard\n"
        "overrides:\n  recommendations:\n    preambles: ['The Board is asked to:']\n",
    )
    result = runner.invoke(cli, ["new", "template", "flat-scrutiny", "--from", "our-scrutiny"])
    assert result.exit_code == 0, result.output
    manifest = (project / "templates" / "flat-scrutiny" / "template.yaml").read_text("utf-8")
    assert "from: 2019-05-01" in manifest and "until: 2023-05-31" in manifest
    report_using(project, "flat-scrutiny")
    copied = render(load_report(project / "content" / SEED_YAML.name, default_library()))
    text = pdf_text(copied["pdf"])
    assert "The Board is asked to:" in text
    assert "We want Torbay and its residents to thrive." in text  # the seed meets in 2021
    later = SEED_YAML.read_text(encoding="utf-8").replace("2021-03-01", "2025-03-03")
    (project / "content" / SEED_YAML.name).write_text(
        later.replace("template: council-standard", "template: flat-scrutiny"), encoding="utf-8"
    )
    text = pdf_text(render(load_report(project / "content" / SEED_YAML.name))["pdf"])
    assert "We want Torbay and its residents to thrive." not in text
