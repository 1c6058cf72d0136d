"""Knowing that a rebuild would change nothing, without loading the pipeline to find out.

After a build that used the render cache, ``record`` keeps in the cache folder's
``builds/`` what that build depended on: the sha256 of every file it read (every YAML
file under the content folders, data files and appendices, every file of each template
used), the listing of the template folders a template name is looked up in, and a stamp
of everything else that decides a paper's bytes (Python and the folders its packages
are installed in, boardpaper's own files, the native libraries the process had loaded,
the font folders, the environment variables boardpaper, fontconfig and the locale
read). ``check`` compares all of that again the next time the same command runs (same
folder, paths, output folder, formats, limits and ``--templates``): when every file
holds the bytes recorded, the stamp is unchanged and every output still holds the bytes
the build wrote, the command has nothing to render, validate or write, and the recorded
warnings and output names are all it prints. Anything else, or a damaged record, means
the full build runs as usual; when only report files changed, ``check`` names them, so
the command can start laying out a changed paper before it loads the pipeline.

Inputs and outputs are compared by their bytes, not times (a ``git checkout`` of the
same bytes still replays); the environment by file times and sizes (hashing every
package would cost more than the build it saves): installing, removing or upgrading a
package changes its site-packages folder, a library upgrade the library file and
``/etc/ld.so.cache``. Only the standard library and small shared modules are imported,
so a rebuild with nothing to do costs little more than starting Python.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from boardpaper import __version__
from boardpaper.fingerprints import font_folders_state, package_files, sha256_json
from boardpaper.output import OutputError, folder_lock, remove_stale_temporaries, replace_file
from boardpaper.sources import template_folders, yaml_files

RECORD_FORMAT = 1

RECORDS_KEPT = 200
"""Most build records kept; the oldest are removed beyond this (each is a few kB)."""

_VARIABLES = ("SOURCE_DATE_EPOCH", "HOME", "PATH", "LANG", "TZ", "PYTHONPATH", "LD_LIBRARY_PATH")
_VARIABLE_PREFIXES = ("BOARDPAPER_", "FONTCONFIG_", "XDG_", "LC_")


@dataclass(frozen=True)
class BuildRequest:
    """What one ``boardpaper build`` was asked, besides the files it reads.

    ``roots``: the report files and folders as given; ``outdir``; ``formats``; ``limits``
    (``Limits`` as a plain mapping); ``template_dirs``: the ``--templates`` folders.
    """

    roots: tuple[str, ...]
    outdir: str
    formats: tuple[str, ...]
    limits: dict[str, int]
    template_dirs: tuple[str, ...]

    def key(self) -> str:
        """sha256 naming this request's record (the working folder counts: paths are
        relative to it)."""
        described = {"format": RECORD_FORMAT, "cwd": os.getcwd(), **asdict(self)}
        return sha256_json(described)

    def lookup_folders(self) -> list[str]:
        """The folders a template name is looked up in, besides the built-in ones."""
        return [str(folder) for folder in template_folders([Path(f) for f in self.template_dirs])]


@dataclass(frozen=True)
class Started:
    """What was on disk when a build began: its request, the YAML files under its content
    folders (path, where it leads) and each one's stat (to notice a save during the build)."""

    request: BuildRequest
    candidates: list[list[str]]
    stats: dict[str, list[int] | None]


@dataclass(frozen=True)
class Inputs:
    """What a build read besides the YAML files ``start`` noted.

    ``files``: absolute path -> sha256 of the bytes read (data files, appendices, template
    files); ``folders``: folders whose every file name counts too (a template's: a file added
    to it can change the paper even though the build read no such file before).
    """

    files: dict[str, str]
    folders: list[str]
    reports: list[str] = field(default_factory=list)
    """The absolute paths of the YAML files that were reports (not meeting files)."""


@dataclass(frozen=True)
class Replay:
    """A recorded build that would come out the same: what it printed."""

    warnings: list[str]
    outputs: list[str]


