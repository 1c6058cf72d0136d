"""``boardpaper check [PATH]``: the CI command, a thin click wrapper over ``audit.check``.

Exit 0 when nothing is wrong, 1 on any problem (each printed as one located line).
"""

from __future__ import annotations

from pathlib import Path

import click

from boardpaper.audit.check import audit_built, check_project, junit_xml
from boardpaper.cli.common import templates_option, write_outputs
from boardpaper.cli.progress import progress_for, verbosity_options
from boardpaper.template.library import default_library


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--junit",
    "junit_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the results as JUnit XML to this file, for CI systems to show.",
)
@click.option(
    "--accessibility",
    is_flag=True,
    help="Audit the .pdf and .docx files already built under PATHS (e.g. build/) instead.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Reports rendered and audited at once, each in its own process [default: one per core].",
)
@verbosity_options
@templates_option
def check(
    paths: tuple[Path, ...],
    junit_path: Path | None,
    accessibility: bool,
    jobs: int | None,
    verbosity: int,
    template_dirs: tuple[Path, ...],
) -> None:
    """Validate, render and audit every report in PATHS (default: content/); lint every template.

    With --accessibility, audit built papers in PATHS (default: build/) instead.
    """
    if accessibility:
        cases = audit_built(list(paths) or [Path("build")])
        if not cases:
            raise click.UsageError("no .pdf or .docx files found to audit")
    else:
        library = default_library(list(template_dirs))
        progress = progress_for(verbosity)
        try:
            cases = check_project(
                list(paths) or [Path("content")], library, jobs=jobs, progress=progress
            )
        finally:
            progress.close()
    problems = [problem for case in cases for problem in case.problems]
    for problem in problems:
        click.echo(str(problem), err=True)
    if junit_path is not None:
        write_outputs({junit_path: junit_xml(cases).encode("utf-8")}, announce=False)
    counts: dict[str, int] = {}
    for case in cases:
        counts[case.kind] = counts.get(case.kind, 0) + 1
    checked = ", ".join(f"{n} {kind}{'s' if n != 1 else ''}" for kind, n in counts.items())
    if problems:
        click.echo(f"{len(problems)} problem(s) in {checked}", err=True)
        raise click.exceptions.Exit(1) from None
    if verbosity >= 0:
        click.echo(f"checked {checked}: no problems")
