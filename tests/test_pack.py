"""The sample meeting's agenda and packs: page numbers, exempt items, bookmarks, links, tags."""

from __future__ import annotations

import io
import re

import pikepdf
import pytest

from boardpaper.audit.docx import audit_docx
from boardpaper.audit.pdf import audit_pdf
from boardpaper.pipeline import render
from tests.helpers import docx_paragraphs, pdf_pages, pdf_text

# "4. Title (Pages 3 - 7)" or "(Page 11)", the title possibly wrapped over lines.
ENTRY = re.compile(
    r"^(\d{1,2})\.\s+((?:(?!\n\d{1,2}\.\s)[^()])+?)\s+\(Pages? (\d+)(?: - (\d+))?\)", re.M
)
EXEMPT_SENTENCE = "Harbourside Care Ltd scored highest"


def agenda_ranges(text: str) -> dict[str, tuple[str, int, int]]:
    """Item number -> (heading, first page, last page), as printed on an agenda."""
    return {
        number: (" ".join(heading.split()), int(first), int(last or first))
        for number, heading, first, last in ENTRY.findall(text)
    }


@pytest.fixture(scope="session")
def public_pages(sample_pack) -> list[str]:
    return pdf_pages(sample_pack["public-pack.pdf"])


@pytest.fixture(scope="session")
def members_pages(sample_pack) -> list[str]:
    return pdf_pages(sample_pack["members-pack.pdf"])


def test_pack_writes_the_agenda_and_both_packs(sample_pack) -> None:
    assert sorted(sample_pack) == [
        "agenda.docx",
        "agenda.pdf",
        "members-pack.pdf",
        "public-pack.pdf",
    ]


@pytest.mark.parametrize("pack", ["public", "members"])
def test_printed_page_numbers_match_the_agenda(pack: str, public_pages, members_pages) -> None:
    pages = public_pages if pack == "public" else members_pages
    total = len(pages)
    ranges = agenda_ranges(pages[0] + "\n" + pages[1])
    assert list(ranges) == ["4", "5", "7"]
    previous_last = None
    for number, (heading, first, last) in ranges.items():
        assert f"Page {first} of {total}" in pages[first - 1], (number, first)
        assert f"Page {last} of {total}" in pages[last - 1], (number, last)
        # The item starts on its first page, right after the previous item ends.
        assert heading.split(" - ")[0] in " ".join(pages[first - 1].split())
        if previous_last is not None:
            assert first == previous_last + 1
        previous_last = last
    assert previous_last == total
    for index, page in enumerate(pages, start=1):
        assert f"Page {index} of {total}" in page


def test_standalone_agenda_quotes_the_public_pack_ranges(sample_pack, public_pages) -> None:
    standalone = pdf_text(sample_pack["agenda.pdf"])
    assert agenda_ranges(standalone) == agenda_ranges(public_pages[0] + "\n" + public_pages[1])


def test_pack_page_count_is_agenda_plus_reports(
    sample_pack, sample_meeting, seed_outputs, public_pages, members_pages
) -> None:
    reports = [item for item in sample_meeting.items if item.kind == "report"]
    standalone = {
        item.number: seed_outputs["pdf"]
        if item.report.paper.title == "Children's Improvement Plan Update"
        else render(item.report, ("pdf",))["pdf"]
        for item in reports
    }
    counts = {
        number: len(pikepdf.open(io.BytesIO(pdf)).pages) for number, pdf in standalone.items()
    }
    agenda = len(pikepdf.open(io.BytesIO(sample_pack["agenda.pdf"])).pages)
    assert len(members_pages) == agenda + sum(counts.values())
    # The public pack has a one-page notice instead of the exempt report.
    exempt = [item.number for item in reports if item.exempt]
    assert len(public_pages) == agenda + sum(
        1 if number in exempt else count for number, count in counts.items()
    )


