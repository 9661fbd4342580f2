"""The review loop of the extractor: candidates into a workbook, accepted rows back into the data.

:func:`write_review_workbook` writes the candidates of :mod:`analysis.extraction.finding` to an .xlsx sheet with
an ``accept`` column (plus the numbers left out and, for documents in the manifest without clauses,
proposed clauses); :func:`read_review` reads it back; :func:`plan_review_import` turns accepted rows
into rows of ``targets.csv``, ``excluded_numbers.csv`` and ``clauses.csv``; and
:func:`import_review` writes them only when the project still validates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.coding import FALLBACK_THEME, keyword_scores
from analysis.extraction.conventions import TARGET_YEAR_RE, guess_basis, guess_measure
from analysis.extraction.files import detect_encoding
from analysis.extraction.finding import EXCLUSION_REASONS, item_label, item_spans
from analysis.extraction.proposals import propose_commitments, propose_components
from analysis.normalize import normalize
from analysis.numbers import format_decimal


def write_review_workbook(
    path: Path, files: list[tuple[str, Path]], root: Path, candidates: pd.DataFrame, left_out: pd.DataFrame
) -> None:
    """Write the review workbook, proposing clauses for files in the manifest that have none yet."""
    from analysis.curated import load_tables

    tables = load_tables(root)
    documents, clauses, themes = tables["documents"], tables["clauses"], tables["themes"]
    manifest = _manifest_lookup(documents)
    proposals, levels, components = [], [], []
    for doc, file_path in files:
        entry = manifest.get(Path(doc).name)
        if entry is None:
            continue
        doc_id, body = entry["doc_id"], (int(entry["body_char_start"]), int(entry["body_char_end"]))
        encoding = detect_encoding(file_path)
        raw = file_path.read_bytes().decode(encoding)
        if not (clauses["doc_id"] == doc_id).any():
            proposed = propose_clauses(raw, doc_id, *body, themes)
            proposed["text"] = [
                item_label(raw[int(a) : int(b)], 40) for a, b in zip(proposed["char_start"], proposed["char_end"])
            ]
            proposals.append(proposed)
        if not (tables["commitments"]["doc_id"] == doc_id).any():
            levels.append(propose_commitments(raw, doc_id, *body, themes, candidates[candidates["doc"] == doc]))
        if not (tables["document_components"]["doc_id"] == doc_id).any():
            components.append(propose_components(raw, doc_id, *body, tables["components"]))
    proposed = pd.concat(proposals, ignore_index=True) if proposals else None
    frames = review_frames(candidates, left_out, documents, clauses, proposed, list(tables["targets"].columns))
    frames["commitments"] = _confirm_sheet(levels, COMMITMENT_COLUMNS)
    frames["components"] = _confirm_sheet(components, COMPONENT_COLUMNS)
    save_workbook_atomic(review_workbook(frames, themes), Path(path))


def _confirm_sheet(frames: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
    """Proposed rows with an empty ``confirm`` column first: nothing is imported until a researcher says yes."""
    if not frames:
        return pd.DataFrame(columns=list(columns))
    frame = pd.concat(frames, ignore_index=True)
    frame.insert(0, "confirm", "")
    for column in columns:  # to fill in by the researcher (the English gloss of each quote, say)
        if column not in frame.columns:
            frame[column] = ""
    return frame[list(columns)]


def save_workbook_atomic(workbook, path: Path) -> None:
    """Save an openpyxl workbook through a temporary file in the same folder and a rename (mode as a plain write)."""
    from analysis.atomic import write_with

    write_with(Path(path), workbook.save)


# ---------------------------------------------------------------------------------------------
# Clauses proposed from the items

_HEADING_RE = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十\d]+[章部分节])")
_ITEM_RE = re.compile(r"^\s*(?:[(（](?P<paren>[一二三四五六七八九十\d]{1,3})[)）]|(?P<num>\d{1,3})\s*[.、．](?!\d))")
_GOAL_RE = re.compile(r"^\s*[—-]{1,2}\s*((?:19|20)\d\d)年")


def _cn_index(numeral: str) -> str:
    from analysis.numbers import parse_quantity

    if numeral.isdigit():
        return str(int(numeral))
    try:
        return format_decimal(parse_quantity(numeral).value)
    except ValueError:
        return numeral


def propose_clauses(raw: str, doc_id: str, body_start: int, body_end: int, themes: pd.DataFrame) -> pd.DataFrame:
    """Clause rows (clauses.csv columns) that tile ``raw[body_start:body_end]``: one per title, heading,
    numbered item, yearly goal or paragraph, each coded with the keyword coder. A proposal to review."""
    spans = [(max(a, body_start), min(b, body_end)) for a, b in item_spans(raw) if b > body_start and a < body_end]
    rows, used, section = [], set(), ""
    normalised = [normalize(raw[a:b]).text for a, b in spans]
    themes_no_furniture = themes[themes["theme_id"] != "web_furniture"]
    scores = keyword_scores(pd.Series(normalised, dtype=object), themes_no_furniture) if spans else pd.DataFrame()
    for index, ((start, end), text) in enumerate(zip(spans, normalised)):
        stripped = text.strip()
        heading = _HEADING_RE.match(stripped)
        item = _ITEM_RE.match(stripped)
        goal = _GOAL_RE.match(stripped)
        if index == 0:
            clause_type, clause_id = "title", "title"
        elif heading:
            clause_type = "heading"
            section = f"h{sum(1 for r in rows if r['clause_type'] == 'heading') + 1}"
            clause_id = section
        elif goal:
            clause_type, clause_id = "goal", f"g{goal.group(1)}"
        elif item:
            clause_type = "item"
            number = _cn_index(item.group("paren") or item.group("num"))
            clause_id = number if number not in used else f"{section}.{number}"
        elif not any(r["clause_type"] in ("heading", "item") for r in rows):
            clause_type, clause_id = "preamble", "pre"
        else:
            clause_type, clause_id = "paragraph", f"p{index:02d}"
        base, suffix = clause_id, 2
        while clause_id in used:
            clause_id, suffix = f"{base}_{suffix}", suffix + 1
        used.add(clause_id)
        row_scores = scores.iloc[index] if not scores.empty else pd.Series(dtype=int)
        theme = row_scores.idxmax() if len(row_scores) and row_scores.max() > 0 else FALLBACK_THEME
        rows.append(
            {
                "doc_id": doc_id,
                "clause_id": clause_id,
                "clause_type": clause_type,
                "heading_path": item_label(raw[start:end], 12),
                "char_start": start,
                "char_end": end,
                "theme_id": theme,
                "secondary_theme_ids": "",
                "notes": "proposed by the extractor; check the theme",
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "doc_id",
            "clause_id",
            "clause_type",
            "heading_path",
            "char_start",
            "char_end",
            "theme_id",
            "secondary_theme_ids",
            "notes",
        ],
    ).astype(object)


# ---------------------------------------------------------------------------------------------
# The review loop: a workbook with an accept column, and its import into the curated tables

REVIEW_COLUMNS: tuple[str, ...] = (
    "accept",
    "doc_id",
    "target_id",
    "kind",
    "theme_id",
    "indicator_zh",
    "indicator_en",
    "value",
    "value_max",
    "unit",
    "unit_original",
    "comparator",
    "target_year",
    "notes",
    "number_text",
    "quote",
    "quote_en",
    "quote_en_by",
    "char_start",
    "char_end",
    "clause_id",
    "exclude_reason",
    "doc",
    "clause",
    "number_start",
    "number_end",
)
OTHER_COLUMNS: tuple[str, ...] = (
    "exclude",
    "doc_id",
    "char_start",
    "char_end",
    "text",
    "reason",
    "notes",
    "context",
    "doc",
)
CLAUSE_COLUMNS: tuple[str, ...] = (
    "import",
    "doc_id",
    "clause_id",
    "clause_type",
    "heading_path",
    "char_start",
    "char_end",
    "theme_id",
    "secondary_theme_ids",
    "notes",
    "text",
)
COMMITMENT_COLUMNS: tuple[str, ...] = (
    "confirm",
    "doc_id",
    "theme_id",
    "level",
    "quote",
    "quote_en",
    "quote_en_by",
    "char_start",
    "char_end",
    "instruments",
    "notes",
)
COMPONENT_COLUMNS: tuple[str, ...] = (
    "confirm",
    "doc_id",
    "component",
    "present",
    "quote",
    "quote_en",
    "quote_en_by",
    "char_start",
    "char_end",
    "notes",
)
# Sheets of proposed coding: sheet name → (table, columns, key columns)
CONFIRM_SHEETS = {
    "commitments": ("commitments", COMMITMENT_COLUMNS, ("doc_id", "theme_id")),
    "components": ("document_components", COMPONENT_COLUMNS, ("doc_id", "component")),
}
KINDS = ("target", "baseline", "achievement")
COMPARATORS = (">=", ">", "<=", "<", "=", "approx", "increase", "decrease", "rank_top")
CLAUSE_TYPES = ("title", "preamble", "heading", "item", "goal", "safeguard", "paragraph", "furniture")
YES = frozenset({"yes", "y", "x", "1", "true", "是", "✓", "✔", "accept", "ok"})
NO = frozenset({"", "no", "n", "0", "false", "否", "reject", "-"})
READ_ME = (
    "How to review the candidates",
    "",
    "Sheet 'candidates': one row per quantity the extractor proposes for targets.csv.",
    "  accept: yes to add the row to targets.csv, no (or empty) to leave it out.",
    "  doc_id: the document's id in documents.csv (filled in when the file is already in the manifest).",
    "  kind, theme_id, indicator_zh, comparator, target_year: guesses; correct them. indicator_en: fill it in.",
    "  value, value_max, unit, number_text, quote, char_start, char_end: read from the text; validation checks",
    "    them against the raw file, so change them only together and carefully.",
    "  quote_en: an English gloss of the quote (validation requires one; it never replaces the quote);",
    "    quote_en_by: who or what made it (your name, or e.g. 'machine translation, not reviewed').",
    "  clause_id: leave empty to take the clause (clauses.csv, or the sheet 'clauses') that holds the quote.",
    "  exclude_reason: for a row you reject, a reason from the list adds its number to excluded_numbers.csv.",
    "Sheet 'other_numbers': every other number in the text and the reason it was left out.",
    "  exclude: yes to add the number to excluded_numbers.csv with that reason (the closed-world check needs",
    "    every number of a raw file to be a target or an exclusion).",
    "Sheet 'clauses' (documents in the manifest without clauses yet): a proposed segmentation of the body.",
    "  import: yes to add the clause to clauses.csv; check clause_type and theme_id. Import all or none of a",
    "    document's clauses: together they must tile its body.",
    "",
    "Sheets 'commitments' and 'components' (documents in the manifest without that coding yet): a PROPOSED",
    "  commitment level per theme (0-3, the curation guide's scale; notes give the rule that fired) and a PROPOSED",
    "  presence per component, each with the quote that triggered it. confirm: yes to store the row (correct level,",
    "  present, quote and offsets first if needed); rows left empty are not imported. Validation needs every theme",
    "  and every component of a document, so confirm all of them, corrected, in the end.",
    "",
    "Then: python -m analysis extract --import THIS_FILE.xlsx   (add --dry-run to see what would change).",
    "The import runs the same validation as `python -m analysis validate` on a copy of data/ and writes",
    "nothing when the new rows bring a problem.",
)


# Columns of a reviewed candidate compared with the stored row when the candidate is already imported.
_COMPARED_COLUMNS = (
    "kind",
    "theme_id",
    "indicator_zh",
    "indicator_en",
    "value",
    "value_max",
    "unit",
    "unit_original",
    "comparator",
    "target_year",
    "notes",
    "clause_id",
    "target_id",
)


class ReviewError(ValueError):
    """A review workbook cannot be imported; every message names the sheet, row and column."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def _manifest_lookup(documents: pd.DataFrame | None) -> dict[str, pd.Series]:
    if documents is None or documents.empty:
        return {}
    return {Path(row["raw_file"]).name: row for _, row in documents.iterrows()}


