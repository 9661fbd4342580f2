"""Generated sheets of the curated workbook: comparison sheets of live formulas, drop-down lists, README.

Each builder takes the curated tables (text DataFrames) and returns a :class:`SheetSpec`: a grid
of cells where a :class:`Formula` is written as a formula and anything else as a constant. The
row keys come from :mod:`analysis.compare` itself, the numbers are formulas (COUNTIFS, SUMIFS,
INDEX/MATCH, IFERROR: no dynamic arrays) over the data sheets, so that an edit in a data sheet
recalculates in Excel or LibreOffice. :func:`formula_mismatches` reads the recalculated grids back
and compares them with the package's own comparison tables. The drop-down lists of coded columns
come from the schema enums and foreign keys (:func:`code_lists`); :func:`readme_rows` explains it
all from the schema descriptions. No I/O here.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Number

import pandas as pd
from openpyxl.utils import get_column_letter

from analysis import compare

QUANTITIES_SHEET = "quantities_by_theme"
INDICATORS_SHEET = "indicators_vs_national"
COMMITMENTS_SHEET = "commitment_matrix"
COMPARISON_SHEETS = (QUANTITIES_SHEET, INDICATORS_SHEET, COMMITMENTS_SHEET)

# Rows below the last data row that the formulas already cover, so rows added at the bottom count.
SPARE_ROWS = 1000
COMMITMENT_HEADER_ROWS = 3  # doc_id, region, genre


class Formula(str):
    """An Excel formula (text starting with ``=``); any other ``str`` in a grid is written as text."""


@dataclass(frozen=True)
class DataSheet:
    """Where a curated table sits in the workbook: its sheet, its columns and its data rows."""

    name: str
    columns: tuple[str, ...]
    rows: int

    @property
    def last_row(self) -> int:
        return self.rows + 1 + SPARE_ROWS

    def letter(self, column: str) -> str:
        return get_column_letter(self.columns.index(column) + 1)

    def range(self, column: str, first_row: int = 2) -> str:
        """Absolute reference to a column's cells, e.g. ``'targets'!$B$2:$B$1155``."""
        letter = self.letter(column)
        return f"'{self.name}'!${letter}${first_row}:${letter}${self.last_row}"


@dataclass
class SheetSpec:
    """A generated sheet: its cells row by row, and how to present it."""

    name: str
    rows: list[list]
    description: str
    header_rows: int = 1
    widths: dict[str, float] = field(default_factory=dict)
    freeze: str = "A2"


def data_layout(tables: dict[str, pd.DataFrame]) -> dict[str, DataSheet]:
    """The data sheets as the workbook lays them out: one per table, header in row 1, columns in CSV order."""
    return {name: DataSheet(name, tuple(frame.columns), len(frame)) for name, frame in tables.items()}


def _labels(tables: dict[str, pd.DataFrame]) -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    docs = compare.documents_with_regions(tables).set_index("doc_id")
    themes = tables["themes"].set_index("theme_id")["name_en"].to_dict()
    return docs["region_en"].fillna("").to_dict(), docs["genre"].to_dict(), themes


def quantities_sheet(tables: dict[str, pd.DataFrame], layout: dict[str, DataSheet]) -> SheetSpec:
    """Quantities per document × theme, by kind: COUNTIFS over the targets sheet (as ``compare.target_counts``)."""
    expected = compare.target_counts(tables)
    kinds = [c for c in expected.columns
             if c not in ("doc_id", "theme_id", "quantities", "genre_class", *compare.GRADE_COLUMNS)]
    regions, _, themes = _labels(tables)
    targets = layout["targets"]
    first_kind = 5  # columns: doc_id, region, theme_id, theme, then one per kind, then quantities
    header = ["doc_id", "region", "theme_id", "theme", *kinds, "quantities"]
    rows = [header]
    for number, (doc_id, theme_id) in enumerate(zip(expected["doc_id"], expected["theme_id"]), start=2):
        row = [doc_id, regions.get(doc_id, ""), theme_id, themes.get(theme_id, "")]
        for offset in range(len(kinds)):
            letter = get_column_letter(first_kind + offset)
            row.append(Formula(f"=COUNTIFS({targets.range('doc_id')},$A{number},{targets.range('theme_id')},$C{number},"
                               f"{targets.range('kind')},{letter}$1)"))
        first, last = get_column_letter(first_kind), get_column_letter(first_kind + len(kinds) - 1)
        row.append(Formula(f"=SUM({first}{number}:{last}{number})"))
        rows.append(row)
    return SheetSpec(QUANTITIES_SHEET, rows,
                     "Quantities per document × theme (targets, baselines, achievements): COUNTIFS over the targets "
                     "sheet; equals analysis.compare.target_counts.",
                     widths={"A": 26, "B": 30, "C": 26, "D": 34}, freeze="E2")


