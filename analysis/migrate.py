"""``python -m analysis migrate``: bring ``data/curated`` to one folder per region, without changing a value.

Every document-level table still stored as one flat CSV (a resource whose ``path`` is a string and that has
a ``doc_id`` or ``region_id`` column, see :func:`analysis.store.region_column`) becomes one CSV per region,
``regions/<region_id>/<table>.csv``, each with the same header; its resource in ``datapackage.json`` gets the
list of those files as ``path`` (the one Table Schema stays where it was). Every region of ``regions.csv`` or
``documents.csv`` gets a file for every per-region table (header only when it has no rows yet). Whatever
columns and tables exist are carried over as they are.

The command is idempotent: run on a layout that is already per region it only adds the files of new
regions, or does nothing. It first migrates a temporary copy and checks that every logical table reads back
identical (same columns, rows and order); only then does it rewrite ``data/curated``, all or nothing.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd

from analysis import store
from analysis.curated import CuratedDataError, Problem, read_table_text


def _plan(root: Path, keep_top: tuple[str, ...]) -> tuple[dict[str, str], list[str], list[str]]:
    """(files to write, flat files to delete, what is done) for migrating ``root``."""
    descriptor = store.read_descriptor(root)
    folder = store.curated_dir(root)
    frames, delete, said = {}, [], []
    both = [
        f"{item['name']}: data/curated/{Path(item['path'][0]).name}"
        for item in descriptor["resources"]
        if store.is_per_region(item) and (folder / Path(item["path"][0]).name).is_file()
    ]
    if both:
        raise CuratedDataError(
            [
                Problem(
                    store.CURATED + store.DATAPACKAGE,
                    0,
                    "",
                    f"{b} is a flat file, but datapackage.json "
                    "already lists region files for the table; nothing written. To migrate the flat "
                    'file, restore its resource\'s flat path ("path": "<table>.csv") in '
                    "datapackage.json; otherwise delete the flat file",
                )
                for b in both
            ]
        )
    for item in descriptor["resources"]:
        if store.is_per_region(item) or item["name"] in keep_top or store.region_column(item) is None:
            continue
        flat = item["path"]
        frames[item["name"]] = read_table_text(folder / flat, store.CURATED + flat)
        item["path"] = [flat]  # a list: per region from now on (plan_files replaces it by the region files)
        delete.append(flat)
        said.append(f"{item['name']}: {flat} → {store.REGIONS_DIR}/<region_id>/{Path(flat).name}")
    plan = store.plan_files(frames, root, descriptor)
    texts = store.changed_files(plan.texts, root)
    delete = [f for f in delete if f not in texts]
    added = sorted(f for f in texts if f != store.DATAPACKAGE and f not in plan_parts(frames, plan))
    said += [f"new region file {f}" for f in added]
    return texts, delete, said


def plan_parts(frames: dict, plan: store.FilePlan) -> set[str]:
    return {label[len(store.CURATED) :] for name in frames for label, _ in plan.placement[name]}


def _same_tables(before: dict[str, pd.DataFrame], after: dict[str, pd.DataFrame]) -> list[str]:
    differences = []
    for name, frame in before.items():
        other = after.get(name)
        if other is None:
            differences.append(f"{name}: missing after the migration")
        elif list(frame.columns) != list(other.columns) or frame.values.tolist() != other.values.tolist():
            differences.append(f"{name}: rows or columns differ after the migration")
    return differences


def migrate_layout(root: Path, *, keep_top: tuple[str, ...] = ()) -> list[str]:
    """Migrate ``data/curated`` under ``root`` to the per-region layout; returns what was done (empty: nothing to do).

    Raises :class:`CuratedDataError` when the data cannot be read or the trial migration would change a table."""
    root = Path(root)
    with store.locked(root, exclusive=True):
        before = store.load(root).tables
        with tempfile.TemporaryDirectory(prefix="migrate-layout-") as temporary:
            copy = Path(temporary)
            shutil.copytree(
                store.curated_dir(root),
                store.curated_dir(copy),
                ignore=shutil.ignore_patterns(store.TRANSACTIONS_DIR, store.LOCK_FILE, "*.xlsx", "_staging"),
            )
            texts, delete, said = _plan(copy, keep_top)
            store.commit_files(texts, copy, delete=tuple(delete))
            differences = _same_tables(before, store.load(copy).tables)
        if differences:
            raise CuratedDataError(
                [
                    Problem(store.CURATED + store.DATAPACKAGE, 0, "", f"migration refused, nothing written: {d}")
                    for d in differences
                ]
            )
        texts, delete, said = _plan(root, keep_top)
        store.commit_files(texts, root, delete=tuple(delete))
        return said


def describe_layout(root: Path) -> list[str]:
    """One line per resource: where its rows are stored."""
    lines = []
    for item in store.read_descriptor(root)["resources"]:
        parts = store.resource_parts(item)
        where = f"{len(parts)} region files" if store.is_per_region(item) else parts[0]
        lines.append(f"{item['name']}: {where}")
    return lines


__all__ = ["describe_layout", "migrate_layout"]
