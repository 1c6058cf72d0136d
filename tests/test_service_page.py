"""The authors' web page, driven in headless Chromium (Debian's, via Playwright)."""

from __future__ import annotations

import base64
import os
import re
import tempfile
from pathlib import Path

import pytest

from tests.helpers import SEED_YAML
from tests.test_preview import wcag_violations

pytestmark = pytest.mark.chromium

CHROMIUM = Path("/usr/bin/chromium")
SEED = SEED_YAML.read_text(encoding="utf-8")
SCREENSHOTS = Path(os.environ.get("BOARDPAPER_SCREENSHOTS", tempfile.gettempdir()))


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


def set_report(page, text: str) -> None:
    """Replace the editor's text, as pasting it would."""
    page.wait_for_function("window.boardpaperEditor !== undefined")
    page.evaluate(
        """text => { const view = window.boardpaperEditor;
            view.dispatch({changes: {from: 0, to: view.state.doc.length, insert: text}}); }""",
        text,
    )


def editor_text(page) -> str:
    return page.evaluate("window.boardpaperEditor.state.doc.toString()")


def test_typing_a_mistake_lists_it_against_its_line(page):
    set_report(page, SEED)
    page.wait_for_selector("#status.ok")
    last_line = SEED.count("\n") + 1
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type("bogus_field: 1")
    problem = page.locator("#problems li", has_text="bogus_field")
    problem.wait_for()
    assert problem.get_attribute("data-line") == str(last_line)
    assert f"Line {last_line}, column 1" in problem.inner_text()
    assert "unknown key" in problem.inner_text()
    assert page.locator("#status").inner_text() == "1 problem found."
    assert page.get_attribute(".cm-content", "aria-invalid") == "true"
    assert page.is_disabled("#download-pdf")
    # The problem is marked in the gutter, beside its line.
    marker = page.locator(".cm-gutter-lint .cm-lint-marker-error")
    assert marker.count() == 1
    number = page.locator(".cm-lineNumbers .cm-gutterElement", has_text=str(last_line)).last
    assert abs(marker.bounding_box()["y"] - number.bounding_box()["y"]) < 4
    # A mistake earlier in the file: the problem follows the line it is on.
    set_report(page, SEED.replace("date: 2021-03-01", "date: 2021-13-45"))
    problem = page.locator("#problems li", has_text="not a real date")
    problem.wait_for()
    assert problem.get_attribute("data-line") == "6"
    # Its button takes the author (by keyboard) to that line in the text.
    problem.locator("button").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")
    assert page.locator("#cursor").inner_text() == "Line 6, column 7"


def test_a_problem_below_long_wrapped_lines_scrolls_to_its_own_line(page):
    # The old page scrolled its textarea to (line - 3) * line height; the seed's long
    # narrative lines wrap, so that showed an earlier part of the report, not the line.
    lines = SEED.split("\n")
    broken = len(lines) - 5
    lines[broken - 1] += " ]["
    set_report(page, "\n".join(lines))
    problem = page.locator("#problems li", has_text="not valid YAML")
    problem.wait_for()
    assert problem.get_attribute("data-line") == str(broken)
    page.evaluate("document.querySelector('.cm-scroller').scrollTop = 0")
    problem.locator("button").click()
    assert page.locator("#cursor").inner_text().startswith(f"Line {broken}, column ")
    shown = page.evaluate(
        """() => {
            const scroller = document.querySelector('.cm-scroller').getBoundingClientRect();
            const line = document.querySelector('.cm-activeLine').getBoundingClientRect();
            return [line.top >= scroller.top && line.bottom <= scroller.bottom,
                    document.querySelector('.cm-activeLine').textContent];
        }"""
    )
    assert shown[0], "the problem's line is not in view"
    assert shown[1] == lines[broken - 1]
    page.screenshot(path=str(SCREENSHOTS / "problem-line.png"))


def test_valid_report_shows_a_preview_and_downloads_both_formats(page, seed_outputs):
    set_report(page, SEED)
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