INDICATOR_COLUMNS = ["indicator_group", "source", "label_en", "region_id", "doc_id", "kind", "reference_id",
                     "data_row", "indicator_en", "value", "value_max", "unit", "comparator", "year"]


def indicators_sheet(tables: dict[str, pd.DataFrame], layout: dict[str, DataSheet]) -> SheetSpec:
    """Comparable indicators, each region's quantities beside the national benchmarks (as ``compare.indicator_comparison``).

    A row is fixed by its source and reference id; ``data_row`` finds that id in the targets or
    national_benchmarks sheet (MATCH) and every other cell is looked up there (INDEX).
    """
    expected = compare.indicator_comparison(tables)
    targets, bench = layout["targets"], layout["national_benchmarks"]
    documents, regions = layout["documents"], layout["regions"]
    col = {name: get_column_letter(i + 1) for i, name in enumerate(INDICATOR_COLUMNS)}
    rows = [list(INDICATOR_COLUMNS)]
    for number, item in enumerate(expected.itertuples(index=False), start=2):
        local = item.source == "local"
        sheet, key = (targets, "target_id") if local else (bench, "benchmark_id")
        at = f"${col['data_row']}{number}"

        def text(column: str) -> Formula:
            return Formula(f'=IFERROR(INDEX({sheet.range(column, 1)},{at})&"","")')

        def numeric(column: str) -> Formula:
            cell = f"INDEX({sheet.range(column, 1)},{at})"
            return Formula(f'=IFERROR(IF({cell}="","",{cell}),"")')

        values = {
            "indicator_group": text("indicator_group"),
            "source": item.source,
            "reference_id": item.reference_id,
            "data_row": Formula(f"=MATCH(${col['reference_id']}{number},{sheet.range(key, 1)},0)"),
            "indicator_en": text("indicator_en"),
            "value": numeric("value"),
            "unit": text("unit"),
            "comparator": text("comparator"),
            "year": numeric("target_year"),
        }
        if local:
            doc, region = f"${col['doc_id']}{number}", f"${col['region_id']}{number}"
            values |= {
                "doc_id": text("doc_id"),
                "region_id": Formula(f'=IFERROR(INDEX({documents.range("region_id")},'
                                     f'MATCH({doc},{documents.range("doc_id")},0))&"","")'),
                "label_en": Formula(f'=IFERROR(INDEX({regions.range("name_en")},'
                                    f'MATCH({region},{regions.range("region_id")},0))&"","")'),
                "kind": text("kind"),
                "value_max": numeric("value_max"),
            }
        else:  # the national rows' fixed labels, as analysis.compare gives them
            values |= {"doc_id": item.doc_id, "region_id": item.region_id, "label_en": item.label_en,
                       "kind": item.kind, "value_max": None}
        rows.append([values[c] for c in INDICATOR_COLUMNS])
    return SheetSpec(INDICATORS_SHEET, rows,
                     "Comparable indicators: each region's quantities beside the national benchmarks of the same "
                     "indicator group; values looked up by formula (MATCH/INDEX) in the targets and "
                     "national_benchmarks sheets; equals analysis.compare.indicator_comparison.",
                     widths={"A": 30, "C": 30, "D": 18, "E": 24, "G": 13, "I": 50, "L": 14}, freeze="C2")


