"""Publication dates and history: republished papers keep their earlier version listed with
the reason; late items arrive in a supplementary agenda; feeds and the record say when."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import lxml.html
import pytest

from boardpaper.errors import ContentError
from tests.helpers import HISTORY_MEETING, make_history_content, pdf_text

FOLDER = "board-2021-03-01"
BOARDPAPER = Path(sys.executable).parent / "boardpaper"


def normal(text: str) -> str:
    return " ".join(text.split())


def load(tmp_path: Path, meeting: str = HISTORY_MEETING):
    from boardpaper.meeting.load import load_meeting

    content = make_history_content(tmp_path, meeting)
    return load_meeting(content / "meetings" / f"{FOLDER}.yaml")


def test_loaded_item_knows_its_earlier_version_and_when_it_was_replaced(tmp_path) -> None:
    meeting = load(tmp_path)
    item = meeting.items[1]
    assert item.published == dt.date(2021, 2, 24)
    (version,) = item.earlier_versions
    assert (version.published, version.replaced) == (dt.date(2021, 2, 19), dt.date(2021, 2, 24))
    assert version.reason.startswith("The re-referral rate for November 2020")
    assert "32.5%" in version.report.paper.source and "32.5%" not in item.report.paper.source


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("    published: 2021-02-24\n    earlier_versions:", "    earlier_versions:"),
            "items[1].published: an item with earlier_versions needs its own 'published'",
        ),
        (
            ("        published: 2021-02-19\n", "        published: 2021-02-26\n"),
            "items[1].earlier_versions[0].published: must be before the item's own 'published'",
        ),
        (
            ("        published: 2021-02-19\n", "        published: 2021-02-18\n"),
            "items[1].earlier_versions[0].published: is before the agenda's publication date",
        ),
        (
            ("        reason: The re-referral", "        reasons: The re-referral"),
            "items[1].earlier_versions[0].reasons: unknown key",
        ),
        (
            ("archive/childrens-improvement-plan-2021-02-19.yaml", "archive/missing.yaml"),
            "items[1].earlier_versions[0].report: no report file '../archive/missing.yaml'",
        ),
    ],
)
def test_mistakes_in_earlier_versions_are_located(tmp_path, change, message) -> None:
    old, new = change
    assert old in HISTORY_MEETING
    with pytest.raises(ContentError) as caught:
        load(tmp_path, HISTORY_MEETING.replace(old, new))
    lines = [str(problem) for problem in caught.value.problems]
    assert any(message in line for line in lines), lines
    assert all(line.startswith("content/meetings/") or "/content/" in line for line in lines)


def test_deadline_counts_from_the_first_version(tmp_path) -> None:
    """The current version (24 February, 2 clear days) is a republication: the paper met the
    deadline when first published on 19 February, so the meeting loads."""
    meeting = load(tmp_path)
    assert meeting.items[1].published == dt.date(2021, 2, 24)
    # Without the earlier version, 24 February is too late.
    plain = HISTORY_MEETING.replace(
        HISTORY_MEETING[
            HISTORY_MEETING.index("    earlier_versions:") : HISTORY_MEETING.index(
                "  - report: ../social"
            )
        ],
        "",
    )
    with pytest.raises(ContentError) as caught:
        load(tmp_path / "plain", plain)
    assert any("2 clear working days" in str(p) for p in caught.value.problems)


def test_site_keeps_the_earlier_version_with_the_reason(history_site: Path) -> None:
    folder = history_site / FOLDER
    earlier = folder / "childrens-improvement-plan-2021-02-19"
    for ext in ("html", "pdf", "docx"):
        assert earlier.with_suffix(f".{ext}").is_file()
    assert "32.5%" in pdf_text(earlier.with_suffix(".pdf").read_bytes())
    assert "23.5%" in pdf_text((folder / "childrens-improvement-plan.pdf").read_bytes())
    page = lxml.html.fromstring((folder / "index.html").read_bytes())
    item = normal(page.get_element_by_id("item-2").text_content())
    assert (
        "Published 19 February 2021, replaced 24 February 2021: The re-referral rate for "
        "November 2020 was corrected from 32.5% to 23.5%." in item
    )
    old_page = lxml.html.fromstring(earlier.with_suffix(".html").read_bytes())
    note = normal(" ".join(old_page.xpath("//p[@class='note']")[0].itertext()))
    assert note.startswith(
        "This is an earlier version, published 19 February 2021 and replaced on 24 February 2021"
    )
    assert old_page.xpath("//p[@class='note']/a/@href") == ["childrens-improvement-plan.html"]
    assert "(version of 19 February 2021)" in old_page.xpath("//title")[0].text
    current = lxml.html.fromstring((folder / "childrens-improvement-plan.html").read_bytes())
    assert "Republished 24 February 2021" in normal(current.text_content())


def test_history_lists_every_publication_in_date_order(history_site: Path) -> None:
    page = lxml.html.fromstring((history_site / FOLDER / "index.html").read_bytes())
    events = [normal(li.text_content()) for li in page.xpath("//ul[@class='history']/li")]
    assert events == [
        "19 February 2021: Agenda and public document pack published, with 1 report "
        "(1 exempt report not published).",
        "24 February 2021: Item 2 (Children's Improvement Plan Update) republished: The "
        "re-referral rate for November 2020 was corrected from 32.5% to 23.5%. The version "
        "published 19 February 2021 stays listed.",
        "25 February 2021: Supplementary agenda published with late item 3 (Social Work "
        "Recruitment and Retention): The vacancy figures were confirmed after the agenda was "
        "published.",
    ]


def test_record_and_feeds_carry_publication_dates(history_site: Path) -> None:
    folder = history_site / FOLDER
    record = json.loads((folder / "meeting.json").read_text(encoding="utf-8"))
    assert record["supplement_published"] == "2021-02-25"
    items = {item["number"]: item for item in record["items"]}
    assert items["2"]["published"] == "2021-02-24"
    (version,) = items["2"]["earlier_versions"]
    assert (version["published"], version["replaced"]) == ("2021-02-19", "2021-02-24")
    for document in version["documents"]:
        data = (folder / document["path"]).read_bytes()
        assert document["sha256"] == hashlib.sha256(data).hexdigest()
    assert items["3"]["late"] is True and items["3"]["pack"] == "supplement-pack.pdf"
    assert items["3"]["pages"]["first"] >= 2  # after the supplementary agenda
    assert {d["path"] for d in record["documents"]} >= {
        "supplementary-agenda.pdf",
        "supplement-pack.pdf",
    }
    dates = {d["path"]: d["published"] for d in record["documents"]}
    assert dates["agenda.pdf"] == "2021-02-19"
    assert dates["public-pack.pdf"] == "2021-02-24"  # issued again with the corrected paper
    assert dates["supplement-pack.pdf"] == "2021-02-25"
    assert not (folder / "members-supplement-pack.pdf").exists()
    # Atom: the paper was first published on 19 February and updated on 24 February.
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring((history_site / "papers.atom").read_bytes())
    assert feed.findtext(f"{atom}updated") == "2021-02-25T00:00:00Z"
    entry = next(
        e for e in feed.findall(f"{atom}entry") if "Improvement" in e.findtext(f"{atom}title")
    )
    assert entry.findtext(f"{atom}published") == "2021-02-19T00:00:00Z"
    assert entry.findtext(f"{atom}updated") == "2021-02-24T00:00:00Z"
    # iCalendar: stamped with the latest publication, one revision per later publication.
    import icalendar

    (event,) = icalendar.Calendar.from_ical((history_site / "meetings.ics").read_bytes()).walk(
        "VEVENT"
    )
    assert event.decoded("dtstamp") == dt.datetime(2021, 2, 25, tzinfo=dt.UTC)
    assert event["sequence"] == 2


def test_verify_rebuilds_the_earlier_versions_too(history_site: Path) -> None:
    verified = subprocess.run(
        [str(BOARDPAPER), "verify", "site"],
        cwd=history_site.parent,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert f"identical   site/{FOLDER}/childrens-improvement-plan-2021-02-19.pdf" in (
        verified.stdout
    )
    manifest = json.loads((history_site / "manifest.json").read_text(encoding="utf-8"))
    assert "content/archive/childrens-improvement-plan-2021-02-19.yaml" in {
        entry["path"] for entry in manifest["inputs"]
    }