def test_exempt_report_only_in_the_members_pack(sample_pack, public_pages, members_pages) -> None:
    public = " ".join("\n".join(public_pages).split())
    members = " ".join("\n".join(members_pages).split())
    assert EXEMPT_SENTENCE not in public
    assert "£4,150" not in public
    assert EXEMPT_SENTENCE in members
    # The notice page names the item and its paragraph.
    _, first, _ = agenda_ranges(public_pages[1])["7"]
    notice = " ".join(public_pages[first - 1].split())
    assert "Agenda item 7: Residential Placements for Children in Care" in notice
    assert "paragraph 3 of Schedule 12A to the Local Government Act 1972" in notice
    # In the members' pack every page of the exempt report is marked.
    _, first, last = agenda_ranges(members_pages[1])["7"]
    for page in members_pages[first - 1 : last]:
        assert "NOT FOR PUBLICATION" in page
    assert not any("NOT FOR PUBLICATION" in page for page in members_pages[: first - 1])


def outline_of(pdf: bytes) -> list[tuple[str, int, list[tuple[str, list[str]]]]]:
    """Top-level bookmarks: (title, page number, [(child title, [grandchild titles])])."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = {page.objgen: index for index, page in enumerate(document.pages)}
        with document.open_outline() as outline:
            return [
                (
                    item.title,
                    pages[item.destination[0].objgen] + 1,
                    [
                        (child.title, [grandchild.title for grandchild in child.children])
                        for child in item.children
                    ],
                )
                for item in outline.root
            ]


@pytest.mark.parametrize("pack", ["public-pack.pdf", "members-pack.pdf"])
def test_one_bookmark_per_agenda_item_in_order(pack: str, sample_pack, sample_meeting) -> None:
    outline = outline_of(sample_pack[pack])
    agenda, *items = outline
    assert agenda[:2] == ("Agenda", 1)
    assert [child for child, _ in agenda[2]] == ["Membership", "Items"]
    ranges = agenda_ranges(pdf_text(sample_pack[pack]).split("Page 3 of")[0])
    expected = []
    for item in sample_meeting.items:
        title = f"{item.number}. {item.heading}"
        if item.number in ranges:
            first, last = ranges[item.number][1:]
            title += f" (Page {first})" if first == last else f" (Pages {first} - {last})"
        expected.append(title)
    assert [title for title, _, _ in items] == expected
    for title, page, children in items:
        number = title.split(".")[0]
        if number in ranges:
            assert page == ranges[number][1]
        else:
            assert page <= 2  # procedural items point at their entry on the agenda
        if number in ("4", "5"):
            # The report's own bookmarks beneath its item: its title, then its headings.
            [(report_title, headings)] = children
            assert report_title in title
            assert headings[:3] == [
                "1. Purpose of Report",
                "2. Reason for Proposal and its benefits",
                "3. Recommendation(s) / Proposed Decision",
            ]
    [(exempt_title, exempt_headings)] = items[6][2]
    if pack == "public-pack.pdf":
        assert exempt_title.startswith("Agenda item 7:")  # the notice page
        assert exempt_headings == []
    else:
        assert exempt_title == "Residential Placements for Children in Care - Contract Award"
        assert "1. Purpose of Report" in exempt_headings


def test_agenda_entries_link_to_their_pages(sample_pack, public_pages) -> None:
    ranges = agenda_ranges(public_pages[0] + "\n" + public_pages[1])
    with pikepdf.open(io.BytesIO(sample_pack["public-pack.pdf"])) as document:
        pages = {page.objgen: index + 1 for index, page in enumerate(document.pages)}
        names = list(document.Root.Names.Dests.Names)
        dests = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        targets = {}
        for page in document.pages[:2]:
            for annot in page.obj.get("/Annots", []):
                if isinstance(annot.get("/Dest"), pikepdf.String):
                    name = str(annot.Dest)
                    targets[name] = pages[dests[name][0].objgen]
                    assert str(annot.Contents).startswith("Go to item")
    assert targets == {f"item-{number}": first for number, (_, first, _) in ranges.items()}


@pytest.mark.parametrize("pack", ["public-pack.pdf", "members-pack.pdf", "agenda.pdf"])
def test_packs_are_tagged_and_their_structure_points_at_their_pages(pack: str, sample_pack) -> None:
    data = sample_pack[pack]
    assert audit_pdf(data, pack) == []
    with pikepdf.open(io.BytesIO(data)) as document:
        root = document.Root.StructTreeRoot
        page_ids = {page.objgen for page in document.pages}
        nums = list(root.ParentTree.Nums)
        keys = {int(nums[i]) for i in range(0, len(nums), 2)}
        for page in document.pages:
            assert int(page.obj.StructParents) in keys
            for annot in page.obj.get("/Annots", []):
                assert int(annot.StructParent) in keys
        seen_pages = set()

        def walk(element: object) -> None:
            if isinstance(element, pikepdf.Dictionary):
                if "/Pg" in element:
                    assert element.Pg.objgen in page_ids
                    seen_pages.add(element.Pg.objgen)
                kids = element.get("/K")
                if kids is not None:
                    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                        walk(kid)

        walk(root)
        assert seen_pages == page_ids
        assert marked_content(document) == referenced_content(document)
        assert str(document.Root.Lang) == "en-GB"
        meta = document.open_metadata()
        assert meta.get("pdfuaid:part") == "1"
        assert meta.get("dc:title")


def test_agenda_docx_matches_the_pdf_agenda(sample_pack, public_pages) -> None:
    data = sample_pack["agenda.docx"]
    assert audit_docx(data, "agenda.docx") == []
    paragraphs = docx_paragraphs(data)
    text = "\n".join(text for _, text in paragraphs)
    assert "{{" not in text and "{%" not in text
    headings = [text for style, text in paragraphs if style == "Heading 3"]
    assert (
        headings[:4]
        == [
            "1.\tApologies",
            "2.\tDeclarations of Interest",
            "3.\tMinutes",
            "4.\tChildren's Improvement Plan Update (Pages 3 - 6)",
        ][: len(headings[:4])]
    )
    ranges = agenda_ranges(public_pages[0] + "\n" + public_pages[1])
    for number, (heading, first, last) in ranges.items():
        pages = f"(Page {first})" if first == last else f"(Pages {first} - {last})"
        assert f"{number}.\t{heading} {pages}" in headings
    assert "Not for publication: this report contains exempt information" in text


def marked_content(document: pikepdf.Pdf) -> set[tuple[int, int]]:
    """(page number, MCID) of every piece of tagged content in the pages' content streams."""
    found = set()
    for number, page in enumerate(document.pages):
        for operands, operator in pikepdf.parse_content_stream(page):
            tagged = str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary)
            if tagged and "/MCID" in operands[1]:
                found.add((number, int(operands[1].MCID)))
    return found


def referenced_content(document: pikepdf.Pdf) -> set[tuple[int, int]]:
    """(page number, MCID) of every piece of content a structure element points at."""
    pages = {page.objgen: number for number, page in enumerate(document.pages)}
    found = set()
    stack = [(document.Root.StructTreeRoot, None)]
    while stack:
        element, page = stack.pop()
        page = element.get("/Pg", page)
        kids = element.get("/K")
        for kid in [] if kids is None else kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary):
                if kid.get("/Type") == "/MCR":
                    found.add((pages[kid.get("/Pg", page).objgen], int(kid.MCID)))
                elif kid.get("/Type") != "/OBJR":
                    stack.append((kid, page))
            else:
                found.add((pages[page.objgen], int(kid)))
    return found


def test_every_pack_file_carries_the_pack_provenance(sample_pack, sample_meeting) -> None:
    from boardpaper.meeting.pack import pack_provenance
    from boardpaper.render.stamp import Provenance, read_provenance

    expected = Provenance.from_properties(pack_provenance(sample_meeting))
    assert expected is not None and expected.template == "council-standard"
    for name, data in sample_pack.items():
        found = read_provenance(data)
        assert found.provenance == expected, name
        assert found.problems == (), name
