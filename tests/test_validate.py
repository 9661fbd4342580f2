"""Validation against deliberately broken copies of the curated tables.

Each test breaks one thing, asserts the message names file, line and column, and asserts that
validation changed no file.
"""

from __future__ import annotations

import csv
from pathlib import Path

from helpers import tree_digest

from analysis.curated import table_path, table_paths
from analysis.validate import validate_project


def read_rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def write_rows(path: Path, rows: list[dict], fieldnames: list[str] | None = None) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=fieldnames or list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def curated_file(root: Path, table: str) -> Path:
    """The file holding a table's first rows (its first region's file when the table is per region)."""
    return table_path(table.removesuffix(".csv"), root)


def file_of_row(root: Path, table: str, column: str, value: str) -> tuple[str, int]:
    """(file relative to data/curated, row index in that file) of the first row with ``column == value``."""
    for path in table_paths(table, root):
        rows = read_rows(path)
        for index, row in enumerate(rows):
            if row[column] == value:
                return path.relative_to(root / "data" / "curated").as_posix(), index
    raise AssertionError(f"no row of {table} has {column} = {value!r}")


def edit_cell(root: Path, table: str, row_index: int, column: str, value: str) -> None:
    path = (
        curated_file(root, table) if table.endswith(".csv") and "/" not in table else root / "data" / "curated" / table
    )
    rows = read_rows(path)
    rows[row_index][column] = value
    write_rows(path, rows)


def problems_after(root: Path) -> list[str]:
    before = tree_digest(root / "data")
    problems = [str(p) for p in validate_project(root)]
    assert tree_digest(root / "data") == before, "validation must not write under data/"
    return problems


def test_the_curated_data_is_valid():
    assert validate_project() == []


def test_wrong_offset_is_reported_with_where_the_quote_really_is(project_copy):
    rows = read_rows(curated_file(project_copy, "targets"))
    start = int(rows[3]["char_start"])
    edit_cell(project_copy, "targets.csv", 3, "char_start", str(start + 1))
    edit_cell(project_copy, "targets.csv", 3, "char_end", str(int(rows[3]["char_end"]) + 1))
    problems = problems_after(project_copy)
    assert any("targets.csv, line 5, column 'char_start'" in p and f"it occurs at {start}:" in p for p in problems), (
        problems
    )


def test_quote_not_in_text_is_reported(project_copy):
    edit_cell(project_copy, "targets.csv", 0, "quote", "这句话不在原文里4个")
    edit_cell(project_copy, "targets.csv", 0, "number_text", "4个")
    problems = problems_after(project_copy)
    assert any("targets.csv, line 2, column 'quote': quote not found in the raw text" in p for p in problems), problems


def test_value_disagreeing_with_the_quote_is_reported(project_copy):
    file, index = file_of_row(project_copy, "targets", "number_text", "370名")
    edit_cell(project_copy, file, index, "value", "37")
    problems = problems_after(project_copy)
    assert any(f"{file}, line {index + 2}, column 'value'" in p and "reads as 370" in p for p in problems), problems


def test_unit_disagreeing_with_the_quote_is_reported(project_copy):
    file, index = file_of_row(project_copy, "targets", "number_text", "370名")
    edit_cell(project_copy, file, index, "unit", "%")
    assert any("column 'unit'" in p and "'名'" in p for p in problems_after(project_copy))


def test_money_must_keep_its_written_unit(project_copy):
    file, index = file_of_row(project_copy, "targets", "number_text", "3000万元")
    edit_cell(project_copy, file, index, "unit_original", "")
    assert any(
        f"{file}, line {index + 2}, column 'unit_original'" in p and "'万元'" in p for p in problems_after(project_copy)
    )


def test_unknown_theme_is_reported(project_copy):
    edit_cell(project_copy, "targets.csv", 2, "theme_id", "space_programme")
    problems = problems_after(project_copy)
    assert any("targets.csv, line 4, column 'theme_id'" in p and "space_programme" in p for p in problems), problems


def test_a_table_found_clean_is_checked_again_when_a_table_its_foreign_keys_point_to_changes(project_copy):
    assert problems_after(project_copy) == []  # every table found clean, so each may be skipped while unchanged
    used = read_rows(curated_file(project_copy, "targets"))[0]["theme_id"]
    themes = curated_file(project_copy, "themes")
    write_rows(themes, [row for row in read_rows(themes) if row["theme_id"] != used])  # targets.csv is unchanged
    problems = problems_after(project_copy)
    assert any("targets.csv" in p and "column 'theme_id'" in p and used in p for p in problems), problems


