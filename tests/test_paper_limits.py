"""Reports whose rendering would not finish in bounded time are refused before rendering,
with one line saying which limit and by how much; the limits are options like the others."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from boardpaper.cli.main import cli
from boardpaper.errors import ContentError
from boardpaper.load.yaml_nodes import Limits
from boardpaper.pipeline import parse_report
from tests.untrusted import MINIMAL, table_report

INTRO = "      - An introduction.\n"


def many_items(count: int) -> str:
    return MINIMAL.replace(INTRO, "".join(f"      - Item {i}.\n" for i in range(count)))


def test_forty_thousand_items_are_refused_quickly(library) -> None:
    text = many_items(40_000)
    assert len(text.encode()) < 1_000_000
    started = time.monotonic()
    with pytest.raises(ContentError) as caught:
        parse_report(text, "big.yaml", library)
    took = time.monotonic() - started
    [problem] = caught.value.problems
    assert "40,0" in problem.message and "5,000" in problem.message, problem
    assert took < 60, f"refusing took {took:.0f} s"


def test_list_items_inside_one_text_count_too(library) -> None:
    markdown = "        - p\n" * 6_000
    text = MINIMAL.replace(INTRO, "      - |\n" + markdown)
    with pytest.raises(ContentError, match="limit is 5,000"):
        parse_report(text, "list.yaml", library)


def test_a_report_under_the_limit_passes_and_the_limit_can_be_raised(library) -> None:
    parse_report(many_items(300), "ok.yaml", library)
    with pytest.raises(ContentError):
        parse_report(many_items(300), "ok.yaml", library, Limits(max_blocks=100))


def test_table_rows_are_limited_across_all_tables(library) -> None:
    one = table_report(1_500)
    table = one.split("tables:\n", 1)[1]
    text = one.replace(INTRO, INTRO + "      - table: big2\n") + table.replace("  big:", "  big2:")
    with pytest.raises(ContentError, match=r"3,00[0-9] rows together; the limit is 2,500"):
        parse_report(text, "tables.yaml", library)


def test_the_limits_are_cli_options(tmp_path: Path, runner) -> None:
    report = tmp_path / "r.yaml"
    report.write_text(many_items(50), encoding="utf-8")
    result = runner.invoke(cli, ["validate", "--max-blocks", "20", str(report)])
    assert result.exit_code == 1
    assert "limit is 20" in result.output
    result = runner.invoke(cli, ["validate", "--max-total-table-rows", "10", str(report)])
    assert result.exit_code == 0, result.output
