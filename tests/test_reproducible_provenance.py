"""Provenance inside each paper, dates from the content, and what a manifest's environment holds.

These use the seed rendered once per session (``seed_outputs``) and read the
files with libraries other than the ones that wrote them (pikepdf, zipfile).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import locale
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pikepdf
import pytest

from boardpaper import __version__
from boardpaper.cli.main import cli
from boardpaper.content.model import format_date
from boardpaper.pipeline import LoadedReport, parse_report
from boardpaper.render.environment import compare, python_packages
from boardpaper.render.stamp import XMP_NAMESPACE, content_sha256, read_provenance
from boardpaper.template.library import TemplateLibrary, load_template
from tests.helpers import SEED_YAML, convert_with_libreoffice, copy_template

SEED_SHA256 = hashlib.sha256(SEED_YAML.read_bytes()).hexdigest()


def expected_properties(seed_report: LoadedReport) -> dict[str, str]:
    return {
        "BoardpaperVersion": __version__,
        "BoardpaperTemplate": "council-standard",
        "BoardpaperTemplateSHA256": seed_report.template.files_hash,
        "BoardpaperContentSHA256": SEED_SHA256,
    }


def test_pdf_info_and_xmp_carry_the_provenance_and_the_content_date(
    seed_outputs: dict[str, bytes], seed_report: LoadedReport
) -> None:
    expected = expected_properties(seed_report)
    with pikepdf.open(io.BytesIO(seed_outputs["pdf"])) as pdf:
        info = {str(key)[1:]: str(value) for key, value in pdf.docinfo.items()}
        with pdf.open_metadata() as xmp:
            xmp_values = dict(xmp)
        file_id = pdf.trailer.ID
    for name, value in expected.items():
        assert info[name] == value
        assert xmp_values[f"{{{XMP_NAMESPACE}}}{name}"] == value
    # Dates: the report's date (1 March 2021), never the clock.
    assert info["CreationDate"] == info["ModDate"] == "D:20210301000000Z"
    assert xmp_values["{http://ns.adobe.com/xap/1.0/}CreateDate"] == "2021-03-01T00:00:00Z"
    assert xmp_values["{http://ns.adobe.com/xap/1.0/}ModifyDate"] == "2021-03-01T00:00:00Z"
    assert not any("MetadataDate" in key or "DocumentID" in key for key in xmp_values)
    # The file identifier is qpdf's deterministic hash of the finished PDF's
    # content (pdf_tagging.finish_tagging): present, 16 bytes, and not random.
    assert len(file_id) == 2 and bytes(file_id[0]) == bytes(file_id[1])
    assert len(bytes(file_id[0])) == 16


def test_docx_custom_properties_carry_the_provenance_and_dates_come_from_the_content(
    seed_outputs: dict[str, bytes], seed_report: LoadedReport
) -> None:
    with zipfile.ZipFile(io.BytesIO(seed_outputs["docx"])) as archive:
        custom = ElementTree.fromstring(archive.read("docProps/custom.xml"))
        core = archive.read("docProps/core.xml").decode()
        content_types = archive.read("[Content_Types].xml").decode()
        times = {info.date_time for info in archive.infolist()}
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
    found = {prop.get("name"): "".join(prop.itertext()) for prop in custom.iter(f"{ns}property")}
    assert found == expected_properties(seed_report)
    assert "custom-properties+xml" in content_types
    assert "2021-03-01T00:00:00Z" in core
    assert str(dt.date.today().year) not in core.replace("2021", "")
    assert times == {(1980, 1, 1, 0, 0, 0)}


def test_content_hash_is_the_file_hash_and_ignores_line_endings(library: TemplateLibrary) -> None:
    text = SEED_YAML.read_text(encoding="utf-8")
    assert content_sha256(text) == SEED_SHA256
    crlf = text.replace("\n", "\r\n").encode("utf-8")
    report = parse_report(b"\xef\xbb\xbf" + crlf, "crlf.yaml", library)
    assert content_sha256(report.paper.source) == SEED_SHA256
    changed = parse_report(text.replace("progress made", "progress Made"), "x.yaml", library)
    assert content_sha256(changed.paper.source) != SEED_SHA256


def test_template_hash_counts_every_file_but_hidden_ones_and_not_line_endings(
    tmp_path: Path,
) -> None:
    folder = copy_template("council-standard", tmp_path / "council-standard")
    original = load_template(folder).files_hash
    (folder / ".DS_Store").write_bytes(b"\0\0finder")
    css = folder / "paper.css"
    css.write_bytes(css.read_bytes().replace(b"\n", b"\r\n"))
    assert load_template(folder).files_hash == original
    css.write_bytes(css.read_bytes() + b"/* one more */")
    assert load_template(folder).files_hash != original
    (folder / "logo.svg").write_text("<svg/>")
    css.write_bytes(css.read_bytes().removesuffix(b"/* one more */"))
    assert load_template(folder).files_hash != original


def test_inspect_prints_the_provenance_of_both_formats(
    seed_outputs: dict[str, bytes], seed_report: LoadedReport, tmp_path: Path, runner
) -> None:
    for fmt, data in seed_outputs.items():
        (tmp_path / f"paper.{fmt}").write_bytes(data)
    result = runner.invoke(
        cli, ["inspect", str(tmp_path / "paper.pdf"), str(tmp_path / "paper.docx")]
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    template_hash = seed_report.template.files_hash
    for expected in (
        f"  boardpaper version:  {__version__}",
        "  template:            council-standard",
        f"  template sha256:     {template_hash}",
        f"  content sha256:      {SEED_SHA256}",
    ):
        assert lines.count(expected) == 2, expected
    assert "  CreationDate:        D:20210301000000Z" in lines


def test_inspect_fails_on_files_without_provenance(tmp_path: Path, runner) -> None:
    plain = tmp_path / "plain.pdf"
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(plain)
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    result = runner.invoke(cli, ["inspect", str(plain), str(notes)])
    assert result.exit_code == 1
    assert "no boardpaper provenance" in result.output
    assert "notes.txt: not a PDF or Word (.docx) file" in result.output


def test_inspect_notices_info_and_xmp_disagreeing(
    seed_outputs: dict[str, bytes], tmp_path: Path
) -> None:
    with pikepdf.open(io.BytesIO(seed_outputs["pdf"])) as pdf:
        pdf.docinfo["/BoardpaperContentSHA256"] = "0" * 64
        out = io.BytesIO()
        pdf.save(out)
    found = read_provenance(out.getvalue())
    assert found.problems == ("the Info dictionary and the XMP metadata disagree",)


def test_fonttools_fallback_subsetting_is_reproducible_too(
    seed_report: LoadedReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without libharfbuzz-subset WeasyPrint subsets with fontTools, which stamps the clock
    into each font unless SOURCE_DATE_EPOCH is set: render_pdf sets it to a fixed time."""
    import weasyprint.pdf.fonts
    from fontTools.misc.timeTools import epoch_diff
    from fontTools.ttLib import TTFont

    from boardpaper.render.pdf import FIXED_FONT_EPOCH, render_pdf

    monkeypatch.setattr(weasyprint.pdf.fonts, "harfbuzz_subset", None)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    data = render_pdf(seed_report.paper, seed_report.template)
    stamps = set()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and "/FontFile2" in obj:
                font = TTFont(io.BytesIO(obj.FontFile2.read_bytes()))
                stamps.add(font["head"].modified)
    assert stamps == {int(FIXED_FONT_EPOCH) - epoch_diff}