def commitments_sheet(tables: dict[str, pd.DataFrame], layout: dict[str, DataSheet]) -> SheetSpec:
    """Commitment level 0–3 per theme (rows) × document (columns): SUMIFS over the commitments sheet."""
    levels = compare.commitment_levels(tables)
    docs = list(tables["documents"]["doc_id"])
    coded = set(levels["theme_id"])
    themes = [t for t in tables["themes"]["theme_id"] if t in coded]
    themes += sorted(coded - set(themes))  # a theme missing from the codebook still shows
    regions, genres, names = _labels(tables)
    commitments = layout["commitments"]
    rows = [["theme_id", "theme", *docs], ["", "region", *(regions.get(d, "") for d in docs)],
            ["", "genre", *(genres.get(d, "") for d in docs)]]
    d_rng, t_rng, l_rng = (commitments.range(c) for c in ("doc_id", "theme_id", "level"))
    for number, theme_id in enumerate(themes, start=COMMITMENT_HEADER_ROWS + 1):
        row = [theme_id, names.get(theme_id, "")]
        for index in range(len(docs)):
            doc = f"{get_column_letter(3 + index)}$1"
            row.append(Formula(f'=IF(COUNTIFS({d_rng},{doc},{t_rng},$A{number})=0,"",'
                               f"SUMIFS({l_rng},{d_rng},{doc},{t_rng},$A{number}))"))
        rows.append(row)
    widths = {"A": 26, "B": 36} | {get_column_letter(3 + i): 24 for i in range(len(docs))}
    return SheetSpec(COMMITMENTS_SHEET, rows,
                     "Commitment level per theme × document (0 absent, 1 general mention, 2 concrete measure, "
                     "3 quantified): SUMIFS over the commitments sheet, blank where no level is coded; equals "
                     "analysis.compare.commitment_levels.",
                     header_rows=COMMITMENT_HEADER_ROWS, widths=widths, freeze="C4")


def comparison_sheets(tables: dict[str, pd.DataFrame]) -> list[SheetSpec]:
    """Every comparison sheet, in workbook order."""
    layout = data_layout(tables)
    return [quantities_sheet(tables, layout), indicators_sheet(tables, layout), commitments_sheet(tables, layout)]


# ----------------------------------------------------------------------------------------------
# Drop-down lists and the README sheet

OPEN_CODED_COLUMNS = ("unit",)  # coded by use, not by schema: drop-down of the values in use, others allowed
LISTS_SHEET = "_lists"


@dataclass(frozen=True)
class CodeList:
    """Allowed values of a coded column, where they come from and how strictly Excel enforces them."""

    name: str  # header in the hidden lists sheet, e.g. "targets.kind" or "regions.region_id"
    values: tuple[str, ...]
    source: str
    error_style: str  # stop (schema enum), warning (foreign key), information (open list)


def code_lists(tables: dict[str, pd.DataFrame], descriptor: dict) -> dict[tuple[str, str], CodeList]:
    """(table, column) → its drop-down list: schema enums, single-column foreign keys, open coded columns."""
    out = {}
    for item in descriptor["resources"]:
        name, schema = item["name"], item["schema"]
        for f in schema["fields"]:
            enum = f.get("constraints", {}).get("enum")
            if enum:
                out[(name, f["name"])] = CodeList(f"{name}.{f['name']}", tuple(map(str, enum)),
                                                  "schema enum", "stop")
        for key in schema.get("foreignKeys", []):
            fields, ref = key["fields"], key["reference"]
            if isinstance(fields, str) or len(fields) == 1:
                column = fields if isinstance(fields, str) else fields[0]
                ref_table = ref["resource"] or name
                ref_column = ref["fields"] if isinstance(ref["fields"], str) else ref["fields"][0]
                values = tuple(v for v in dict.fromkeys(tables[ref_table][ref_column]) if v)
                out[(name, column)] = CodeList(f"{ref_table}.{ref_column}", values,
                                               f"foreign key to {ref_table}.{ref_column}", "warning")
        for column in OPEN_CODED_COLUMNS:
            if column in tables[name].columns and (name, column) not in out:
                values = tuple(sorted({v for v in tables[name][column] if v}))
                out[(name, column)] = CodeList(f"{name}.{column}", values, "values in use (others allowed)", "information")
    return out


def unique_lists(lists: dict[tuple[str, str], CodeList]) -> list[CodeList]:
    return list(dict((c.name, c) for c in lists.values()).values())


def list_ranges(lists: dict[tuple[str, str], CodeList]) -> dict[str, str]:
    """List name → its absolute range in the hidden lists sheet (one column per list)."""
    return {code.name: f"'{LISTS_SHEET}'!${get_column_letter(i)}$2:${get_column_letter(i)}${max(2, len(code.values) + 1)}"
            for i, code in enumerate(unique_lists(lists), start=1)}


