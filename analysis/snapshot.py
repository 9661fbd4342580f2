"""One consistent state of the data for a whole build.

An import may finish while a build runs. :func:`load_state` reads every curated table and raw text
once and checks that no file changed while it read them (sha256 of each file before and after);
if one did, it reads again. Every figure of a build is then drawn from that one state.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from analysis.paths import PROJECT_ROOT


class DataChangedError(RuntimeError):
    """The curated data kept changing while it was read."""


def data_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """The files a build reads: datapackage.json, every curated table and every raw text."""
    from analysis.curated import read_datapackage, table_path

    descriptor = read_datapackage(root)
    files = [root / "data" / "curated" / "datapackage.json"]
    files += [table_path(item["name"], root, descriptor) for item in descriptor["resources"]]
    raw = root / "data" / "raw"
    files += sorted(p for p in raw.iterdir() if p.is_file()) if raw.is_dir() else []
    return files


def digest(files: list[Path]) -> dict[str, str]:
    """sha256 of each file ('' for a missing one)."""
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "" for p in files}


def load_state(root: Path = PROJECT_ROOT, attempts: int = 5) -> tuple[dict[str, pd.DataFrame], dict[str, str]]:
    """Curated tables and raw texts read from one unchanging state of ``data/``."""
    from analysis.corpus import load_texts
    from analysis.curated import load_tables

    for _ in range(attempts):
        before = digest(data_files(root))
        tables = load_tables(root)
        texts = load_texts(tables["documents"], root)
        if digest(data_files(root)) == before:
            return tables, texts
    raise DataChangedError(
        f"{root / 'data'} changed {attempts} times while it was read (an import running?); "
        "run the command again when the import has finished"
    )
