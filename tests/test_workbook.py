"""The curated Excel workbook: export, formula sheets, import of edits, safety, reproducibility."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import defusedxml.common
import openpyxl
import openpyxl.xml
import pandas as pd
import pytest
from helpers import tree_digest
from openpyxl.utils import get_column_letter

from analysis import compare
from analysis import workbook as workbook_module
from analysis.cli import main
from analysis.curated import load_tables, read_datapackage, table_path, write_tables
from analysis.paths import PROJECT_ROOT
from analysis.workbook import (
    LISTS_SHEET,
    README_SHEET,
    WorkbookError,
    apply_import,
    cell_text,
    export_workbook,
    field_types,
    forget_recent_workbooks,
    import_workbook,
    keep_row_order,
    plan_import,
    table_changes,
)
from analysis.workbook.formulas import (
    CHECKS_SHEET,
    MATRIX_SHEET,
    comparison_registry,
    grids_from_workbook,
)
from analysis.workbook.state import STATE_SHEET

QUANTITIES_SHEET, INDICATORS_SHEET, COMMITMENTS_SHEET = "target_counts", "indicator_comparison", MATRIX_SHEET


def derived_sheets(tables) -> list[str]:
    return [*comparison_registry(tables), MATRIX_SHEET, CHECKS_SHEET]


# ----------------------------------------------------------------------------------------------
# fixtures and helpers


@pytest.fixture(scope="module")
def data_root(tmp_path_factory) -> Path:
    """A private copy of data/ for the whole module (other work may edit the real one meanwhile)."""
    root = tmp_path_factory.mktemp("root")
    shutil.copytree(PROJECT_ROOT / "data", root / "data", ignore=shutil.ignore_patterns("_staging", "*.xlsx"))
    return root


@pytest.fixture(scope="module")
def tables(data_root) -> dict[str, pd.DataFrame]:
    return load_tables(data_root)


@pytest.fixture(scope="module")
def descriptor(data_root) -> dict:
    return read_datapackage(data_root)


@pytest.fixture(scope="module")
def exported(data_root, tmp_path_factory) -> Path:
    return export_workbook(data_root, tmp_path_factory.mktemp("export") / "curated.xlsx")


@pytest.fixture(scope="module")
def workbook(exported) -> openpyxl.Workbook:
    return openpyxl.load_workbook(exported)


def row_of(sheet, column: str, value: str) -> int:
    """Sheet row whose cell in the named column holds ``value``."""
    header = [c.value for c in sheet[1]]
    index = header.index(column)
    for row in sheet.iter_rows(min_row=2):
        if row[index].value == value:
            return row[index].row
    raise LookupError(value)


def letter_of(sheet, column: str) -> str:
    return get_column_letter([c.value for c in sheet[1]].index(column) + 1)


def set_text(cell, text: str) -> None:
    """What Excel does when someone types text (a leading apostrophe keeps = + - @ as text)."""
    cell.value = text
    cell.data_type = "s"


def generic_edits(tables: dict[str, pd.DataFrame]) -> list[tuple[str, str, str, str, object]]:
    """A few edits chosen from the data, not by name: (table, key column, key, column, new value)."""
    targets = tables["targets"]
    grouped = targets[targets["indicator_group"] != ""].iloc[0]
    other_kind = next(k for k in ("target", "baseline", "achievement") if k != targets.iloc[0]["kind"])
    other_theme = next(
        t for t in tables["themes"]["theme_id"] if t not in ("web_furniture", targets.iloc[1]["theme_id"])
    )
    first = tables["commitments"].iloc[0]
    return [
        ("targets", "target_id", targets.iloc[0]["target_id"], "kind", other_kind),
        ("targets", "target_id", targets.iloc[1]["target_id"], "theme_id", other_theme),
        ("targets", "target_id", grouped["target_id"], "value", int(Decimal(grouped["value"])) + 7),
        ("commitments", None, (first["doc_id"], first["theme_id"]), "level", (int(first["level"]) + 1) % 4),
    ]


def apply_to_tables(tables, edits) -> dict[str, pd.DataFrame]:
    out = {name: frame.copy() for name, frame in tables.items()}
    for table, key_column, key, column, value in edits:
        frame = out[table]
        mask = (
            (frame["doc_id"] == key[0]) & (frame["theme_id"] == key[1])
            if key_column is None
            else frame[key_column] == key
        )
        frame.loc[mask, column] = str(value)
    return out


def edit_cells(tables, edits) -> dict[tuple[str, int, str], object]:
    """The same edits as (sheet, row, column) → value, rows found by key in the exported tables."""
    out = {}
    for table, key_column, key, column, value in edits:
        frame = tables[table]
        mask = (
            (frame["doc_id"] == key[0]) & (frame["theme_id"] == key[1])
            if key_column is None
            else frame[key_column] == key
        )
        out[(table, int(frame.index[mask][0]) + 2, column)] = value
    return out


# ----------------------------------------------------------------------------------------------
# export: sheets, types, drop-downs, README


def test_workbook_has_readme_then_one_sheet_per_resource_in_datapackage_order_then_comparisons(
    workbook, descriptor, tables
):
    resources = [item["name"] for item in descriptor["resources"]]
    assert workbook.sheetnames == [README_SHEET, *resources, *derived_sheets(tables), LISTS_SHEET, STATE_SHEET]
    assert workbook[LISTS_SHEET].sheet_state == "hidden" and workbook[STATE_SHEET].sheet_state == "hidden"
    assert workbook.active.title == README_SHEET


def test_every_data_cell_holds_the_csv_value_typed_per_table_schema(workbook, tables, descriptor):
    checked = {"integer": 0, "number": 0, "string": 0}
    for name, frame in tables.items():
        sheet, kinds = workbook[name], field_types(descriptor, name)
        assert [c.value for c in sheet[1]] == list(frame.columns)
        for col, column in enumerate(frame.columns, start=1):
            kind = kinds[column]
            for row, text in enumerate(frame[column], start=2):
                value = sheet.cell(row, col).value
                if text == "":
                    assert value is None
                elif kind in ("integer", "number"):
                    assert isinstance(value, (int, float)) and not isinstance(value, bool), (name, row, column, value)
                    assert Decimal(repr(value)) == Decimal(text)
                    checked[kind] += 1
                elif kind == "string":
                    assert value == text and sheet.cell(row, col).data_type == "s", (name, row, column)
                    checked[kind] += 1
    assert min(checked.values()) > 100


def test_numeric_looking_ids_stay_text_and_decimals_keep_their_written_places(workbook, tables):
    clauses = tables["clauses"]
    numeric_id = clauses[clauses["clause_id"].str.fullmatch(r"\d+")].iloc[0]
    sheet = workbook["clauses"]
    row = int(numeric_id.name) + 2
    cell = sheet[f"{letter_of(sheet, 'clause_id')}{row}"]
    assert cell.value == numeric_id["clause_id"] and isinstance(cell.value, str) and cell.quotePrefix
    bench = tables["national_benchmarks"]
    padded = bench[bench["value"].str.fullmatch(r"\d+\.\d*0")]
    assert not padded.empty, "the data has a decimal with a trailing zero (e.g. 0.50)"
    sheet = workbook["national_benchmarks"]
    cell = sheet[f"{letter_of(sheet, 'value')}{int(padded.index[0]) + 2}"]
    assert cell.number_format == "0." + "0" * len(padded.iloc[0]["value"].split(".")[1])


def test_data_sheets_freeze_the_header_filter_all_rows_size_columns_and_wrap_quotes(workbook, tables):
    for name, frame in tables.items():
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
    targets = workbook["targets"]
    quote = letter_of(targets, "quote")
    assert targets.column_dimensions[quote].width == pytest.approx(60, abs=1)
    assert targets[f"{quote}2"].alignment.wrap_text
    assert targets.column_dimensions[letter_of(targets, "kind")].width < 20


def _list_values(workbook, formula1: str) -> list[str]:
    """The values a drop-down offers: a fixed range, or OFFSET(first cell, …, COUNTA(column)-1) of a data sheet."""
    match = re.fullmatch(r"'(.+)'!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", formula1)
    if match:
        sheet = workbook[match.group(1)]
        return [sheet[f"{match.group(2)}{r}"].value for r in range(int(match.group(3)), int(match.group(5)) + 1)]
    match = re.fullmatch(r"OFFSET\('(.+)'!\$([A-Z]+)\$2,0,0,MAX\(1,COUNTA\('\1'!\$\2:\$\2\)-1\),1\)", formula1)
    sheet = workbook[match.group(1)]
    filled = sum(1 for c in sheet[match.group(2)] if c.value not in (None, ""))
    return [sheet[f"{match.group(2)}{r}"].value for r in range(2, max(2, filled) + 1)]


def _validations(workbook, name):
    """column letter → (values, error style) of the sheet's list validations."""
    out = {}
    for rule in workbook[name].data_validations.dataValidation:
        for cells in rule.sqref.ranges:
            assert cells.min_row == 2 and cells.max_row > len(list(workbook[name].rows)) + 500
            out[get_column_letter(cells.min_col)] = (
                _list_values(workbook, rule.formula1),
                rule.errorStyle or "stop",
            )  # stop is the default
    return out


