"""Helpers the tests share: sample paths, text extraction from PDF and .docx, LibreOffice.

Tests import them as ``from tests.helpers import NAME``; fixtures live in conftest.py.
"""

from __future__ import annotations

import io
import shutil
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


SEED_YAML = ROOT / "content" / "childrens-improvement-plan.yaml"


SEED_TEXT = (
    ROOT / "tests" / "data" / "seed-scrutiny-report.txt"
)  # ../shared/seeds/000_8b43b4386a55ec5d.txt


TEMPLATES = ROOT / "templates"


SMALL_REPORTS = ("residential-placements-contract.yaml", "social-work-recruitment.yaml")
"""Two short sample reports of one template: quick to build, for cache and rebuild tests."""


def small_project(folder: Path) -> Path:
    """``folder`` set up as a council's content repository: ``content/`` with the
    ``SMALL_REPORTS`` and ``templates/council-standard`` (a copy, free to edit)."""
    (folder / "content").mkdir()
    for name in SMALL_REPORTS:
        shutil.copy(ROOT / "content" / name, folder / "content" / name)
    shutil.copytree(TEMPLATES / "council-standard", folder / "templates" / "council-standard")
    return folder


def pdf_text(data: bytes) -> str:
    """All text of a PDF, as pdfplumber extracts it, pages joined by newlines."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def docx_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph of a .docx, tables excluded.

    A paragraph in a Word list starts with the number Word shows for it and
    the level's suffix ("1.1\t...", "1. Purpose"), counted from numbering.xml
    (``word_list_labels``); bullets and single-level lists are left out.
    """
    import docx

    document = docx.Document(io.BytesIO(data))
    paragraphs = document.paragraphs
    labels = word_list_labels(document, paragraphs)
    return [(p.style.name, label + p.text) for p, label in zip(paragraphs, labels, strict=True)]


SAMPLE_MEETING = ROOT / "content" / "meetings" / "children-and-young-people-2021-03-01.yaml"


def pdf_pages(data: bytes) -> list[str]:
    """The text of each page of a PDF, as pdfplumber extracts it."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


SAMPLE_REPORTS = ("social-work-recruitment.yaml", "residential-placements-contract.yaml")


MINIMAL_MEETING = """\
committee: Children and Young People's Overview and Scrutiny Board
date: 2021-03-01
time: 5.30 pm
venue: Town Hall, Torquay
published: 2021-02-19
membership:
  chair: Nicole Amil
  members: [Mandy Darling]
clerk:
  name: Teresa Buckley
  email: governance.support@torbay.gov.uk
items:
  - apologies
  - declarations_of_interest
