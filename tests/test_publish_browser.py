"""The published site in headless Chromium (Debian's, via Playwright): axe-core finds no
WCAG 2.2 A/AA violation on any page type; keyboard, 200% zoom and 320px reflow work.

axe-core is vendored (tests/vendor/axe-core, pinned 4.14.1 from the npm registry) and
checked against its recorded sha256 before it is injected into each page.
"""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import pytest

from tests.helpers import ROOT, SAMPLE_SITE_FOLDER

pytestmark = pytest.mark.chromium
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = {
    "index": "index.html",
    "meeting": f"{SAMPLE_SITE_FOLDER}/index.html",
    "report": f"{SAMPLE_SITE_FOLDER}/childrens-improvement-plan.html",
    "report without tables": f"{SAMPLE_SITE_FOLDER}/social-work-recruitment.html",
}
COUNCIL_PAGES = {
    "meeting with sub-items": "executive-2023-11-14/index.html",
    "report with grouped columns": "executive-2023-11-14/treasury-mid-year-review.html",
    "executive report": "executive-2025-10-07/housing-allocations-policy.html",
}
HISTORY_PAGES = {
    "meeting with history": "board-2021-03-01/index.html",
    "earlier version": "board-2021-03-01/childrens-improvement-plan-2021-02-19.html",
    "republished report": "board-2021-03-01/childrens-improvement-plan.html",
}


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail("chromium is missing: run ./scripts/setup-system.sh --test")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def axe_source() -> str:
    data = AXE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == AXE_SHA256, "axe.min.js is not the pinned 4.14.1"
    return data.decode("utf-8")


def open_page(browser, url: str, width: int = 1280, height: int = 900):
    context = browser.new_context(viewport={"width": width, "height": height})
    # Only the site's own files: nothing from the network.
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    page = context.new_page()
    page.goto(url)
    return context, page


