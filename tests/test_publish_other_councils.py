"""Another council's meetings published (issue 14's agenda and report features on the site).

Members named with their own titles, items of the meeting's own with lettered sub-items,
and the executive-report samples: grouped and right-aligned table columns, links in table
cells, several emails in a front-sheet field, a cross-reference printed as a number.
"""

from __future__ import annotations

import json

import lxml.html
import pytest

from tests.helpers import COUNCIL_SITE_FOLDERS
from tests.test_publish import assert_same_words_as_the_pdf, normal

TREASURY = "executive-2023-11-14"
HOUSING = "executive-2025-10-07"


def page_of(site, path: str):
    return lxml.html.fromstring((site / path).read_bytes())


def test_members_are_named_as_the_agenda_names_them(council_site) -> None:
    page = page_of(council_site, f"{TREASURY}/index.html")
    membership = page.xpath("//h2[text()='Membership']/following-sibling::p[1]")[0]
    assert normal(membership.text_content()) == (
        "The Worshipful the Mayor, Councillor Jo Smith (Chair), Councillor Hayley Tranter "
        "(Vice-Chair), Mayor Dave Brown, Pat Green"
    )


def test_items_of_the_meetings_own_and_their_lettered_sub_items(council_site) -> None:
    page = page_of(council_site, f"{TREASURY}/index.html")
    headings = [
        (h.tag, normal(h.text_content()))
        for h in page.xpath("//section[contains(@class, 'item')]/*[self::h3 or self::h4]")
    ]
    assert headings == [
        ("h3", "1. Opening of the meeting"),
        ("h3", "2. Apologies"),
        ("h3", "3. Petitions"),
        ("h4", "(a) Petition about parking in Preston"),
        ("h4", "(b) Petition about Torre Abbey gardens"),
        ("h3", "4. Treasury Management Mid-Year Review 2023/24"),
    ]
    sub_item = page.xpath("//section[@id='item-3a']")[0]
    assert "sub-item" in sub_item.get("class")
    assert "1,204 signatures." in sub_item.text_content()
    # An item with no text has no empty paragraph.
    assert page.xpath("//section[@id='item-1']/p") == []
    record = json.loads((council_site / TREASURY / "meeting.json").read_bytes())
    free = [item for item in record["items"] if item["kind"] == "free"]
    assert [(item["number"], item["heading"]) for item in free] == [
        ("1", "Opening of the meeting"),
        ("3", "Petitions"),
        ("3(a)", "Petition about parking in Preston"),
        ("3(b)", "Petition about Torre Abbey gardens"),
    ]
    assert all("documents" not in item and "pages" not in item for item in free)


def test_grouped_aligned_columns_and_links_in_cells(council_site) -> None:
    page = page_of(council_site, f"{TREASURY}/treasury-mid-year-review.html")
    table = page.xpath("//article//table")[0]
    header_rows = table.xpath("./thead/tr")
    assert len(header_rows) == 2
    groups = [(th.text_content(), th.get("colspan")) for th in header_rows[0].xpath("./th")]
    assert groups == [("31 March 2023", "2"), ("30 September 2023", "2")]
    assert all(th.get("scope") == "colgroup" for th in header_rows[0].xpath("./th"))
    assert [th.get("scope") for th in header_rows[1].xpath("./th")] == ["col"] * 5
    first_row = table.xpath("./tbody/tr")[0]
    link = first_row.xpath("./th[@scope='row']/a")[0]
    assert (link.text_content(), link.get("href")) == (
        "Debt Management Office",
        "https://www.dmo.gov.uk",
    )
    assert [td.get("class") for td in first_row.xpath("./td")] == ["align-right"] * 4


def test_front_sheet_links_every_email_and_cross_references_print_numbers(council_site) -> None:
    page = page_of(council_site, f"{HOUSING}/housing-allocations-policy.html")
    authors = page.xpath("//dt[text()='Report Authors']/following-sibling::dd[1]")[0]
    assert [a.get("href") for a in authors.xpath(".//a")] == [
        "mailto:sian.pritchard@exevale.gov.example",
        "mailto:ravi.menon@exevale.gov.example",
    ]
    text = normal(page.xpath("//article")[0].text_content())
    assert "The consultation (paragraph 4.2) supported the new bands." in text
    assert page.xpath("//div[@id='consultation']//span[@class='number']")[0].text.strip() == "4.2"


@pytest.mark.parametrize("stem", list(COUNCIL_SITE_FOLDERS))
def test_executive_report_pages_have_the_same_words_as_their_pdfs(council_site, stem) -> None:
    assert_same_words_as_the_pdf(council_site / COUNCIL_SITE_FOLDERS[stem], stem)