def test_dates_are_written_the_same_in_any_locale() -> None:
    previous = locale.setlocale(locale.LC_TIME)
    try:
        locale.setlocale(locale.LC_TIME, "de_DE.UTF-8")
        assert f"{dt.date(2021, 3, 1):%B}" == "März"  # the locale is really in force
        assert format_date(dt.date(2021, 3, 1)) == "1 March 2021"
    finally:
        locale.setlocale(locale.LC_TIME, previous)


def test_environment_lists_rendering_packages_and_explains_changes() -> None:
    packages = python_packages()
    for name in ("weasyprint", "pydyf", "python-docx", "docxtpl", "docxcompose", "fonttools"):
        assert name in packages, name
    assert "pytest" not in packages  # test tools do not decide the bytes
    recorded = {
        "libraries": {"harfbuzz": "6.0.0"},
        "python_packages": {"weasyprint": "70.0"},
        "fonts": [{"name": "Liberation-Sans", "sha256": "a", "file": "/old.ttf"}],
    }
    current = {
        "libraries": {"harfbuzz": "8.3.0"},
        "python_packages": {"weasyprint": "71.0"},
        "fonts": [{"name": "Liberation-Sans", "sha256": "b", "file": "/new.ttf"}],
    }
    assert compare(recorded, current) == [
        "harfbuzz: 6.0.0 at the build, 8.3.0 now",
        "weasyprint: 70.0 at the build, 71.0 now",
        "font Liberation-Sans: a different font file now (/old.ttf -> /new.ttf), sha256 differs",
    ]
    assert compare(recorded, recorded) == []


