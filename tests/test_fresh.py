"""Calls in new interpreters (``render.fresh``), which join packs: results come back in
order from processes that are not forks of this one, errors come back as themselves, a
crashed worker as a message, and ``jobs`` bounds how many run at once."""

from __future__ import annotations

import os
import sys
import time
import types
from pathlib import Path

import pytest

from boardpaper.render.fresh import FreshProcesses
from tests.helpers import ROOT


def alone(folder: str, number: int) -> tuple[int, bool]:
    """Hold ``folder``/busy for a moment; whether no other call held it meanwhile."""
    busy = Path(folder) / "busy"
    try:
        busy.mkdir()
    except FileExistsError:
        return number, False
    time.sleep(0.3)
    busy.rmdir()
    return number, True


def modules_loaded() -> list[str]:
    return sorted(sys.modules)


@pytest.fixture(autouse=True)
def importable(monkeypatch) -> None:
    """The child imports the helpers below as pytest did: ``test_fresh`` from tests/."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT / "tests"))


def test_calls_run_in_new_interpreters_and_come_back_in_order(tmp_path: Path, monkeypatch) -> None:
    # A fork would have this module too.
    monkeypatch.setitem(sys.modules, "only_in_the_parent", types.ModuleType("only_in_the_parent"))
    with FreshProcesses(2, tmp_path) as runner:
        calls = [runner.submit(os.getpid, ()), runner.submit(modules_loaded, ())]
        calls += [runner.submit(int, (text,)) for text in ("1", "2", "3")]
        pid, modules = runner.result(calls[0]), runner.result(calls[1])
        assert [runner.result(call) for call in calls[2:]] == [1, 2, 3]
    assert pid != os.getpid()
    # Not a fork: what this process holds did not come along.
    assert "only_in_the_parent" not in modules and "boardpaper.render.fresh" in modules


def test_errors_come_back_as_raised(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="invalid literal"), FreshProcesses(1, tmp_path) as runner:
        runner.result(runner.submit(int, ("not a number",)))
    with (
        pytest.raises(RuntimeError, match="ended with code"),
        FreshProcesses(1, tmp_path) as runner,
    ):
        runner.result(runner.submit(os.abort, ()))


def test_one_job_runs_one_call_at_a_time(tmp_path: Path) -> None:
    for jobs, overlapped in ((1, False), (3, True)):
        folder = tmp_path / str(jobs)
        folder.mkdir()
        with FreshProcesses(jobs, folder) as runner:
            calls = [runner.submit(alone, (str(folder), number)) for number in range(3)]
            results = [runner.result(call) for call in calls]
        assert [number for number, _ in results] == [0, 1, 2]
        assert (not all(ok for _, ok in results)) == overlapped, results
