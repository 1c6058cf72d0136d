"""``boardpaper publish``: the sample meeting as a static site, checked as readers see it.

Pages are read as HTML, papers as text extracted from the PDF and Word files, the
feeds with an iCalendar parser and an XML parser, and the record against the
files it describes. The browser checks (axe-core, keyboard, zoom) are in
test_publish_browser.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.html
import pdfplumber
import pytest

from tests.helpers import ROOT, SAMPLE_MEETING, SAMPLE_SITE_FOLDER, pdf_text

BOARDPAPER = Path(sys.executable).parent / "boardpaper"
PUBLIC_REPORTS = ("childrens-improvement-plan", "social-work-recruitment")
COUNCIL_SITE_FOLDER = "council-2026-07-16"
"""The sample full Council meeting (issue 14), published beside the children's meeting."""
EXEMPT_REPORT = ROOT / "content" / "residential-placements-contract.yaml"


def files_of(site: Path) -> dict[str, bytes]:
    return {
        path.relative_to(site).as_posix(): path.read_bytes()
        for path in sorted(site.rglob("*"))
        if path.is_file()
    }


def normal(text: str) -> str:
    return " ".join(text.split())


def readable_text(name: str, data: bytes) -> str:
    """What a reader of the file can see, whitespace collapsed."""
    if name.endswith(".pdf"):
        return normal(pdf_text(data))
    if name.endswith(".docx"):
        import docx

        document = docx.Document(io.BytesIO(data))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return normal(" ".join([p.text for p in document.paragraphs] + cells))
    text = data.decode("utf-8")
    if name.endswith(".html"):
        text = " ".join(lxml.html.fromstring(data).itertext()) + " " + text
    if name.endswith(".ics"):
        text = text.replace("\r\n ", "").replace("\\,", ",").replace("\\;", ";")
    return normal(text)


def test_the_site_has_every_page_paper_and_feed(sample_site: Path) -> None:
    files = files_of(sample_site)
    folder = SAMPLE_SITE_FOLDER
    expected = {
        "index.html",
        "site.css",
        "meetings.ics",
        "papers.atom",
        "manifest.json",
        f"{folder}/index.html",
        f"{folder}/meeting.json",
        f"{folder}/agenda.pdf",
        f"{folder}/agenda.docx",
        f"{folder}/public-pack.pdf",
    } | {f"{folder}/{stem}.{ext}" for stem in PUBLIC_REPORTS for ext in ("html", "pdf", "docx")}
    council = COUNCIL_SITE_FOLDER
    expected |= {
        f"{council}/{name}"
        for name in ("index.html", "meeting.json", "agenda.pdf", "agenda.docx", "public-pack.pdf")
    } | {f"{council}/pay-policy-statement-2026.{ext}" for ext in ("html", "pdf", "docx")}
    # The report's public appendix, as its own PDF: the file as attached.
    appendix = f"{council}/pay-policy-statement-2026.appendix-1.pdf"
    expected.add(appendix)
    assert set(files) == expected
    attached = ROOT / "content" / "pay-policy-statement-2026-appendix-a.pdf"
    assert files[appendix] == attached.read_bytes()


def test_exempt_report_and_members_packs_never_reach_the_site(sample_site, library) -> None:
    """No file of the site holds any sentence of the exempt report beyond what the public
    agenda says about it (its title and description), nor a members' pack."""
    from boardpaper.pipeline import load_report

    exempt = load_report(EXEMPT_REPORT, library).paper
    public = [load_report(ROOT / "content" / f"{s}.yaml", library).paper for s in PUBLIC_REPORTS]
    public_text = normal(" ".join(text for paper in public for text in _model_texts(paper)))
    exempt_texts = [
        normal(text)
        for text in _model_texts(exempt)
        if len(text.split()) >= 4 and normal(text) not in public_text
    ]
    assert len(exempt_texts) >= 5, exempt_texts  # the check below must have something to find
    # The public agenda names the exempt item (its title) and describes it (its purpose).
    agenda_says = normal(
        exempt.title + " "
        "This report asks the Board to scrutinise the proposed award of a four-year contract "
        "for local residential placements before the Cabinet decision on 16 March 2021."
    )
    exempt_texts = [text for text in exempt_texts if text not in agenda_says]
    files = files_of(sample_site)
    for name, data in files.items():
        readable = readable_text(name, data)
        for text in exempt_texts:
            # Any six words running in the exempt report's own order would be a leak.
            words = text.split()
            for start in range(max(1, len(words) - 5)):
                window = " ".join(words[start : start + 6])
                if window in public_text or window in agenda_says:
                    continue
                assert window not in readable, f"{name} holds exempt text: {window!r}"
        assert "NOT FOR PUBLICATION" not in readable, name
        assert "Members' copy" not in readable, name
    assert not any("members" in name for name in files)
    assert not any("residential" in name for name in files)


