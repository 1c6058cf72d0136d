"""Benchmark: where one warm seed render goes, and how the tagging pass grows with content.

    .venv/bin/python benchmarks/build.py [--repeat 5] [--scales 1,4,16]

Prints the cost of importing WeasyPrint (paid once per process); the median of N
warm runs of each stage (validate, docx, pdf) and of the PDF's parts: the HTML,
WeasyPrint's layout and its PDF writing, and boardpaper's tagging pass
(``finish_tagging``); next to them raw WeasyPrint laying out and writing the very
same HTML (a fresh font configuration, no stylesheet reuse, no tagging repair:
the floor the PDF renderer stands on). Then the seed's body repeated 1x/4x/16x:
pages, layout, and the tagging pass in total and per page (a linear pass keeps its
time per page flat). Times are CPU seconds of this process (less moved by other
processes on a loaded machine than wall time); load is printed before and after.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "content" / "childrens-improvement-plan.yaml"


def cpu_median(action: Callable[[], Any], repeat: int) -> float:
    """Median CPU seconds of ``repeat`` runs of ``action`` (after one unmeasured run)."""
    action()
    times = []
    for _ in range(repeat):
        start = time.process_time()
        action()
        times.append(time.process_time() - start)
    return statistics.median(times)


def repeat_body(html: str, times: int) -> str:
    """``html`` with its body's sections (everything after the front sheet) ``times`` over."""
    start = html.find('<section class="section">')
    end = html.rfind("</body>")
    body = html[start:end]
    return html[:start] + body * times + html[end:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scales", default="1,4,16")
    args = parser.parse_args()
    print(f"load before {os.getloadavg()[0]:.2f}")

    import pikepdf

    start = time.perf_counter()
    import weasyprint

    print(f"import weasyprint: {time.perf_counter() - start:.2f} s (once per process)")

    from boardpaper.pipeline import load_report
    from boardpaper.render.docx import render_docx
    from boardpaper.render.html import render_html
    from boardpaper.render.pdf import _load_weasyprint, html_to_pdf, render_pdf
    from boardpaper.render.stamp import provenance_of
    from boardpaper.render.tagging import finish_tagging
    from boardpaper.template.library import TemplateLibrary

    _load_weasyprint()
    library = TemplateLibrary([ROOT / "templates"])
    report = load_report(SEED, library)
    paper, template = report.paper, report.template
    html = render_html(paper, template)
    base_url = template.folder.resolve().as_uri() + "/"
    folders = tuple(link.folder for link in template.chain[1:])
    properties = provenance_of(paper, template).properties()

    def raw_layout(text: str = html) -> Any:
        return weasyprint.HTML(string=text, base_url=base_url).render(pdf_variant="pdf/ua-1")

    document = raw_layout()
    untagged = document.write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True)
    stages = {
        "validate": lambda: load_report(SEED, library),
        "docx": lambda: render_docx(paper, template),
        "pdf": lambda: render_pdf(paper, template),
        "  html": lambda: render_html(paper, template),
        "  provenance": lambda: provenance_of(paper, template).properties(),
        "  layout+write+tagging": lambda: html_to_pdf(
            html, template.folder, properties=properties, fallbacks=folders
        ),
        "  tagging pass": lambda: finish_tagging(untagged),
        "raw WeasyPrint layout": raw_layout,
        "raw WeasyPrint write": lambda: document.write_pdf(pdf_variant="pdf/ua-1"),
    }
    results = {name: cpu_median(action, args.repeat) for name, action in stages.items()}
    for name, seconds in results.items():
        print(f"{name:>24}: median {seconds:.3f} CPU-s over {args.repeat} runs")
    floor = results["raw WeasyPrint layout"] + results["raw WeasyPrint write"]
    print(
        f"pdf = {results['pdf'] / floor:.2f}x raw WeasyPrint (layout + write) on the same HTML; "
        f"docx + pdf = {(results['pdf'] + results['docx']) / floor:.2f}x"
    )

    print("tagging pass against content (the seed's body repeated):")
    first_per_page = None
    for scale in (int(part) for part in args.scales.split(",")):
        text = repeat_body(html, scale)
        data = raw_layout(text).write_pdf(pdf_variant="pdf/ua-1", custom_metadata=True)
        with pikepdf.open(io.BytesIO(data)) as pdf:
            pages = len(pdf.pages)
        layout_s = cpu_median(lambda text=text: raw_layout(text), max(1, args.repeat // 2))
        tagging_s = cpu_median(lambda data=data: finish_tagging(data), args.repeat)
        per_page = tagging_s / pages
        first_per_page = first_per_page or per_page
        print(
            f"  {scale:>3}x: {pages:>3} pages, layout {layout_s:.2f} CPU-s, tagging pass "
            f"{tagging_s:.3f} CPU-s = {per_page * 1000:.1f} ms/page "
            f"({per_page / first_per_page:.2f}x the 1x rate)"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MiB; load after {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
