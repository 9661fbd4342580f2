"""Curated tables: read them through ``datapackage.json``, check them against its Table Schemas.

Tables are read as text (every cell a ``str``, empty cells ``""``) so that nothing is lost or
reformatted on the way in; :func:`typed` converts columns per the schema when a caller wants
numbers. The layout on disk (one folder per region) and all-or-nothing writes live in
:mod:`analysis.store`; other modules read and write only through the functions here.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.csv_files import (  # noqa: F401 (re-exported: callers read and write through analysis.curated)
    CuratedDataError,
    Problem,
    field_names,
    frame_to_csv_text,
    read_csv_records,
    read_table_text,
    resource,
    write_csv_atomic,
    write_text_atomic,
)
from analysis.paths import PROJECT_ROOT


def read_datapackage(root: Path = PROJECT_ROOT) -> dict:
    """The Data Package descriptor of ``data/curated``; a syntax error is a :class:`CuratedDataError` naming the file."""
    from analysis import store

    return store.read_descriptor(root)


def load_table(name: str, root: Path = PROJECT_ROOT, descriptor: dict | None = None) -> pd.DataFrame:
    """A curated table by resource name (all regions' files as one table), columns checked against the schema."""
    from analysis import store

    return store.load_one(name, root, descriptor)


def load_tables(root: Path | None = None) -> dict[str, pd.DataFrame]:
    """Every resource of the Data Package as a text DataFrame; all problems raised together.

    Without ``root``, the project :func:`analysis.paths.current_root` names (this checkout, unless the main
    job runs the notebook on another)."""
    from analysis import store
    from analysis.paths import current_root

    return store.load(root if root is not None else current_root()).tables


def typed(frame: pd.DataFrame, descriptor: dict, name: str) -> pd.DataFrame:
    """Convert columns per the schema (integer → Int64, number → float, boolean → bool); text stays text."""
    out = frame.copy()
    for field in resource(descriptor, name)["schema"]["fields"]:
        column = field["name"]
        if column not in out.columns:
            continue
        kind = field.get("type", "string")
        if kind == "integer":
            out[column] = pd.to_numeric(out[column].replace("", None)).astype("Int64")
        elif kind == "number":
            out[column] = pd.to_numeric(out[column].replace("", None)).astype("Float64")
        elif kind == "boolean":
            out[column] = out[column].map({"true": True, "false": False, "": None})
    return out


def table_path(name: str, root: Path = PROJECT_ROOT, descriptor: dict | None = None, region: str | None = None) -> Path:
    """Where a curated table lives on disk (the one place that knows the layout of ``data/curated``).

    A per-region table has one file per region (``regions/<region_id>/<table>.csv``): give ``region``, or get
    the first region's file; :func:`table_paths` lists them all. ``region`` is ignored for a table of no region."""
    from analysis import store

    descriptor = descriptor or read_datapackage(root)
    item = resource(descriptor, name)
    parts = store.resource_parts(item)
    if region is not None and store.is_per_region(item):
        parts = [p for p in parts if store.part_region(p) == region] or [store.part_path(region, Path(parts[0]).name)]
    return Path(root) / "data" / "curated" / parts[0]


def table_paths(name: str, root: Path = PROJECT_ROOT, descriptor: dict | None = None) -> list[Path]:
    """Every file of a curated table (one per region for a per-region table)."""
    from analysis import store

    descriptor = descriptor or read_datapackage(root)
    return [Path(root) / "data" / "curated" / p for p in store.resource_parts(resource(descriptor, name))]


def write_tables(
    frames: dict[str, pd.DataFrame], root: Path = PROJECT_ROOT, descriptor: dict | None = None
) -> list[Path]:
    """Write whole curated tables by resource name; every command that changes curated data calls this.

    Rows go to their region's file (a new region gets its folder), only files whose text changes are
    rewritten, and the write is all or nothing across files, even across a crash (:mod:`analysis.store`).
    Raises :class:`analysis.store.CuratedWriteError` (a :class:`CuratedDataError`) and writes nothing when a
    file is read-only or a row has no region. Returns the files written.
    """
    from analysis import store

    return store.write(frames, root, descriptor)