def _model_texts(paper) -> list[str]:
    from boardpaper.content.model import ListBlock, NumberedParagraph, Paragraph, Table

    texts: list[str] = [field.text for field in paper.front_sheet]

    def walk(block) -> None:
        if isinstance(block, Paragraph):
            texts.append(block.text)
        elif isinstance(block, NumberedParagraph):
            for child in block.blocks:
                walk(child)
        elif isinstance(block, ListBlock):
            for item in block.items:
                for child in item.blocks:
                    walk(child)
        elif isinstance(block, Table):
            texts.extend(" ".join(cell.text for cell in row) for row in block.rows)

    for part in paper.parts:
        for section in part.sections:
            for block in section.blocks:
                walk(block)
    return texts


@pytest.mark.parametrize("stem", PUBLIC_REPORTS)
def test_report_page_has_the_same_words_and_numbers_as_the_pdf(sample_site, stem) -> None:
    assert_same_words_as_the_pdf(sample_site / SAMPLE_SITE_FOLDER, stem)


def assert_same_words_as_the_pdf(folder: Path, stem: str) -> None:
    """The report's page says what its PDF says: same words, same blocks, real tables."""
    page = lxml.html.fromstring((folder / f"{stem}.html").read_bytes())
    article = page.xpath("//article")[0]
    for element in article.xpath(".//aside | .//*[contains(@class, 'visually-hidden')]"):
        element.drop_tree()
    # The PDF's body: each page without its running header and "Page N of M" footer.
    with pdfplumber.open(folder / f"{stem}.pdf") as pdf:
        body = "\n".join(
            p.crop((0, 71, p.width, p.height - 62)).extract_text() or "" for p in pdf.pages
        )
    html_words = Counter(re.findall(r"\w+", " ".join(article.itertext())))
    pdf_words = Counter(re.findall(r"\w+", body))
    assert html_words - pdf_words == Counter()
    # The PDF has more only where a long table repeats its header row on the next page.
    headers = Counter(
        word
        for table in article.xpath(".//table")
        for th in table.xpath("./thead//th")
        for word in re.findall(r"\w+", th.text_content())
    )
    assert pdf_words - html_words <= headers
    # Every heading, paragraph and list item reads the same, in the same words.
    flat = normal(body)
    blocks = article.xpath(".//h1 | .//h2 | .//h3 | .//p | .//li | .//dd")
    texts = [normal("".join(b.itertext())) for b in blocks if not b.xpath("ancestor::table")]
    assert len(texts) > 20
    assert [text for text in texts if text not in flat] == []
    # Tables are real tables: a header row of column headers and a row header per row.
    for table in article.xpath(".//table"):
        assert table.xpath("./thead/tr/th[@scope='col']")
        for row in table.xpath("./tbody/tr"):
            assert row.xpath("./th[@scope='row']"), lxml.html.tostring(row)
    assert page.xpath("//h1")[0].text_content() == page.xpath("//title")[0].text.split(" - ")[0]


def test_report_files_are_the_papers_boardpaper_build_makes(sample_site, library) -> None:
    from boardpaper.pipeline import load_report, render

    folder = sample_site / SAMPLE_SITE_FOLDER
    for stem in PUBLIC_REPORTS:
        built = render(load_report(ROOT / "content" / f"{stem}.yaml", library))
        assert (folder / f"{stem}.pdf").read_bytes() == built["pdf"]
        assert (folder / f"{stem}.docx").read_bytes() == built["docx"]


def test_public_pack_is_the_one_boardpaper_pack_makes(sample_site, sample_pack) -> None:
    folder = sample_site / SAMPLE_SITE_FOLDER
    for name in ("agenda.pdf", "agenda.docx", "public-pack.pdf"):
        assert (folder / name).read_bytes() == sample_pack[name], name