def _target_year(quote: str, default: str) -> str:
    match = TARGET_YEAR_RE.search(normalize(quote).text)
    return match.group(1) if match else default


def _clause_for_span(clauses: pd.DataFrame, doc_id: str, start: int, end: int) -> str:
    rows = clauses[
        (clauses["doc_id"] == doc_id)
        & (clauses["char_start"].astype(int) <= start)
        & (clauses["char_end"].astype(int) >= end)
    ]
    return str(rows["clause_id"].iloc[0]) if len(rows) else ""


def _qualifier_note(qualifier) -> str:
    return f"approximate: the text says {qualifier}" if isinstance(qualifier, str) and qualifier else ""


def _proposed_model(row, entry) -> dict[str, str]:
    """Proposed ``measure``, ``basis`` and period years of a candidate (the reviewer confirms or corrects them)."""
    measure = guess_measure(str(row.unit), str(row.quote)[: max(0, int(row.number_start) - int(row.char_start))])
    start = str(entry["period_start_year"]) if entry is not None else ""
    end = str(entry["period_end_year"]) if entry is not None else ""
    basis, first, last = guess_basis(measure, str(row.quote), start, end)
    return {"measure": measure, "basis": basis, "period_start_year": first, "period_end_year": last}


def review_frames(
    candidates: pd.DataFrame,
    left_out: pd.DataFrame,
    documents: pd.DataFrame | None,
    clauses: pd.DataFrame | None,
    proposed_clauses: pd.DataFrame | None = None,
    target_columns: list[str] | None = None,
) -> dict[str, pd.DataFrame]:
    """The sheets of a review workbook as DataFrames: ``candidates``, ``other_numbers``, ``clauses``.

    ``doc_id``, ``target_year`` (the plan's end year, or 到20XX年 in the quote) and ``clause_id`` are
    filled in when the file is in the manifest (matched by file name). Every other column of
    ``targets.csv`` (``target_columns``; columns other engineers add to the schema) follows as an
    empty column to fill in, and is imported with the row."""
    manifest = _manifest_lookup(documents)
    known_clauses = (
        pd.concat([c for c in (clauses, proposed_clauses) if c is not None and len(c)], ignore_index=True)
        if any(c is not None and len(c) for c in (clauses, proposed_clauses))
        else None
    )
    rows = []
    for row in candidates.itertuples(index=False):
        entry = manifest.get(Path(row.doc).name)
        doc_id = entry["doc_id"] if entry is not None else ""
        default_year = str(entry["period_end_year"]) if entry is not None and row.kind == "target" else ""
        clause_id = (
            _clause_for_span(known_clauses, doc_id, int(row.char_start), int(row.char_end))
            if (doc_id and known_clauses is not None)
            else ""
        )
        rows.append(
            {
                "accept": "",
                "doc_id": doc_id,
                "target_id": "",
                "kind": row.kind,
                "theme_id": row.theme_id,
                "indicator_zh": row.indicator,
                "indicator_en": "",
                "value": row.value,
                "value_max": row.value_max,
                "unit": row.unit,
                "unit_original": row.unit_original,
                "comparator": row.comparator,
                "target_year": _target_year(row.quote, default_year) if row.kind == "target" else "",
                "notes": _qualifier_note(getattr(row, "qualifier", "")),
                "number_text": row.number_text,
                "quote": row.quote,
                "quote_en": "",
                "quote_en_by": "",
                "char_start": row.char_start,
                "char_end": row.char_end,
                "clause_id": clause_id,
                "exclude_reason": "",
                "doc": row.doc,
                "clause": row.clause,
                "number_start": row.number_start,
                "number_end": row.number_end,
                **_proposed_model(row, entry),
            }
        )
    others = []
    for row in left_out.itertuples(index=False):
        entry = manifest.get(Path(row.doc).name)
        others.append(
            {
                "exclude": "",
                "doc_id": entry["doc_id"] if entry is not None else "",
                "char_start": row.char_start,
                "char_end": row.char_end,
                "text": row.text,
                "reason": row.reason,
                "notes": "",
                "context": row.context,
                "doc": row.doc,
            }
        )
    proposed = proposed_clauses if proposed_clauses is not None else pd.DataFrame(columns=list(CLAUSE_COLUMNS[1:]))
    proposed = proposed.copy()
    proposed.insert(0, "import", "yes")
    if "text" not in proposed:
        proposed["text"] = ""
    extra = [c for c in (target_columns or []) if c not in REVIEW_COLUMNS]
    return {
        "candidates": pd.DataFrame(rows, columns=[*REVIEW_COLUMNS, *extra]).astype(object).fillna(""),
        "other_numbers": pd.DataFrame(others, columns=list(OTHER_COLUMNS)),
        "clauses": proposed[list(CLAUSE_COLUMNS)],
    }