def test_coded_columns_offer_drop_downs_from_schema_enums_and_foreign_key_tables(workbook, tables, descriptor):
    expected = {}
    for item in descriptor["resources"]:
        for f in item["schema"]["fields"]:
            if f.get("constraints", {}).get("enum"):
                expected[(item["name"], f["name"])] = f["constraints"]["enum"]
        for key in item["schema"].get("foreignKeys", []):
            fields = key["fields"] if isinstance(key["fields"], list) else [key["fields"]]
            if len(fields) == 1:
                ref = key["reference"]
                ref_field = ref["fields"] if isinstance(ref["fields"], str) else ref["fields"][0]
                expected[(item["name"], fields[0])] = list(tables[ref["resource"]][ref_field])
    assert len(expected) >= 15
    for (name, column), values in expected.items():
        rules = _validations(workbook, name)
        assert rules[letter_of(workbook[name], column)][0] == values, (name, column)
    # the named coded columns of the issue: region, document, theme, unit, comparator, kind
    targets = _validations(workbook, "targets")
    documents = _validations(workbook, "documents")
    assert documents[letter_of(workbook["documents"], "region_id")][0] == list(tables["regions"]["region_id"])
    assert targets[letter_of(workbook["targets"], "doc_id")][0] == list(tables["documents"]["doc_id"])
    assert targets[letter_of(workbook["targets"], "theme_id")][0] == list(tables["themes"]["theme_id"])
    assert targets[letter_of(workbook["targets"], "kind")] == (["target", "baseline", "achievement"], "stop")
    assert "=" in targets[letter_of(workbook["targets"], "comparator")][0]
    units, style = targets[letter_of(workbook["targets"], "unit")]
    assert set(units) == set(tables["targets"]["unit"]) and style == "information"