def test_meeting_record_describes_every_file_and_the_pages_in_the_pack(sample_site) -> None:
    folder = sample_site / SAMPLE_SITE_FOLDER
    record = json.loads((folder / "meeting.json").read_text(encoding="utf-8"))
    assert record["committee"] == "Children and Young People's Overview and Scrutiny Board"
    assert (record["date"], record["published"]) == ("2021-03-01", "2021-02-19")
    on_disk = {
        path.relative_to(folder).as_posix()
        for path in folder.rglob("*")
        if path.is_file() and path.name != "meeting.json"
    }
    assert {entry["path"] for entry in record["files"]} == on_disk
    for entry in record["files"]:
        data = (folder / entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest(), entry["path"]
        assert entry["bytes"] == len(data)
    items = {item["number"]: item for item in record["items"]}
    assert [items[n]["kind"] for n in sorted(items, key=int)] == [
        "procedural",
        "procedural",
        "procedural",
        "report",
        "report",
        "procedural",
        "report",
    ]
    # The page ranges are those the agenda prints, and the pages hold the reports.
    agenda = normal(pdf_text((folder / "agenda.pdf").read_bytes()))
    with pdfplumber.open(folder / "public-pack.pdf") as pack:
        pages = [page.extract_text() or "" for page in pack.pages]
    for number in ("4", "5", "7"):
        first, last = items[number]["pages"]["first"], items[number]["pages"]["last"]
        printed = f"(Page {first})" if first == last else f"(Pages {first} - {last})"
        assert printed in agenda
        assert f"Page {first} of {len(pages)}" in pages[first - 1]
    assert items["4"]["heading"] in normal(pages[items["4"]["pages"]["first"] - 1])
    exempt = items["7"]
    assert exempt["exempt"] is True and exempt["exempt_paragraph"] == 3
    assert exempt["documents"] == []
    assert "paragraph 3 of Schedule 12A" in exempt["notes"][0]
    report = items["4"]
    assert report["published"] == "2021-02-19"
    assert [d["format"] for d in report["documents"]] == ["html", "pdf", "docx"]
    with pdfplumber.open(folder / "childrens-improvement-plan.pdf") as paper:
        assert report["documents"][1]["pages"] == len(paper.pages)
    assert report["pages"]["last"] - report["pages"]["first"] + 1 == len(paper.pages)


def test_meeting_page_lists_the_agenda_with_each_papers_files(sample_site) -> None:
    folder = sample_site / SAMPLE_SITE_FOLDER
    page = lxml.html.fromstring((folder / "index.html").read_bytes())
    item = page.get_element_by_id("item-4")
    hrefs = [a.get("href") for a in item.xpath(".//a")]
    assert hrefs == [
        "childrens-improvement-plan.html",
        "childrens-improvement-plan.pdf",
        "childrens-improvement-plan.docx",
    ]
    record = json.loads((folder / "meeting.json").read_text(encoding="utf-8"))
    pages = next(i["pages"] for i in record["items"] if i["number"] == "4")
    assert f"Pages {pages['first']} - {pages['last']} of the public document pack." in normal(
        item.text_content()
    )
    exempt = page.get_element_by_id("item-7")
    assert exempt.xpath(".//a") == []
    assert "paragraph 3 of Schedule 12A to the Local Government Act 1972" in normal(
        exempt.text_content()
    )
    history = normal(page.xpath("//ul[@class='history']")[0].text_content())
    assert history == (
        "19 February 2021: Agenda and public document pack published, with 2 reports "
        "(1 exempt report not published)."
    )


def test_every_link_in_the_site_leads_somewhere(sample_site: Path) -> None:
    for path in sample_site.rglob("*.html"):
        page = lxml.html.fromstring(path.read_bytes())
        ids = set(page.xpath("//@id"))
        for href in page.xpath("//a/@href | //link/@href"):
            parts = urlsplit(href)
            if parts.scheme in ("mailto", "https", "http"):
                continue
            if not parts.path:
                assert parts.fragment in ids, f"{path}: #{parts.fragment}"
                continue
            target = (path.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{path}: {href}"
            assert sample_site.resolve() in target.parents


def test_icalendar_feed_has_the_meeting_at_its_local_time(sample_site: Path) -> None:
    import icalendar

    calendar = icalendar.Calendar.from_ical((sample_site / "meetings.ics").read_bytes())
    events = {str(event["uid"]): event for event in calendar.walk("VEVENT")}
    assert sorted(events) == [
        f"{SAMPLE_SITE_FOLDER}@torbay.gov.uk",
        f"{COUNCIL_SITE_FOLDER}@torbay.gov.uk",
    ]
    # 5.30 pm on 16 July 2026 in the UK is 16:30 UTC (British Summer Time).
    council = events[f"{COUNCIL_SITE_FOLDER}@torbay.gov.uk"]
    assert council.decoded("dtstart") == dt.datetime(2026, 7, 16, 16, 30, tzinfo=dt.UTC)
    event = events[f"{SAMPLE_SITE_FOLDER}@torbay.gov.uk"]
    assert str(event["summary"]) == "Children and Young People's Overview and Scrutiny Board"
    # 5.30 pm on 1 March 2021 in the UK is 17:30 GMT (UTC+0).
    assert event.decoded("dtstart") == dt.datetime(2021, 3, 1, 17, 30, tzinfo=dt.UTC)
    assert event.decoded("dtstamp") == dt.datetime(2021, 2, 19, tzinfo=dt.UTC)
    assert str(event["location"]).startswith("Meadow Room, Town Hall")
    assert str(event["uid"]) == f"{SAMPLE_SITE_FOLDER}@torbay.gov.uk"
    assert f"{SAMPLE_SITE_FOLDER}/index.html" in str(event["description"])


@pytest.mark.parametrize(
    ("day", "time", "expected"),
    [
        (dt.date(2021, 3, 1), "5.30 pm", dt.datetime(2021, 3, 1, 17, 30, tzinfo=dt.UTC)),
        (dt.date(2026, 6, 2), "5.30 pm", dt.datetime(2026, 6, 2, 16, 30, tzinfo=dt.UTC)),
        (dt.date(2026, 6, 2), "10am", dt.datetime(2026, 6, 2, 9, 0, tzinfo=dt.UTC)),
        (dt.date(2026, 6, 2), "12 p.m.", dt.datetime(2026, 6, 2, 11, 0, tzinfo=dt.UTC)),
        (dt.date(2026, 1, 5), "14:00", dt.datetime(2026, 1, 5, 14, 0, tzinfo=dt.UTC)),
        (dt.date(2026, 1, 5), "After the Cabinet meeting", None),
        (dt.date(2026, 1, 5), "5", None),
        (dt.date(2026, 1, 5), "13 pm", None),
    ],
)
def test_meeting_start_reads_the_time_as_written_in_uk_time(day, time, expected) -> None:
    from boardpaper.publish.feeds import meeting_start

    assert meeting_start(day, time) == expected


def test_atom_feed_lists_the_published_papers_newest_first(sample_site: Path) -> None:
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring((sample_site / "papers.atom").read_bytes())
    assert feed.findtext(f"{atom}updated") == "2026-07-08T00:00:00Z"
    all_entries = feed.findall(f"{atom}entry")
    # Newest first: the full Council meeting's report and agenda, then the children's meeting.
    assert [entry.findtext(f"{atom}updated") for entry in all_entries] == [
        "2026-07-08T00:00:00Z"
    ] * 2 + ["2021-02-19T00:00:00Z"] * 3
    assert all_entries[0].findtext(f"{atom}title") == (
        "Pay Policy Statement 2026/27 (Council, 16 July 2026)"
    )
    entries = all_entries[2:]
    titles = [entry.findtext(f"{atom}title") for entry in entries]
    assert len(titles) == 3
    assert any(title.startswith("Children's Improvement Plan Update") for title in titles)
    assert any(title.startswith("Agenda: ") for title in titles)
    assert not any("Residential" in title for title in titles)
    ids = [entry.findtext(f"{atom}id") for entry in entries]
    assert len(set(ids)) == 3 and all(i.startswith("tag:torbay.gov.uk,2021-02-19:") for i in ids)
    for entry in entries:
        for link in entry.findall(f"{atom}link"):
            assert (sample_site / link.get("href")).is_file()


def test_base_url_makes_feed_links_absolute(tmp_path: Path) -> None:
    site = tmp_path / "site"
    completed = subprocess.run(
        [
            *(str(BOARDPAPER), "publish", str(SAMPLE_MEETING), "-o", str(site)),
            *("--base-url", "https://example.gov.uk/meetings", "--title", "Torbay meetings"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    atom = (site / "papers.atom").read_text(encoding="utf-8")
    assert "<id>https://example.gov.uk/meetings/papers.atom</id>" in atom
    assert 'href="https://example.gov.uk/meetings/' in atom
    assert "URL:https://example.gov.uk/meetings/" in (site / "meetings.ics").read_text()
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "<title>Torbay meetings</title>" in index
    meeting = (site / SAMPLE_SITE_FOLDER / "index.html").read_text(encoding="utf-8")
    assert "1 March 2021 - Torbay meetings</title>" in meeting


def test_publishing_again_removes_what_is_no_longer_public(tmp_path: Path) -> None:
    """A paper made exempt (or a meeting dropped) after an earlier publish into the same
    folder leaves nothing of it behind; a file publish never wrote is kept and named."""
    import shutil

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    meeting = content / "meetings" / f"{SAMPLE_SITE_FOLDER}.yaml"
    dropped = content / "meetings" / "dropped-meeting.yaml"
    shutil.copy(meeting, dropped)

    def publish() -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            [str(BOARDPAPER), "publish", "content", "-o", "site"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert completed.returncode == 0, completed.stderr
        return completed

    publish()
    site = tmp_path / "site"
    assert (site / SAMPLE_SITE_FOLDER / "social-work-recruitment.pdf").exists()
    assert (site / "dropped-meeting" / "index.html").exists()
    (site / ".htaccess").write_text("Options -Indexes\n")
    dropped.unlink()
    text = meeting.read_text(encoding="utf-8")
    presenter = "    presenter: Head of Workforce Development\n"
    assert text.count(presenter) == 1
    meeting.write_text(
        text.replace(presenter, presenter + "    exempt: yes\n    exempt_paragraph: 1\n"),
        encoding="utf-8",
    )
    completed = publish()
    names = set(files_of(site))
    assert not any("social-work-recruitment" in name for name in names), names
    assert not (site / "dropped-meeting").exists()
    assert "removed site/dropped-meeting/index.html (published before, not now)" in (
        completed.stdout
    )
    assert ".htaccess" in names
    assert "warning: site/.htaccess is not part of the site" in completed.stderr
    checked = subprocess.run(
        [str(BOARDPAPER), "verify", "site"], cwd=tmp_path, capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_verify_rebuilds_the_site_and_names_a_changed_file(sample_site, tmp_path) -> None:
    verified = subprocess.run(
        [str(BOARDPAPER), "verify", str(sample_site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert re.search(r"all \d+ outputs identical", verified.stdout)
    assert f"identical   {sample_site}/{SAMPLE_SITE_FOLDER}/meeting.json" in verified.stdout
    # A copy of the site with one page edited after publishing.
    copy = tmp_path / "copy"
    for name, data in files_of(sample_site).items():
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        (copy / name).write_bytes(data)
    page = copy / SAMPLE_SITE_FOLDER / "childrens-improvement-plan.html"
    page.write_bytes(page.read_bytes().replace(b"98.15%", b"99.15%"))
    changed = subprocess.run(
        [str(BOARDPAPER), "verify", str(copy)], cwd=ROOT, capture_output=True, text=True
    )
    assert changed.returncode == 1
    assert f"different   {page}: the file was changed after the build" in changed.stdout


@pytest.mark.faketime
def test_the_site_is_byte_identical_when_published_again_differently(sample_site, tmp_path):
    """A second publish in another process, clock a year ahead, other time zone, locale and
    hash seed, into another folder: every file has the same bytes."""
    again = tmp_path / "elsewhere" / "site"
    scrubbed = ("TZ", "LANG", "LANGUAGE", "PYTHONHASHSEED", "SOURCE_DATE_EPOCH", "FAKETIME")
    env = {k: v for k, v in os.environ.items() if k not in scrubbed and not k.startswith("LC_")}
    env.update(TZ="Pacific/Kiritimati", LANG="C.UTF-8", LC_ALL="C.UTF-8", PYTHONHASHSEED="99")
    ahead = (dt.datetime.now() + dt.timedelta(days=366)).strftime("%Y-%m-%d %H:%M:%S")
    completed = subprocess.run(
        ["faketime", ahead, str(BOARDPAPER), "publish", "content", "-o", str(again), "-j", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    first, second = files_of(sample_site), files_of(again)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


def test_site_manifest_records_the_data_files_charts_are_drawn_from(charts_site) -> None:
    manifest = json.loads((charts_site / "manifest.json").read_text(encoding="utf-8"))
    data = {entry["path"]: entry for entry in manifest["inputs"] if entry["role"] == "data"}
    assert set(data) == {"content/kpis-q2.xlsx", "content/customer-and-staff-q2.csv"}
    for path, entry in data.items():
        digest = hashlib.sha256((charts_site.parent / path).read_bytes()).hexdigest()
        assert entry["sha256"] == digest
        assert entry["report"] == "content/quarterly-performance-q2.yaml"