def run_axe(page, axe_source: str) -> dict:
    page.add_script_tag(content=axe_source)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return {
                version: result.testEngine.version,
                passes: result.passes.map(rule => rule.id),
                violations: result.violations.map(rule => ({
                    id: rule.id, impact: rule.impact, help: rule.help,
                    targets: rule.nodes.map(node => node.target.join(' ')),
                })),
            };
        }""",
        WCAG_TAGS,
    )


CHARTS_PAGE = "scrutiny-2025-11-20/quarterly-performance-q2.html"
APPENDIX_PAGES = {
    "meeting with appendices": "meeting/index.html",
    "report with appendices": "meeting/social-work-recruitment.html",
}
"""Pages of ``appendix_site``, whose Word appendix needs LibreOffice to publish."""
ALL_KINDS = [
    *PAGES,
    *HISTORY_PAGES,
    *COUNCIL_PAGES,
    "report with charts",
    *(pytest.param(kind, marks=pytest.mark.libreoffice) for kind in APPENDIX_PAGES),
]


def page_url(request, kind: str) -> str:
    if kind in PAGES:
        return (request.getfixturevalue("sample_site") / PAGES[kind]).as_uri()
    if kind in HISTORY_PAGES:
        return (request.getfixturevalue("history_site") / HISTORY_PAGES[kind]).as_uri()
    if kind in COUNCIL_PAGES:
        return (request.getfixturevalue("council_site") / COUNCIL_PAGES[kind]).as_uri()
    if kind in APPENDIX_PAGES:
        return (request.getfixturevalue("appendix_site") / APPENDIX_PAGES[kind]).as_uri()
    return (request.getfixturevalue("charts_site") / CHARTS_PAGE).as_uri()


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_axe_core_finds_no_wcag_violation(browser, request, axe_source, kind) -> None:
    context, page = open_page(browser, page_url(request, kind))
    try:
        result = run_axe(page, axe_source)
    finally:
        context.close()
    assert result["version"] == "4.14.1"
    assert result["violations"] == []
    # axe really checked the things that matter here.
    for rule in ("html-has-lang", "document-title", "color-contrast", "link-name", "list"):
        assert rule in result["passes"], rule
    if kind in ("report", "earlier version", "report with charts", "executive report"):
        assert "th-has-data-cells" in result["passes"]
    if kind == "report with charts":
        assert "image-alt" in result["passes"]


def test_axe_core_does_find_violations_on_a_broken_page(browser, tmp_path, axe_source) -> None:
    """The check above can fail: the same run flags a page without language or alt text."""
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<!DOCTYPE html><html><head><title>x</title></head><body><main>"
        '<img src="x.png"><a href="y.html"></a><p style="color:#bbb">faint</p></main></body></html>'
    )
    context, page = open_page(browser, broken.as_uri())
    try:
        result = run_axe(page, axe_source)
    finally:
        context.close()
    found = {violation["id"] for violation in result["violations"]}
    assert {"html-has-lang", "image-alt", "link-name", "color-contrast"} <= found


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_language_title_landmarks_and_one_main_heading(browser, request, kind) -> None:
    context, page = open_page(browser, page_url(request, kind))
    try:
        facts = page.evaluate(
            """() => ({
                lang: document.documentElement.lang,
                title: document.title,
                h1: [...document.querySelectorAll('h1')].map(h => h.textContent),
                banner: document.querySelectorAll('body > header').length,
                main: document.querySelectorAll('main').length,
                footer: document.querySelectorAll('body > footer').length,
                skip: document.querySelector('body > a.skip-link')?.getAttribute('href'),
                levels: [...document.querySelectorAll('main h1, main h2, main h3, main h4')]
                    .map(h => Number(h.tagName[1])),
            })"""
        )
    finally:
        context.close()
    assert facts["lang"] == "en-GB"
    assert len(facts["h1"]) == 1
    if kind == "index":
        assert facts["title"] == facts["h1"][0] == "Meetings and papers"
    elif kind.startswith("meeting"):
        day = facts["h1"][0].split(" ", 3)[-1]  # "Meeting on Monday 1 March 2021"
        assert facts["title"].endswith(f", {day} - Meetings and papers")
    elif kind == "earlier version":
        assert (
            facts["title"]
            == f"{facts['h1'][0]} (version of 19 February 2021) - Meetings and papers"
        )
    else:
        assert facts["title"] == f"{facts['h1'][0]} - Meetings and papers"
    assert (facts["banner"], facts["main"], facts["footer"]) == (1, 1, 1)
    assert facts["skip"] == "#main"
    levels = facts["levels"]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_keyboard_skip_link_then_everything_focusable_in_order_with_visible_focus(
    browser, request, kind
) -> None:
    """Tab reaches the skip link first; Enter moves to main; from there Tab visits every link
    and every scrolling table region in document order, each with the focus highlight."""
    context, page = open_page(browser, page_url(request, kind))
    try:
        page.keyboard.press("Tab")
        skip = page.evaluate(
            """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
                return {text: e.textContent, left: r.left, top: r.top, width: r.width,
                        background: getComputedStyle(e).backgroundColor}; }"""
        )
        assert skip["text"] == "Skip to main content"
        assert skip["left"] >= 0 and skip["top"] >= 0 and skip["width"] > 50  # on screen
        assert skip["background"] == "rgb(255, 221, 0)"  # the focus highlight
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        expected = page.evaluate(
            """() => [...document.querySelectorAll('main a, main [tabindex="0"], footer a')]
                .map(e => e.getAttribute('href') || e.getAttribute('aria-label'))"""
        )
        assert expected
        visited = []
        for _ in expected:
            page.keyboard.press("Tab")
            focused = page.evaluate(
                """() => { const e = document.activeElement; const style = getComputedStyle(e);
                    return [e.getAttribute('href') || e.getAttribute('aria-label'),
                            style.backgroundColor, style.boxShadow]; }"""
            )
            visited.append(focused[0])
            # Links turn yellow; a table region keeps white and gets a yellow ring.
            assert focused[1] == "rgb(255, 221, 0)" or "rgb(255, 221, 0)" in focused[2], focused
        assert visited == expected
    finally:
        context.close()


def test_report_table_scrolls_by_keyboard_inside_its_region(browser, sample_site) -> None:
    context, page = open_page(browser, (sample_site / PAGES["report"]).as_uri(), width=320)
    try:
        region = page.locator(".table-wrap").first
        region.focus()
        assert page.evaluate("document.activeElement.classList.contains('table-wrap')")
        before = region.evaluate("e => e.scrollLeft")
        page.keyboard.press("ArrowRight")
        page.keyboard.press("ArrowRight")
        page.wait_for_function("document.activeElement.scrollLeft > 0")
        assert region.evaluate("e => e.scrollLeft") > before
    finally:
        context.close()


@pytest.mark.parametrize("width", [640, 320])
@pytest.mark.parametrize("kind", ALL_KINDS)
def test_zoom_200_and_400_percent_reflow_without_sideways_scrolling(
    browser, request, kind, width
) -> None:
    """A 1280px window at 200% zoom lays out 640 CSS px; at 400%, 320 (WCAG 1.4.10)."""
    context, page = open_page(browser, page_url(request, kind), width=width)
    try:
        overflow = page.evaluate(
            """() => ({
                page: document.documentElement.scrollWidth - window.innerWidth,
                text: [...document.querySelectorAll('main p, main li, main dd, main h1, main h2')]
                    .filter(e => !e.closest('.table-wrap'))
                    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
                    .map(e => e.textContent.slice(0, 40)),
            })"""
        )
    finally:
        context.close()
    assert overflow["page"] <= 0
    assert overflow["text"] == []


def test_charts_are_shown_with_the_alt_text_of_the_model(browser, charts_site, library) -> None:
    from boardpaper.content.model import Figure
    from boardpaper.pipeline import load_report

    paper = load_report(charts_site.parent / "content" / "quarterly-performance-q2.yaml").paper
    figures = [
        block
        for part in paper.parts
        for section in part.sections
        for block in section.blocks
        if isinstance(block, Figure)
    ]
    assert figures
    context, page = open_page(browser, (charts_site / CHARTS_PAGE).as_uri(), width=320)
    try:
        shown = page.evaluate(
            """() => [...document.querySelectorAll('main figure.chart img')].map(img => ({
                alt: img.alt, caption: img.closest('figure').querySelector('figcaption')
                    .textContent, drawn: img.complete && img.naturalWidth > 0,
                fits: img.getBoundingClientRect().right <= window.innerWidth}))"""
        )
    finally:
        context.close()
    assert [(s["alt"], s["caption"]) for s in shown] == [(f.alt, f.caption) for f in figures]
    assert all(s["drawn"] and s["fits"] for s in shown), shown