def test_readme_explains_every_sheet_and_column_the_codebook_and_how_to_import(workbook, descriptor, tables):
    text = "\n".join(str(v) for row in workbook[README_SHEET].iter_rows(values_only=True) for v in row if v)
    for item in descriptor["resources"]:
        assert item["description"] in text
        for f in item["schema"]["fields"]:
            assert f["description"] in text, (item["name"], f["name"])
    for sheet in derived_sheets(tables):
        assert sheet in text
    for theme in tables["themes"].itertuples():
        assert theme.definition in text
    assert "python -m analysis workbook import PATH --dry-run" in text


def test_text_starting_with_formula_characters_is_written_as_text_never_as_formula(project_copy, tmp_path):
    frame = load_tables(project_copy)["targets"]
    tricky = ['=HYPERLINK("http://example.com","x")', "+86 10 1234", "-3 students", "@SUM(A1:A3)", "=1+1"]
    for index, text in enumerate(tricky):
        frame.loc[index, "notes"] = text
    write_tables({"targets": frame}, project_copy)
    exported = export_workbook(project_copy, tmp_path / "tricky.xlsx")
    with zipfile.ZipFile(exported) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode()
        sheet_files = re.findall(r'<sheet [^>]*name="([^"]+)"', workbook_xml)
        derived = derived_sheets(load_tables(project_copy))
        for index, sheet in enumerate(sheet_files, start=1):
            xml = archive.read(f"xl/worksheets/sheet{index}.xml").decode()
            if sheet not in derived:
                assert "<f>" not in xml and "<f " not in xml, sheet
    sheet = openpyxl.load_workbook(exported)["targets"]
    notes = letter_of(sheet, "notes")
    for index, text in enumerate(tricky):
        cell = sheet[f"{notes}{index + 2}"]
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
    assert plan_import(exported, project_copy).texts == {}