def start(request: BuildRequest) -> Started:
    """Note the YAML files under the request's content folders before the build reads them."""
    candidates = _candidates(request.roots)
    return Started(request, candidates, {path: _stat(path) for path, _ in candidates})


def record(
    folder: Path,
    started: Started,
    inputs: Inputs | None,
    outputs: dict[Path, bytes],
    printed_outputs: list[str],
    warnings: list[str],
) -> bool:
    """Keep what a successful build depended on and made, for ``check``.

    ``inputs``: every file besides the YAML files ``start`` noted, and the folders whose
    listings count (None: the build read something this record cannot watch, so nothing
    is kept). ``outputs``: what it wrote (path -> bytes);
    ``printed_outputs`` and ``warnings`` the lines it printed. Returns False when nothing
    was kept: no inputs, a YAML file saved while the build ran, or the cache folder not
    writable. Never raises for an unwritable folder (the build itself succeeded).
    """
    if inputs is None:
        return False
    request = started.request
    files = dict(inputs.files)
    for path, _ in started.candidates:
        if _stat(path) != started.stats[path]:
            return False  # saved while the build ran: the outputs may be of the old text
        digest = file_sha256(path)
        if digest is None:
            return False
        files[path] = digest
    libraries = _mapped_libraries()
    entry = {
        "format": RECORD_FORMAT,
        "request": asdict(request),
        "candidates": started.candidates,
        "reports": sorted(inputs.reports),
        "listings": _listings(request.lookup_folders()),
        "folders": {folder: _files_under(folder) for folder in sorted(inputs.folders)},
        "inputs": dict(sorted(files.items())),
        "libraries": libraries,
        "environment": environment_stamp(libraries),
        "outputs": [
            [str(path.resolve()), hashlib.sha256(data).hexdigest()]
            for path, data in outputs.items()
        ],
        "printed_outputs": printed_outputs,
        "warnings": warnings,
    }
    target = folder / "builds" / f"{request.key()}.json"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_file(target, json.dumps(entry, sort_keys=True).encode())
        _prune(target.parent)
    except OSError:
        return False
    return True


@dataclass(frozen=True)
class Check:
    """What the record of an earlier identical command says of the build about to run.

    ``replay``: what to print when nothing changed (None: the build must run).
    ``changed_reports``: when the only files whose bytes changed are YAML files under the
    content folders, those of them that were reports (the build will probably lay out
    each one's paper; empty when nothing or only a meeting file changed); None when there
    is no usable record or anything else changed.
    """

    replay: Replay | None = None
    changed_reports: list[str] | None = None


def check(folder: Path, request: BuildRequest) -> Check:
    """Compare what the build recorded for ``request`` with what is on disk now.

    Checking the outputs takes the output folder's lock and removes temporary files a
    killed build left, as writing them would.
    """
    record_path = folder / "builds" / f"{request.key()}.json"
    try:
        entry = json.loads(record_path.read_bytes())
        if entry.get("format") != RECORD_FORMAT or entry.get("request") != _as_json(
            asdict(request)
        ):
            return Check()
        if (
            entry["environment"] != _as_json(environment_stamp(entry["libraries"]))
            or entry["candidates"] != _candidates(request.roots)
            or entry["listings"] != _listings(request.lookup_folders())
            or any(_files_under(where) != names for where, names in entry["folders"].items())
        ):
            return Check()
        changed = [name for name, digest in entry["inputs"].items() if file_sha256(name) != digest]
        candidates = {name for name, _ in entry["candidates"]}
        if changed:
            if not set(changed) <= candidates:
                return Check()
            reports = set(entry["reports"])
            return Check(None, [name for name in changed if os.path.abspath(name) in reports])
        if not _outputs_hold(entry["outputs"]):
            return Check(None, [])
        warnings, printed = entry["warnings"], entry["printed_outputs"]
        if not all(isinstance(line, str) for line in [*warnings, *printed]):
            return Check()
        with contextlib.suppress(OSError):
            os.utime(record_path)  # recently used: pruned last
        return Check(Replay(warnings, printed), [])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, OutputError):
        return Check()