"""


def make_content(tmp_path: Path, items: str = "", header: str = MINIMAL_MEETING) -> Path:
    """A content folder holding two sample reports and a meeting file; returns the meeting."""
    content = tmp_path / "content"
    (content / "meetings").mkdir(parents=True)
    for name in SAMPLE_REPORTS:
        shutil.copy(ROOT / "content" / name, content / name)
    meeting = content / "meetings" / "meeting.yaml"
    meeting.write_text(header + textwrap.indent(textwrap.dedent(items), "  "), encoding="utf-8")
    return meeting


SAMPLES = {
    "cabinet-decision": ROOT / "content" / "waste-collection-contract.yaml",
    "performance-report": ROOT / "content" / "quarterly-performance-q2.yaml",
}


CURRENT_TEST_MARKERS: set[str] = set()
"""Marker names of the running test (set by conftest), so helpers can insist on their marker."""


def convert_with_libreoffice(docx_bytes: bytes, folder: Path, convert_to: str = "pdf") -> bytes:
    """Convert .docx bytes with headless LibreOffice, the nearest real Word client on Linux.

    ``convert_to`` is LibreOffice's ``--convert-to`` argument ("pdf", "odt", or a
    filter with options); returns the bytes of the converted file.
    """
    import shutil
    import subprocess

    assert "libreoffice" in CURRENT_TEST_MARKERS, (
        "a test that runs LibreOffice must be marked @pytest.mark.libreoffice"
    )
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is not installed: run scripts/setup-system.sh --test"
    source = folder / "paper.docx"
    source.write_bytes(docx_bytes)
    completed = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            convert_to,
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stderr
    return (folder / f"paper.{convert_to.split(':')[0]}").read_bytes()


def word_list_labels(document, paragraphs) -> list[str]:
    """The label (number and suffix) Word shows before each multi-level list paragraph.

    One label per paragraph of ``paragraphs`` ("" when none). Counters are kept per list
    instance (``w:num``) and a level restarts after any higher level, as Word
    does for the lists boardpaper writes; formats: decimal and lowerRoman.
    """
    from docx.oxml.ns import qn

    numbering = document.part.numbering_part.element
    abstracts = {a.get(qn("w:abstractNumId")): a for a in numbering.findall(qn("w:abstractNum"))}
    levels_of: dict[str, dict[int, tuple[str, str, str]]] = {}
    for num in numbering.findall(qn("w:num")):
        abstract = abstracts[num.find(qn("w:abstractNumId")).get(qn("w:val"))]
        if abstract.find(qn("w:multiLevelType")).get(qn("w:val")) != "multilevel":
            continue
        levels_of[num.get(qn("w:numId"))] = {
            int(lvl.get(qn("w:ilvl"))): (
                lvl.find(qn("w:numFmt")).get(qn("w:val")),
                lvl.find(qn("w:lvlText")).get(qn("w:val")),
                {"tab": "\t", "space": " ", "nothing": ""}[
                    lvl.find(qn("w:suff")).get(qn("w:val"))
                    if lvl.find(qn("w:suff")) is not None
                    else "tab"
                ],
            )
            for lvl in abstract.findall(qn("w:lvl"))
        }
    style_num: dict[str, tuple[str, int]] = {}
    for style in document.styles.element.findall(qn("w:style")):
        num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is not None and num_pr.find(qn("w:numId")) is not None:
            ilvl = num_pr.find(qn("w:ilvl"))
            style_num[style.get(qn("w:styleId"))] = (
                num_pr.find(qn("w:numId")).get(qn("w:val")),
                int(ilvl.get(qn("w:val"))) if ilvl is not None else 0,
            )
    counters: dict[str, list[int]] = {}
    labels: list[str] = []
    for paragraph in paragraphs:
        ppr = paragraph._p.pPr
        num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
        style_id = (
            ppr.find(qn("w:pStyle")).get(qn("w:val"))
            if ppr is not None and ppr.find(qn("w:pStyle")) is not None
            else None
        )
        num_id, ilvl = style_num.get(style_id or "", (None, 0))
        if num_pr is not None and num_pr.find(qn("w:numId")) is not None:
            num_id = num_pr.find(qn("w:numId")).get(qn("w:val"))
            if num_pr.find(qn("w:ilvl")) is not None:
                ilvl = int(num_pr.find(qn("w:ilvl")).get(qn("w:val")))
        if num_id not in levels_of:
            labels.append("")
            continue
        values = counters.setdefault(num_id, [0] * 9)
        values[ilvl] += 1
        values[ilvl + 1 :] = [0] * (8 - ilvl)
        _, text, suffix = levels_of[num_id][ilvl]
        for level in range(ilvl + 1):
            shown = str(values[level])
            if levels_of[num_id][level][0] == "lowerRoman":
                from boardpaper.content.model import lower_roman

                shown = lower_roman(values[level])
            text = text.replace(f"%{level + 1}", shown)
        labels.append(text + suffix)
    return labels


SAMPLE_SITE_FOLDER = "children-and-young-people-2021-03-01"


HISTORY_MEETING = """\
committee: Children and Young People's Overview and Scrutiny Board
date: 2021-03-01
time: 5.30 pm
venue: Meadow Room, Town Hall, Torquay
published: 2021-02-19
membership:
  chair: Nicole Amil
  members: [Mandy Darling]
clerk:
  name: Teresa Buckley
  email: governance.support@torbay.gov.uk
items:
  - apologies
  - report: ../childrens-improvement-plan.yaml
    published: 2021-02-24
    earlier_versions:
      - report: ../archive/childrens-improvement-plan-2021-02-19.yaml
        published: 2021-02-19
        reason: The re-referral rate for November 2020 was corrected from 32.5% to 23.5%.
  - report: ../social-work-recruitment.yaml
    late: yes
    reason_for_urgency: The vacancy figures were confirmed after the agenda was published.
    published: 2021-02-25
  - report: ../residential-placements-contract.yaml
    exempt: yes
    exempt_paragraph: 3
"""


def make_history_content(folder: Path, meeting: str = HISTORY_MEETING) -> Path:
    """Content where a paper was republished (its first version kept in archive/) and a late
    item went in a supplementary agenda; returns the content folder."""
    content = folder / "content"
    (content / "meetings").mkdir(parents=True)
    (content / "archive").mkdir()
    for name in ("social-work-recruitment.yaml", "residential-placements-contract.yaml"):
        shutil.copy(ROOT / "content" / name, content / name)
    seed = SEED_YAML.read_text(encoding="utf-8")
    assert seed.count("23.5%") == 1
    (content / "archive" / "childrens-improvement-plan-2021-02-19.yaml").write_text(
        seed.replace("23.5%", "32.5%"), encoding="utf-8"
    )
    shutil.copy(SEED_YAML, content / SEED_YAML.name)
    (content / "meetings" / "board-2021-03-01.yaml").write_text(meeting, encoding="utf-8")
    return content


CHARTS_MEETING = """\
committee: Overview and Scrutiny Committee
date: 2025-11-20
time: 6 pm
venue: Civic Centre, Harrowmere
published: 2025-11-12
agenda_template: council-standard
membership:
  chair: Ann Example
  members: [Ben Example]