def test_export_is_byte_identical_when_repeated_in_process_and_from_the_command_line(data_root, exported, tmp_path):
    forget_recent_workbooks()  # written again, not taken from the workbooks this process made last
    again = export_workbook(data_root, tmp_path / "again.xlsx")
    assert again.read_bytes() == exported.read_bytes()
    third = tmp_path / "cli.xlsx"
    subprocess.run(
        [sys.executable, "-m", "analysis", "--root", str(data_root), "workbook", "export", str(third)],
        check=True,
        cwd=PROJECT_ROOT,
        capture_output=True,
    )
    assert third.read_bytes() == exported.read_bytes()
    with zipfile.ZipFile(exported) as archive:
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}
        core = archive.read("docProps/core.xml").decode()
    assert "2000-01-01T00:00:00Z</dcterms:created>" in core and "2000-01-01T00:00:00Z</dcterms:modified>" in core


def test_export_writes_under_data_curated_by_default(project_copy):
    path = export_workbook(project_copy)
    assert path == project_copy / "data" / "curated" / "edu_plans_curated.xlsx" and path.is_file()


# ----------------------------------------------------------------------------------------------
# comparison sheets: live formulas, computed with `formulas`


def test_comparison_sheets_hold_formulas_not_numbers(workbook, tables):
    quantities = workbook[QUANTITIES_SHEET]
    header = [c.value for c in quantities[1]]
    kinds = [header.index(k) for k in ("target", "baseline", "achievement")]
    assert all(quantities[2][i].data_type == "f" and quantities[2][i].value.startswith("=COUNTIFS(") for i in kinds)
    indicators = workbook[INDICATORS_SHEET]
    header = [c.value for c in indicators[1]]
    value = indicators.cell(2, header.index("value") + 1).value
    assert "SUMIFS(" in value and ("'targets'!" in value or "'national_benchmarks'!" in value)
    matrix = workbook[COMMITMENTS_SHEET]
    assert "SUMIFS('commitments'!" in matrix["D5"].value
    assert len(list(quantities.rows)) - 1 == len(compare.target_counts(tables))


def test_a_fifth_region_appears_in_every_sheet_and_in_the_formulas(project_copy, tmp_path):
    loaded = load_tables(project_copy)

    region = loaded["regions"].iloc[[0]].assign(region_id="fifth_test", name_en="Fifth Test County")
    doc = loaded["documents"].iloc[[0]].assign(doc_id="fifth_2024_wp", region_id="fifth_test", raw_file="fifth.txt")
    target = (
        loaded["targets"][loaded["targets"]["indicator_group"] != ""]
        .iloc[[0]]
        .assign(target_id="FT24-T001", doc_id="fifth_2024_wp")
    )
    commitment = loaded["commitments"].iloc[[0]].assign(doc_id="fifth_2024_wp", level="3")
    for name, row in (("regions", region), ("documents", doc), ("targets", target), ("commitments", commitment)):
        write_tables({name: pd.concat([loaded[name], row], ignore_index=True)}, project_copy)
    load_tables(project_copy)
    path = export_workbook(project_copy, tmp_path / "five.xlsx")
    book = openpyxl.load_workbook(path)
    assert "fifth_test" in _validations(book, "documents")[letter_of(book["documents"], "region_id")][0]
    assert "fifth_2024_wp" in [c.value for c in book[COMMITMENTS_SHEET][1]]
    assert "fifth_2024_wp" in [c.value for c in book[QUANTITIES_SHEET]["A"]]
    header = [c.value for c in book[INDICATORS_SHEET][1]]
    assert "FT24-T001" in [c.value for c in book[INDICATORS_SHEET][letter_of(book[INDICATORS_SHEET], "reference_id")]]
    grids = grids_from_workbook(openpyxl.load_workbook(path, data_only=True), [INDICATORS_SHEET])
    labels = [row[header.index("label_en")] for row in grids[INDICATORS_SHEET][1:]]
    assert "Fifth Test County" in labels


# ----------------------------------------------------------------------------------------------
# import: round trip, edits, refusals


def test_export_then_import_without_edits_changes_no_byte(project_copy):
    before = tree_digest(project_copy / "data")
    path = export_workbook(project_copy, project_copy / "roundtrip.xlsx")
    assert main(["--root", str(project_copy), "workbook", "import", str(path)]) == 0
    assert tree_digest(project_copy / "data") == before
    plan = plan_import(path, project_copy)
    assert plan.problems == [] and plan.texts == {} and plan.changes.empty and plan.warnings == []


