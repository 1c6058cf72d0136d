"""Pages of ``boardpaper preview``: a report (or its problems) in, one HTML page out.

A valid report becomes the template's own paper HTML (the same HTML and CSS
the PDF is laid out from), with a screen stylesheet that draws it as a sheet
of A4 and a small script that reloads the page when the report is saved. An
invalid report becomes a page listing its located problems, and nothing of the
paper, so a stale paper is never shown beside an error.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from boardpaper.errors import Problem
from boardpaper.pipeline import LoadedReport

RELOAD_SCRIPT = """
(() => {
  "use strict";
  // On each new version, fetch the page again and swap its body in place: no navigation,
  // so the scroll position stays and nothing is fetched twice. A page whose stylesheets
  // changed (the paper became a problems list, or back) is reloaded whole.
  let current = %(version)s;
  let newest = 0;
  const key = "boardpaper-preview-scroll:" + location.pathname;
  // This script puts the reader back itself; the browser's own restoring after a reload
  // comes late (once the page has loaded) and could move a reader who had scrolled since.
  // This script too runs only once the page's stylesheets have loaded: a reader who has
  // scrolled by then stays where they are.
  history.scrollRestoration = "manual";
  const saved = sessionStorage.getItem(key);
  sessionStorage.removeItem(key);
  if (saved !== null && window.scrollY === 0) window.scrollTo(0, Number(saved));
  const styles = (doc) => [...doc.head.querySelectorAll("link[rel=stylesheet], style")]
    .map((element) => element.outerHTML).join("\\n");
  const reload = () => {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  };
  const events = new EventSource("/events");
  events.onmessage = async (event) => {
    const version = Number(event.data);
    if (version === current) return;
    const asked = ++newest;
    try {
      const response = await fetch(location.pathname, { cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      if (asked !== newest) return;
      if (styles(page) !== styles(document)) { reload(); return; }
      document.title = page.title;
      // The new body lays out over the next frames (pictures, fonts): the reader's place is
      // put back once it has, since the page may be shorter for a moment and clamp it.
      const place = window.scrollY;
      document.body.replaceWith(page.body);
      window.scrollTo(0, place);
      requestAnimationFrame(() => { if (window.scrollY !== place) window.scrollTo(0, place); });
      current = version;
    } catch (error) {
      reload();
    }
  };
  events.onerror = () => {
    const status = document.getElementById("boardpaper-preview-status");
    if (status) status.textContent = "The preview has stopped: run boardpaper preview again.";
  };
})();
"""

SCREEN_CSS = """
@media screen {
  html { background: #d9d9d9; }
  body { box-sizing: border-box; max-width: 210mm; min-height: 297mm; margin: 3.5rem auto 2rem;
         padding: 20mm 18mm; background: #fff; box-shadow: 0 0 0.4rem #6f6f6f; }
  #boardpaper-preview-bar { position: fixed; top: 0; left: 0; right: 0; z-index: 10;
    margin: 0; padding: 0.4rem 1rem; background: #0b0c0c; color: #fff;
    font: 0.9rem/1.4 Arial, "Liberation Sans", sans-serif; }
  #boardpaper-preview-bar.bad { background: #d4351c; }
}
@media print { #boardpaper-preview-bar { display: none; } }
"""

PROBLEMS_CSS = """
html { background: #fff; }
body { max-width: 60rem; min-height: 0; margin: 3.5rem auto 2rem; padding: 0 1rem;
       box-shadow: none; color: #0b0c0c; font: 1rem/1.5 Arial, "Liberation Sans", sans-serif; }
h1 { font-size: 1.5rem; }
ol { padding-left: 1.5rem; }
li { margin: 0 0 1rem; }
.where { font-weight: bold; }
pre { margin: 0.25rem 0 0; padding: 0.4rem 0.6rem; background: #f3f2f1; overflow-x: auto;
      border-left: 4px solid #d4351c; white-space: pre-wrap; }
code { background: #f3f2f1; padding: 0 0.2rem; }
"""

_BODY_OPEN = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_HEAD_CLOSE = re.compile(r"</head\s*>", re.IGNORECASE)


def paper_page(
    paper_html: str, report: LoadedReport, version: int, warnings: Sequence[Problem] = ()
) -> str:
    """The template's paper HTML with the preview bar, screen sheet and reload script added."""
    message = f"Preview of {report.source_path}: it updates each time you save."
    if warnings:
        noun = "warning" if len(warnings) == 1 else "warnings"
        message += f" {len(warnings)} {noun}: " + "; ".join(str(w) for w in warnings)
    message += " Page breaks, headers and footers are shown in the PDF only."
    bar = (
        f'<p id="boardpaper-preview-bar" role="status">'
        f'<span id="boardpaper-preview-status">{html.escape(message)}</span></p>'
    )
    head_extra = f"<style>{SCREEN_CSS}</style>"
    script = f"<script>{RELOAD_SCRIPT % {'version': version}}</script>"
    page = _insert_before(_HEAD_CLOSE, paper_html, head_extra, at_start=True)
    match = _BODY_OPEN.search(page)
    at = match.end() if match else 0
    page = page[:at] + bar + page[at:]
    return page + script


def problems_page(display: str, problems: list[Problem], source: str | None, version: int) -> str:
    """A page listing every problem of one report, each with the line it is on; no paper."""
    lines = source.splitlines() if source is not None else []
    items = []
    for problem in problems:
        where = "Whole file"
        if problem.line is not None:
            where = f"Line {problem.line}" + (
                f", column {problem.column}" if problem.column is not None else ""
            )
        key = f"<code>{html.escape(problem.key)}</code>: " if problem.key else ""
        excerpt = ""
        if problem.line is not None and 0 < problem.line <= len(lines):
            excerpt = f"{problem.line:>4} | {lines[problem.line - 1]}"
            if problem.column is not None:
                excerpt += "\n" + " " * (6 + problem.column) + "^"
            excerpt = f"<pre>{html.escape(excerpt)}</pre>"
        items.append(
            f'<li><span class="where">{where}</span> {key}{html.escape(problem.message)}'
            f"<br><small>{html.escape(str(problem))}</small>{excerpt}</li>"
        )
    noun = "problem" if len(problems) == 1 else "problems"
    title = f"{len(problems)} {noun} in {display}"
    return (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title>"
        f"<style>{SCREEN_CSS}{PROBLEMS_CSS}</style></head><body>"
        '<p id="boardpaper-preview-bar" class="bad" role="status">'
        f'<span id="boardpaper-preview-status">{html.escape(title)}: the paper is shown '
        "again when they are fixed and the file is saved.</span></p>"
        f'<main><h1>{html.escape(title)}</h1><ol id="problems">{"".join(items)}</ol></main>'
        f"<script>{RELOAD_SCRIPT % {'version': version}}</script></body></html>"
    )


def index_page(entries: list[tuple[str, str, int]], version: int) -> str:
    """The list of reports being previewed: (display path, link, problem count) each."""
    rows = []
    for display, link, count in entries:
        state = "valid" if not count else f"{count} problem{'s' if count != 1 else ''}"
        rows.append(f'<li><a href="{html.escape(link)}">{html.escape(display)}</a> ({state})</li>')
    if not rows:
        rows.append("<li>No report files found: add one and save it.</li>")
    return (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        "<title>boardpaper preview</title>"
        f"<style>{SCREEN_CSS}{PROBLEMS_CSS}</style></head><body>"
        '<p id="boardpaper-preview-bar" role="status"><span id="boardpaper-preview-status">'
        "Reports in this preview; each page updates when its file is saved.</span></p>"
        f"<main><h1>Reports</h1><ul>{''.join(rows)}</ul></main>"
        f"<script>{RELOAD_SCRIPT % {'version': version}}</script></body></html>"
    )


def _insert_before(pattern: re.Pattern[str], text: str, insert: str, at_start: bool) -> str:
    match = pattern.search(text)
    if match:
        return text[: match.start()] + insert + text[match.start() :]
    return insert + text if at_start else text + insert
