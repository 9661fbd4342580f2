"""Generated sheets of the curated workbook: comparison sheets, checks, drop-down lists, README.

Each comparison sheet is one table of :func:`analysis.compare.comparison_tables` (the like-with-like
registry), with zh and en document and theme labels added, its comparability grade, caveats and
quotes, header in row 1, one row per row of the package's table. The numbers are live formulas
(COUNTIFS, SUMIFS: no dynamic arrays) over the data sheets, written together with their
result as computed by the package, so a reader that does not recalculate (``pandas.read_excel``)
sees the package's numbers and Excel or LibreOffice recalculate on edit. Formulas cover the rows
``2..ROW_LIMIT`` of every data sheet; the checks sheet flags a table that passes that limit and
duplicate keys. Criteria (kinds, the excluded theme) come from the lists sheet, never from header
text. No I/O here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from numbers import Number

import pandas as pd
from xlsxwriter.utility import xl_col_to_name

from analysis import compare

LISTS_SHEET = "_lists"
CHECKS_SHEET = "checks"
MATRIX_SHEET = "commitment_matrix"
# Rows every formula covers (row 1 is the header): 65 times today's largest table. A table that
# grows past it is flagged on the checks sheet.
ROW_LIMIT = 10_000
DUPLICATE = "duplicate key"  # what a derived cell shows when the key it looks up is coded twice
EXCLUDED_THEMES = ("web_furniture",)  # as analysis.compare leaves them out of plan text
MATRIX_HEADER_ROWS = 4  # doc_id, document (zh), document (en), genre
USED_TABLES = {
    "targets",
    "clauses",
    "commitments",
    "documents",
    "national_benchmarks",
    "document_components",
}  # what formulas read


def letter(index: int) -> str:
    """Column letter of a 1-based column number."""
    return xl_col_to_name(index - 1)


@dataclass(frozen=True)
class Formula:
    """An Excel formula with the result the package computes for it (written as the cached value)."""

    text: str
    value: object = None


@dataclass(frozen=True)
class DataSheet:
    """Where a curated table sits in the workbook: its sheet and its columns (header in row 1)."""

    name: str
    columns: tuple[str, ...]
    rows: int

    def letter(self, column: str) -> str:
        return letter(self.columns.index(column) + 1)

    def range(self, column: str, first_row: int = 2) -> str:
        """Absolute reference to a column's cells, e.g. ``'targets'!$B$2:$B$10000``."""
        col = self.letter(column)
        return f"'{self.name}'!${col}${first_row}:${col}${ROW_LIMIT}"


@dataclass
class SheetSpec:
    """A generated sheet: its cells row by row (values or :class:`Formula`), and how to present it."""

    name: str
    rows: list[list]
    description_zh: str
    description_en: str
    header_rows: int = 1
    widths: dict[str, float] = field(default_factory=dict)
    freeze: tuple[int, int] = (1, 0)
    colour_scale: str | None = None  # a range that gets a 3-colour scale (commitment levels)
    wrap_columns: tuple[str, ...] = ()


def data_layout(tables: dict[str, pd.DataFrame]) -> dict[str, DataSheet]:
    """The data sheets as the workbook lays them out: one per table, header in row 1, columns in CSV order."""
    return {name: DataSheet(name, tuple(frame.columns), len(frame)) for name, frame in tables.items()}


# ----------------------------------------------------------------------------------------------
# The registry of comparison tables and labels


