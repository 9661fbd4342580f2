"""The workbook's comparison sheets as a researcher reads them: numbers without recalculation, numbers that
LibreOffice recalculates to the package's after edits and after rows typed far below, zh/en labels and
caveats of every comparison table of the package, checks and a bilingual README."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter
from test_workbook import apply_to_tables, edit_cells, generic_edits

from analysis import compare
from analysis.curated import load_tables
from analysis.paths import PROJECT_ROOT
from analysis.workbook import README_SHEET, export_workbook
from analysis.workbook.formulas import (
    CHECKS_SHEET,
    DUPLICATE,
    LISTS_SHEET,
    MATRIX_HEADER_ROWS,
    MATRIX_SHEET,
    ROW_LIMIT,
    comparison_registry,
    document_labels,
    formula_columns,
    formula_mismatches,
    frame_mismatches,
    grids_from_workbook,
    matrix_mismatches,
    sheet_frame,
)
from analysis.workbook.recalculation import LibreOfficeError, recalculate

pytestmark = pytest.mark.xdist_group("workbook_formulas")  # one worker exports and recalculates once


@pytest.fixture(scope="module")
def data_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("root")
    shutil.copytree(PROJECT_ROOT / "data", root / "data", ignore=shutil.ignore_patterns("_staging", "*.xlsx"))
    return root


@pytest.fixture(scope="module")
def tables(data_root):
    return load_tables(data_root)


@pytest.fixture(scope="module")
def exported(data_root, tmp_path_factory) -> Path:
    return export_workbook(data_root, tmp_path_factory.mktemp("export") / "curated.xlsx")


@pytest.fixture(scope="module")
def book(exported):
    return openpyxl.load_workbook(exported)


def _column_letter(tables, sheet: str, column: str) -> str:
    return get_column_letter(list(tables[sheet].columns).index(column) + 1)


@pytest.fixture(scope="module")
def edited(exported, tables, tmp_path_factory):
    """The exported workbook with data cells edited in openpyxl (a kind, a theme, a value, a commitment level
    and a component marked present or absent), and the tables edited the same way."""
    edits = generic_edits(tables)
    workbook = openpyxl.load_workbook(exported)
    for (sheet, row, column), value in edit_cells(tables, edits).items():
        workbook[sheet][f"{_column_letter(tables, sheet, column)}{row}"] = value
    components = tables["document_components"]
    flipped = "false" if components.iloc[0]["present"] == "true" else "true"
    workbook["document_components"][f"{_column_letter(tables, 'document_components', 'present')}2"] = flipped == "true"
    path = tmp_path_factory.mktemp("edited") / "edited.xlsx"
    workbook.save(path)
    edited_tables = apply_to_tables(tables, edits)
    edited_tables["document_components"].loc[0, "present"] = flipped
    return path, edited_tables, len(edits) + 1


@pytest.fixture(scope="module")
def far_below(exported, tables, tmp_path_factory):
    """The exported workbook with a target, a clause and a commitment (a pair already coded) typed at row
    5,000, far below today's last row; the tables with those rows appended; the document and the pair."""
    doc = tables["documents"]["doc_id"].iloc[0]
    theme = next(t for t in tables["themes"]["theme_id"] if t != "web_furniture")
    target = tables["targets"].iloc[0].to_dict() | {
        "target_id": "ROW5000-T001",
        "doc_id": doc,
        "theme_id": theme,
        "kind": "baseline",
    }
    clause = tables["clauses"].iloc[0].to_dict() | {
        "doc_id": doc,
        "clause_id": "row5000",
        "theme_id": theme,
        "char_start": "0",
        "char_end": "1000",
    }
    coded = tables["commitments"]
    twice = coded[coded["doc_id"] == doc].iloc[-1]  # the same pair coded again, far below: must show up
    commitment = twice.to_dict() | {"level": "2"}
    workbook = openpyxl.load_workbook(exported)
    assert all(workbook[name].max_row < 5000 for name in ("targets", "clauses", "commitments"))
    appended = {name: frame.copy() for name, frame in tables.items()}
    for name, record in (("targets", target), ("clauses", clause), ("commitments", commitment)):
        for col, column in enumerate(tables[name].columns, start=1):
            value = record[column]
            if name != "targets" and column in ("char_start", "char_end", "level"):
                value = int(value) if value else None  # typed as numbers, as in the exported sheets
            workbook[name].cell(5000, col).value = value if value != "" else None
        appended[name] = pd.concat([appended[name], pd.DataFrame([record])], ignore_index=True)
    path = tmp_path_factory.mktemp("far_below") / "row5000.xlsx"
    workbook.save(path)
    return path, appended, doc, theme, twice