def test_an_invalid_edit_hides_the_old_preview(page):
    set_report(page, SEED)
    page.wait_for_function(
        "document.querySelector('#paper-status').textContent.includes('up to date')"
    )
    page.click(".cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type("bogus_field: 1")
    # At once, before the check: the preview is marked as older than the text.
    assert page.get_attribute("#preview-box", "data-state") == "stale"
    assert "out of date" in page.inner_text("#paper-status")
    page.wait_for_selector("#status.bad")
    assert page.get_attribute("#preview-box", "data-state") == "hidden"
    assert page.locator("#preview").is_hidden()
    assert "up to date" not in page.inner_text("#paper-status")
    assert "No preview while the report has problems" in page.inner_text("#paper-status")
    page.screenshot(path=str(SCREENSHOTS / "invalid.png"), full_page=True)
    assert wcag_violations(page) == []
    page.keyboard.press("Backspace")  # "bogus_field: " is still a problem (no value)
    for _ in range("bogus_field: ".__len__()):
        page.keyboard.press("Backspace")
    page.wait_for_function(
        "document.querySelector('#paper-status').textContent.includes('up to date')"
    )
    assert page.locator("#preview").is_visible()


def test_start_from_a_template_and_accessibility_basics(page):
    page.wait_for_selector("#template option[value='council-standard']", state="attached")
    # Every control has a label; keyboard alone can reach and press the starter button.
    unlabelled = page.evaluate(
        """() => [...document.querySelectorAll('input, select, textarea')]
            .filter(e => e.labels.length === 0).map(e => e.id)"""
    )
    assert unlabelled == []
    assert (
        page.evaluate(
            """() => { const c = document.querySelector('.cm-content');
            return c.getAttribute('role') === 'textbox'
                && document.getElementById(c.getAttribute('aria-labelledby')).textContent; }"""
        )
        == "Report YAML"
    )
    page.select_option("#template", "performance-report")
    page.focus("#template")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "use-starter":
            break
    assert page.evaluate("document.activeElement.id") == "use-starter"
    page.keyboard.press("Enter")
    page.wait_for_selector("#status.ok")
    assert "template: performance-report" in editor_text(page)
    # The starter is valid, but each placeholder in it is listed and marked as a warning.
    assert "placeholders from the starter are still to replace" in page.inner_text("#status")
    assert page.locator("#problems li").count() == 0
    summary = page.inner_text("#warnings-summary")
    assert re.fullmatch(r"\d+ placeholders from the starter to replace", summary)
    page.click("#warnings-summary")  # folded away until asked for
    warnings = page.locator("#warnings li.warning")
    assert warnings.count() == int(summary.split()[0]) >= 10
    assert "Committee goes here" in warnings.first.inner_text()
    warnings.first.locator("button").click()
    assert (
        page.locator("#cursor")
        .inner_text()
        .startswith(f"Line {warnings.first.get_attribute('data-line')}, column ")
    )
    assert page.locator(".cm-lint-marker-warning").count() >= 5
    assert page.locator(".cm-lint-marker-error").count() == 0
    assert wcag_violations(page) == []
    # YAML is highlighted: keys and values are drawn in different token styles.
    assert page.locator(".cm-line span[class^='ͼ']").count() > 10
    # Tab does not trap the keyboard in the editor: it moves on to the next control.
    page.focus(".cm-content")
    page.keyboard.press("Tab")
    assert not page.evaluate("document.activeElement.classList.contains('cm-content')")
    page.screenshot(path=str(SCREENSHOTS / "starter.png"), full_page=True)


def test_page_works_at_200_percent_zoom_by_keyboard(browser, service):
    # 200% zoom of a 1280 x 900 window: 640 x 450 CSS pixels, each drawn with 2 device pixels.
    context = browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    context.route(
        "**/*",
        lambda route: (
            route.continue_() if route.request.url.startswith(service.url) else route.abort()
        ),
    )
    page = context.new_page()
    page.goto(service.url + "/")
    assert page.evaluate("window.devicePixelRatio") == 2
    set_report(page, SEED.replace("date: 2021-03-01", "date: 2021-13-45"))
    page.locator("#problems li").first.wait_for()
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    assert page.locator("#report").bounding_box()["width"] <= 640
    page.locator(".cm-lint-marker-error").first.wait_for()
    assert page.locator(".cm-lint-marker-error").count() == 1
    # By keyboard alone, from the top of the page: Tab reaches the editor, leaves it again
    # (Tab is not trapped), reaches the problem's button; Enter lands on the problem's line.
    page.evaluate("document.activeElement.blur()")
    reached = []
    for _ in range(20):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate("document.activeElement.id || document.activeElement.className")
        )
        if page.evaluate("document.activeElement.closest('#problems') !== null"):
            break
    assert "report-text" in reached
    assert page.evaluate("document.activeElement.closest('#problems') !== null"), reached
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "report-text"
    assert page.locator("#cursor").inner_text() == "Line 6, column 7"
    # CodeMirror scrolls in its next measure cycle (an animation frame), so wait for it.
    page.wait_for_function(
        """() => {
            const scroller = document.querySelector('.cm-scroller').getBoundingClientRect();
            const line = document.querySelector('.cm-activeLine').getBoundingClientRect();
            return line.top >= scroller.top && line.bottom <= scroller.bottom
                && line.top >= 0 && line.bottom <= window.innerHeight;
        }""",
        timeout=10_000,
    )
    page.screenshot(path=str(SCREENSHOTS / "zoom-200.png"))
    # The template's starters can be chosen and started by keyboard at this zoom too.
    page.focus("#template")
    page.keyboard.press("ArrowDown")
    chosen = page.evaluate("document.getElementById('template').value")
    assert chosen
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "use-starter"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "name => window.boardpaperEditor.state.doc.toString().includes('template: ' + name)",
        arg=chosen,
    )
    page.wait_for_selector("#status.ok")
    # Long comment lines wrap at this width; each line number stays beside its own line
    # once the editor is on screen (off screen, the editor only estimates line heights).
    page.locator("#report").scroll_into_view_if_needed()
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    tops = page.evaluate(
        """() => {
            const top = (e) => Math.round(e.getBoundingClientRect().top);
            const numbers = [...document.querySelectorAll('.cm-lineNumbers .cm-gutterElement')]
                .filter((e) => e.getBoundingClientRect().height > 0);
            const lines = [...document.querySelectorAll('.cm-line')];
            return numbers.slice(0, 12).map((e, i) => [top(e), top(lines[i])]);
        }"""
    )
    assert len(tops) == 12 and all(number == line for number, line in tops), tops
    # The new text is shown from its first line, not where the old one was scrolled to.
    assert page.evaluate("document.querySelector('.cm-scroller').scrollTop") < 5
    # Not a full-page screenshot: that draws the editor's off-screen part as estimated.
    page.screenshot(path=str(SCREENSHOTS / "zoom-200-starter.png"))
    context.close()
