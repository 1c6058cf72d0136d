"""The authors' web page, driven in headless Chromium (Debian's, via Playwright)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from conftest import SEED_YAML

pytestmark = pytest.mark.chromium

CHROMIUM = Path("/usr/bin/chromium")
SEED = SEED_YAML.read_text(encoding="utf-8")


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


@pytest.fixture
def page(browser, service):
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    # Nothing but the local service may be contacted.
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(service.url) else route.abort()
        ),
    )
    page = context.new_page()
    page.goto(service.url + "/")
    yield page
    context.close()


def test_typing_a_mistake_lists_it_against_its_line(page):
    page.fill("#report", SEED)
    page.wait_for_selector("#status.ok")
    last_line = SEED.count("\n") + 1
    page.focus("#report")
    page.keyboard.press("Control+End")
    page.keyboard.type("bogus_field: 1")
    problem = page.locator("#problems li", has_text="bogus_field")
    problem.wait_for()
    assert problem.get_attribute("data-line") == str(last_line)
    assert f"Line {last_line}, column 1" in problem.inner_text()
    assert "unknown key" in problem.inner_text()
    assert page.locator("#status").inner_text() == "1 problem found."
    assert page.get_attribute("#report", "aria-invalid") == "true"
    assert page.is_disabled("#download-pdf")
    # A mistake earlier in the file: the problem follows the line it is on.
    page.fill("#report", SEED.replace("date: 2021-03-01", "date: 2021-13-45"))
    problem = page.locator("#problems li", has_text="not a real date")
    problem.wait_for()
    assert problem.get_attribute("data-line") == "6"
    # Its button takes the author (by keyboard) to that line in the text.
    problem.locator("button").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "report"
    assert page.locator("#cursor").inner_text() == "Line 6, column 7"


def test_valid_report_shows_a_preview_and_downloads_both_formats(page, seed_outputs):
    page.fill("#report", SEED)
    page.wait_for_selector("#status.ok")
    page.wait_for_selector("#preview:not([hidden])")
    page.wait_for_function(
        "document.querySelector('#paper-status').textContent.includes('up to date')"
    )
    preview = page.evaluate(
        """async () => {
            const src = document.querySelector('#preview').src;
            const bytes = new Uint8Array(await (await fetch(src)).arrayBuffer());
            let text = '';
            for (const b of bytes) text += String.fromCharCode(b);
            return [src, btoa(text)];
        }"""
    )
    assert preview[0].startswith("blob:")
    assert base64.b64decode(preview[1]) == seed_outputs["pdf"]
    for fmt, button in (("pdf", "#download-pdf"), ("docx", "#download-docx")):
        with page.expect_download() as info:
            page.click(button)
        download = info.value
        assert download.suggested_filename == f"children-s-improvement-plan-update.{fmt}"
        assert Path(download.path()).read_bytes() == seed_outputs[fmt]


def test_start_from_a_template_and_accessibility_basics(page):
    page.wait_for_selector("#template option[value='council-standard']", state="attached")
    # Every control has a label; keyboard alone can reach and press the starter button.
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(e => e.labels.length === 0).map(e => e.id)"""
    )
    assert unlabelled == []
    page.select_option("#template", "performance-report")
    page.focus("#template")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "use-starter":
            break
    assert page.evaluate("document.activeElement.id") == "use-starter"
    page.keyboard.press("Enter")
    page.wait_for_selector("#status.ok")
    assert "template: performance-report" in page.input_value("#report")


def test_page_works_at_200_percent_zoom(page):
    # 200% zoom of a 1280 px window lays out like a 640 px one: nothing may need sideways scrolling.
    page.set_viewport_size({"width": 640, "height": 900})
    page.fill("#report", SEED.replace("date: 2021-03-01", "date: 2021-13-45"))
    page.locator("#problems li").first.wait_for()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert page.locator("#report").bounding_box()["width"] <= 640
