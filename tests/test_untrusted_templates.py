"""Untrusted templates: they see plain data only, read nothing outside their folder, and a
hostile Word file (tags that reach Python, a zip bomb) gives a located error, never a traceback.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

import boardpaper
from boardpaper.errors import TemplateError
from boardpaper.pipeline import parse_report, render
from boardpaper.render.html import html_context
from boardpaper.template.library import TemplateLibrary
from tests.helpers import TEMPLATES
from tests.untrusted import MINIMAL, PASSWD_LINE, all_docx_bytes, all_pdf_bytes, no_network

__all__ = ["no_network"]

READ_PASSWD = "{{ template.folder.joinpath('/etc/passwd').read_text() }}"


def copied_library(
    tmp_path: Path, html_before_body: str | None = None, word_text: str | None = None
) -> TemplateLibrary:
    """council-standard copied, with text put before <body> in paper.html or into paper.docx."""
    root = tmp_path / "templates"
    folder = root / "council-standard"
    shutil.copytree(TEMPLATES / "council-standard", folder)
    # council-standard inherits paper.html and paper.docx from the base template: give the
    # copy its own, so the tests can change them.
    base = Path(boardpaper.__file__).parent / "template" / "base"
    for name in ("paper.html", "paper.docx"):
        if not (folder / name).exists():
            shutil.copy(base / name, folder / name)
    if html_before_body is not None:
        html = folder / "paper.html"
        html.write_text(
            html.read_text(encoding="utf-8").replace("<body", html_before_body + "<body", 1),
            encoding="utf-8",
        )
    if word_text is not None:
        document = docx.Document(str(folder / "paper.docx"))
        document.add_paragraph(word_text)
        document.save(str(folder / "paper.docx"))
    return TemplateLibrary([root])


def rendered(library: TemplateLibrary, formats: tuple[str, ...]) -> dict[str, bytes]:
    return render(parse_report(MINIMAL, "minimal.yaml", library), formats)


def test_html_template_cannot_read_a_file_through_template_folder(tmp_path: Path) -> None:
    library = copied_library(tmp_path, html_before_body=READ_PASSWD)
    with pytest.raises(TemplateError) as caught:
        rendered(library, ("pdf",))
    problem = caught.value.problems[0]
    assert problem.path.endswith("paper.html")
    assert "folder" in problem.message


def test_word_template_cannot_read_a_file_through_template_folder(tmp_path: Path) -> None:
    library = copied_library(tmp_path, word_text=READ_PASSWD)
    with pytest.raises(TemplateError) as caught:
        rendered(library, ("docx",))
    assert caught.value.problems[0].path.endswith("paper.docx")
    assert "folder" in caught.value.problems[0].message


def test_templates_receive_plain_data_only(library: TemplateLibrary, seed_report) -> None:
    """Every value reachable from the template variables is str, number, bool, date, None,
    a dict, list or tuple of those, or a frozen model dataclass: never a Path or a loader."""
    import dataclasses
    import datetime as dt

    allowed = (str, int, float, bool, dt.date, type(None))

    def walk(value: object, where: str) -> None:
        if isinstance(value, allowed):
            return
        if isinstance(value, dict):
            for key, item in value.items():
                walk(item, f"{where}.{key}")
        elif isinstance(value, list | tuple):
            for index, item in enumerate(value):
                walk(item, f"{where}[{index}]")
        elif dataclasses.is_dataclass(value) and type(value).__module__.endswith("content.model"):
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name), f"{where}.{field.name}")
        else:
            pytest.fail(f"{where} is a {type(value).__name__}, not plain data")

    context = html_context(seed_report.paper, seed_report.template)
    for name in ("paper", "fields", "template", "provenance"):
        walk(context[name], name)
    assert context["template"]["name"] == "council-standard"


def test_html_include_does_not_follow_a_symlink_out_of_the_folder(tmp_path: Path) -> None:
    library = copied_library(tmp_path, html_before_body="{% include 'notes.html' %}")
    (tmp_path / "templates" / "council-standard" / "notes.html").symlink_to("/etc/passwd")
    with pytest.raises(TemplateError) as caught:
        rendered(library, ("pdf",))
    # Refused when the template loads (the symlink itself) or when it is included.
    problem = caught.value.problems[0]
    assert "notes.html" in problem.path + problem.message


def test_html_include_inside_the_folder_still_works(tmp_path: Path) -> None:
    library = copied_library(tmp_path, html_before_body="{% include 'notes.html' %}")
    (tmp_path / "templates" / "council-standard" / "notes.html").write_text(
        "<!-- included by the template -->", encoding="utf-8"
    )
    assert rendered(library, ("pdf",))["pdf"].startswith(b"%PDF")


@pytest.mark.parametrize(
    "tag", ["{% include 'paper.html' %}", "{{ ''.__class__ }}", "{{ paper.__class__.__mro__ }}"]
)
def test_word_template_tags_reaching_python_give_a_located_error(tmp_path: Path, tag: str) -> None:
    library = copied_library(tmp_path, word_text=tag)
    with pytest.raises(TemplateError) as caught:
        rendered(library, ("docx",))
    assert caught.value.problems[0].path.endswith("paper.docx")


def test_html_template_dunder_gives_a_located_error(tmp_path: Path) -> None:
    library = copied_library(tmp_path, html_before_body="{{ ''.__class__.__mro__ }}")
    with pytest.raises(TemplateError) as caught:
        rendered(library, ("pdf",))
    assert caught.value.problems[0].path.endswith("paper.html")
    assert caught.value.problems[0].line is not None


def zip_bomb(template_docx: Path, unpacked: int) -> bytes:
    """The Word template with one extra part of ``unpacked`` zero bytes (1/1000 of it packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(template_docx) as source, zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            target.writestr(info, source.read(info))
        with target.open(zipfile.ZipInfo("word/media/bomb.bin"), "w", force_zip64=True) as stream:
            chunk = bytes(1024 * 1024)
            for _ in range(unpacked // len(chunk)):
                stream.write(chunk)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["docx", "pdf"])
def test_zip_bomb_word_template_is_refused_with_a_located_error(tmp_path: Path, fmt: str) -> None:
    # The PDF reads its look from the Word file too (issue 13), so it must refuse it as well.
    library = copied_library(tmp_path)
    word = tmp_path / "templates" / "council-standard" / "paper.docx"
    word.write_bytes(zip_bomb(word, 100 * 1024 * 1024))
    with pytest.raises(TemplateError) as caught:
        rendered(library, (fmt,))
    assert caught.value.problems[0].path.endswith("paper.docx")
    assert "MB" in caught.value.problems[0].message


def test_word_template_with_too_many_parts_is_refused(tmp_path: Path) -> None:
    library = copied_library(tmp_path)
    word = tmp_path / "templates" / "council-standard" / "paper.docx"
    with zipfile.ZipFile(word, "a") as archive:
        for index in range(5000):
            archive.writestr(f"customXml/extra{index}.xml", "<a/>")
    with pytest.raises(TemplateError) as caught:
        rendered(library, ("docx",))
    assert "parts" in caught.value.problems[0].message


def test_inspect_refuses_a_zip_bomb_docx(tmp_path: Path, runner) -> None:
    from boardpaper.cli.main import cli

    bomb = tmp_path / "paper.docx"
    base_docx = Path(boardpaper.__file__).parent / "template" / "base" / "paper.docx"
    bomb.write_bytes(zip_bomb(base_docx, 600 * 1024 * 1024))
    result = runner.invoke(cli, ["inspect", str(bomb)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "MB" in result.output


def test_plain_template_still_renders_without_passwd(tmp_path: Path) -> None:
    outputs = rendered(copied_library(tmp_path), ("docx", "pdf"))
    assert PASSWD_LINE not in all_pdf_bytes(outputs["pdf"])
    assert PASSWD_LINE not in all_docx_bytes(outputs["docx"])


def lint_messages(library: TemplateLibrary) -> list[str]:
    from boardpaper.audit.template_lint import lint_template

    return [str(problem) for problem in lint_template(library.get("council-standard").folder)]


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        (READ_PASSWD, "'template.folder'"),
        ("{{ ''.__class__ }}", "'__class__'"),
        ("{{ paper['__class__'] }}", "'__class__'"),
        ("{{ ''.join(['a']) }}", "'join' of a literal"),
    ],
)
def test_check_flags_reaching_outside_plain_data_in_html(
    tmp_path: Path, tag: str, expected: str
) -> None:
    messages = lint_messages(copied_library(tmp_path, html_before_body=tag))
    flagged = [m for m in messages if expected in m]
    assert flagged and "paper.html:" in flagged[0], messages


@pytest.mark.parametrize(
    ("tag", "expected"),
    [(READ_PASSWD, "'template.folder'"), ("{{ ''.__class__ }}", "'__class__'")],
)
def test_check_flags_reaching_outside_plain_data_in_word(
    tmp_path: Path, tag: str, expected: str
) -> None:
    messages = lint_messages(copied_library(tmp_path, word_text=tag))
    assert any(expected in m and "paper.docx" in m for m in messages), messages


def test_check_refuses_a_zip_bomb_word_template(tmp_path: Path) -> None:
    library = copied_library(tmp_path)
    word = tmp_path / "templates" / "council-standard" / "paper.docx"
    word.write_bytes(zip_bomb(word, 100 * 1024 * 1024))
    messages = lint_messages(library)
    assert any("paper.docx" in m and "MB" in m for m in messages), messages


def test_check_passes_the_built_in_templates(library: TemplateLibrary) -> None:
    from boardpaper.audit.template_lint import lint_template

    for name in library.names():
        assert lint_template(library.get(name).folder) == [], name


def test_check_gives_the_build_error_for_includes(tmp_path: Path) -> None:
    html = copied_library(tmp_path / "a", html_before_body="{% include 'notes.html' %}")
    (tmp_path / "a" / "templates" / "council-standard" / "notes.html").symlink_to("/etc/passwd")
    from boardpaper.audit.template_lint import lint_template

    folder = tmp_path / "a" / "templates" / "council-standard"
    assert any("notes.html" in str(m) for m in lint_template(folder)), html
    word = copied_library(tmp_path / "b", word_text="{% include 'paper.html' %}")
    assert any("cannot include" in m and "paper.docx" in m for m in lint_messages(word))


def test_zip_bomb_agenda_docx_is_a_located_error_in_pack(tmp_path: Path, runner) -> None:
    from boardpaper.cli.main import cli
    from tests.helpers import MINIMAL_MEETING, make_content

    header = MINIMAL_MEETING.replace(
        "published: 2021-02-19", "published: 2021-02-19\nagenda_template: council-standard"
    )
    meeting = make_content(tmp_path, "", header)
    copied_library(tmp_path)
    agenda = tmp_path / "templates" / "council-standard" / "agenda.docx"
    agenda.write_bytes(zip_bomb(agenda, 100 * 1024 * 1024))
    result = runner.invoke(
        cli,
        [
            "pack",
            str(meeting),
            "-o",
            str(tmp_path / "out"),
            "--templates",
            str(tmp_path / "templates"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "agenda.docx" in result.output and "MB" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_build_gives_a_located_template_error_not_a_traceback(tmp_path: Path, runner) -> None:
    from boardpaper.cli.main import cli
    from tests.untrusted import MINIMAL

    copied_library(tmp_path, word_text="{{ ''.__class__ }}")
    report = tmp_path / "report.yaml"
    report.write_text(MINIMAL, encoding="utf-8")
    result = runner.invoke(
        cli,
        [
            "build",
            str(report),
            "-o",
            str(tmp_path / "out"),
            "--templates",
            str(tmp_path / "templates"),
        ],
    )
    assert result.exit_code == 1, result.output
    assert "paper.docx" in result.output and "__class__" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
