"""Workbook imports lose nothing: a stale workbook never reverts newer edits, a huge file is refused fast,
and the messages say what to do (issue 11, items 1, 8 and 13)."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from analysis.cli import main
from analysis.curated import load_tables, table_path, write_tables
from analysis.workbook import (
    MAX_CELLS,
    MAX_ROWS,
    WorkbookError,
    apply_import,
    export_workbook,
    import_workbook,
    plan_import,
)
from analysis.workbook.state import STATE_SHEET


def set_cell(path: Path, table: str, key_column: str, key: str, column: str, value: str) -> None:
    book = openpyxl.load_workbook(path)
    sheet = book[table]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[header.index(key_column)].value == key:
            row[header.index(column)].value = value
            row[header.index(column)].data_type = "s"
            break
    else:
        raise LookupError(key)
    book.save(path)


def notes(root: Path, target_id: str) -> str:
    targets = load_tables(root)["targets"]
    return targets.loc[targets["target_id"] == target_id, "notes"].iloc[0]


def test_two_workbooks_exported_together_and_imported_in_turn_keep_both_edits(project_copy, capsys):
    targets = load_tables(project_copy)["targets"]
    first, second = targets["target_id"].iloc[0], targets["target_id"].iloc[1]
    w1 = export_workbook(project_copy, project_copy / "w1.xlsx")
    w2 = export_workbook(project_copy, project_copy / "w2.xlsx")
    set_cell(w1, "targets", "target_id", first, "notes", "edited in W1")
    set_cell(w2, "targets", "target_id", second, "notes", "edited in W2")
    assert main(["--root", str(project_copy), "workbook", "import", str(w1)]) == 0
    assert main(["--root", str(project_copy), "workbook", "import", str(w2)]) == 0
    out = capsys.readouterr().out
    assert f"kept 1 row(s) changed in data/curated since this workbook was exported: targets {first}" in out
    assert notes(project_copy, first) == "edited in W1" and notes(project_copy, second) == "edited in W2"


def test_a_row_edited_in_the_workbook_and_since_on_disk_is_a_named_conflict_and_nothing_is_written(project_copy, capfd):
    target = load_tables(project_copy)["targets"]["target_id"].iloc[0]
    w1 = export_workbook(project_copy, project_copy / "w1.xlsx")
    w2 = export_workbook(project_copy, project_copy / "w2.xlsx")
    set_cell(w1, "targets", "target_id", target, "notes", "first version")
    set_cell(w2, "targets", "target_id", target, "notes", "second version")
    assert import_workbook(w1, project_copy).problems == []
    before = table_path("targets", project_copy).read_bytes()
    assert main(["--root", str(project_copy), "workbook", "import", str(w2)]) == 1
    err = capfd.readouterr().err
    assert f"conflict: targets {target}: changed in this workbook (notes) and, differently, in data/curated" in err
    assert "Export a fresh workbook (python -m analysis workbook export)" in err
    assert table_path("targets", project_copy).read_bytes() == before and notes(project_copy, target) == "first version"


def test_a_row_deleted_on_disk_since_the_export_stays_deleted_and_rows_added_on_both_sides_are_kept(project_copy):
    tables = load_tables(project_copy)
    path = export_workbook(project_copy, project_copy / "w.xlsx")
    second = tables["reading_codes"]
    gone = second.iloc[3]
    write_tables({"reading_codes": second.drop(index=3).reset_index(drop=True)}, project_copy)
    set_cell(path, "targets", "target_id", tables["targets"]["target_id"].iloc[2], "notes", "workbook edit")
    plan = import_workbook(path, project_copy)
    assert plan.problems == []
    after = load_tables(project_copy)["reading_codes"]
    assert not (after[list(gone.index)] == gone.values).all(axis=1).any()
    assert len(after) == len(second) - 1
    assert notes(project_copy, tables["targets"]["target_id"].iloc[2]) == "workbook edit"


def test_a_workbook_without_its_export_record_is_refused_with_what_to_do(project_copy):
    path = export_workbook(project_copy, project_copy / "w.xlsx")
    book = openpyxl.load_workbook(path)
    del book[STATE_SHEET]
    book.save(path)
    with pytest.raises(WorkbookError, match="no record of the data it was exported from.*Export a fresh workbook"):
        plan_import(path, project_copy)


def test_a_table_changed_while_the_import_was_checked_is_refused_with_a_message_that_says_rerun_merges(project_copy):
    target = load_tables(project_copy)["targets"]["target_id"].iloc[0]
    path = export_workbook(project_copy, project_copy / "w.xlsx")
    set_cell(path, "targets", "target_id", target, "notes", "mine")
    plan = plan_import(path, project_copy)
    targets = load_tables(project_copy)["targets"]
    targets.loc[1, "notes"] = "saved by someone else meanwhile"
    write_tables({"targets": targets}, project_copy)
    before = table_path("targets", project_copy).read_bytes()
    with pytest.raises(
        WorkbookError,
        match="'targets' in data/curated changed while this import was being checked.*"
        "nothing written.*Run the same import again: it keeps the newer rows",
    ):
        apply_import(plan, project_copy)
    assert table_path("targets", project_copy).read_bytes() == before


def test_import_of_a_folder_says_it_is_a_folder(project_copy, capsys):
    assert main(["--root", str(project_copy), "workbook", "import", str(project_copy / "data")]) == 1
    assert "is a folder, not a workbook file" in capsys.readouterr().err


def _huge(exported: Path, out: Path, sheet_xml_chunks, sheet: str = "xl/worksheets/sheet2.xml") -> Path:
    """A copy of the workbook whose one sheet part is replaced by streamed XML (small on disk)."""
    with zipfile.ZipFile(exported) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dest:
        for info in source.infolist():
            if info.filename == sheet:
                entry = zipfile.ZipInfo(sheet)
                entry.compress_type = zipfile.ZIP_DEFLATED
                with dest.open(entry, "w", force_zip64=True) as stream:
                    for chunk in sheet_xml_chunks():
                        stream.write(chunk)
            else:
                dest.writestr(info, source.read(info.filename))
    return out


def test_a_workbook_that_unpacks_to_200_mb_of_sheet_xml_is_refused_quickly(project_copy, tmp_path):
    exported = export_workbook(project_copy, tmp_path / "w.xlsx")
    row = b'<row r="1">' + b'<c r="A1" t="s"><v>0</v></c>' * 100 + b"</row>"

    def chunks():
        yield b'<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>'
        block = row * 1000
        for _ in range(200 * 2**20 // len(block)):
            yield block
        yield b"</sheetData></worksheet>"

    path = _huge(exported, tmp_path / "huge.xlsx", chunks)
    assert path.stat().st_size < 2 * 2**20  # small on disk
    started = time.perf_counter()
    with pytest.raises(WorkbookError, match=r"unpacks to 20[0-9] MB, more than the 100 MB.*refused before reading it"):
        plan_import(path, project_copy)
    assert time.perf_counter() - started < 5


def test_a_workbook_with_millions_of_cells_is_refused_before_parsing(project_copy, tmp_path):
    exported = export_workbook(project_copy, tmp_path / "w.xlsx")
    cells = MAX_CELLS + 1000

    def chunks():
        yield b'<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>'
        per_row = 50
        for r in range(1, cells // per_row + 1):
            yield f'<row r="{r}">'.encode() + b'<c t="s"><v>0</v></c>' * per_row + b"</row>"
        yield b"</sheetData></worksheet>"

    path = _huge(exported, tmp_path / "cells.xlsx", chunks)
    started = time.perf_counter()
    with pytest.raises(WorkbookError, match=f"more than {MAX_CELLS:,} cells.*refused before reading it"):
        plan_import(path, project_copy)
    assert time.perf_counter() - started < 10

    def rows():
        yield b'<?xml version="1.0" encoding="UTF-8"?><worksheet><sheetData>'
        for r in range(1, MAX_ROWS + 10):
            yield f'<row r="{r}"/>'.encode()
        yield b"</sheetData></worksheet>"

    path = _huge(exported, tmp_path / "rows.xlsx", rows)
    with pytest.raises(WorkbookError, match=f"more than {MAX_ROWS:,} rows"):
        plan_import(path, project_copy)