@pytest.fixture(scope="module")
def recalculated(exported, edited, far_below, tmp_path_factory) -> dict[str, dict[str, list[list]]]:
    """The three workbooks recalculated in headless LibreOffice (one process), as computed cell grids."""
    paths = {"exported": exported, "edited": edited[0], "far_below": far_below[0]}
    saved = recalculate(list(paths.values()), tmp_path_factory.mktemp("recalculated"))
    derived = [*comparison_registry(edited[1]), MATRIX_SHEET, CHECKS_SHEET]
    return {
        key: grids_from_workbook(openpyxl.load_workbook(path, data_only=True, read_only=True), derived)
        for key, path in zip(paths, saved, strict=True)
    }


def test_libreoffice_recalculates_a_result_the_file_stores_instead_of_keeping_it(tmp_path):
    import xlsxwriter

    source = tmp_path / "stored.xlsx"
    with xlsxwriter.Workbook(source) as workbook:
        sheet = workbook.add_worksheet("s")
        sheet.write("A1", 5)
        sheet.write_formula("B1", "=A1+1", None, 999)  # a stale stored result
    (saved,) = recalculate([source], tmp_path / "out")
    assert openpyxl.load_workbook(saved, data_only=True)["s"]["B1"].value == 6
    with pytest.raises(ValueError, match="holds a workbook"):
        recalculate([source], tmp_path)
    with pytest.raises(LibreOfficeError, match="no workbook to recalculate at .*missing.xlsx"):
        recalculate([tmp_path / "missing.xlsx"], tmp_path / "out")
    (tmp_path / "not-a-workbook.xlsx").write_text("plain text", encoding="utf-8")
    with pytest.raises(LibreOfficeError, match="wrote no recalculated not-a-workbook.xlsx"):
        recalculate([tmp_path / "not-a-workbook.xlsx"], tmp_path / "out")


def test_pandas_read_excel_sees_the_package_numbers_on_every_comparison_sheet(exported, tables):
    registry = comparison_registry(tables)
    assert {
        "indicator_comparison",
        "plan_against_result",
        "theme_text_shares",
        "commitment_levels",
        "target_counts",
        "double_reduction_matrix",
        "teacher_rotation_mechanisms",
    } <= set(registry)
    assert any("quantities_per_10k_chars" in frame.columns for frame in registry.values())
    numbers = 0
    for name, want in registry.items():
        read = pd.read_excel(exported, sheet_name=name)  # no recalculation: the cached results
        numbers += int(read.select_dtypes("number").notna().sum().sum())
        got = read.astype(object).where(read.notna(), None)
        assert frame_mismatches(name, got, want) == [], name
    counts = pd.read_excel(exported, sheet_name="target_counts")
    assert counts["quantities"].sum() == compare.target_counts(tables)["quantities"].sum() > 100
    assert numbers > 500


def test_the_commitment_matrix_read_without_recalculation_equals_the_levels_and_has_a_colour_scale(
    exported, book, tables
):
    grid = [list(r) for r in openpyxl.load_workbook(exported, data_only=True)[MATRIX_SHEET].iter_rows(values_only=True)]
    assert matrix_mismatches(grid, tables) == []
    levels = [v for row in grid[MATRIX_HEADER_ROWS:] for v in row[3:] if v not in (None, "")]
    assert len(levels) == len(tables["commitments"])
    rules = book[MATRIX_SHEET].conditional_formatting
    assert any(rule.type == "colorScale" for entry in rules for rule in entry.rules)


