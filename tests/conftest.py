"""Shared fixtures: the project's folders, the seed report, and its rendered outputs."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from boardpaper.pipeline import LoadedReport, load_report, render
from boardpaper.templates import TemplateLibrary

ROOT = Path(__file__).resolve().parents[1]
SEED_YAML = ROOT / "content" / "childrens-improvement-plan.yaml"
SEED_TEXT = (
    ROOT / "tests" / "data" / "seed-scrutiny-report.txt"
)  # ../shared/seeds/000_8b43b4386a55ec5d.txt
TEMPLATES = ROOT / "templates"


@pytest.fixture(scope="session")
def library() -> TemplateLibrary:
    return TemplateLibrary([TEMPLATES])


@pytest.fixture(scope="session")
def seed_report(library: TemplateLibrary) -> LoadedReport:
    return load_report(SEED_YAML, library)


@pytest.fixture(scope="session")
def seed_outputs(seed_report: LoadedReport) -> dict[str, bytes]:
    """The seed rendered once per test session: {"docx": bytes, "pdf": bytes}."""
    return render(seed_report)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def pdf_text(data: bytes) -> str:
    """All text of a PDF, as pdfplumber extracts it, pages joined by newlines."""
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def docx_paragraphs(data: bytes) -> list[tuple[str, str]]:
    """(style name, text) of every body paragraph of a .docx, tables excluded."""
    import docx

    document = docx.Document(io.BytesIO(data))
    return [(p.style.name, p.text) for p in document.paragraphs]


SAMPLES = {
    "cabinet-decision": ROOT / "content" / "waste-collection-contract.yaml",
    "performance-report": ROOT / "content" / "quarterly-performance-q2.yaml",
}


@pytest.fixture(scope="session")
def sample_reports(library: TemplateLibrary) -> dict[str, LoadedReport]:
    """The sample report of each template beyond council-standard, by template name."""
    return {name: load_report(path, library) for name, path in SAMPLES.items()}


@pytest.fixture(scope="session")
def sample_outputs(sample_reports: dict[str, LoadedReport]) -> dict[str, dict[str, bytes]]:
    """Each sample rendered once per session: {template name: {"docx": ..., "pdf": ...}}."""
    return {name: render(report) for name, report in sample_reports.items()}


@pytest.fixture(scope="session")
def service():
    """The HTTP service with default settings and one warm worker, on a free loopback port."""
    from boardpaper.service import ServiceConfig
    from service_support import running_server

    with running_server(ServiceConfig(workers=1, queue=4, template_dirs=[TEMPLATES])) as server:
        yield server
