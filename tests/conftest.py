"""Shared fixtures: a temporary copy of the project's data to break on purpose, and one built project."""

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
    """A copy of the project on which the main job ran once (notebooks left out); never edit it in place."""

    root: Path
    output: str  # what the main job printed


@pytest.fixture(scope="session")
def built_project(tmp_path_factory, worker_id) -> BuiltProject:
    """The main job run once per test run, shared by every test that only reads its outputs (a test that edits
    data copies it first: :func:`copy_of_built`). Under pytest-xdist the first worker builds it in the run's
    shared temporary folder while the others wait on a lock, so it is built once, not once per worker."""
    import fcntl
    import json

    from analysis.cli import main

    shared = tmp_path_factory.getbasetemp() if worker_id == "master" else tmp_path_factory.getbasetemp().parent
    root, done = shared / "built_project", shared / "built_project.json"
    with open(shared / "built_project.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not done.exists():
            shutil.copytree(PROJECT_ROOT / "data", root / "data", ignore=shutil.ignore_patterns("_staging", "*.xlsx"))
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                assert main(["--root", str(root), "build", "--skip-notebooks"]) == 0
            done.write_text(json.dumps({"output": printed.getvalue()}), encoding="utf-8")
    return BuiltProject(root, json.loads(done.read_text(encoding="utf-8"))["output"])


def copy_of_built(built: BuiltProject, target: Path) -> Path:
    """A private copy of the built project (data, outputs and the build's record of what it made)."""
    shutil.copytree(built.root, target, symlinks=True)
    return target


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