clerk:
  name: Owen Price
  email: democratic.services@harrowmere.gov.example
items:
  - apologies
  - report: ../quarterly-performance-q2.yaml
"""


def copy_template(name: str, folder: Path) -> Path:
    """A self-contained copy of the shipped template ``name`` (its chain flattened, as
    ``boardpaper new template``) in ``folder``, whose name it takes; returns ``folder``."""
    from boardpaper.template.flatten import flattened_files
    from boardpaper.template.library import TemplateLibrary

    template = TemplateLibrary([TEMPLATES]).get(name)
    for relative, data in flattened_files(template, folder.name).items():
        (folder / relative).parent.mkdir(parents=True, exist_ok=True)
        (folder / relative).write_bytes(data)
    return folder


COUNCIL_MEETING = """\
committee: Executive
date: {date}
time: 6 pm
venue: Council Chamber, Exevale House
published: {published}
agenda_template: council-standard
membership:
  chair: {{name: Jo Smith, title: "The Worshipful the Mayor, Councillor"}}
  vice_chair: Hayley Tranter
  members:
    - {{name: Dave Brown, title: Mayor}}
    - {{name: Pat Green, title: ""}}
clerk:
  name: Owen Price
  email: democratic.services@exevale.gov.example
items:
  - heading: Opening of the meeting
  - apologies
  - heading: Petitions
    text: To receive petitions from members of the public.
    items:
      - heading: Petition about parking in Preston
        text: 1,204 signatures.
      - heading: Petition about Torre Abbey gardens
  - report: ../{report}
"""
COUNCIL_SITE_FOLDERS = {
    "treasury-mid-year-review": "executive-2023-11-14",
    "housing-allocations-policy": "executive-2025-10-07",
}


def make_council_content(folder: Path) -> Path:
    """Another council's meetings (issue 14): members with their own titles, items of the
    meeting's own with lettered sub-items, and the executive-report samples (grouped and
    aligned table columns, links in cells, a cross-reference); returns the content folder."""
    content = folder / "content"
    (content / "meetings").mkdir(parents=True)
    dates = {"executive-2023-11-14": "2023-11-06", "executive-2025-10-07": "2025-09-29"}
    for stem, slug in COUNCIL_SITE_FOLDERS.items():
        shutil.copy(ROOT / "content" / f"{stem}.yaml", content / f"{stem}.yaml")
        meeting = COUNCIL_MEETING.format(
            date=slug.removeprefix("executive-"), published=dates[slug], report=f"{stem}.yaml"
        )
        (content / "meetings" / f"{slug}.yaml").write_text(meeting, encoding="utf-8")
    return content


def write_pdf(path: Path, pages: list[str]) -> None:
    """A plain PDF of one paragraph per page, as an appendix exported from elsewhere."""
    import weasyprint

    body = "".join(f'<p style="break-after: page">{text}</p>' for text in pages)
    weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf(str(path))


def write_docx(path: Path, pages: list[str], title: str = "Appendix") -> None:
    """A Word file as an author would attach: a Heading 1, then one paragraph per page."""
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.add_heading(title, 1)
    for index, text in enumerate(pages):
        if index:
            document.add_page_break()
        document.add_paragraph(text)
    document.save(str(path))


APPENDIX_ATTACHMENTS = """
attachments:
  - file: appendix-a.docx
    title: "Appendix A: Recruitment campaign plan"
  - file: appendix-b.pdf
    title: "Appendix B: Agency costs by supplier"
    exempt_paragraph: 3
  - file: appendix-c.pdf
    title: "Appendix C: Vacancy rates"
"""


def make_appendix_content(folder: Path) -> Path:
    """A meeting whose social work report has a Word appendix (A), an exempt PDF
    appendix (B) and a PDF appendix (C); returns the meeting file (content/meetings/)."""
    meeting = make_content(folder, "- report: ../social-work-recruitment.yaml\n")
    content = meeting.parent.parent
    report = content / "social-work-recruitment.yaml"
    report.write_text(report.read_text(encoding="utf-8") + APPENDIX_ATTACHMENTS, encoding="utf-8")
    write_docx(
        content / "appendix-a.docx",
        ["Campaign plan page one", "Campaign plan page two"],
        "Recruitment campaign plan",
    )
    write_pdf(content / "appendix-b.pdf", ["Agency costs: Supplier X charged 1,234,567"])
    write_pdf(content / "appendix-c.pdf", ["Vacancy rates by team"])
    return meeting