def readme_rows(tables: dict[str, pd.DataFrame], descriptor: dict, specs: list[SheetSpec],
                lists: dict[tuple[str, str], CodeList]) -> list[tuple[str, list[str]]]:
    """The README sheet as (style, cells) rows: what each sheet and column means, the codebook, and how
    to bring edits back. Styles: title, text (one line), section, header, row (table row)."""
    rows: list[tuple[str, list[str]]] = [
        ("title", [f"{descriptor.get('title', 'Curated data')} (data package version {descriptor.get('version', '')})"]),
        ("text", [descriptor.get("description", "")]),
        ("section", ["How to edit and bring edits back"]),
        ("text", ["1. Edit cells in the data sheets only (one sheet per CSV of data/curated/). Keep each sheet's name and its "
                  "header row."]),
        ("text", ["    You may reorder, hide or add columns (added columns are ignored with a warning), filter and sort rows "
                  "(the CSV keeps its row order), add rows at the bottom and delete rows."]),
        ("text", ["2. Coded columns offer a drop-down list (codebook below). Text stays text: type '12 to keep an id such "
                  "as 12 as text."]),
        ("text", ["3. Save as Excel Workbook (.xlsx), without a password."]),
        ("text", ["4. python -m analysis workbook import PATH --dry-run    reports the changes per table (rows added, "
                  "changed, removed, by primary key) and writes nothing."]),
        ("text", ["5. python -m analysis workbook import PATH    validates exactly like `python -m analysis validate` "
                  "(quotes, offsets and values included) and only then rewrites the CSVs that changed."]),
        ("text", ["    On any problem nothing is written; each message names sheet, row and column."]),
        ("text", ["6. The comparison sheets are formulas over the data sheets and recalculate in Excel or LibreOffice. "
                  "Their rows are fixed at export: a new document or indicator row needs a new export."]),
        ("text", ["    Edits to the comparison sheets, to this README and to the hidden _lists sheet are not imported."]),
        ("section", ["Sheets"]),
        ("header", ["sheet", "kind", "rows", "title", "what it holds"]),
    ]
    for item in descriptor["resources"]:
        rows.append(("row", [item["name"], f"data: data/curated/{item['path']}", str(len(tables[item["name"]])),
                             item.get("title", ""), item.get("description", "")]))
    rows += [("row", [spec.name, "comparison (formulas)", str(len(spec.rows) - spec.header_rows), "comparison",
                      spec.description]) for spec in specs]
    rows += [("section", ["Columns"]), ("header", ["sheet", "column", "type", "required", "allowed values", "description"])]
    for item in descriptor["resources"]:
        for f in item["schema"]["fields"]:
            constraints = f.get("constraints", {})
            code = lists.get((item["name"], f["name"]))
            if code and code.source == "schema enum":
                allowed = "one of: " + ", ".join(code.values)
            elif code:
                allowed = f"code from {code.name} ({code.source})"
            else:
                allowed = f"pattern {constraints['pattern']}" if "pattern" in constraints else ""
            rows.append(("row", [item["name"], f["name"], f.get("type", "string"),
                                 "yes" if constraints.get("required") else "", allowed[:2000], f.get("description", "")]))
    rows += [("section", ["Codebook: themes"]), ("header", ["theme_id", "name_zh", "name_en", "focus", "definition"])]
    for theme in tables["themes"].itertuples(index=False):
        rows.append(("row", [theme.theme_id, theme.name_zh, theme.name_en, "yes" if theme.is_focus == "true" else "",
                             theme.definition]))
    rows += [("section", ["Codebook: coded columns (drop-down lists)"]), ("header", ["list", "source", "codes", "", "values"])]
    for code in unique_lists(lists):
        rows.append(("row", [code.name, code.source, str(len(code.values)), "", ", ".join(code.values)[:30000]]))
    return rows


# ----------------------------------------------------------------------------------------------
# Reading recalculated sheets back and checking them against analysis.compare