def test_every_comparison_sheet_has_zh_and_en_document_labels_grade_caveats_and_quotes(book, tables):
    labels = document_labels(tables)
    registry = comparison_registry(tables)
    with_docs = 0
    for name, frame in registry.items():
        header = [c.value for c in book[name][1]]
        got = sheet_frame([[c.value for c in row] for row in book[name].iter_rows()])
        for column in ("comparability", "caveat_zh", "caveat_en"):
            if column in frame.columns:
                assert list(got[column].fillna("")) == list(frame[column].fillna("").replace("", "")), (name, column)
        if "doc_id" in frame.columns:
            with_docs += 1
            zh = header.index("document_zh")
            assert header[zh - 1] == "doc_id" and header[zh + 1] == "document_en"
            assert list(got["document_zh"].fillna("")) == [labels.get(d, ("", ""))[0] for d in frame["doc_id"]]
            assert list(got["document_en"].fillna("")) == [labels.get(d, ("", ""))[1] for d in frame["doc_id"]]
            assert all(
                re.search(r"[\u4e00-\u9fff]", v) and not re.search(r"[A-Za-z]", v) for v in got["document_zh"].dropna()
            )  # no English in a Chinese label
            assert not any(re.search(r"[\u4e00-\u9fff]", v) for v in got["document_en"].dropna())
            assert got["document_en"].notna().sum() >= len(tables["documents"]) or name == "indicator_comparison"
    assert with_docs >= 5
    side_by_side = [n for n, f in registry.items() if "comparability" in f.columns]
    assert {"indicator_comparison", "plan_against_result", "theme_text_shares"} <= set(side_by_side)
    quotes = [n for n, f in registry.items() if any(c.startswith("quote") for c in f.columns)]
    assert {"indicator_comparison", "commitment_levels", "double_reduction_matrix"} <= set(quotes)
    assert (
        sum(
            got.notna().sum()
            for got in [sheet_frame([[c.value for c in r] for r in book["commitment_levels"].iter_rows()])["quote"]]
        )
        > 50
    )


def test_a_column_of_a_comparison_sheet_recalculates_in_every_row_or_in_none(book, tables):
    """Fresh and stale numbers never stand in one column: after an edit a column is all recalculated or all as
    exported (and then its sheet says so)."""
    for name in comparison_registry(tables):
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        for index, column in enumerate(header):
            kinds = {c.data_type == "f" for c in next(sheet.iter_cols(index + 1, index + 1, 2, sheet.max_row))}
            assert len(kinds) <= 1, f"{name}.{column}: formulas in some rows, values in others"


def test_readme_says_in_zh_and_en_which_sheets_are_data_and_which_are_derived(book, tables):
    rows = [[v for v in row] for row in book[README_SHEET].iter_rows(values_only=True)]
    kinds = {}
    for row in rows:
        if row and row[0] and row[1]:
            kinds.setdefault(row[0], str(row[1]))  # the sheets table comes before the columns table
    for name in tables:
        assert kinds[name].startswith("数据 data") and "import" in kinds[name]
    for name in [*comparison_registry(tables), MATRIX_SHEET, CHECKS_SHEET]:
        assert kinds[name].startswith("派生 derived"), name
    text = "\n".join(str(v) for row in rows for v in row if v)
    assert "只修改“数据”工作表" in text and "Edit cells in the data sheets only" in text


def test_counting_criteria_come_from_the_lists_sheet_not_from_header_text(book):
    sheet = book["target_counts"]
    header = [c.value for c in sheet[1]]
    formula = sheet.cell(2, header.index("target") + 1).value
    assert formula.startswith("=COUNTIFS(") and f"'{LISTS_SHEET}'!$" in formula
    assert not re.search(r",[A-Z]+\$1\)", formula)  # no criterion taken from a header cell, so renaming one is safe


def test_foreign_key_drop_downs_follow_the_table_they_refer_to(book):
    rules = {
        get_column_letter(min(c.min_col for c in r.sqref.ranges)): r
        for r in book["targets"].data_validations.dataValidation
    }
    header = [c.value for c in book["targets"][1]]
    doc_rule = rules[get_column_letter(header.index("doc_id") + 1)]
    assert doc_rule.formula1.startswith("OFFSET('documents'!$A$2") and "COUNTA('documents'!$A:$A)" in doc_rule.formula1
    assert min(c.max_row for c in doc_rule.sqref.ranges) >= ROW_LIMIT