def test_duplicate_id_is_reported(project_copy):
    rows = read_rows(curated_file(project_copy, "targets"))
    edit_cell(project_copy, "targets.csv", 1, "target_id", rows[0]["target_id"])
    problems = problems_after(project_copy)
    assert any("targets.csv, line 3, column 'target_id'" in p and "unique" in p.lower() for p in problems), problems


def test_missing_column_is_reported(project_copy):
    path = curated_file(project_copy, "targets")
    rows = read_rows(path)
    for row in rows:
        del row["quote"]
    write_rows(path, rows)
    problems = problems_after(project_copy)
    label = path.relative_to(project_copy).as_posix()
    assert f"{label}, line 1, column 'quote': required column is missing from the header" in problems


def test_non_utf8_file_is_reported_as_gbk(project_copy):
    path = curated_file(project_copy, "regions")
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    problems = problems_after(project_copy)
    assert len(problems) == 1
    assert problems[0].startswith("data/curated/regions.csv: not valid UTF-8 at byte")
    assert "GBK" in problems[0]


def test_byte_order_mark_is_refused(project_copy):
    path = curated_file(project_copy, "themes")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert any("themes.csv" in p and "byte-order mark" in p for p in problems_after(project_copy))


def test_truncated_row_is_reported(project_copy):
    path = curated_file(project_copy, "regions")
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = lines[2][:20] + "\n"
    path.write_text("".join(lines), encoding="utf-8")
    problems = problems_after(project_copy)
    assert any(p.startswith("data/curated/regions.csv, line 3:") and "truncated" in p for p in problems), problems


def test_changed_raw_file_fails_the_hash_check(project_copy):
    path = project_copy / "data/raw/hailing_2023_work_points.txt"
    path.write_bytes(path.read_bytes().replace(b"92%", b"93%"))
    problems = [str(p) for p in validate_project(project_copy)]
    assert any("documents.csv, line 3, column 'sha256'" in p and "has changed" in p for p in problems), problems


def test_gap_between_clauses_is_reported(project_copy):
    rows = read_rows(curated_file(project_copy, "clauses"))
    edit_cell(project_copy, "clauses.csv", 5, "char_start", str(int(rows[5]["char_start"]) + 3))
    assert any("clauses.csv, line 7, column 'char_start': gap" in p for p in problems_after(project_copy))


def test_number_missing_from_the_closed_world_is_reported(project_copy):
    file, _ = file_of_row(project_copy, "targets", "number_text", "370名")
    path = project_copy / "data" / "curated" / file
    rows = read_rows(path)
    dropped = next(r for r in rows if r["number_text"] == "370名")
    write_rows(path, [r for r in rows if r is not dropped])
    problems = problems_after(project_copy)
    assert any("number '370名'" in p and "neither in targets.csv nor in excluded_numbers.csv" in p for p in problems), (
        problems
    )


def test_missing_commitment_level_is_reported(project_copy):
    path = curated_file(project_copy, "commitments")
    rows = read_rows(path)
    write_rows(path, rows[1:])
    first = rows[0]
    assert any(
        f"no commitment level for {first['doc_id']} × {first['theme_id']}" in p for p in problems_after(project_copy)
    )


def test_an_error_of_the_package_as_a_whole_fails_validation_instead_of_passing_silently(project_copy):
    """Frictionless checks no table when the package itself is wrong; that must never read as 'valid'."""
    import json

    path = project_copy / "data" / "curated" / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][-1].pop("profile", None)  # no longer a tabular resource in a tabular package
    path.write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    problems = problems_after(project_copy)
    assert any(p.startswith("data/curated/datapackage.json") and "tabular-data-resource" in p for p in problems), (
        problems
    )


def test_data_validated_clean_once_is_checked_in_full_again_after_an_edit(project_copy):
    assert problems_after(project_copy) == []  # Frictionless found these bytes valid: a repeat may skip its check
    assert problems_after(project_copy) == []
    edit_cell(project_copy, "targets.csv", 2, "theme_id", "space_programme")
    problems = problems_after(project_copy)
    assert any("targets.csv, line 4, column 'theme_id'" in p and "space_programme" in p for p in problems), problems
