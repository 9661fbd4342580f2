"""The workbook's comparison sheets as a researcher reads them: numbers without recalculation, ranges that
grow, zh/en labels and caveats of every comparison table of the package, checks and a bilingual README."""

from __future__ import annotations

import math
import operator
import re
import shutil
from pathlib import Path

import formulas
import formulas.functions
import numpy as np
import openpyxl
import pandas as pd
import pytest
import schedula
from openpyxl.utils import column_index_from_string, get_column_letter
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
    matrix_mismatches,
    sheet_frame,
)

pytestmark = pytest.mark.xdist_group("workbook_formulas")  # one worker loads the `formulas` model once
_ORIGINAL_REPLACE_EMPTY = formulas.functions.replace_empty


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


_IS = np.frompyfunc(operator.is_, 2, 1)
_EMPTY = np.empty((), dtype=object)
_EMPTY[()] = schedula.EMPTY  # a 0-d object array, so numpy does not turn the (str) token into a new string


def replace_empty_by_identity(x, empty=0):
    """`formulas.functions.replace_empty`, comparing by identity in C rather than through ``EMPTY.__eq__``.

    The same result: schedula's ``EMPTY.__eq__`` is ``self is other``. It is called once per range argument of
    every COUNTIFS/SUMIFS, each a 9,999-cell range, which made it two thirds of a recalculation (20 of 30 s).
    """
    if isinstance(x, np.ndarray):
        if x.dtype == object:
            blank = _IS(x, _EMPTY).astype(bool)
            if blank.any():
                x = np.where(blank, empty, x).view(x.__class__)
    elif x is schedula.EMPTY:
        return empty
    return x


@pytest.fixture(scope="module", autouse=True)
def quicker_formulas():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(formulas.functions, "replace_empty", replace_empty_by_identity)
        yield


def test_the_quicker_replace_empty_gives_what_formulas_gives():
    assert formulas.functions.xfilters.__globals__["replace_empty"] is replace_empty_by_identity  # COUNTIFS/SUMIFS
    grid = np.array([[schedula.EMPTY, 1, "", "EMPTY"], [None, math.nan, schedula.EMPTY, False]], dtype=object)
    for x in (grid, grid[:, 1:2], np.array([1.5, 2.0]), schedula.EMPTY, "", 5):
        for empty in (0, ""):
            want, got = _ORIGINAL_REPLACE_EMPTY(x, empty), replace_empty_by_identity(x, empty)
            assert type(got) is type(want) and repr(np.ravel(got).tolist()) == repr(np.ravel(want).tolist())


@pytest.fixture(scope="module")
def model(exported):
    """The exported workbook as a `formulas` model, loaded once (the slow part)."""
    return formulas.ExcelModel().loads(str(exported)).finish()


def _plain(value):
    return None if value is None or value is schedula.EMPTY else value


def solved_grids(solution, path: Path, sheets) -> dict[str, list[list]]:
    """Calculated cell values per sheet from a `formulas` solution."""
    wanted = {name.upper(): name for name in sheets}
    cells: dict[str, dict[tuple[int, int], object]] = {name: {} for name in sheets}
    for key, value in solution.items():
        match = re.fullmatch(r"'\[[^\]]+\](.+)'!([A-Z]+)(\d+)", key)
        if match and match.group(1) in wanted:
            item = value.value[0][0] if hasattr(value, "value") else value
            cells[wanted[match.group(1)]][(int(match.group(3)), column_index_from_string(match.group(2)))] = item
    grids = {}
    for name, found in cells.items():
        if not found:
            continue
        rows, cols = max(r for r, _ in found), max(c for _, c in found)
        grids[name] = [[_plain(found.get((r, c))) for c in range(1, cols + 1)] for r in range(1, rows + 1)]
    return grids


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
    assert not re.search(r",[A-Z]+\$1\)", formula)  # no criterion taken from a header cell
    sheet[f"{get_column_letter(header.index('target') + 1)}1"] = "targets (renamed)"  # a renamed header cannot matter


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
def test_rows_appended_at_row_5000_are_counted_by_every_comparison_after_recalculation(model, exported, tables):
    """Rows typed far below today's last row (targets, clauses, commitments) reach every aggregate, in `formulas`."""
    book = openpyxl.load_workbook(exported)
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
    inputs = {}
    for name, record in (("targets", target), ("clauses", clause), ("commitments", commitment)):
        for col, column in enumerate(tables[name].columns, start=1):
            value = record[column]
            if name != "targets" and column in ("char_start", "char_end", "level"):
                value = int(value) if value else schedula.EMPTY  # typed as numbers, as in the exported sheets
            elif value == "":
                value = schedula.EMPTY
            inputs[f"'[{exported.name}]{name.upper()}'!{get_column_letter(col)}5000"] = value
    assert all(book[name].max_row < 5000 for name in ("targets", "clauses", "commitments"))
    sheets = ["target_counts", "corpus_overview", "theme_text_shares", "commitment_levels", MATRIX_SHEET, CHECKS_SHEET]
    grids = solved_grids(model.calculate(inputs=inputs), exported, sheets)
    edited = {name: frame.copy() for name, frame in tables.items()}
    for name, record in (("targets", target), ("clauses", clause), ("commitments", commitment)):
        edited[name] = pd.concat([edited[name], pd.DataFrame([record])], ignore_index=True)
    registry = comparison_registry(edited)
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
def test_formulas_recalculate_the_whole_workbook_to_the_package_numbers(model, exported, tables):
    sheets = [*comparison_registry(tables), MATRIX_SHEET, CHECKS_SHEET]
    grids = solved_grids(model.calculate(), exported, sheets)
    assert formula_mismatches(grids, tables) == []
    checks = sheet_frame(grids[CHECKS_SHEET])
    assert list(checks["status"]) == ["OK"] * len(checks) and len(checks) >= 5


@pytest.mark.slow
def test_formulas_recalculate_after_edits_in_the_data_sheets(model, exported, tables):
    edits = generic_edits(tables)  # a kind, a theme, a value, a commitment level
    inputs = {}
    for (sheet, row, column), value in edit_cells(tables, edits).items():
        ref = f"{get_column_letter(list(tables[sheet].columns).index(column) + 1)}{row}"
        inputs[f"'[{exported.name}]{sheet.upper()}'!{ref}"] = value
    components = tables["document_components"]
    flipped = "false" if components.iloc[0]["present"] == "true" else "true"  # a component marked present or absent
    col = get_column_letter(list(components.columns).index("present") + 1)
    inputs[f"'[{exported.name}]DOCUMENT_COMPONENTS'!{col}2"] = flipped == "true"
    sheets = [*comparison_registry(tables), MATRIX_SHEET]
    grids = solved_grids(model.calculate(inputs=inputs), exported, sheets)
    edited = apply_to_tables(tables, edits)
    edited["document_components"].loc[0, "present"] = flipped
    live = formula_columns(openpyxl.load_workbook(exported))  # what recalculates; labels and caveats stay
    assert {"target", "baseline", "achievement", "quantities"} <= live["target_counts"]
    assert {"chars", "share"} <= live["theme_text_shares"] and {"value"} <= live["indicator_comparison"]
    assert {"present"} <= live["double_reduction_matrix"] and {"present"} <= live["teacher_rotation_mechanisms"]
    assert formula_mismatches(grids, edited, live) == []
    assert len(formula_mismatches(grids, tables, live)) >= len(edits) + 1  # the edits did change the sheets


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