def review_workbook(frames: dict[str, pd.DataFrame], themes: pd.DataFrame):
    """An openpyxl workbook: a read-me, the three review sheets (with drop-down lists) and the code lists."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = openpyxl.Workbook()
    readme = workbook.active
    readme.title = "read_me"
    for line in READ_ME:
        readme.append([line])
    readme.column_dimensions["A"].width = 110
    lists = {
        "yes_no": ["yes", "no"],
        "kind": list(KINDS),
        "comparator": list(COMPARATORS),
        "theme_id": list(themes["theme_id"]),
        "reason": list(EXCLUSION_REASONS),
        "clause_type": list(CLAUSE_TYPES),
    }
    list_sheet = workbook.create_sheet("lists")
    ranges = {}
    for column, (name, values) in enumerate(lists.items(), start=1):
        letter = get_column_letter(column)
        list_sheet.cell(1, column, name).font = Font(bold=True)
        for row, value in enumerate(values, start=2):
            list_sheet.cell(row, column, value)
        ranges[name] = f"lists!${letter}$2:${letter}${len(values) + 1}"
    editable = PatternFill("solid", fgColor="FFF2CC")
    lists["level"] = ["0", "1", "2", "3"]
    lists["true_false"] = ["true", "false"]
    for column, name in enumerate(("level", "true_false"), start=len(ranges) + 1):
        letter = get_column_letter(column)
        list_sheet.cell(1, column, name).font = Font(bold=True)
        for row, value in enumerate(lists[name], start=2):
            list_sheet.cell(row, column, value)
        ranges[name] = f"lists!${letter}$2:${letter}${len(lists[name]) + 1}"
    choices = {
        "confirm": "yes_no",
        "level": "level",
        "present": "true_false",
        "accept": "yes_no",
        "exclude": "yes_no",
        "import": "yes_no",
        "kind": "kind",
        "comparator": "comparator",
        "theme_id": "theme_id",
        "exclude_reason": "reason",
        "reason": "reason",
        "clause_type": "clause_type",
    }
    fill_in = {
        "accept",
        "exclude",
        "import",
        "doc_id",
        "target_id",
        "kind",
        "theme_id",
        "indicator_zh",
        "indicator_en",
        "quote_en",
        "quote_en_by",
        "comparator",
        "target_year",
        "notes",
        "clause_id",
        "exclude_reason",
        "reason",
        "clause_type",
        "secondary_theme_ids",
        "confirm",
        "level",
        "present",
        "quote",
        "instruments",
    }
    names = [n for n in ("candidates", "other_numbers", "clauses", "commitments", "components") if n in frames]
    for name in names:
        frame = frames[name]
        sheet = workbook.create_sheet(name, index=1 + names.index(name))
        sheet.append(list(frame.columns))
        for row, values in enumerate(frame.itertuples(index=False), start=2):
            for column, value in enumerate(values, start=1):
                text = "" if value is None else str(value)
                if not text:
                    continue
                cell = sheet.cell(row, column, text)
                if text[0] in "=+-@":  # the comparator "=", a quote starting with "+": text, never a formula
                    cell.data_type = "s"
                    cell.quotePrefix = True
        last = max(2, len(frame) + 1)
        for column, header in enumerate(frame.columns, start=1):
            letter = get_column_letter(column)
            cell = sheet.cell(1, column)
            cell.font = Font(bold=True)
            if header in fill_in:
                cell.fill = editable
            width = {
                "quote": 50,
                "quote_en": 50,
                "context": 40,
                "indicator_zh": 28,
                "indicator_en": 28,
                "notes": 30,
                "text": 40,
                "clause": 26,
                "doc": 24,
                "heading_path": 20,
            }.get(header, 12)
            sheet.column_dimensions[letter].width = width
            if header in ("quote", "context", "text"):
                for row in range(2, last + 1):
                    sheet.cell(row, column).alignment = Alignment(wrap_text=False)
            if header in choices:
                validation = DataValidation(type="list", formula1=f"={ranges[choices[header]]}", allow_blank=True)
                validation.add(f"{letter}2:{letter}{max(last, 1000)}")
                sheet.add_data_validation(validation)
        sheet.freeze_panes = "C2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{last}"
    return workbook


def _cell_text(value) -> str:
    """A cell value as the text the CSVs hold (numbers without a spurious .0, no exponent)."""
    from decimal import Decimal

    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_decimal(Decimal(repr(value)))
    return str(value).strip()


def read_review(path: Path) -> dict[str, tuple[pd.DataFrame, list[int]]]:
    """The review sheets of a workbook: for each, its rows as text and the sheet row of each.

    The workbook is opened with the project's safe loader (no macros, no external links, no XML
    entities). Raises :class:`ReviewError` naming what is missing.
    """
    from analysis.workbook import WorkbookError, open_workbook

    try:
        workbook = open_workbook(Path(path), data_only=True)
    except WorkbookError as error:
        raise ReviewError([str(error)]) from None
    if "candidates" not in workbook.sheetnames:
        raise ReviewError([f"{path}: no sheet 'candidates' (is this a review workbook from `extract --review`?)"])
    result = {}
    for name, columns in (
        ("candidates", REVIEW_COLUMNS),
        ("other_numbers", OTHER_COLUMNS),
        ("clauses", CLAUSE_COLUMNS),
        ("commitments", COMMITMENT_COLUMNS),
        ("components", COMPONENT_COLUMNS),
    ):
        if name not in workbook.sheetnames:
            result[name] = (pd.DataFrame(columns=list(columns)), [])
            continue
        rows = list(workbook[name].iter_rows(values_only=True))
        header = [_cell_text(v) for v in rows[0]] if rows else []
        missing = [c for c in columns if c not in header]
        if missing:
            raise ReviewError(
                [f"{path}: sheet '{name}', row 1: column(s) {', '.join(missing)} missing from the header"]
            )
        extra = [h for h in header if h and h not in columns] if name == "candidates" else []
        data, numbers = [], []
        for number, values in enumerate(rows[1:], start=2):
            cells = {h: _cell_text(v) for h, v in zip(header, values) if h}
            if not any(cells.values()):
                continue
            data.append([cells.get(c, "") for c in (*columns, *extra)])
            numbers.append(number)
        result[name] = (pd.DataFrame(data, columns=[*columns, *extra], dtype=object), numbers)
    return result


def _choice(value: str, where: str, problems: list[str]) -> bool:
    lowered = value.strip().lower()
    if lowered in YES:
        return True
    if lowered not in NO:
        problems.append(f"{where}: {value!r} is neither yes nor no")
    return False


def _id_prefix(doc_id: str, targets: pd.DataFrame) -> str:
    existing = targets.loc[targets["doc_id"] == doc_id, "target_id"]
    if len(existing):
        return existing.str.rsplit("-T", n=1).str[0].mode().iloc[0]
    return re.sub(r"[^A-Z0-9]", "", doc_id.upper()) or "NEW"


@dataclass
class ReviewImport:
    """Rows an import adds to each curated table, the sheet row each came from, and what it skipped."""

    added: dict[str, pd.DataFrame]  # table name → new rows (in the table's columns)
    sources: dict[str, list[str]]  # table name → "sheet 'x', row n" for each new row
    skipped: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        lines = [f"{name}: {len(frame)} row(s) to add" for name, frame in self.added.items()]
        return lines + [f"skipped: {note}" for note in self.skipped]


def plan_review_import(
    sheets: dict[str, tuple[pd.DataFrame, list[int]]], tables: dict[str, pd.DataFrame]
) -> ReviewImport:
    """Accepted candidates → new ``targets`` rows; rows marked for exclusion → ``excluded_numbers``;
    clauses marked for import → ``clauses``. Pure: reads the sheets and the current tables only."""
    problems: list[str] = []
    skipped: list[str] = []
    targets, excluded, clauses = tables["targets"], tables["excluded_numbers"], tables["clauses"]
    known_docs = set(tables["documents"]["doc_id"])

    # clauses first: accepted targets may take their clause_id from them
    clause_rows, clause_sources = [], []
    frame, numbers = sheets["clauses"]
    docs_with_clauses = set(clauses["doc_id"])
    for row, number in zip(frame.to_dict("records"), numbers):
        where = f"sheet 'clauses', row {number}"
        if not _choice(row["import"], f"{where}, column 'import'", problems):
            continue
        if row["doc_id"] in docs_with_clauses:
            skipped.append(f"{where}: {row['doc_id']} already has clauses in clauses.csv")
            continue
        clause_rows.append({c: row.get(c, "") for c in clauses.columns})
        clause_sources.append(where)
    new_clauses = pd.DataFrame(clause_rows, columns=list(clauses.columns), dtype=object)
    all_clauses = pd.concat([clauses, new_clauses], ignore_index=True)

    target_rows, target_sources, exclusion_rows, exclusion_sources = [], [], [], []
    have_targets = {
        (r["doc_id"], str(r["char_start"]), str(r["char_end"]), r["number_text"]): r for r in targets.to_dict("records")
    }
    have_exclusions = {(r["doc_id"], str(r["char_start"])): r for r in excluded.to_dict("records")}
    next_number: dict[str, int] = {}
    used_ids = set(targets["target_id"])
    frame, numbers = sheets["candidates"]
    for row, number in zip(frame.to_dict("records"), numbers):
        where = f"sheet 'candidates', row {number}"
        accepted = _choice(row["accept"], f"{where}, column 'accept'", problems)
        if not accepted:
            if row["exclude_reason"]:
                _add_exclusion(
                    row,
                    row["number_start"],
                    row["number_end"],
                    row["number_text"],
                    row["exclude_reason"],
                    where,
                    known_docs,
                    have_exclusions,
                    exclusion_rows,
                    exclusion_sources,
                    problems,
                    skipped,
                )
            continue
        if _unknown_document(row, where, known_docs, problems):
            continue
        key = (row["doc_id"], row["char_start"], row["char_end"], row["number_text"])
        if key in have_targets:
            stored = have_targets[key]
            differ = [c for c in _COMPARED_COLUMNS if c in stored and row.get(c, "") and row[c] != stored[c]]
            if differ:
                problems.append(
                    f"{where}: already in targets.csv as {stored['target_id']}, and column(s) "
                    f"{', '.join(differ)} differ from it ({'; '.join(f'{c}: {stored[c]!r} there, {row[c]!r} here' for c in differ)}). "
                    "An import only adds rows: correct the stored row with `workbook import`, or set accept "
                    "to no for this row"
                )
            else:
                skipped.append(f"{where}: already in targets.csv as {stored['target_id']}, unchanged")
            continue
        clause_id = row["clause_id"]
        if not clause_id and row["char_start"].isdigit() and row["char_end"].isdigit():
            clause_id = _clause_for_span(all_clauses, row["doc_id"], int(row["char_start"]), int(row["char_end"]))
            if not clause_id:
                problems.append(
                    f"{where}, column 'clause_id': no clause of {row['doc_id']} holds characters "
                    f"{row['char_start']}:{row['char_end']}; code the document's clauses (or import the "
                    "sheet 'clauses') first, or fill in clause_id"
                )
                continue
        target_id = row["target_id"]
        if not target_id:
            prefix = _id_prefix(row["doc_id"], targets)
            if prefix not in next_number:
                taken = [
                    int(t.rsplit("-T", 1)[1])
                    for t in used_ids
                    if t.startswith(prefix + "-T") and t.rsplit("-T", 1)[1].isdigit()
                ]
                next_number[prefix] = max(taken, default=0) + 1
            target_id = f"{prefix}-T{next_number[prefix]:03d}"
            next_number[prefix] += 1
        used_ids.add(target_id)
        new = {c: "" for c in targets.columns}
        new.update(
            {
                c: row[c]
                for c in (
                    "doc_id",
                    "kind",
                    "theme_id",
                    "indicator_zh",
                    "indicator_en",
                    "value",
                    "value_max",
                    "unit",
                    "unit_original",
                    "comparator",
                    "target_year",
                    "number_text",
                    "quote",
                    "char_start",
                    "char_end",
                    "notes",
                    "quote_en",
                    "quote_en_by",
                )
                if c in new
            }
        )
        # columns added to the schema travel with the row
        new.update({c: row[c] for c in targets.columns if c in row and c not in REVIEW_COLUMNS})
        if "quote_en_reviewed" in new and not new["quote_en_reviewed"]:
            new["quote_en_reviewed"] = "false"  # a gloss typed in review has not been reviewed by anyone else
        new.update(target_id=target_id, clause_id=clause_id)
        target_rows.append(new)
        target_sources.append(where)
    frame, numbers = sheets["other_numbers"]
    for row, number in zip(frame.to_dict("records"), numbers):
        where = f"sheet 'other_numbers', row {number}"
        if _choice(row["exclude"], f"{where}, column 'exclude'", problems):
            _add_exclusion(
                row,
                row["char_start"],
                row["char_end"],
                row["text"],
                row["reason"],
                where,
                known_docs,
                have_exclusions,
                exclusion_rows,
                exclusion_sources,
                problems,
                skipped,
                notes=row["notes"],
            )
    added = {
        "targets": pd.DataFrame(target_rows, columns=list(targets.columns), dtype=object),
        "excluded_numbers": pd.DataFrame(exclusion_rows, columns=list(excluded.columns), dtype=object),
        "clauses": new_clauses,
    }
    sources = {"targets": target_sources, "excluded_numbers": exclusion_sources, "clauses": clause_sources}
    for sheet_name, (table, _, keys) in CONFIRM_SHEETS.items():
        rows, where_rows = _confirmed_rows(
            sheets.get(sheet_name), sheet_name, tables[table], keys, known_docs, problems, skipped
        )
        added[table] = rows
        sources[table] = where_rows
    return ReviewImport(added, sources, skipped, problems)


def _confirmed_rows(
    sheet,
    sheet_name: str,
    table: pd.DataFrame,
    keys: tuple[str, ...],
    known_docs,
    problems: list[str],
    skipped: list[str],
) -> tuple[pd.DataFrame, list[str]]:
    """Rows of a proposal sheet marked ``confirm: yes`` → new rows of ``table`` (commitments, document_components).

    A key (document × theme, document × component) already coded in the table is refused by name:
    an import adds a document's reading, it never overwrites one.
    """
    rows, sources = [], []
    frame, numbers = sheet if sheet is not None else (pd.DataFrame(), [])
    have = {tuple(r[k] for k in keys) for r in table.to_dict("records")}
    seen: set[tuple] = set()
    for row, number in zip(frame.to_dict("records"), numbers):
        where = f"sheet '{sheet_name}', row {number}"
        if not _choice(row["confirm"], f"{where}, column 'confirm'", problems):
            continue
        if _unknown_document(row, where, known_docs, problems):
            continue
        key = tuple(row[k] for k in keys)
        if key in have:
            problems.append(
                f"{where}: {' × '.join(key)} is already coded in {table_label(table)}; set confirm to no, "
                "or change the stored row with `workbook import`"
            )
            continue
        if key in seen:
            problems.append(f"{where}: {' × '.join(key)} is confirmed twice in this sheet")
            continue
        seen.add(key)
        notes = row.get("notes", "")
        reviewed = (
            {"quote_en_reviewed": "false"} if "quote_en_reviewed" in table.columns and row.get("quote_en") else {}
        )
        rows.append(
            {c: row.get(c, "") for c in table.columns}
            | reviewed
            | {
                "notes": notes.replace(
                    "proposed by the extractor", "proposed by the extractor, confirmed in review"
                ).replace("; confirm or correct", "")
            }
        )
        sources.append(where)
    return pd.DataFrame(rows, columns=list(table.columns), dtype=object), sources


def table_label(table: pd.DataFrame) -> str:
    return "document_components.csv" if "component" in table.columns else "commitments.csv"


def _unknown_document(row, where: str, known_docs, problems: list[str]) -> bool:
    """Record a problem and return True when the row names no document, or one not in documents.csv."""
    if not row["doc_id"]:
        problems.append(f"{where}, column 'doc_id': the row needs the document's doc_id (documents.csv)")
        return True
    if row["doc_id"] not in known_docs:
        problems.append(
            f"{where}, column 'doc_id': {row['doc_id']!r} is not in documents.csv; add its manifest row first"
        )
        return True
    return False


def _add_exclusion(row, start, end, text, reason, where, known_docs, have, rows, sources, problems, skipped, notes=""):
    if _unknown_document(row, where, known_docs, problems):
        return
    stored = have.get((row["doc_id"], str(start)))
    if stored is not None:
        if stored.get("reason") not in ("", None, reason) and reason:
            problems.append(
                f"{where}: {text!r} is already in excluded_numbers.csv with reason {stored['reason']!r}, "
                f"not {reason!r}; an import only adds rows: change the stored row with `workbook import`, "
                "or leave this row unmarked"
            )
        else:
            skipped.append(f"{where}: already in excluded_numbers.csv, unchanged")
        return
    have[(row["doc_id"], str(start))] = {"reason": reason}
    rows.append(
        {"doc_id": row["doc_id"], "char_start": start, "char_end": end, "text": text, "reason": reason, "notes": notes}
    )
    sources.append(where)


def _locate(problem, first_lines: dict[str, int], sources: dict[str, list[str]], files=None) -> str:
    """A validation problem of a new CSV row, told in the sheet and row it came from (and, given the
    :class:`analysis.store.FilePlan` of the write, the region file and line the row would take)."""
    for name, first in first_lines.items():
        if problem.file == f"data/curated/{name}.csv" and problem.line >= first:
            index = problem.line - first
            if index < len(sources[name]):
                column = f", column '{problem.column}'" if problem.column else ""
                file, line = files.where(name, problem.line - 2) if files else (problem.file, problem.line)
                return f"{sources[name][index]}{column} (→ {file}, line {line}): {problem.message}"
    return str(problem)


def import_review(path: Path, root: Path, *, dry_run: bool = False) -> ReviewImport:
    """Import a reviewed workbook into ``data/curated`` (targets, exclusions, clauses).

    The new rows are written to a copy of ``data/`` and checked with
    :func:`analysis.validate.validate_project`; the import is refused, and nothing written, when the
    copy has any problem the project does not already have (a document still being curated may
    lack commitments, say; the rows imported must not add a problem). Each table is then replaced
    atomically. Raises :class:`ReviewError` with every problem located by sheet, row and column.
    """
    from analysis import store
    from analysis.curated import CuratedDataError, load_tables, write_tables
    from analysis.validate import validate_project

    root = Path(root)
    sheets = read_review(path)
    tables = load_tables(root)
    plan = plan_review_import(sheets, tables)
    if plan.problems:
        raise ReviewError(plan.problems)
    order = (
        "clauses",
        "targets",
        "excluded_numbers",
        "commitments",
        "document_components",
    )  # clauses first: targets refer to them
    changed = {name: plan.added[name] for name in order if name in plan.added and len(plan.added[name])}
    if not changed:
        return plan
    merged = {name: pd.concat([tables[name], frame], ignore_index=True) for name, frame in changed.items()}
    first_lines = {name: len(tables[name]) + 2 for name in changed}
    current = store.load(root)  # problems compared by logical row: new rows may shift lines in a region file
    before = {store.unlocate(p, current) for p in validate_project(root)}
    with store.scratch_copy(root) as copy:
        try:
            files = store.plan_files(merged, copy)
        except CuratedDataError as error:
            raise ReviewError([_locate(p, first_lines, plan.sources) for p in error.problems]) from None
        store.commit_files(store.changed_files(files.texts, copy), copy)
        descriptor = store.read_descriptor(copy)
        after = [store.to_logical(p, files, descriptor) for p in validate_project(copy)]
        after += _row_problems(copy, merged, first_lines)
    new = sorted(set(after) - before)
    if new:
        raise ReviewError([_locate(p, first_lines, plan.sources, files) for p in new])
    if not dry_run:  # all tables in one transaction: a new region gets its folder, nothing is half written
        try:
            write_tables(merged, root)
        except CuratedDataError as error:
            raise ReviewError([str(p) for p in error.problems]) from None
    return plan


def _row_problems(root: Path, merged: dict[str, pd.DataFrame], first_lines: dict[str, int]) -> list:
    """Quote, offset, value and clause checks of the new target rows themselves (they run even when an
    earlier problem of the project stops ``validate_project`` before its provenance checks)."""
    from analysis.corpus import load_texts
    from analysis.curated import CuratedDataError, load_tables
    from analysis.validate import quote_problems, value_problems, within_clause_problems

    if "targets" not in merged:
        return []
    try:
        tables = load_tables(root)
        texts = load_texts(tables["documents"], root)
    except (CuratedDataError, FileNotFoundError, ValueError):
        return []  # reported by validate_project
    new = merged["targets"].iloc[first_lines["targets"] - 2 :]
    try:
        return (
            quote_problems(new, "targets.csv", texts)
            + value_problems(new)
            + within_clause_problems(new, tables["clauses"], "targets.csv")
        )
    except (ValueError, KeyError):
        return []  # malformed offsets: the schema check names them