def test_manifest_paths_are_relative_to_the_root_or_to_the_built_in_templates(
    tmp_path: Path,
) -> None:
    from boardpaper.provenance.manifest import recorded_path, resolve_recorded
    from boardpaper.template.library import builtin_templates_dir

    css = builtin_templates_dir() / "council-standard" / "paper.css"
    assert recorded_path(css, tmp_path) == "builtin:council-standard/paper.css"
    assert resolve_recorded("builtin:council-standard/paper.css", tmp_path) == css
    report = tmp_path / "content" / "x.yaml"
    assert recorded_path(report, tmp_path) == "content/x.yaml"
    assert resolve_recorded("content/x.yaml", tmp_path) == report
    elsewhere = Path("/srv/other/x.yaml")
    assert recorded_path(elsewhere, tmp_path) == "/srv/other/x.yaml"


@pytest.mark.libreoffice
def test_libreoffice_reads_the_word_provenance(
    seed_outputs: dict[str, bytes], seed_report: LoadedReport, tmp_path: Path
) -> None:
    """A real client sees the custom properties: LibreOffice keeps them as user-defined fields."""
    odt_bytes = convert_with_libreoffice(seed_outputs["docx"], tmp_path, "odt")
    with zipfile.ZipFile(io.BytesIO(odt_bytes)) as odt:
        meta = ElementTree.fromstring(odt.read("meta.xml"))
    ns = "{urn:oasis:names:tc:opendocument:xmlns:meta:1.0}"
    fields = {el.get(f"{ns}name"): el.text for el in meta.iter(f"{ns}user-defined")}
    for name, value in expected_properties(seed_report).items():
        assert fields[name] == value


def test_render_with_manifest_works_in_memory_for_uploads(library: TemplateLibrary) -> None:
    """What a service zips: papers and manifest, for report bytes that never were a file."""
    from boardpaper.provenance.manifest import render_with_manifest

    data = SEED_YAML.read_bytes()
    report = parse_report(data, "upload.yaml", library)
    files = render_with_manifest([report], ("docx",), Path("paper"), sources={"upload.yaml": data})
    assert set(files) == {Path("paper/upload.docx"), Path("paper/manifest.json")}
    manifest = json.loads(files[Path("paper/manifest.json")])
    inputs = {entry["path"]: entry["sha256"] for entry in manifest["inputs"]}
    assert inputs["upload.yaml"] == SEED_SHA256
    [output] = manifest["outputs"]
    assert output["path"] == "upload.docx"
    assert output["sha256"] == hashlib.sha256(files[Path("paper/upload.docx")]).hexdigest()


def test_qpdf_version_is_read_without_importing_pikepdf_and_is_pikepdfs_own() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from boardpaper.render.environment import native_libraries\n"
        "qpdf = native_libraries()['qpdf']\n"
        "print(qpdf, 'pikepdf' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    qpdf, imported = done.stdout.split()
    assert qpdf == str(pikepdf.__libqpdf_version__)
    assert imported == "False"


def test_the_version_papers_carry_is_the_installed_one() -> None:
    from importlib import metadata

    assert metadata.version("boardpaper") == __version__