def test_edited_cells_arrive_exactly_after_a_dry_run_that_writes_nothing(project_copy, capsys):
    tables = load_tables(project_copy)
    path = export_workbook(project_copy, project_copy / "edit.xlsx")
    book = openpyxl.load_workbook(path)
    targets, themes, second = book["targets"], book["themes"], book["reading_codes"]
    target_id = tables["targets"].iloc[3]["target_id"]
    target_row = row_of(targets, "target_id", target_id)
    set_text(targets[f"{letter_of(targets, 'notes')}{target_row}"], "=checked again in Excel")
    theme_id = tables["themes"].iloc[2]["theme_id"]
    set_text(themes[f"{letter_of(themes, 'name_en')}{row_of(themes, 'theme_id', theme_id)}"], "Renamed theme")
    removed = tables["reading_codes"].iloc[5]
    second.delete_rows(7)  # data row 6 of the sheet = frame index 5
    added = tables["reading_codes"].iloc[0].to_dict() | {
        "variable": "secondary_themes",
        "value": "party_building",
        "notes": "added in Excel",
    }
    second.append([added[c] or None for c in tables["reading_codes"].columns])
    book.save(path)
    before = tree_digest(project_copy / "data")

    assert main(["--root", str(project_copy), "workbook", "import", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "dry run: nothing written" in out and f"changed  {target_id}  [notes]" in out
    assert tree_digest(project_copy / "data") == before

    plan = plan_import(path, project_copy)
    assert plan.problems == []
    themes_csv = table_path("themes", project_copy)
    original = themes_csv.read_bytes()
    meanwhile = tables["themes"].copy()
    meanwhile.loc[0, "definition"] += " (edited meanwhile)"
    write_tables({"themes": meanwhile}, project_copy)  # someone saves the table meanwhile
    with pytest.raises(
        WorkbookError,
        match=r"table\(s\) 'themes' in data/curated changed while this import was being "
        "checked",
    ):
        apply_import(plan, project_copy)
    assert tree_digest(project_copy / "data") | {"curated/themes.csv": before["curated/themes.csv"]} == before
    themes_csv.write_bytes(original)
    written = apply_import(plan, project_copy)
    assert sorted(p.name for p in written) == ["reading_codes.csv", "targets.csv", "themes.csv"]
    got = {(r.table, r.change, r.key, r.columns) for r in plan.changes.itertuples()}
    assert got == {
        ("targets", "changed", target_id, "notes"),
        ("themes", "changed", theme_id, "name_en"),
        ("reading_codes", "removed", "/".join(removed[["reading_id", "doc_id", "unit_id", "variable"]]), ""),
        ("reading_codes", "added", "/".join(added[c] for c in ("reading_id", "doc_id", "unit_id", "variable")), ""),
    }
    after = load_tables(project_copy)
    expected = {name: frame.copy() for name, frame in tables.items()}
    expected["targets"].loc[expected["targets"]["target_id"] == target_id, "notes"] = "=checked again in Excel"
    expected["themes"].loc[expected["themes"]["theme_id"] == theme_id, "name_en"] = "Renamed theme"
    reading_codes = pd.concat([expected["reading_codes"].drop(index=5), pd.DataFrame([added])], ignore_index=True)
    order = {doc_id: i for i, doc_id in enumerate(tables["documents"]["doc_id"])}  # tables read in document order
    expected["reading_codes"] = reading_codes.iloc[
        sorted(range(len(reading_codes)), key=lambda i: order[reading_codes["doc_id"].iloc[i]])
    ]
    for name in tables:
        pd.testing.assert_frame_equal(after[name].reset_index(drop=True), expected[name].reset_index(drop=True))
    unchanged = tree_digest(project_copy / "data")
    region_of = tables["documents"].set_index("doc_id")["region_id"]
    files = {
        table_path("targets", project_copy, region=region_of[tables["targets"].iloc[3]["doc_id"]]),
        table_path("themes", project_copy),
        table_path("reading_codes", project_copy, region=region_of[removed["doc_id"]]),
    }
    assert {k for k in unchanged if unchanged[k] != before.get(k)} == {
        f.relative_to(project_copy / "data").as_posix() for f in files
    }


def test_an_edit_that_breaks_provenance_is_refused_with_sheet_row_and_column_and_writes_nothing(project_copy):
    tables = load_tables(project_copy)
    path = export_workbook(project_copy, project_copy / "wrong.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["targets"]
    target = tables["targets"].iloc[10]
    row = row_of(sheet, "target_id", target["target_id"])
    value = letter_of(sheet, "value")
    sheet[f"{value}{row}"] = float(Decimal(target["value"]) + 1)
    book.save(path)
    before = tree_digest(project_copy / "data")
    plan = import_workbook(path, project_copy)
    assert plan.problems, "a wrong value must be refused"
    assert any(
        p.startswith(f"sheet 'targets', row {row}, column 'value' (cell {value}{row}): ")
        and "disagrees with the quote" in p
        for p in plan.problems
    ), plan.problems
    assert tree_digest(project_copy / "data") == before
    with pytest.raises(WorkbookError):
        apply_import(plan, project_copy)


def _with_cached_formula(path: Path, sheet_index: int, ref: str, formula: str, cached: str) -> None:
    """Turn one text cell into a formula with a saved result, as Excel writes it."""
    data = io.BytesIO(path.read_bytes())
    out = io.BytesIO()
    with zipfile.ZipFile(data) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == f"xl/worksheets/sheet{sheet_index}.xml":
                content, count = re.subn(
                    rf'<c r="{ref}"([^>]*) t="inlineStr"><is><t>[^<]*</t></is></c>'.encode(),
                    f'<c r="{ref}"\\1 t="str"><f>{formula}</f><v>{cached}</v></c>'.encode(),
                    content,
                )
                assert count == 1
            target.writestr(info, content)
    path.write_bytes(out.getvalue())


def test_import_copes_with_what_people_do_in_excel(project_copy):
    tables = load_tables(project_copy)
    path = export_workbook(project_copy, project_copy / "habits.xlsx")
    book = openpyxl.load_workbook(path)
    # targets: columns reversed, an extra column, integers as text and as floats, trailing empty rows
    sheet = book["targets"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    index = book.sheetnames.index("targets")
    book.remove(sheet)
    sheet = book.create_sheet("targets", index)
    columns = list(reversed(range(len(rows[0]))))
    start, year = rows[0].index("char_start"), rows[0].index("target_year")
    for r, row in enumerate(rows, start=1):
        values = [row[c] for c in columns] + (["my comment"] if r == 1 else ["looked at"])
        for c, value in enumerate(values, start=1):
            original = columns[c - 1] if c <= len(columns) else None
            if r > 1 and original == start:
                value = f" {value} "  # number stored as text
            if r > 1 and original == year and value is not None:
                value = float(value)  # 2021.0
            cell = sheet.cell(r, c)
            cell.value = value
            if isinstance(value, str):
                cell.data_type = "s"
    for r in range(len(rows) + 1, len(rows) + 6):
        sheet.cell(r, 1).value = "   " if r % 2 else None
    # documents: published turned into a real date by Excel
    documents = book["documents"]
    published = letter_of(documents, "published")
    for r in range(2, documents.max_row + 1):
        text = documents[f"{published}{r}"].value
        if isinstance(text, (dt.date, str)) and text:
            documents[f"{published}{r}"] = dt.datetime.combine(
                text if isinstance(text, dt.date) else dt.date.fromisoformat(text), dt.time()
            )
    # excluded_numbers: sorted by text in Excel
    excluded = book["excluded_numbers"]
    body = sorted(list(excluded.iter_rows(min_row=2, values_only=True)), key=lambda r: str(r[3]))
    for r, row in enumerate(body, start=2):
        for c, value in enumerate(row, start=1):
            excluded.cell(r, c).value = value
            if isinstance(value, str):
                excluded.cell(r, c).data_type = "s"
    book.save(path)
    # regions: one cell holds a formula with its saved result
    first = tables["regions"].iloc[0]["name_en"]
    regions_index = openpyxl.load_workbook(path).sheetnames.index("regions") + 1
    halves = (first[: len(first) // 2], first[len(first) // 2 :])
    _with_cached_formula(
        path, regions_index, f"{letter_of(book['regions'], 'name_en')}2", f'"{halves[0]}"&amp;"{halves[1]}"', first
    )
    before = tree_digest(project_copy / "data")
    plan = import_workbook(path, project_copy)
    assert plan.problems == [] and plan.texts == {} and plan.changes.empty
    assert tree_digest(project_copy / "data") == before
    warnings = "\n".join(plan.warnings)
    assert "sheet 'targets', row 1, column 'my comment'" in warnings and "extra column, ignored" in warnings
    assert "sheet 'excluded_numbers': rows were sorted; the CSV keeps its row order" in warnings
    assert "sheet 'regions', row 2, column 'name_en' (cell C2): took the saved result" in warnings


def test_rows_beyond_the_dimension_a_program_saved_are_still_read(project_copy):
    """Some programs save a sheet's <dimension> as A1 whatever it holds; the import reads the cells, not it."""
    path = export_workbook(project_copy, project_copy / "dimension.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["targets"]
    last = sheet.max_row
    set_text(sheet[f"{letter_of(sheet, 'notes')}{last}"], "typed in the last row")
    book.save(path)
    index = book.sheetnames.index("targets") + 1
    data, out = io.BytesIO(path.read_bytes()), io.BytesIO()
    with zipfile.ZipFile(data) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == f"xl/worksheets/sheet{index}.xml":
                content, count = re.subn(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1"/>', content)
                assert count == 1
            target.writestr(info, content)
    path.write_bytes(out.getvalue())
    plan = plan_import(path, project_copy)
    assert plan.problems == []
    assert list(plan.changes["table"]) == ["targets"] and list(plan.changes["columns"]) == ["notes"]
    assert "typed in the last row" in plan.texts["targets"]


def test_a_formula_without_a_saved_result_is_refused_naming_the_cell(project_copy):
    path = export_workbook(project_copy, project_copy / "formula.xlsx")
    book = openpyxl.load_workbook(path)
    book["regions"]["C3"] = '="a"&"b"'
    book.save(path)
    plan = plan_import(path, project_copy)
    assert any(
        p.startswith("sheet 'regions', row 3, column 'name_en' (cell C3): the cell holds the formula")
        for p in plan.problems
    )


def test_a_renamed_or_missing_sheet_is_refused_clearly(project_copy):
    path = export_workbook(project_copy, project_copy / "renamed.xlsx")
    book = openpyxl.load_workbook(path)
    book["targets"].title = "targets (checked)"
    del book["regions"]
    book.save(path)
    with pytest.raises(WorkbookError, match=r"'regions', 'targets' missing.*'targets \(checked\)' \(renamed\?\)"):
        plan_import(path, project_copy)


def test_a_renamed_column_is_refused_with_sheet_and_column(project_copy):
    path = export_workbook(project_copy, project_copy / "column.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["targets"]
    sheet[f"{letter_of(sheet, 'notes')}1"] = "note"
    book.save(path)
    plan = plan_import(path, project_copy)
    assert any(p.startswith("sheet 'targets', row 1, column 'notes': the column is missing") for p in plan.problems)


@pytest.mark.parametrize(
    ("value", "kind", "number_format", "text"),
    [
        (3.0, "integer", "General", "3"),
        (2021, "integer", "General", "2021"),
        (" 1311 ", "integer", "General", "1311"),
        ("3.0", "integer", "General", "3"),
        (0.5, "number", "0.00", "0.50"),
        (0.17, "number", "General", "0.17"),
        (2166000000, "number", "General", "2166000000"),
        (1e-05, "number", "General", "0.00001"),
        ("0.50", "number", "General", "0.50"),
        (12, "string", "General", "12"),
        (True, "boolean", "General", "true"),
        ("TRUE", "boolean", "General", "true"),
        (dt.datetime(2023, 2, 23), "date", "yyyy-mm-dd", "2023-02-23"),
        ("line one\r\nline two", "string", "General", "line one\nline two"),
        (None, "string", "General", ""),
    ],
)
def test_cell_text_gives_back_the_csv_text_excel_changed(value, kind, number_format, text):
    assert cell_text(value, kind, number_format)[0] == text


def test_cell_text_warns_when_excel_turned_text_into_a_number_or_date_and_refuses_times():
    assert "Excel stored a number" in cell_text(12.5, "string")[1]
    assert "into a date" in cell_text(dt.datetime(2021, 12, 1), "string")[1]
    with pytest.raises(ValueError, match="time"):
        cell_text(dt.time(12, 30), "string")


def test_sorted_rows_keep_csv_order_and_new_rows_follow_their_neighbour_above():
    old = pd.DataFrame({"id": ["a", "b", "c"], "v": ["1", "2", "3"]}, dtype=object)
    new = pd.DataFrame({"id": ["c", "x", "a", "b"], "v": ["3", "9", "1", "2"]}, dtype=object)
    frame, rows, restored = keep_row_order(new, [2, 3, 4, 5], old, ["id"])
    assert restored and list(frame["id"]) == ["a", "b", "c", "x"] and rows == [4, 5, 2, 3]
    inserted = pd.DataFrame({"id": ["a", "x", "b", "c"], "v": ["1", "9", "2", "3"]}, dtype=object)
    frame, rows, restored = keep_row_order(inserted, [2, 3, 4, 5], old, ["id"])
    assert not restored and list(frame["id"]) == ["a", "x", "b", "c"]


def test_table_changes_names_rows_added_changed_and_removed_by_primary_key():
    old = pd.DataFrame({"k1": ["a", "b"], "k2": ["1", "1"], "v": ["x", "y"], "w": ["", ""]}, dtype=object)
    new = pd.DataFrame({"k1": ["a", "c"], "k2": ["1", "1"], "v": ["z", "y"], "w": ["q", ""]}, dtype=object)
    changes = table_changes("t", old, new, ["k1", "k2"])
    assert [tuple(r) for r in changes.itertuples(index=False)] == [
        ("t", "changed", "a/1", "v, w"),
        ("t", "added", "c/1", ""),
        ("t", "removed", "b/1", ""),
    ]


# ----------------------------------------------------------------------------------------------
# malformed and hostile files


def test_a_file_that_is_not_a_workbook_gets_a_clear_error(project_copy, tmp_path):
    path = tmp_path / "table.xlsx"
    path.write_text("target_id,value\nX,1\n", encoding="utf-8")
    with pytest.raises(WorkbookError, match=r"is not an Excel workbook \(\.xlsx\).*starts with 74 61 72"):
        plan_import(path, project_copy)
    with pytest.raises(WorkbookError, match="does not exist"):
        plan_import(tmp_path / "missing.xlsx", project_copy)


def test_a_truncated_workbook_gets_a_clear_error(project_copy, exported, tmp_path):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(exported.read_bytes()[: exported.stat().st_size // 2])
    with pytest.raises(WorkbookError, match="damaged or truncated"):
        plan_import(path, project_copy)


def test_a_password_protected_workbook_gets_a_clear_error(project_copy, tmp_path):
    path = tmp_path / "locked.xlsx"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(4096))
    with pytest.raises(WorkbookError, match="password-protected"):
        plan_import(path, project_copy)


def _entity_bomb(exported: Path, target: Path) -> Path:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(exported) as source, zipfile.ZipFile(out, "w") as dest:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":
                text = content.decode()
                text = re.sub(r"^<\?xml[^>]*\?>\s*", "", text)
                text = text.replace("<is><t>", "<is><t>&lol3;", 1)
                content = (bomb + text).encode()
            dest.writestr(info, content)
    target.write_bytes(out.getvalue())
    return target


def test_reading_workbooks_uses_defusedxml_and_refuses_entity_expansion(project_copy, exported, tmp_path, monkeypatch):
    assert openpyxl.xml.DEFUSEDXML is True
    path = _entity_bomb(exported, tmp_path / "bomb.xlsx")
    with pytest.raises(ValueError) as raised:  # openpyxl itself refuses, through defusedxml
        openpyxl.load_workbook(path)
    assert isinstance(raised.value.__cause__, defusedxml.common.EntitiesForbidden)
    with pytest.raises(WorkbookError, match="entit"):
        plan_import(path, project_copy)
    monkeypatch.setattr(workbook_module, "_refuse_unsafe_archive", lambda data, label: None)
    with pytest.raises(WorkbookError, match="XML entity declarations refused \\(EntitiesForbidden\\)"):
        plan_import(path, project_copy)  # without the package's own scan, defusedxml still refuses


def test_cli_reports_a_refused_import_on_stderr_and_exits_1(project_copy, tmp_path, capsys):
    path = tmp_path / "not.xlsx"
    path.write_bytes(b"hello")
    assert main(["--root", str(project_copy), "workbook", "import", str(path)]) == 1
    assert "import refused:" in capsys.readouterr().err
