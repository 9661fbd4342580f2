"""Project paths, resolved from this file so code runs from any working directory.

NOTE: this module imports nothing else from the package.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
CURATED_DIR = DATA_DIR / "curated"
DATAPACKAGE = CURATED_DIR / "datapackage.json"
FIGURES_DIR = PROJECT_ROOT / "figures"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"

# The main job runs notebooks on the project it builds, which may not be this checkout (``--root``).
ROOT_VARIABLE = "ANALYSIS_PROJECT_ROOT"
_reading_root: ContextVar[Path | None] = ContextVar("reading_root", default=None)


def current_root() -> Path:
    """The project whose data a notebook's ``load_tables()`` reads: the one :func:`reading_root` names in this
    process, else the one ``ANALYSIS_PROJECT_ROOT`` names (the main job sets it for the kernels it starts),
    else this checkout."""
    root = _reading_root.get()
    if root is not None:
        return root
    named = os.environ.get(ROOT_VARIABLE)
    return Path(named) if named else PROJECT_ROOT


@contextmanager
def reading_root(root: Path) -> Iterator[None]:
    """Within the block, :func:`current_root` is ``root``."""
    token = _reading_root.set(Path(root))
    try:
        yield
    finally:
        _reading_root.reset(token)


def data_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """Every file under ``root/data/`` that the curated tables and raw texts consist of (no workbooks, no
    staging area), sorted: what the build's data digest and the project's font subset read."""
    return sorted(
        p
        for p in (Path(root) / "data").rglob("*")
        if p.is_file() and p.suffix in {".csv", ".json", ".txt", ".md"} and "_staging" not in p.parts
    )


def package_sources() -> list[Path]:
    """The package's Python source files, sorted: its code and its labels and templates."""
    package = Path(__file__).resolve().parent
    return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)


def raw_path(raw_file: str, root: Path = PROJECT_ROOT) -> Path:
    """Resolve a manifest ``raw_file`` entry (a path under ``data/raw/``)."""
    return root / "data" / "raw" / raw_file