def environment_stamp(libraries: list[str]) -> dict[str, Any]:
    """Everything besides the files read that decides a paper's bytes, as file times/sizes.

    ``libraries``: the native library files to include (``_mapped_libraries`` of the
    process that built).
    """
    return {
        "boardpaper": __version__,
        "python": [sys.version, sys.executable, sys.prefix, list(sys.path)],
        "package_folders": [[entry, _stat(entry)] for entry in sys.path if entry],
        "package_files": [[path, _stat(path)] for path in package_files()],
        "libraries": [[path, _stat(path)] for path in [*libraries, "/etc/ld.so.cache"]],
        "fonts": font_folders_state(),
        # Hashed: a shared cache folder should not hold anyone's PATH or HOME.
        "variables": sha256_json(
            {
                name: value
                for name, value in os.environ.items()
                if name in _VARIABLES or name.startswith(_VARIABLE_PREFIXES)
            }
        ),
    }


def _candidates(roots: tuple[str, ...]) -> list[list[str]]:
    """Every YAML file ``pipeline.find_reports`` looks at, with where it leads."""
    return [[str(path), str(path.resolve())] for path in yaml_files([Path(r) for r in roots])]


def _listings(folders: list[str]) -> dict[str, list[str] | None]:
    """The names in each folder (None: no such folder)."""
    listings: dict[str, list[str] | None] = {}
    for folder in folders:
        try:
            listings[folder] = sorted(os.listdir(folder))
        except OSError:
            listings[folder] = None
    return listings


def _files_under(folder: str) -> list[str]:
    """Every file (and link) under ``folder``, relative to it, sorted."""
    found: list[str] = []
    for parent, folders, files in os.walk(folder):
        folders.sort()
        relative = os.path.relpath(parent, folder)
        found.extend(os.path.normpath(os.path.join(relative, name)) for name in files)
        found.extend(os.path.normpath(os.path.join(relative, name)) + "/" for name in folders)
    return sorted(found)


def _mapped_libraries() -> list[str]:
    """The shared libraries this process has loaded (Linux); empty elsewhere."""
    try:
        maps = Path("/proc/self/maps").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = set()
    for line in maps.splitlines():
        fields = line.split(maxsplit=5)  # address perms offset device inode [path]
        path = fields[5].strip() if len(fields) == 6 else ""
        if path.startswith("/") and ".so" in Path(path).name:
            found.add(path)
    return sorted(found)


def _stat(path: str) -> list[int] | None:
    """Size, modification and change times (ns) and inode of a file; None if missing."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return [status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino]


def file_sha256(path: str | Path) -> str | None:
    """sha256 of a regular file's bytes (None: missing, unreadable or not a regular file)."""
    try:
        with open(path, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                return None
            return hashlib.file_digest(stream, "sha256").hexdigest()
    except OSError:
        return None


def _outputs_hold(outputs: list[list[str]]) -> bool:
    """Whether every output is still a regular file (not a link) with the bytes written."""
    by_folder: dict[Path, list[list[str]]] = {}
    for path, digest in outputs:
        by_folder.setdefault(Path(path).parent, []).append([path, digest])
    with contextlib.ExitStack() as locks:
        for folder in sorted(by_folder):
            locks.enter_context(folder_lock(folder))
        for folder, entries in sorted(by_folder.items()):
            remove_stale_temporaries(folder, {Path(path).name for path, _ in entries})
            for path, digest in entries:
                if os.path.islink(path) or file_sha256(path) != digest:
                    return False
    return True


def _prune(folder: Path) -> None:
    """Keep the ``RECORDS_KEPT`` most recently written records."""
    records = sorted(folder.glob("*.json"), key=lambda path: path.stat().st_mtime_ns)
    for old in records[:-RECORDS_KEPT]:
        with contextlib.suppress(OSError):
            old.unlink()


def _as_json(value: Any) -> Any:
    """``value`` as it reads back from JSON (tuples become lists), to compare with a record."""
    return json.loads(json.dumps(value))
