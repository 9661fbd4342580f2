"""Project paths, resolved from this file so code runs from any working directory.

NOTE: this module imports nothing else from the package.
"""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
CURATED_DIR = DATA_DIR / "curated"
DATAPACKAGE = CURATED_DIR / "datapackage.json"
FIGURES_DIR = PROJECT_ROOT / "figures"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"


def raw_path(raw_file: str, root: Path = PROJECT_ROOT) -> Path:
    """Resolve a manifest ``raw_file`` entry (a path under ``data/raw/``)."""
    return root / "data" / "raw" / raw_file
