"""Roman page labels for an agenda's front matter (issue 14).

A template whose agenda block says ``front_matter_pages: roman`` numbers a pack's
agenda pages i, ii ... and its reports from 1: the agenda's "(Pages N - M)", the
number printed on each page and the PDF's page labels (what a reader shows and
"go to page" uses) all agree. Without it, a pack keeps one run of numbers and no
page labels.
"""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import pikepdf
import pypdf
import pytest

from boardpaper.errors import TemplateError
from boardpaper.meeting.load import load_meeting
from boardpaper.meeting.pack import build_pack
from boardpaper.template.library import TemplateLibrary
from tests.helpers import MINIMAL_MEETING, TEMPLATES, make_content, pdf_pages

ITEMS = """\
- report: ../social-work-recruitment.yaml
- report: ../residential-placements-contract.yaml
  exempt: yes
  exempt_paragraph: 3
"""


def roman_library(tmp_path: Path) -> TemplateLibrary:
    folder = tmp_path / "templates" / "roman-agenda"
    folder.mkdir(parents=True)
    (folder / "template.yaml").write_text(
        "name: roman-agenda\ndescription: Council standard, agenda pages numbered i, ii.\n"
        "extends: council-standard\nagenda:\n  front_matter_pages: roman\n",
        encoding="utf-8",
    )
    return TemplateLibrary([tmp_path / "templates", TEMPLATES])


def pack(tmp_path: Path, library: TemplateLibrary, agenda_template: str) -> dict[str, bytes]:
    header = MINIMAL_MEETING.replace("items:\n", f"agenda_template: {agenda_template}\nitems:\n")
    meeting = load_meeting(make_content(tmp_path, ITEMS, header), library)
    return build_pack(meeting, jobs=1)


def page_ranges(text: str) -> list[tuple[int, int]]:
    return [
        (int(first), int(last or first))
        for first, last in re.findall(r"\(Pages? (\d+)(?: - (\d+))?\)", text)
    ]


def footer_number(page_text: str) -> str:
    found = re.findall(r"Page (\w+)(?: of \d+)?\s*$", page_text.strip())
    assert found, page_text[-200:]
    return str(found[-1])


def test_roman_front_matter_labels_printed_numbers_and_ranges_agree(tmp_path: Path) -> None:
    files = pack(tmp_path, roman_library(tmp_path), "roman-agenda")
    for name in ("public-pack.pdf", "members-pack.pdf"):
        data = files[name]
        labels = pypdf.PdfReader(io.BytesIO(data)).page_labels
        pages = pdf_pages(data)
        agenda_pages = sum(1 for label in labels if not label.isdigit())
        assert agenda_pages >= 1
        assert labels[:agenda_pages] == ["i", "ii", "iii", "iv"][:agenda_pages]
        assert labels[agenda_pages:] == [str(n) for n in range(1, len(pages) - agenda_pages + 1)]
        # What is printed on each page is its label.
        assert [footer_number(text) for text in pages] == labels
        # The agenda's ranges count from the first report page, which is page 1.
        ranges = page_ranges(" ".join(pages[:agenda_pages]))
        assert ranges[0][0] == 1
        assert ranges[-1][1] == len(pages) - agenda_pages
        for (_, last), (first, _) in itertools.pairwise(ranges):
            assert first == last + 1
        # Each item's link still opens the item's first page.
        with pikepdf.open(io.BytesIO(data)) as pdf:
            names = dict(pikepdf.NameTree(pdf.Root.Names.Dests).items())
            page_objects = [page.obj.objgen for page in pdf.pages]
            first_item_page = page_objects.index(names["item-3"][0].objgen)
        assert labels[first_item_page] == "1"


def test_without_the_setting_a_pack_counts_on_and_has_no_page_labels(
    tmp_path: Path, library: TemplateLibrary
) -> None:
    files = pack(tmp_path, library, "council-standard")
    data = files["public-pack.pdf"]
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/PageLabels" not in pdf.Root
    pages = pdf_pages(data)
    assert [footer_number(text) for text in pages] == [str(n) for n in range(1, len(pages) + 1)]
    agenda_pages = next(i for i, text in enumerate(pages) if "Social Work" in text[:300])
    assert page_ranges(" ".join(pages[:agenda_pages]))[0][0] == agenda_pages + 1


def test_a_child_sets_one_agenda_key_and_a_missing_agenda_file_is_still_named(
    tmp_path: Path,
) -> None:
    library = roman_library(tmp_path)
    template = library.get("roman-agenda")
    # The rest of the agenda block is the parent's.
    assert template.raw["agenda"]["stamp_template"] == "stamp.html"
    assert template.raw["agenda"]["member_title"] == "Councillor"
    folder = tmp_path / "templates" / "own-agenda"
    folder.mkdir()
    (folder / "template.yaml").write_text(
        "name: own-agenda\ndescription: No parent's agenda to fill the gaps.\nextends: base\n"
        "front_sheet: [{field: meeting, label: Meeting}, {field: date, label: Date, type: date},"
        " {field: title, label: Title}]\nparts: [{sections: [{field: summary}]}]\n"
        "agenda:\n  front_matter_pages: roman\n",
        encoding="utf-8",
    )
    with pytest.raises(TemplateError) as caught:
        library.get("own-agenda")
    messages = [f"{p.key}: {p.message}" for p in caught.value.problems]
    assert (
        "agenda.stamp_template: required but missing (not set here, nor in the templates "
        "it extends)" in messages
    )
    assert caught.value.problems[0].line == 6
