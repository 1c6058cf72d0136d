"""``boardpaper inspect FILE`` and ``boardpaper verify OUTDIR``: provenance for people and CI.

inspect: prints what a paper says made it (boardpaper version, template and
its hash, content hash, dates). verify: rebuilds a build folder's papers in
memory from the recorded inputs and says, file by file, whether the bytes
are identical; exit 1 on any difference, 2 when OUTDIR has no manifest.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import click

from boardpaper.render.stamp import PROPERTY_NAMES, read_provenance

_LABELS = {
    "boardpaper_version": "boardpaper version",
    "template": "template",
    "template_sha256": "template sha256",
    "content_sha256": "content sha256",
    "data_sha256": "data files sha256",
}


@click.command("inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the provenance as JSON.")
def inspect_command(files: tuple[str, ...], as_json: bool) -> None:
    """Print the provenance recorded inside each PDF or Word paper in FILES.

    Exit 1 if a file has no boardpaper provenance (or its PDF Info and XMP disagree).
    """
    results = []
    failed = False
    for name in files:
        try:
            found = read_provenance(Path(name).read_bytes())
        except ValueError as error:
            click.echo(f"{name}: {error}", err=True)
            failed = True
            continue
        failed = failed or found.provenance is None or bool(found.problems)
        results.append((name, found))
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "file": name,
                        "format": found.format,
                        "provenance": asdict(found.provenance) if found.provenance else None,
                        "metadata": found.metadata,
                        "problems": list(found.problems),
                    }
                    for name, found in results
                ],
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for name, found in results:
            click.echo(f"{name} ({found.format.upper()})")
            if found.provenance is None:
                click.echo("  no boardpaper provenance: " + ", ".join(PROPERTY_NAMES.values()))
            else:
                for field, value in asdict(found.provenance).items():
                    if not value:
                        continue
                    click.echo(f"  {_LABELS[field] + ':':<20} {value}")
            for key, value in found.metadata.items():
                click.echo(f"  {key + ':':<20} {value}")
            for problem in found.problems:
                click.echo(f"  problem: {problem}")
    if failed:
        raise click.exceptions.Exit(1) from None


@click.command("verify")
@click.argument("outdir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--root",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder the build ran in (inputs are relative to it). Default: the current folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the verdicts as JSON.")
def verify_command(outdir: Path, root: Path | None, as_json: bool) -> None:
    """Rebuild OUTDIR's papers in memory from the inputs in its manifest.json; compare bytes.

    Each output is reported identical, different (with why), missing or not
    rebuilt. Exit 0 when all are identical, 1 otherwise, 2 if OUTDIR has no
    readable manifest.
    """
    from boardpaper.load.convert import set_conversion_cache
    from boardpaper.provenance.verify import verify_build

    set_conversion_cache(None, enabled=False)  # Word appendices are converted again too
    try:
        result = verify_build(outdir, root)
    except ValueError as error:
        click.echo(f"error: {error}", err=True)
        raise click.exceptions.Exit(2) from None
    if as_json:
        click.echo(
            json.dumps(
                {
                    "ok": result.ok,
                    "outputs": [asdict(check) for check in result.outputs],
                    "inputs": [asdict(check) for check in result.inputs],
                    "environment_changes": result.environment_changes,
                    "unrecorded": result.unrecorded,
                    "problems": [problem.as_dict() for problem in result.problems],
                },
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        for check in result.inputs:
            if check.status != "unchanged":
                click.echo(f"input {check.status}: {check.path}: {check.detail}")
        for change in result.environment_changes:
            click.echo(f"environment changed: {change}")
        for check in result.outputs:
            where = (outdir / check.path).as_posix()
            detail = f": {check.detail}" if check.detail and check.status != "identical" else ""
            click.echo(f"{check.status:<11} {where}{detail}")
        for name in result.unrecorded:
            click.echo(f"not in the manifest, not verified: {(outdir / name).as_posix()}")
        bad = [check for check in result.outputs if check.status != "identical"]
        total = len(result.outputs)
        if bad:
            click.echo(f"{len(bad)} of {total} outputs not identical", err=True)
        else:
            click.echo(f"all {total} outputs identical")
    if not result.ok:
        raise click.exceptions.Exit(1) from None
