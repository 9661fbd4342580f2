"""Recalculate the curated workbook in LibreOffice (headless) and compare with analysis.compare.

Run: .venv/bin/python benchmarks/workbook_libreoffice.py [--root ROOT] [--keep DIR]

1. Export the workbook, let LibreOffice recalculate it (convert xlsx → xlsx, every formula computed
   again rather than its stored result kept: analysis.workbook.recalculation), read the computed
   comparison sheets and compare them with analysis.compare on the same tables.
2. Edit a few data cells (a kind, a theme, a value, a commitment level) with openpyxl, recalculate
   in LibreOffice again and compare with analysis.compare on the tables edited the same way.
3. Type rows at row 5,000 of targets and clauses (far below today's last row), recalculate in
   LibreOffice and compare with analysis.compare on the tables with those rows appended: every
   comparison must count them.
4. Import the LibreOffice-saved workbook (dry run: validation only, nothing written): a round trip
   through LibreOffice must change nothing.

Exits 0 when LibreOffice is not installed (and says so), 1 when any comparison differs.
Debian: apt-get install -y libreoffice-calc-nogui
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
from openpyxl.utils import get_column_letter

from analysis.curated import load_tables
from analysis.paths import PROJECT_ROOT
from analysis.workbook import export_workbook, plan_import
from analysis.workbook.formulas import (
    CHECKS_SHEET,
    MATRIX_SHEET,
    comparison_registry,
    formula_columns,
    formula_mismatches,
    grids_from_workbook,
)
from analysis.workbook.recalculation import find_libreoffice
from analysis.workbook.recalculation import recalculate as recalculate_in_libreoffice


def recalculate(path: Path, out_dir: Path) -> tuple[Path, float]:
    """``path`` recalculated in headless LibreOffice and saved in ``out_dir``; seconds taken."""
    started = time.perf_counter()
    (result,) = recalculate_in_libreoffice([path], out_dir)
    return result, time.perf_counter() - started


def derived(tables: dict[str, pd.DataFrame]) -> list[str]:
    return [*comparison_registry(tables), MATRIX_SHEET, CHECKS_SHEET]


def formula_cells(path: Path, tables: dict[str, pd.DataFrame]) -> int:
    book = openpyxl.load_workbook(path)
    return sum(1 for name in derived(tables) for row in book[name].iter_rows() for c in row if c.data_type == "f")


def append_far_below(
    path: Path, tables: dict[str, pd.DataFrame], out: Path, row: int = 5000
) -> dict[str, pd.DataFrame]:
    """Type one target and one clause at ``row`` of their sheets; return the tables with those rows appended."""
    doc = tables["documents"]["doc_id"].iloc[0]
    theme = next(t for t in tables["themes"]["theme_id"] if t != "web_furniture")
    added = {
        "targets": tables["targets"].iloc[0].to_dict()
        | {"target_id": "ROW5000-T001", "doc_id": doc, "theme_id": theme, "kind": "baseline", "indicator_group": ""},
        "clauses": tables["clauses"].iloc[0].to_dict()
        | {"doc_id": doc, "clause_id": "row5000", "theme_id": theme, "char_start": "0", "char_end": "1000"},
    }
    book = openpyxl.load_workbook(path)
    edited = {name: frame.copy() for name, frame in tables.items()}
    for name, record in added.items():
        for col, column in enumerate(tables[name].columns, start=1):
            value = record[column]
            if name == "clauses" and column in ("char_start", "char_end"):
                value = int(value)
            book[name].cell(row, col).value = value or None
        edited[name] = pd.concat([edited[name], pd.DataFrame([record])], ignore_index=True)
    book.save(out)
    return edited


def edits_for(tables: dict[str, pd.DataFrame]) -> list[tuple[str, int, str, object]]:
    """A few edits picked from the data (not by name): (table, frame index, column, new value)."""
    targets, commitments = tables["targets"], tables["commitments"]
    grouped = targets.index[targets["indicator_group"] != ""][0]
    kinds = ("target", "baseline", "achievement")
    themes = [t for t in tables["themes"]["theme_id"] if t not in ("web_furniture", targets.at[1, "theme_id"])]
    return [
        ("targets", 0, "kind", next(k for k in kinds if k != targets.at[0, "kind"])),
        ("targets", 1, "theme_id", themes[0]),
        ("targets", grouped, "value", int(Decimal(targets.at[grouped, "value"])) + 7),
        ("commitments", 0, "level", (int(commitments.at[0, "level"]) + 1) % 4),
    ]


def apply_edits(path: Path, tables: dict[str, pd.DataFrame], edits, out: Path) -> dict[str, pd.DataFrame]:
    """Write the edits into a copy of the workbook; return the tables edited the same way."""
    book = openpyxl.load_workbook(path)
    edited = {name: frame.copy() for name, frame in tables.items()}
    for table, index, column, value in edits:
        letter = get_column_letter(list(tables[table].columns).index(column) + 1)
        book[table][f"{letter}{index + 2}"] = value
        edited[table].at[index, column] = str(value)
    book.save(out)
    return edited


def report(label: str, mismatches: list[str], cells: int, seconds: float) -> bool:
    verdict = "equal to analysis.compare" if not mismatches else f"{len(mismatches)} MISMATCH(ES)"
    print(f"{label:44s} {cells:5d} formula cells, LibreOffice {seconds:5.1f} s: {verdict}")
    for line in mismatches[:20]:
        print(f"    {line}")
    return not mismatches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(PROJECT_ROOT), help="project root (default: this checkout)")
    parser.add_argument("--keep", help="keep the workbooks in this folder")
    args = parser.parse_args()
    soffice = find_libreoffice()
    if soffice is None:
        print(
            "LibreOffice is not installed (soffice not on PATH): nothing compared. "
            "Debian: apt-get install -y libreoffice-calc-nogui"
        )
        return 0
    version = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=120).stdout.strip()
    print(f"LibreOffice: {version or soffice}")
    root = Path(args.root)
    with tempfile.TemporaryDirectory(prefix="workbook-lo-") as temporary:
        work = Path(args.keep) if args.keep else Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        tables = load_tables(root)
        started = time.perf_counter()
        exported = export_workbook(root, work / "curated.xlsx")
        print(
            f"export: {exported.stat().st_size:,} bytes in {time.perf_counter() - started:.1f} s; "
            f"{sum(len(f) for f in tables.values()):,} data rows in {len(tables)} sheets"
        )
        cells = formula_cells(exported, tables)

        recalculated, seconds = recalculate(exported, work / "recalculated")
        grids = grids_from_workbook(openpyxl.load_workbook(recalculated, data_only=True), derived(tables))
        ok = report("as exported", formula_mismatches(grids, tables), cells, seconds)

        edits = edits_for(tables)
        edited_path = work / "edited.xlsx"
        edited_tables = apply_edits(exported, tables, edits, edited_path)
        recalculated_edit, seconds = recalculate(edited_path, work / "recalculated")
        grids = grids_from_workbook(openpyxl.load_workbook(recalculated_edit, data_only=True), derived(tables))
        live = formula_columns(openpyxl.load_workbook(exported))  # labels, caveats and quotes stay as exported
        ok &= report(
            f"after {len(edits)} edits in data sheets", formula_mismatches(grids, edited_tables, live), cells, seconds
        )
        stale = formula_mismatches(grids, tables, live)
        print(f"{'  (cells that differ from the unedited tables)':44s} {len(stale):5d}: the edits recalculated")
        ok &= bool(stale)

        far_path = work / "row5000.xlsx"
        far_tables = append_far_below(exported, tables, far_path)
        recalculated_far, seconds = recalculate(far_path, work / "recalculated")
        grids = grids_from_workbook(openpyxl.load_workbook(recalculated_far, data_only=True), derived(tables))
        ok &= report("after rows typed at row 5,000", formula_mismatches(grids, far_tables, live), cells, seconds)
        stale = formula_mismatches(grids, tables, live)
        print(f"{'  (cells that differ without those rows)':44s} {len(stale):5d}: the rows were counted")
        ok &= bool(stale)

        started = time.perf_counter()
        plan = plan_import(recalculated, root)
        changed = len(plan.changes) + len(plan.texts)
        print(
            f"{'import of the LibreOffice-saved workbook':44s} {changed} change(s), {len(plan.problems)} problem(s), "
            f"{len(plan.warnings)} warning(s) in {time.perf_counter() - started:.1f} s (dry run, nothing written)"
        )
        for line in (plan.problems + plan.warnings)[:20]:
            print(f"    {line}")
        ok &= not changed and not plan.problems
    print("result: PASS" if ok else "result: FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