@pytest.mark.slow
def test_rows_appended_at_row_5000_are_counted_by_every_comparison_after_recalculation(recalculated, far_below, tables):
    """Rows typed far below today's last row (targets, clauses, commitments) reach every aggregate."""
    _, appended, doc, theme, twice = far_below
    grids = recalculated["far_below"]
    registry = comparison_registry(appended)
    counts = sheet_frame(grids["target_counts"])
    row = counts[(counts["doc_id"] == doc) & (counts["theme_id"] == theme)].iloc[0]
    want = registry["target_counts"].set_index(["doc_id", "theme_id"]).loc[(doc, theme)]
    assert (
        row["baseline"]
        == want["baseline"]
        == compare.target_counts(tables).set_index(["doc_id", "theme_id"]).loc[(doc, theme), "baseline"] + 1
    )
    assert row["quantities"] == want["quantities"]
    overview = sheet_frame(grids["corpus_overview"]).set_index("doc_id")
    assert overview.loc[doc, "quantities"] == registry["corpus_overview"].set_index("doc_id").loc[doc, "quantities"]
    assert overview.loc[doc, "quantities_per_10k_chars"] == pytest.approx(
        registry["corpus_overview"].set_index("doc_id").loc[doc, "quantities_per_10k_chars"]
    )
    assert overview.loc[doc, "clauses"] == len(tables["clauses"][tables["clauses"]["doc_id"] == doc]) + 1
    shares = sheet_frame(grids["theme_text_shares"])
    want_shares = registry["theme_text_shares"]
    assert frame_mismatches("theme_text_shares", shares, want_shares, ["doc_id", "theme_id", "chars", "share"]) == []
    matrix = grids[MATRIX_SHEET]
    docs = matrix[0]
    theme_row = next(r for r in matrix[MATRIX_HEADER_ROWS:] if r[0] == twice["theme_id"])
    assert theme_row[docs.index(doc)] == DUPLICATE
    levels = sheet_frame(grids["commitment_levels"])
    assert list(levels[(levels["doc_id"] == doc) & (levels["theme_id"] == twice["theme_id"])]["level"]) == [DUPLICATE]
    checks = sheet_frame(grids[CHECKS_SHEET]).set_index("check_en")
    assert checks.loc[checks.index.str.contains(MATRIX_SHEET), "status"].tolist() == ["CHECK"]


@pytest.mark.slow
def test_libreoffice_recalculates_the_whole_workbook_to_the_package_numbers(recalculated, tables):
    grids = recalculated["exported"]
    assert formula_mismatches(grids, tables) == []
    checks = sheet_frame(grids[CHECKS_SHEET])
    assert list(checks["status"]) == ["OK"] * len(checks) and len(checks) >= 5


@pytest.mark.slow
def test_libreoffice_recalculates_after_edits_in_the_data_sheets(recalculated, edited, book, tables):
    _, edited_tables, edit_count = edited
    grids = recalculated["edited"]
    live = formula_columns(book)  # what recalculates; labels and caveats stay
    assert {"target", "baseline", "achievement", "quantities"} <= live["target_counts"]
    assert {"chars", "share"} <= live["theme_text_shares"] and {"value"} <= live["indicator_comparison"]
    assert {"present"} <= live["double_reduction_matrix"] and {"present"} <= live["teacher_rotation_mechanisms"]
    assert formula_mismatches(grids, edited_tables, live) == []
    assert len(formula_mismatches(grids, tables, live)) >= edit_count  # the edits did change the sheets


def test_a_commitment_coded_twice_shows_duplicate_and_the_check_cell_flags_it(data_root, tmp_path):
    root = tmp_path / "dup"
    shutil.copytree(data_root / "data", root / "data")
    from analysis.curated import write_tables

    loaded = load_tables(root)
    commitments = loaded["commitments"]
    write_tables({"commitments": pd.concat([commitments, commitments.iloc[[0]]], ignore_index=True)}, root)
    path = export_workbook(root, tmp_path / "dup.xlsx")
    values = openpyxl.load_workbook(path, data_only=True)
    matrix = [list(r) for r in values[MATRIX_SHEET].iter_rows(values_only=True)]
    first = commitments.iloc[0]
    row = next(r for r in matrix[MATRIX_HEADER_ROWS:] if r[0] == first["theme_id"])
    assert row[matrix[0].index(first["doc_id"])] == DUPLICATE  # never a level of 4-6
    checks = sheet_frame([list(r) for r in values[CHECKS_SHEET].iter_rows(values_only=True)])
    flagged = checks[checks["check_en"].str.contains(MATRIX_SHEET)].iloc[0]
    assert flagged["count"] == 1 and flagged["status"] == "CHECK"
    formula = openpyxl.load_workbook(path)[CHECKS_SHEET].cell(int(flagged.name) + 2, 3).value
    assert formula.startswith("=COUNTIF(") and DUPLICATE in formula
