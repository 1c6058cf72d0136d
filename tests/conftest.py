"""Shared fixtures: the project's folders, the seed report, and its rendered outputs."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from boardpaper.pipeline import LoadedReport, load_report, render
from boardpaper.template.library import TemplateLibrary
from tests import helpers
from tests.helpers import (
    CHARTS_MEETING,
    ROOT,
    SAMPLE_MEETING,
    SAMPLES,
    SEED_YAML,
    TEMPLATES,
    make_appendix_content,
    make_council_content,
    make_history_content,
)


@pytest.fixture(autouse=True)
def _record_markers(request: pytest.FixtureRequest) -> None:
    """Tell helpers which markers the running test has (see ``convert_with_libreoffice``)."""
    helpers.CURRENT_TEST_MARKERS = {marker.name for marker in request.node.iter_markers()}


@pytest.fixture(scope="session", autouse=True)
def render_cache_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every build in the tests (and their subprocesses) caches into one temporary folder."""
    folder = tmp_path_factory.mktemp("render-cache")
    previous = os.environ.get("BOARDPAPER_CACHE_DIR")
    os.environ["BOARDPAPER_CACHE_DIR"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("BOARDPAPER_CACHE_DIR", None)
    else:
        os.environ["BOARDPAPER_CACHE_DIR"] = previous


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


@pytest.fixture(scope="session")
def sample_meeting(library: TemplateLibrary):
    from boardpaper.meeting.load import load_meeting

    return load_meeting(SAMPLE_MEETING, library)


@pytest.fixture(scope="session")
def sample_pack(sample_meeting) -> dict[str, bytes]:
    """The sample meeting's agenda and packs, built once per test session."""
    from boardpaper.meeting.pack import build_pack

    return build_pack(sample_meeting)


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
    from boardpaper.service.config import ServiceConfig
    from service_support import running_server

    with running_server(ServiceConfig(workers=1, queue=4, template_dirs=[TEMPLATES])) as server:
        yield server


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample content published once per session (``boardpaper publish content``, run
    from the repository's root in its own process, as a user would); returns SITE."""
    import subprocess
    import sys

    site = tmp_path_factory.mktemp("published") / "site"
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "boardpaper"), "publish", "content", "-o", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    return site


@pytest.fixture(scope="session")
def history_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site where a paper was republished and a late item added; returns SITE (the
    content folder is SITE/../content, and publish ran from SITE/..)."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("history")
    make_history_content(folder)
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "boardpaper"), "publish", "content", "-o", "site"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    return folder / "site"


@pytest.fixture(scope="session")
def charts_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The performance sample (indicator tables and charts from its spreadsheets) published
    in a meeting of its own; returns SITE."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("charts")
    content = folder / "content"
    (content / "meetings").mkdir(parents=True)
    for name in ("quarterly-performance-q2.yaml", "kpis-q2.xlsx", "customer-and-staff-q2.csv"):
        shutil.copy(ROOT / "content" / name, content / name)
    (content / "meetings" / "scrutiny-2025-11-20.yaml").write_text(CHARTS_MEETING, "utf-8")
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "boardpaper"), "publish", "content", "-o", "site"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    return folder / "site"


@pytest.fixture(scope="session")
def council_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another council's two meetings (members' own titles, items of the meeting's own,
    the executive-report samples) published; returns SITE."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("council")
    make_council_content(folder)
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "boardpaper"), "publish", "content", "-o", "site"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    return folder / "site"


@pytest.fixture(scope="session")
def appendix_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A meeting whose report has a Word appendix, an exempt appendix and a PDF appendix,
    published (``make_appendix_content``); returns SITE. Needs LibreOffice."""
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("appendices")
    make_appendix_content(folder)
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "boardpaper"), "publish", "content", "-o", "site"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    return folder / "site"