def comparison_registry(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every comparison table by name: ``analysis.compare.comparison_tables`` plus counts per 10,000 characters."""
    registry = (
        dict(compare.comparison_tables(tables))
        if hasattr(compare, "comparison_tables")
        else {
            "indicator_comparison": compare.indicator_comparison(tables),
            "plan_against_result": compare.plan_against_result(tables),
            "theme_text_shares": compare.theme_text_shares(tables),
            "commitment_levels": compare.commitment_levels(tables),
            "target_counts": compare.target_counts(tables),
            "double_reduction_matrix": compare.double_reduction_matrix(tables),
            "teacher_rotation_mechanisms": compare.teacher_rotation_mechanisms(tables),
        }
    )
    if not any("quantities_per_10k_chars" in frame.columns for frame in registry.values()):
        registry["corpus_overview"] = compare.corpus_overview(tables)
    return {sheet_name(name, tables): frame for name, frame in registry.items()}


def sheet_name(name: str, tables: dict[str, pd.DataFrame]) -> str:
    """The sheet of a comparison table: its registry name, shortened to Excel's 31 characters, and
    prefixed ``cmp_`` where a data sheet already has the name."""
    short = name.replace("_against_", "_vs_") if len(name) > 31 else name
    short = ("cmp_" + short) if short in tables else short
    return short[:31]


def document_labels(tables: dict[str, pd.DataFrame]) -> dict[str, tuple[str, str]]:
    """doc_id → (zh label, en label): region, genre and period, as a reader names a document."""
    docs = compare.documents_with_regions(tables)
    out = {}
    for d in docs.itertuples(index=False):
        genre_en = str(d.genre).replace("_", " ")
        years = (
            str(d.period_start_year)
            if d.period_start_year == d.period_end_year
            else f"{d.period_start_year}–{d.period_end_year}"
        )  # from the years: period_label may hold English ("2021 H2")
        out[d.doc_id] = (
            f"{d.region_zh or d.region_id}·{years}年 {d.genre_zh}".strip(),
            f"{d.region_en or d.region_id}, {genre_en} {years}".strip(),
        )
    return out


def theme_labels(tables: dict[str, pd.DataFrame]) -> dict[str, tuple[str, str]]:
    return {t.theme_id: (t.name_zh, t.name_en) for t in tables["themes"].itertuples(index=False)}


def with_labels(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The table with zh/en labels next to every doc_id / theme_id column it lacks labels for."""
    out = frame.copy()
    docs, themes = document_labels(tables), theme_labels(tables)
    for column in list(out.columns):
        if column.startswith("doc_id"):
            suffix = column[len("doc_id") :]
            position = list(out.columns).index(column) + 1
            for lang, index in (("en", 1), ("zh", 0)):
                name = f"document_{lang}{suffix}"
                if name not in out.columns:
                    out.insert(position, name, [docs.get(d, ("", ""))[index] for d in out[column]])
        if column == "theme_id" and "theme_zh" not in out.columns:
            position = list(out.columns).index(column) + 1
            out.insert(position, "theme_en", [themes.get(t, ("", ""))[1] for t in out[column]])
            out.insert(position, "theme_zh", [themes.get(t, ("", ""))[0] for t in out[column]])
    return out


# ----------------------------------------------------------------------------------------------
# Formulas per column, chosen by the columns a table has (not by its name)


@dataclass(frozen=True)
class Criteria:
    """Cells of the lists sheet that formulas take their criteria from."""

    cells: dict[str, str]  # "targets.kind=target" → "'_lists'!$C$2"

    def __getitem__(self, key: str) -> str:
        return self.cells[key]


def _cell(frame: pd.DataFrame, column: str, row: int) -> str:
    return f"${letter(list(frame.columns).index(column) + 1)}{row}"


def _counts(frame, layout, criteria, row, values):
    t = layout["targets"]
    doc, theme = _cell(frame, "doc_id", row), _cell(frame, "theme_id", row)
    out = {}
    for kind in ("target", "baseline", "achievement"):
        if kind in frame.columns:
            out[kind] = (
                f"=COUNTIFS({t.range('doc_id')},{doc},{t.range('theme_id')},{theme},"
                f"{t.range('kind')},{criteria['targets.kind=' + kind]})"
            )
    if "quantities" in frame.columns and out:
        first, last = (_cell(frame, k, row).replace("$", "") for k in ("target", "achievement"))
        out["quantities"] = f"=SUM({first}:{last})"
    return out


def _shares(frame, layout, criteria, row, values):
    if values.get("share_basis", "primary_only") != "primary_only":
        return {}  # the other basis splits a clause among its themes: a value, not a SUMIFS over primary themes
    c = layout["clauses"]
    doc, theme = _cell(frame, "doc_id", row), _cell(frame, "theme_id", row)
    end, start, docs, themes = c.range("char_end"), c.range("char_start"), c.range("doc_id"), c.range("theme_id")
    chars = f"(SUMIFS({end},{docs},{doc},{themes},{theme})-SUMIFS({start},{docs},{doc},{themes},{theme}))"
    excluded = "".join(f',{themes},"<>"&{criteria["excluded_theme=" + t]}' for t in EXCLUDED_THEMES)
    total = f"(SUMIFS({end},{docs},{doc}{excluded})-SUMIFS({start},{docs},{doc}{excluded}))"
    return {"chars": f"={chars}", "share": f"=IF({total}=0,0,{chars}/{total})"}


def _level(frame, layout, criteria, row, values):
    m = layout["commitments"]
    doc, theme = _cell(frame, "doc_id", row), _cell(frame, "theme_id", row)
    return {"level": level_formula(m, doc, theme)}


def level_formula(m: DataSheet, doc: str, theme: str) -> str:
    """Commitment level of a document × theme; "duplicate" when the pair is coded twice, blank when never."""
    pair = f"{m.range('doc_id')},{doc},{m.range('theme_id')},{theme}"
    return f'=IF(COUNTIFS({pair})=1,SUMIFS({m.range("level")},{pair}),IF(COUNTIFS({pair})=0,"","{DUPLICATE}"))'


def _per_10k(frame, layout, criteria, row, values):
    t, c, d = layout["targets"], layout["clauses"], layout["documents"]
    doc = _cell(frame, "doc_id", row)
    out = {"quantities": f"=COUNTIFS({t.range('doc_id')},{doc})"}
    if "clauses" in frame.columns:
        out["clauses"] = f"=COUNTIFS({c.range('doc_id')},{doc})"
    if "body_chars" in frame.columns:
        docs = d.range("doc_id")
        out["body_chars"] = (
            f"=SUMIFS({d.range('body_char_end')},{docs},{doc})-SUMIFS({d.range('body_char_start')},{docs},{doc})"
        )
        body = _cell(frame, "body_chars", row)
        quantities = _cell(frame, "quantities", row)
        out["quantities_per_10k_chars"] = f"=ROUND({quantities}/{body}*10000,1)"
    return out


def _present(frame, layout, criteria, row, values):
    dc = layout["document_components"]
    doc, component = _cell(frame, "doc_id", row), _cell(frame, "component", row)
    pair = f"{dc.range('doc_id')},{doc},{dc.range('component')},{component}"
    return {
        "present": f'=IF(COUNTIFS({pair})=0,"",IF(COUNTIFS({pair})>1,"{DUPLICATE}",'
        f"COUNTIFS({pair},{dc.range('present')},TRUE)>0))"
    }


# value column → (id column, source table, column there)
LOOKUPS = {
    "value_plan": ("target_id_plan", "targets", "value"),
    "value_result": ("target_id_result", "targets", "value"),
}


def lookup_formula(sheet: DataSheet, column: str, key: str, cell: str) -> str:
    """The number in ``column`` of the row of ``sheet`` whose ``key`` is ``cell``; "duplicate" if two rows have it,
    blank if none. SUMIFS over the one matching row is that number (every looked-up column is a number), as
    INDEX/MATCH would give, without building a reference per row of the range in the `formulas` package."""
    keys = sheet.range(key)
    count = f"COUNTIF({keys},{cell})"
    return f'=IF({count}>1,"{DUPLICATE}",IF({count}=0,"",SUMIFS({sheet.range(column)},{keys},{cell})))'


def _lookups(frame, layout, criteria, row, values):
    out = {}
    for column, (key, table, source) in LOOKUPS.items():
        if column in frame.columns and key in frame.columns:
            out[column] = lookup_formula(layout[table], source, "target_id", _cell(frame, key, row))
    if {"reference_id", "source", "value"} <= set(frame.columns):
        local = values.get("source") == "local"
        sheet, key = (layout["targets"], "target_id") if local else (layout["national_benchmarks"], "benchmark_id")
        out["value"] = lookup_formula(sheet, "value", key, _cell(frame, "reference_id", row))
    elif {"target_id", "value"} <= set(frame.columns):
        out["value"] = lookup_formula(layout["targets"], "value", "target_id", _cell(frame, "target_id", row))
    return out


# Tables whose cells are values as exported (re-export after an edit):
# - rows chosen by data values (level-3 commitments): an edit can add or drop rows, which a sheet with rows
#   fixed at export cannot follow;
# - shares on two bases: the split basis (1/k of a clause per theme) is no SUMIFS, so its `share` column would
#   recalculate in the primary-only rows and not in the others, fresh and stale shares side by side in one
#   column. `theme_text_shares` keeps live primary-only shares.
FIXED_AT_EXPORT = frozenset({"quantified_commitments", "theme_text_shares_by_basis"})

RECIPES = (  # (columns a table must have, recipe)
    ({"doc_id", "theme_id", "target", "baseline", "achievement"}, _counts),
    ({"doc_id", "theme_id", "chars", "share"}, _shares),
    ({"doc_id", "theme_id", "level"}, _level),
    ({"doc_id", "quantities", "body_chars", "quantities_per_10k_chars"}, _per_10k),
    ({"doc_id", "component", "present"}, _present),
    (set(), _lookups),
)


def _plain(value):
    """A cell value as a plain Python value; blanks (None, NaN, NA, "") become None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        return value or None
    if hasattr(value, "item") and not isinstance(value, (pd.Timestamp,)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def comparison_sheet(
    name: str, frame: pd.DataFrame, tables: dict[str, pd.DataFrame], layout: dict[str, DataSheet], criteria: Criteria
) -> SheetSpec:
    """One comparison table as a sheet: labels added, numbers as formulas cached with the package's values."""
    shown = with_labels(frame, tables)
    recipes = [] if name in FIXED_AT_EXPORT else [recipe for needed, recipe in RECIPES if needed <= set(shown.columns)]
    rows = [list(shown.columns)]
    formula_columns: set[str] = set()
    for number, record in enumerate(shown.to_dict("records"), start=2):
        formulas = {}
        for recipe in recipes:
            for column, text in recipe(shown, layout, criteria, number, record).items():
                formulas.setdefault(column, text)
        formula_columns |= set(formulas)
        rows.append(
            [Formula(formulas[c], _plain(record[c])) if c in formulas else _plain(record[c]) for c in shown.columns]
        )
    widths = {}
    for index, column in enumerate(shown.columns, start=1):
        if column.startswith(("quote", "caveat", "notes")):
            widths[letter(index)] = 50
        elif column.startswith(("document_", "indicator_", "name_", "theme_")):
            widths[letter(index)] = 30
        elif column.endswith("_id") or "_id_" in column:
            widths[letter(index)] = 22
    described = ", ".join(sorted(formula_columns)) or "none"
    return SheetSpec(
        name,
        rows,
        f"analysis.compare.comparison_tables()['{name}']，附中英文文件与主题标签。公式列（随数据表重算）：{described}。",
        f"analysis.compare.comparison_tables()['{name}'] with zh/en document and theme labels. Formula "
        f"columns (recalculate from the data sheets): {described}.",
        widths=widths,
        freeze=(1, 0),
        wrap_columns=tuple(c for c in shown.columns if c.startswith(("quote", "caveat", "notes"))),
    )


def commitment_matrix(tables: dict[str, pd.DataFrame], layout: dict[str, DataSheet]) -> SheetSpec:
    """Commitment level 0–3 per theme (rows) × document (columns), with a colour scale."""
    levels = compare.commitment_levels(tables)
    docs = list(tables["documents"]["doc_id"])
    coded = set(levels["theme_id"])
    themes = [t for t in tables["themes"]["theme_id"] if t in coded]
    themes += sorted(coded - set(themes))
    doc_labels, names = document_labels(tables), theme_labels(tables)
    genres = tables["documents"].set_index("doc_id")["genre"].to_dict()
    want = {(r.doc_id, r.theme_id): int(r.level) for r in levels.itertuples()}
    counts = levels.groupby(["doc_id", "theme_id"]).size().to_dict()
    rows = [
        ["theme_id", "theme_zh", "theme_en", *docs],
        ["", "文件", "document", *(doc_labels[d][0] for d in docs)],
        ["", "", "", *(doc_labels[d][1] for d in docs)],
        ["", "体裁", "genre", *(genres.get(d, "") for d in docs)],
    ]
    for number, theme_id in enumerate(themes, start=MATRIX_HEADER_ROWS + 1):
        row = [theme_id, *names.get(theme_id, ("", ""))]
        for index, doc in enumerate(docs):
            n = counts.get((doc, theme_id), 0)
            cached = want.get((doc, theme_id)) if n == 1 else ("" if n == 0 else DUPLICATE)
            row.append(Formula(level_formula(layout["commitments"], f"{letter(4 + index)}$1", f"$A{number}"), cached))
        rows.append(row)
    last = MATRIX_HEADER_ROWS + len(themes)
    widths = {"A": 24, "B": 20, "C": 30} | {letter(4 + i): 24 for i in range(len(docs))}
    scale = f"D{MATRIX_HEADER_ROWS + 1}:{letter(3 + len(docs))}{last}" if docs and themes else None
    return SheetSpec(
        MATRIX_SHEET,
        rows,
        f"承诺程度（0 未提及，1 一般提及，2 具体措施，3 量化），主题 × 文件；同一对编码两次显示 {DUPLICATE}。",
        "Commitment level per theme × document (0 absent, 1 general mention, 2 concrete measure, "
        f"3 quantified); a pair coded twice shows '{DUPLICATE}'; equals "
        "analysis.compare.commitment_levels.",
        header_rows=MATRIX_HEADER_ROWS,
        widths=widths,
        freeze=(MATRIX_HEADER_ROWS, 3),
        colour_scale=scale,
    )


def checks_sheet(specs: list[SheetSpec], layout: dict[str, DataSheet]) -> SheetSpec:
    """Check cells: keys coded twice (cells that show "duplicate" in a derived sheet), and rows of a data
    sheet below the rows the formulas reach."""
    rows = [["check_zh", "check_en", "count", "status"]]

    def add(zh, en, formula, cached):
        number = len(rows) + 1
        rows.append(
            [
                zh,
                en,
                Formula(formula, cached),
                Formula(f'=IF(C{number}=0,"OK","CHECK")', "OK" if cached == 0 else "CHECK"),
            ]
        )

    for spec in specs:
        if not any(isinstance(v, Formula) for row in spec.rows for v in row):
            continue
        cached = sum(1 for row in spec.rows for v in row if isinstance(v, Formula) and v.value == DUPLICATE)
        cells = f"'{spec.name}'!$A$1:${letter(max(len(r) for r in spec.rows))}${len(spec.rows)}"
        add(
            f"{spec.name} 中因键重复而显示 {DUPLICATE} 的单元格",
            f"cells of {spec.name} showing '{DUPLICATE}' (a key coded twice)",
            f'=COUNTIF({cells},"{DUPLICATE}")',
            cached,
        )
    for name in sorted(USED_TABLES & set(layout)):
        sheet = layout[name]
        col = sheet.letter(sheet.columns[0])
        add(
            f"{name} 超出公式范围（第 {ROW_LIMIT} 行以下）的行",
            f"rows of {name} below row {ROW_LIMIT}, which formulas do not reach",
            f"=COUNTA('{name}'!${col}${ROW_LIMIT + 1}:${col}$1048576)",
            0,
        )
    return SheetSpec(
        CHECKS_SHEET,
        rows,
        "检查：重复的键、超出公式范围的行；全部为 OK 时比较表可信。",
        "Checks: keys coded twice, rows beyond the formulas' reach; the comparisons hold when every status is OK.",
        widths={"A": 44, "B": 60, "C": 10, "D": 10},
    )


def comparison_sheets(tables: dict[str, pd.DataFrame], criteria: Criteria) -> list[SheetSpec]:
    """Every derived sheet, in workbook order: one per comparison table, the commitment matrix, checks."""
    layout = data_layout(tables)
    specs = [
        comparison_sheet(name, frame, tables, layout, criteria) for name, frame in comparison_registry(tables).items()
    ]
    specs.append(commitment_matrix(tables, layout))
    return specs + [checks_sheet(specs, layout)]


# ----------------------------------------------------------------------------------------------
# Drop-down lists and criteria

OPEN_CODED_COLUMNS = ("unit",)  # coded by use, not by schema: drop-down of the values in use, others allowed


@dataclass(frozen=True)
class CodeList:
    """Allowed values of a coded column, where they come from and how strictly Excel enforces them."""

    name: str  # e.g. "targets.kind" or "regions.region_id"
    values: tuple[str, ...]
    source: str
    error_style: str  # stop (schema enum), warning (foreign key), information (open list)
    table: str | None = None  # foreign key: the data sheet and column the list follows
    column: str | None = None


def code_lists(tables: dict[str, pd.DataFrame], descriptor: dict) -> dict[tuple[str, str], CodeList]:
    """(table, column) → its drop-down list: schema enums, single-column foreign keys, open coded columns."""
    out = {}
    for item in descriptor["resources"]:
        name, schema = item["name"], item["schema"]
        for f in schema["fields"]:
            enum = f.get("constraints", {}).get("enum")
            if enum:
                out[(name, f["name"])] = CodeList(f"{name}.{f['name']}", tuple(map(str, enum)), "schema enum", "stop")
        for key in schema.get("foreignKeys", []):
            fields, ref = key["fields"], key["reference"]
            if isinstance(fields, str) or len(fields) == 1:
                column = fields if isinstance(fields, str) else fields[0]
                ref_table = ref["resource"] or name
                ref_column = ref["fields"] if isinstance(ref["fields"], str) else ref["fields"][0]
                values = tuple(v for v in dict.fromkeys(tables[ref_table][ref_column]) if v)
                out[(name, column)] = CodeList(
                    f"{ref_table}.{ref_column}",
                    values,
                    f"foreign key to {ref_table}.{ref_column}",
                    "warning",
                    ref_table,
                    ref_column,
                )
        for column in OPEN_CODED_COLUMNS:
            if column in tables[name].columns and (name, column) not in out:
                values = tuple(sorted({v for v in tables[name][column] if v}))
                out[(name, column)] = CodeList(
                    f"{name}.{column}", values, "values in use (others allowed)", "information"
                )
    return out


def unique_lists(lists: dict[tuple[str, str], CodeList]) -> list[CodeList]:
    return list({c.name: c for c in lists.values()}.values())


def lists_columns(lists: dict[tuple[str, str], CodeList]) -> list[tuple[str, tuple[str, ...]]]:
    """The lists sheet, column by column: enum and open lists, then the criteria the formulas use."""
    columns = [(code.name, code.values) for code in unique_lists(lists) if code.table is None]
    return columns + [("excluded_theme", EXCLUDED_THEMES)]


def list_sources(lists: dict[tuple[str, str], CodeList], layout: dict[str, DataSheet]) -> dict[str, str]:
    """List name → the drop-down source: a range of the lists sheet, or for a foreign key the referenced
    data sheet's column from row 2 to its last filled row (OFFSET/COUNTA), so new rows appear."""
    out = {}
    for index, (name, values) in enumerate(lists_columns(lists), start=1):
        col = letter(index)
        out[name] = f"='{LISTS_SHEET}'!${col}$2:${col}${max(2, len(values) + 1)}"
    for code in unique_lists(lists):
        if code.table is not None:
            col = layout[code.table].letter(code.column)
            out[code.name] = f"=OFFSET('{code.table}'!${col}$2,0,0,MAX(1,COUNTA('{code.table}'!${col}:${col})-1),1)"
    return out


def criteria_cells(lists: dict[tuple[str, str], CodeList]) -> Criteria:
    """ "list=value" → the absolute cell of the lists sheet that holds the value."""
    cells = {}
    for index, (name, values) in enumerate(lists_columns(lists), start=1):
        for row, value in enumerate(values, start=2):
            cells[f"{name}={value}"] = f"'{LISTS_SHEET}'!${letter(index)}${row}"
    return Criteria(cells)


# ----------------------------------------------------------------------------------------------
# README


def readme_rows(
    tables: dict[str, pd.DataFrame], descriptor: dict, specs: list[SheetSpec], lists: dict[tuple[str, str], CodeList]
) -> list[tuple[str, list[str]]]:
    """The README sheet as (style, cells) rows, in Chinese and English: which sheets are data (edit, then
    import) and which are derived, each column, the codebook. Styles: title, text, section, header, row."""
    rows: list[tuple[str, list[str]]] = [
        (
            "title",
            [f"{descriptor.get('title', 'Curated data')} (data package version {descriptor.get('version', '')})"],
        ),
        ("text", [descriptor.get("description", "")]),
        ("section", ["如何修改并导回 / How to edit and bring edits back"]),
        (
            "text",
            [
                "1. 只修改“数据”工作表（每张对应 data/curated/ 的一张表；分地区存放的表在此合为一张），保留表名和首行列名。",
                "1. Edit cells in the data sheets only (one sheet per table of data/curated/; a per-region table is one sheet for all regions). Keep each sheet's name and its header row.",
            ],
        ),
        (
            "text",
            [
                "   可以排序、筛选、在末尾加行、删行；新增的列会被忽略。",
                "   You may filter and sort rows (the CSV keeps its row order), add rows at the bottom and delete rows; added columns are ignored with a warning.",
            ],
        ),
        (
            "text",
            [
                "2. 编码列有下拉列表（见下方代码表）；外键列表随被引用的表增长。要保留像 12 这样的文本编号，请输入 '12。",
                "2. Coded columns offer a drop-down list (codebook below); foreign-key lists follow the table they refer to. Type '12 to keep an id such as 12 as text.",
            ],
        ),
        (
            "text",
            ["3. 另存为 Excel 工作簿（.xlsx），不要设密码。", "3. Save as Excel Workbook (.xlsx), without a password."],
        ),
        (
            "text",
            [
                "4. python -m analysis workbook import PATH --dry-run 列出每张表的改动，不写入任何文件。",
                "4. python -m analysis workbook import PATH --dry-run    reports the changes per table (rows added, changed, removed, by primary key) and writes nothing.",
            ],
        ),
        (
            "text",
            [
                "5. python -m analysis workbook import PATH 与 validate 同样校验，通过后才改写 CSV。导出后数据若有他人改动，逐行合并；同一行两边都改过则拒绝并指明该行。",
                "5. python -m analysis workbook import PATH    validates exactly like `python -m analysis validate` and only then rewrites the CSVs. Data changed since this export is merged row by row; a row changed both here and there is refused by name.",
            ],
        ),
        (
            "text",
            [
                "6. “派生”工作表（比较表、commitment_matrix、checks）是公式，在 Excel / LibreOffice 中随数据重算，不会被导入；其行在导出时确定，新文件或新指标需重新导出。",
                "6. Derived sheets (comparisons, commitment_matrix, checks) are formulas that recalculate in Excel or LibreOffice; they are never imported. Their rows are fixed at export: a new document or indicator needs a new export.",
            ],
        ),
        (
            "text",
            [
                f"   公式覆盖每张数据表的第 2–{ROW_LIMIT} 行；checks 表在有重复键或超出范围时显示 CHECK。",
                f"   Formulas cover rows 2–{ROW_LIMIT} of each data sheet; the checks sheet shows CHECK for duplicate keys or rows beyond that.",
            ],
        ),
        ("section", ["工作表 / Sheets"]),
        ("header", ["sheet", "kind", "rows", "title", "说明", "what it holds"]),
    ]
    for item in descriptor["resources"]:
        path = item["path"]
        where = (
            f"data/curated/regions/<region_id>/{path[0].rsplit('/', 1)[-1]} ({len(path)} regions)"
            if isinstance(path, list) and path
            else f"data/curated/{path}"
        )
        rows.append(
            (
                "row",
                [
                    item["name"],
                    f"数据 data: {where} (edit, then import)",
                    str(len(tables[item["name"]])),
                    item.get("title", ""),
                    "数据表：修改后导入。",
                    item.get("description", ""),
                ],
            )
        )
    rows += [
        (
            "row",
            [
                spec.name,
                "派生 derived (formulas, not imported)",
                str(len(spec.rows) - spec.header_rows),
                "comparison",
                spec.description_zh,
                spec.description_en,
            ],
        )
        for spec in specs
    ]
    rows += [
        ("section", ["列 / Columns"]),
        ("header", ["sheet", "column", "type", "required", "allowed values", "description"]),
    ]
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
            rows.append(
                (
                    "row",
                    [
                        item["name"],
                        f["name"],
                        f.get("type", "string"),
                        "yes" if constraints.get("required") else "",
                        allowed[:2000],
                        f.get("description", ""),
                    ],
                )
            )
    rows += [
        ("section", ["代码表：主题 / Codebook: themes"]),
        ("header", ["theme_id", "name_zh", "name_en", "focus", "definition"]),
    ]
    for theme in tables["themes"].itertuples(index=False):
        rows.append(
            (
                "row",
                [
                    theme.theme_id,
                    theme.name_zh,
                    theme.name_en,
                    "yes" if theme.is_focus == "true" else "",
                    theme.definition,
                ],
            )
        )
    rows += [
        ("section", ["代码表：下拉列表 / Codebook: coded columns (drop-down lists)"]),
        ("header", ["list", "source", "codes", "", "values"]),
    ]
    for code in unique_lists(lists):
        rows.append(("row", [code.name, code.source, str(len(code.values)), "", ", ".join(code.values)[:30000]]))
    return rows


# ----------------------------------------------------------------------------------------------
# Reading recalculated sheets back and checking them against analysis.compare


EXCEL_EPOCH = pd.Timestamp("1899-12-30")


def _same(got, want) -> bool:
    got, want = _plain(got), _plain(want)
    if isinstance(want, pd.Timestamp) and isinstance(got, Number) and not isinstance(got, bool):
        got = EXCEL_EPOCH + pd.Timedelta(days=float(got))  # a date cell recalculated as its serial number
    if isinstance(want, pd.Timestamp) or isinstance(got, pd.Timestamp):
        return pd.Timestamp(got) == pd.Timestamp(want) if got is not None and want is not None else got is want
    if got is None or want is None:
        return got is None and want is None
    if isinstance(want, bool) or isinstance(got, bool):  # a spreadsheet may store TRUE as 1
        return isinstance(got, Number) and isinstance(want, Number) and bool(got) == bool(want)
    if isinstance(want, str) and isinstance(got, Number):  # pandas reads a text column of digits as numbers
        return want == (str(int(got)) if float(got).is_integer() else repr(float(got)))
    if isinstance(want, Number):
        return isinstance(got, Number) and math.isclose(float(got), float(want), rel_tol=1e-9, abs_tol=1e-9)
    return str(got) == str(want)


def sheet_frame(grid: list[list], header_rows: int = 1) -> pd.DataFrame:
    """A comparison sheet's cell values (row 1 the header) as a frame, blank rows dropped."""
    header = [str(h) for h in grid[0]]
    body = [list(row) + [None] * (len(header) - len(row)) for row in grid[header_rows:]]
    body = [[_plain(v) for v in row[: len(header)]] for row in body if any(_plain(v) is not None for v in row)]
    return pd.DataFrame(body, columns=header, dtype=object)


def frame_mismatches(sheet: str, got: pd.DataFrame, want: pd.DataFrame, columns=None) -> list[str]:
    """Cell-by-cell differences between a sheet read back and the package's table (columns of ``want``)."""
    problems = []
    if len(got) != len(want):
        problems.append(f"{sheet}: {len(got)} rows, analysis.compare gives {len(want)}")
    columns = list(want.columns) if columns is None else columns
    missing = [c for c in columns if c not in got.columns]
    if missing:
        return problems + [f"{sheet}: columns {missing} missing"]
    for index, (g, w) in enumerate(zip(got[columns].to_dict("records"), want[columns].to_dict("records"))):
        for column in columns:
            if not _same(g[column], w[column]):
                problems.append(
                    f"{sheet} row {index + 2}, {column}: sheet has {g[column]!r}, analysis.compare has {w[column]!r}"
                )
    return problems


def formula_mismatches(
    grids: dict[str, list[list]], tables: dict[str, pd.DataFrame], only: dict[str, set[str]] | None = None
) -> list[str]:
    """Every difference between the (recalculated) comparison sheets and analysis.compare on ``tables``.

    ``only`` (sheet → columns) limits each sheet to those columns: after edits in the data sheets only
    the formula columns recalculate (see :func:`formula_columns`); labels, caveats and quotes stay as
    exported."""
    problems = []
    for name, frame in comparison_registry(tables).items():
        if name not in grids:
            problems.append(f"{name}: sheet missing")
            continue
        columns = None if only is None else [c for c in frame.columns if c in only.get(name, set())]
        if columns == []:
            continue
        problems += frame_mismatches(name, sheet_frame(grids[name]), frame, columns)
    if MATRIX_SHEET not in grids:
        return [*problems, f"{MATRIX_SHEET}: sheet missing"]
    return problems + matrix_mismatches(grids[MATRIX_SHEET], tables)


def matrix_mismatches(matrix: list[list], tables: dict[str, pd.DataFrame]) -> list[str]:
    """Differences between the commitment matrix's cells and ``analysis.compare.commitment_levels``."""
    problems = []
    docs = [_plain(v) for v in matrix[0][3:]]
    got = {}
    for row in matrix[MATRIX_HEADER_ROWS:]:
        for doc_id, value in zip(docs, row[3:]):
            if _plain(row[0]) is not None and _plain(value) is not None:
                got[(doc_id, row[0])] = _plain(value)
    want = {(r.doc_id, r.theme_id): r.level for r in compare.commitment_levels(tables).itertuples()}
    for pair in sorted(set(want) | set(got)):
        if not _same(got.get(pair), want.get(pair)):
            problems.append(
                f"{MATRIX_SHEET} {pair[0]} × {pair[1]}: sheet has {got.get(pair)!r}, "
                f"analysis.compare.commitment_levels has {want.get(pair)!r}"
            )
    return problems


def formula_columns(workbook) -> dict[str, set[str]]:
    """Sheet → header names of the columns whose first data cell is a formula (openpyxl, formulas kept)."""
    out = {}
    for sheet in workbook.worksheets:
        if sheet.max_row < 2:
            continue
        header = [c.value for c in sheet[1]]
        out[sheet.title] = {h for h, c in zip(header, sheet[2]) if c.data_type == "f" and h}
    return out


def grids_from_workbook(workbook, sheets=None) -> dict[str, list[list]]:
    """Cell values of the derived sheets of an openpyxl workbook loaded with ``data_only=True``."""
    names = sheets or [s for s in workbook.sheetnames]
    return {name: [list(row) for row in workbook[name].iter_rows(values_only=True)] for name in names}
