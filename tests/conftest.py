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
def built_project(tmp_path_factory) -> BuiltProject:
    """The main job run once per test session (per worker), shared by every test that only reads its outputs;
    a test that edits data copies it first (:func:`copy_of_built`)."""
    from analysis.cli import main

    root = tmp_path_factory.mktemp("built")
    shutil.copytree(PROJECT_ROOT / "data", root / "data", ignore=shutil.ignore_patterns("_staging", "*.xlsx"))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["--root", str(root), "build", "--skip-notebooks"]) == 0
    return BuiltProject(root, printed.getvalue())


def copy_of_built(built: BuiltProject, target: Path) -> Path:
    """A private copy of the built project (data, outputs and the build's record of what it made)."""
    shutil.copytree(built.root, target, symlinks=True)
    return target


def pytest_collection_modifyitems(items):
    """Tests that read the built project run on one xdist worker (``--dist loadgroup``), so it is built once."""
    for item in items:
        if "built_project" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("built_project"))
