"""Shared fixtures: a temporary copy of the project's data to break on purpose, one built project and one run of
the edit loop on a copy of it (each made once per test run, whatever the number of workers)."""

from __future__ import annotations

import contextlib
import io
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from analysis.paths import PROJECT_ROOT


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throw-away project root holding a copy of data/ (raw and curated)."""
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("_staging"))
    return tmp_path


@dataclass(frozen=True)
class BuiltProject:
    """A copy of the project on which the main job ran once, as the README's command runs it (notebooks
    included); never edit it in place."""

    root: Path
    output: str  # what the main job printed


def _shared(tmp_path_factory, worker_id, name: str, make) -> dict:
    """``make(root)`` run once per test run in the run's shared temporary folder, its JSON-able record kept
    beside it. Under pytest-xdist the first worker to ask makes it while the others wait on a lock, so it is
    made once, not once per worker."""
    import fcntl
    import json

    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    root, done = shared / name, shared / f"{name}.json"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)  # what a failed attempt left
            done.write_text(json.dumps(make(root)), encoding="utf-8")
    return {"root": str(root), **json.loads(done.read_text(encoding="utf-8"))}


def _main_printing(argv: list[str]) -> str:
    """What ``python -m analysis ARGV`` prints; fails the test when it exits non-zero."""
    from analysis.cli import main

    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = main(argv)
    assert status == 0, printed.getvalue()[-3000:]
    return printed.getvalue()


@pytest.fixture(scope="session")
def built_project(tmp_path_factory, worker_id) -> BuiltProject:
    """The main job run once per test run on a copy of the data and the numbered notebooks, shared by every
    test that only reads its outputs (a test that edits data copies it first: :func:`copy_of_built`)."""
    from analysis.notebooks import notebook_paths
    from analysis.paths import NOTEBOOKS_DIR

    def make(root: Path) -> dict:
        shutil.copytree(PROJECT_ROOT / "data", root / "data", ignore=shutil.ignore_patterns("_staging", "*.xlsx"))
        (root / "notebooks").mkdir()
        for path in notebook_paths(NOTEBOOKS_DIR):
            shutil.copy2(path, root / "notebooks" / path.name)
        return {"output": _main_printing(["--root", str(root), "build"])}

    record = _shared(tmp_path_factory, worker_id, "built_project", make)
    return BuiltProject(Path(record["root"]), record["output"])


def copy_of_built(built: BuiltProject, target: Path) -> Path:
    """A private copy of the built project (data, outputs and the build's record of what it made)."""
    shutil.copytree(built.root, target, symlinks=True)
    return target


def built_outputs(root: Path) -> dict[str, str]:
    """sha256 of every output of the main job under ``root``: figures, reports (notebooks included), workbook."""
    import hashlib

    from helpers import tree_digest

    digest = {}
    for folder in ("figures", "reports"):
        digest.update({f"{folder}/{k}": v for k, v in tree_digest(root / folder).items()})
    for workbook in sorted((root / "data" / "curated").glob("*.xlsx")):
        digest[f"data/curated/{workbook.name}"] = hashlib.sha256(workbook.read_bytes()).hexdigest()
    return digest


@dataclass(frozen=True)
class EditedProject:
    """The main job's edit loop, run once on a copy of the built project: the main job again with nothing
    changed, then after a curator edits two cells of one kindergarten target (its ``notes``, which nothing
    shows, and its Chinese indicator label, which the kindergarten notebook lists and no figure draws), then once
    more with ``--force --skip-notebooks``. Outputs are recorded after each run; never edit it in place."""

    root: Path
    built: dict[str, str]  # outputs of the built project
    unchanged_output: str  # what the main job printed with nothing changed
    unchanged: dict[str, str]
    edited_output: str  # … after the edit
    edited: dict[str, str]
    forced_output: str  # … when forced to rebuild everything (notebooks left out)
    forced: dict[str, str]
    notebooks_rerun: list[str]  # files in reports/notebooks/ the run after the edit wrote again


LABEL_EDIT = "(核)"  # appended to the edited target's indicator_zh


@pytest.fixture(scope="session")
def edited_project(built_project, tmp_path_factory, worker_id) -> EditedProject:
    from helpers import edit_target

    def make(root: Path) -> dict:
        copy_of_built(built_project, root)
        argv = ["--root", str(root), "build"]
        record = {"built": built_outputs(root), "unchanged_output": _main_printing(argv)}
        record["unchanged"] = built_outputs(root)
        made = root / "reports" / "notebooks"
        stamps = {p.name: p.stat().st_mtime_ns for p in made.iterdir()}
        edit_target(root, "notes", " Checked again.")  # shown by no figure or notebook
        edit_target(root, "indicator_zh", LABEL_EDIT)  # listed by the kindergarten notebook
        record["edited_output"] = _main_printing(argv)
        record["edited"] = built_outputs(root)
        record["notebooks_rerun"] = sorted(p.name for p in made.iterdir() if p.stat().st_mtime_ns != stamps[p.name])
        record["forced_output"] = _main_printing(argv + ["--skip-notebooks", "--force"])
        record["forced"] = built_outputs(root)
        return record

    record = _shared(tmp_path_factory, worker_id, "edited_project", make)
    return EditedProject(root=Path(record.pop("root")), **record)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    """Make ``--dist loadgroup`` group again under pytest 9 (pytest-xdist issue #1386, fix pending in #1388).

    xdist marks a grouped test by appending ``@<group>`` to its node id, but writes the field pytest 8 used;
    pytest 9 keeps the id elsewhere, so the groups are silently ignored. This does what the fix does, and
    nothing once xdist has already added the suffix."""
    if not getattr(config.option, "loadgroup", False):
        return
    from _pytest.nodeid import NodeId

    for item in items:
        groups = sorted(
            {
                str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                for mark in item.iter_markers("xdist_group")
            }
        )
        if groups and "@" not in item.nodeid and hasattr(item, "_id"):
            item._id = NodeId.parse(f"{item.nodeid}@{'_'.join(groups)}")
