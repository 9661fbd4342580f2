"""Shared fixtures: a temporary copy of the project's data to break on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analysis.paths import PROJECT_ROOT


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """A throw-away project root holding a copy of data/ (raw and curated)."""
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("_staging"))
    return tmp_path