def _plain(value):
    """A calculated cell as a plain Python value; blanks (None, "") become None."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _frame(grid: list[list], header_row: int = 0) -> pd.DataFrame:
    header = [str(h) for h in grid[header_row]]
    body = [list(row) + [None] * (len(header) - len(row)) for row in grid[header_row + 1:]]
    body = [[_plain(v) for v in row[:len(header)]] for row in body if any(_plain(v) is not None for v in row)]
    return pd.DataFrame(body, columns=header, dtype=object)


def recalculated_frames(grids: dict[str, list[list]]) -> dict[str, pd.DataFrame]:
    """Tidy frames from recalculated comparison sheets (``grids``: sheet → rows of cell values)."""
    quantities = _frame(grids[QUANTITIES_SHEET])
    indicators = _frame(grids[INDICATORS_SHEET])
    matrix = grids[COMMITMENTS_SHEET]
    docs = [_plain(v) for v in matrix[0][2:]]
    levels = []
    for row in matrix[COMMITMENT_HEADER_ROWS:]:
        theme_id = _plain(row[0]) if row else None
        for doc_id, value in zip(docs, row[2:]):
            if theme_id is not None and doc_id is not None and _plain(value) is not None:
                levels.append({"doc_id": doc_id, "theme_id": theme_id, "level": _plain(value)})
    return {QUANTITIES_SHEET: quantities, INDICATORS_SHEET: indicators,
            COMMITMENTS_SHEET: pd.DataFrame(levels, columns=["doc_id", "theme_id", "level"])}


def _same(got, want) -> bool:
    got, want = _plain(got), _plain(want)
    if want is pd.NA or (want is not None and not isinstance(want, str) and pd.isna(want)):
        want = None
    if got is None or want is None:
        return got is None and want is None
    if isinstance(want, Number) and not isinstance(want, bool):
        return isinstance(got, Number) and not isinstance(got, bool) and math.isclose(float(got), float(want), rel_tol=1e-12, abs_tol=1e-12)
    return str(got) == str(want)


def _table_mismatches(sheet: str, got: pd.DataFrame, want: pd.DataFrame, columns: dict[str, str],
                      key: list[str]) -> list[str]:
    """Row-by-row comparison; ``columns`` maps sheet column → column of the expected table."""
    problems = []
    if len(got) != len(want):
        problems.append(f"{sheet}: {len(got)} rows, analysis.compare gives {len(want)}")
    for index, (g, w) in enumerate(zip(got.to_dict("records"), want.to_dict("records"))):
        for sheet_column, want_column in columns.items():
            if not _same(g.get(sheet_column), w[want_column]):
                where = " × ".join(str(w[k]) for k in key)
                problems.append(f"{sheet} row {index + 2} ({where}), {sheet_column}: sheet has {g.get(sheet_column)!r}, "
                                f"analysis.compare has {w[want_column]!r}")
    return problems


def formula_mismatches(grids: dict[str, list[list]], tables: dict[str, pd.DataFrame]) -> list[str]:
    """Every difference between the recalculated comparison sheets and analysis.compare on ``tables``."""
    frames = recalculated_frames(grids)
    counts = compare.target_counts(tables)
    problems = _table_mismatches(QUANTITIES_SHEET, frames[QUANTITIES_SHEET], counts,
                                 {c: c for c in counts.columns if c not in ("genre_class", *compare.GRADE_COLUMNS)},
                                 ["doc_id", "theme_id"])
    indicators = compare.indicator_comparison(tables)
    problems += _table_mismatches(INDICATORS_SHEET, frames[INDICATORS_SHEET], indicators,
                                  {c: c for c in INDICATOR_COLUMNS if c != "data_row"}, ["indicator_group", "reference_id"])
    want = {(r.doc_id, r.theme_id): r.level for r in compare.commitment_levels(tables).itertuples()}
    got = {(r.doc_id, r.theme_id): r.level for r in frames[COMMITMENTS_SHEET].itertuples()}
    for pair in sorted(set(want) | set(got)):
        if not _same(got.get(pair), want.get(pair)):
            problems.append(f"{COMMITMENTS_SHEET} {pair[0]} × {pair[1]}: sheet has {got.get(pair)!r}, "
                            f"analysis.compare.commitment_levels has {want.get(pair)!r}")
    return problems


def grids_from_workbook(workbook, sheets=COMPARISON_SHEETS) -> dict[str, list[list]]:
    """Cell values of the comparison sheets of an openpyxl workbook loaded with ``data_only=True``."""
    return {name: [list(row) for row in workbook[name].iter_rows(values_only=True)] for name in sheets}
