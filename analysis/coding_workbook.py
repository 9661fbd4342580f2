"""A blind coding workbook for a second coder, and its import as a reading.

The workbook holds the clause texts with their context, the codebook (definitions, in and out rules,
examples taken only from text outside the clauses to code) and drop-downs; it holds none of the
existing codes. Its import checks every row (messages name sheet, row and column), refuses the whole
file on any problem, and only then writes the reading through :func:`analysis.curated.write_tables`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.paths import PROJECT_ROOT

CLAUSE_SHEET, CODEBOOK_SHEET, META_SHEET, LISTS_SHEET = "clauses", "codebook", "meta", "lists"
CLAUSE_COLUMNS = [
    "doc_id",
    "clause_id",
    "clause_type",
    "heading_path",
    "context_before",
    "text",
    "context_after",
    "primary_theme",
    "secondary_themes",
    "notes",
]
CODE_COLUMNS = ("primary_theme", "secondary_themes", "notes")
CONTEXT_CHARS = 80


class CodingImportError(ValueError):
    """A coding workbook was refused; ``problems`` says where and why (nothing was written)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def sample_clauses(
    clauses: pd.DataFrame, sample: int | None = None, seed: int = 0, stratify: str | None = None
) -> pd.DataFrame:
    """The clauses to code: all, or ``sample`` of them drawn with ``seed`` (per document in proportion
    to its clauses when ``stratify='doc'``, largest remainders first); kept in corpus order."""
    if sample is None or sample >= len(clauses):
        return clauses.copy()
    if sample < 1:
        raise ValueError("--sample must be at least 1")
    rng = np.random.default_rng(seed)
    if stratify is None:
        chosen = rng.choice(len(clauses), size=sample, replace=False)
        return clauses.iloc[np.sort(chosen)].copy()
    if stratify != "doc":
        raise ValueError("--stratify takes 'doc'")
    groups = {doc: np.flatnonzero(clauses["doc_id"].to_numpy() == doc) for doc in pd.unique(clauses["doc_id"])}
    quotas = {doc: sample * len(rows) / len(clauses) for doc, rows in groups.items()}
    counts = {doc: int(q) for doc, q in quotas.items()}
    for doc in sorted(quotas, key=lambda d: (-(quotas[d] - counts[d]), list(groups).index(d)))[
        : sample - sum(counts.values())
    ]:
        counts[doc] += 1
    chosen = np.concatenate([rng.choice(rows, size=counts[doc], replace=False) for doc, rows in groups.items()])
    return clauses.iloc[np.sort(chosen)].copy()


def _examples(themes: pd.DataFrame, commitments: pd.DataFrame, sampled: pd.DataFrame) -> dict[str, str]:
    """Up to two quotes per theme from the curated commitment levels, only from text outside every
    clause to be coded (so no example gives away a code of the workbook)."""
    spans = {
        doc: list(zip(rows["char_start"].astype(int), rows["char_end"].astype(int)))
        for doc, rows in sampled.groupby("doc_id")
    }
    examples: dict[str, list[str]] = {theme: [] for theme in themes["theme_id"]}
    for row in commitments[(commitments["quote"] != "") & (commitments["level"] != "0")].itertuples():
        start, end = int(row.char_start), int(row.char_end)
        if (
            any(start < b and a < end for a, b in spans.get(row.doc_id, []))
            or len(examples.get(row.theme_id, [1, 1])) >= 2
        ):
            continue
        examples[row.theme_id].append(f"{row.quote} ({row.doc_id})")
    return {
        theme: " | ".join(quotes) if quotes else "(none outside the clauses to code)"
        for theme, quotes in examples.items()
    }


def coding_frames(
    tables: dict[str, pd.DataFrame],
    texts: dict[str, str],
    coder: str,
    sample: int | None = None,
    seed: int = 0,
    stratify: str | None = None,
) -> dict[str, pd.DataFrame]:
    """The sheets of a blind workbook as frames (pure): clauses to code, codebook, meta."""
    from analysis.readings import curated_reading_id

    clauses = tables["clauses"]
    chosen = sample_clauses(clauses, sample, seed, stratify)
    rows = []
    for _position, row in chosen.iterrows():
        text = texts[row["doc_id"]]
        start, end = int(row["char_start"]), int(row["char_end"])
        doc_clauses = clauses[clauses["doc_id"] == row["doc_id"]]
        before = text[int(doc_clauses["char_start"].astype(int).min()) : start][-CONTEXT_CHARS:]
        after = text[end : int(doc_clauses["char_end"].astype(int).max())][:CONTEXT_CHARS]
        rows.append(
            {
                "doc_id": row["doc_id"],
                "clause_id": row["clause_id"],
                "clause_type": row["clause_type"],
                "heading_path": row["heading_path"],
                "context_before": before.strip(),
                "text": text[start:end].strip(),
                "context_after": after.strip(),
                "primary_theme": "",
                "secondary_themes": "",
                "notes": "",
            }
        )
    themes = tables["themes"]
    examples = _examples(themes, tables["commitments"], chosen)
    codebook = pd.DataFrame(
        {
            "theme_id": themes["theme_id"],
            "name_zh": themes["name_zh"],
            "name_en": themes["name_en"],
            "definition": themes["definition"],
            "includes": themes["includes"],
            "excludes": themes["excludes"],
            "examples": [examples[t] for t in themes["theme_id"]],
        }
    )
    version = _codebook_version(tables)
    units = [f"{d}/{c}" for d, c in zip(chosen["doc_id"], chosen["clause_id"])]
    meta = pd.DataFrame(
        {
            "key": ["coder", "sample", "seed", "stratify", "codebook_version", "curated_reading"]
            + ["unit"] * len(units),
            "value": [
                coder,
                "all" if sample is None else str(sample),
                str(seed),
                stratify or "",
                version,
                curated_reading_id(tables["readings"]),
            ]
            + units,
        }
    )
    return {CLAUSE_SHEET: pd.DataFrame(rows, columns=CLAUSE_COLUMNS), CODEBOOK_SHEET: codebook, META_SHEET: meta}


def _codebook_version(tables: dict[str, pd.DataFrame]) -> str:
    """A fingerprint of the codebook a coder sees (themes and components), so an import can tell if it changed."""
    from analysis.curated import frame_to_csv_text

    text = frame_to_csv_text(tables["themes"]) + frame_to_csv_text(tables["components"])
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


README_LINES = [
    "Blind coding workbook",
    "Code every row of the sheet 'clauses': pick its primary theme (the theme the clause spends most text on) from the",
    "drop-down, list any other theme it spends at least a sentence on in secondary_themes (theme_ids separated by ;),",
    "and write hesitations in notes. Headings take the theme of their section (overall_goals if the section mixes themes).",
    "The sheet 'codebook' defines each theme with what it includes and excludes. Do not add, delete or reorder rows,",
    "and do not edit the sheet 'meta'. No existing code is in this workbook: work without looking at other codings.",
    "Bring it back with: python -m analysis coding import THIS_FILE.xlsx",
]


def write_coding_workbook(frames: dict[str, pd.DataFrame], path: Path) -> Path:
    """Write the frames as an .xlsx with drop-downs for the primary theme, atomically."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from analysis.workbook import FIXED_TIME, _write_bytes_atomic, reproducible_bytes

    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "README"
    for line in README_LINES:
        readme.append([line])
    readme.column_dimensions["A"].width = 120
    widths = {
        "context_before": 30,
        "text": 70,
        "context_after": 30,
        "definition": 50,
        "includes": 40,
        "excludes": 40,
        "examples": 50,
        "heading_path": 24,
        "notes": 30,
        "secondary_themes": 24,
        "primary_theme": 24,
        "value": 60,
    }
    for name in (CLAUSE_SHEET, CODEBOOK_SHEET, META_SHEET):
        sheet = book.create_sheet(name)
        frame = frames[name]
        sheet.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            sheet.append([str(v) for v in row])
        for number, column in enumerate(frame.columns, start=1):
            sheet.column_dimensions[get_column_letter(number)].width = widths.get(column, 14)
            sheet.cell(1, number).font = Font(bold=True)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    lists = book.create_sheet(LISTS_SHEET)
    for number, theme in enumerate(frames[CODEBOOK_SHEET]["theme_id"], start=1):
        lists.cell(number, 1, theme)
    lists.sheet_state = "hidden"
    book[META_SHEET].sheet_state = "hidden"
    clauses = book[CLAUSE_SHEET]
    n = len(frames[CLAUSE_SHEET])
    letter = get_column_letter(CLAUSE_COLUMNS.index("primary_theme") + 1)
    validation = DataValidation(
        type="list",
        formula1=f"={LISTS_SHEET}!$A$1:$A${len(frames[CODEBOOK_SHEET])}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Unknown theme",
        error="Pick a theme_id from the list (see the sheet 'codebook').",
    )
    clauses.add_data_validation(validation)
    if n:
        validation.add(f"{letter}2:{letter}{n + 1}")
    book.properties.created = FIXED_TIME
    _write_bytes_atomic(Path(path), reproducible_bytes(book))  # same workbook, same bytes
    return Path(path)


def export_coding_workbook(
    path: Path,
    coder: str,
    root: Path = PROJECT_ROOT,
    sample: int | None = None,
    seed: int = 0,
    stratify: str | None = None,
) -> Path:
    """Write a blind coding workbook for ``coder`` (see the module docstring)."""
    from analysis.corpus import load_texts
    from analysis.curated import load_tables

    if not coder.strip():
        raise ValueError("--coder must name the coder")
    tables = load_tables(root)
    frames = coding_frames(tables, load_texts(tables["documents"], root), coder.strip(), sample, seed, stratify)
    return write_coding_workbook(frames, path)


# ---------------------------------------------------------------------------------------------
# Import


@dataclass
class CodingImport:
    """What an import adds: the reading's row, its codes, and the messages to print."""

    reading: dict
    codes: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    def summary_lines(self) -> list[str]:
        counts = self.codes["variable"].value_counts()
        return [
            (
                f"reading {self.reading['reading_id']} (coder {self.reading['coder']}): "
                f"{counts.get('primary_theme', 0)} clauses coded, {counts.get('secondary_themes', 0)} with secondary themes"
            )
        ]


def reading_id_for(coder: str, prefix: str = "blind") -> str:
    """A reading id from a coder's name: ASCII letters and digits kept, else a short hash of the name."""
    slug = re.sub(r"[^a-z0-9]+", "_", coder.lower()).strip("_")
    return f"{prefix}_{slug or hashlib.sha256(coder.encode('utf-8')).hexdigest()[:8]}"


def _sheet_rows(book, name: str, path: Path, required: list[str], problems: list[str]):
    from analysis.extraction.review import _cell_text

    if name not in book.sheetnames:
        problems.append(f"{path}: no sheet '{name}' (is this a workbook from `coding export`?)")
        return [], []
    rows = list(book[name].iter_rows(values_only=True))
    header = [_cell_text(v) for v in rows[0]] if rows else []
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(f"{path}: sheet '{name}', row 1: column(s) {', '.join(missing)} missing from the header")
        return [], []
    data, numbers = [], []
    for number, values in enumerate(rows[1:], start=2):
        cells = {h: _cell_text(v) for h, v in zip(header, values) if h}
        if any(cells.values()):
            data.append(cells)
            numbers.append(number)
    return data, numbers


def plan_coding_import(
    path: Path, tables: dict[str, pd.DataFrame], coder_kind: str = "person", today: str | None = None
) -> CodingImport:
    """Read and check a filled coding workbook against the curated tables; raise :class:`CodingImportError`."""
    from analysis.workbook import WorkbookError, open_workbook

    path = Path(path)
    try:
        book = open_workbook(path, data_only=True)
    except WorkbookError as error:
        raise CodingImportError([str(error)]) from None
    problems: list[str] = []
    meta_rows, _ = _sheet_rows(book, META_SHEET, path, ["key", "value"], problems)
    rows, numbers = _sheet_rows(book, CLAUSE_SHEET, path, ["doc_id", "clause_id", *CODE_COLUMNS], problems)
    if problems:
        raise CodingImportError(problems)
    meta = {row.get("key", ""): row.get("value", "") for row in meta_rows if row.get("key") != "unit"}
    expected = [tuple(row.get("value", "").split("/", 1)) for row in meta_rows if row.get("key") == "unit"]
    coder = meta.get("coder", "").strip()
    if not coder:
        raise CodingImportError(
            [f"{path}: sheet '{META_SHEET}': no coder (the workbook must come from `coding export --coder NAME`)"]
        )
    themes = set(tables["themes"]["theme_id"])
    known = set(zip(tables["clauses"]["doc_id"], tables["clauses"]["clause_id"]))
    seen: dict[tuple[str, str], int] = {}
    codes = []
    reading_id = reading_id_for(coder)
    for row, number in zip(rows, numbers):
        where = f"{path}: sheet '{CLAUSE_SHEET}', row {number}"
        key = (row.get("doc_id", ""), row.get("clause_id", ""))
        if key not in known:
            problems.append(f"{where}, column 'clause_id': no clause {key[1]!r} in document {key[0]!r}")
            continue
        if key in seen:
            problems.append(
                f"{where}, column 'clause_id': clause {key[0]}/{key[1]} is coded twice (also row {seen[key]})"
            )
            continue
        seen[key] = number
        primary = row.get("primary_theme", "")
        if not primary:
            problems.append(f"{where}, column 'primary_theme': empty; every clause needs a primary theme")
        elif primary not in themes:
            problems.append(f"{where}, column 'primary_theme': {primary!r} is not a theme_id of the codebook")
        secondary = [t for t in re.split(r"[;；,，\s]+", row.get("secondary_themes", "")) if t]
        for theme in secondary:
            if theme not in themes:
                problems.append(f"{where}, column 'secondary_themes': {theme!r} is not a theme_id of the codebook")
            elif theme == primary:
                problems.append(f"{where}, column 'secondary_themes': {theme!r} is already the primary theme")
        if len(set(secondary)) != len(secondary):
            problems.append(f"{where}, column 'secondary_themes': a theme is listed twice")
        codes.append(
            {
                "reading_id": reading_id,
                "doc_id": key[0],
                "unit_id": key[1],
                "variable": "primary_theme",
                "value": primary,
                "notes": row.get("notes", ""),
            }
        )
        if secondary:
            codes.append(
                {
                    "reading_id": reading_id,
                    "doc_id": key[0],
                    "unit_id": key[1],
                    "variable": "secondary_themes",
                    "value": ";".join(secondary),
                    "notes": "",
                }
            )
    missing = [unit for unit in expected if unit not in seen]
    if missing:
        problems.append(
            f"{path}: sheet '{CLAUSE_SHEET}': {len(missing)} clause(s) of the export are missing "
            f"(rows deleted?): {', '.join('/'.join(u) for u in missing[:10])}"
        )
    if reading_id in set(tables["readings"]["reading_id"]):
        problems.append(
            f"{path}: a reading {reading_id!r} (coder {coder}) is already stored; "
            "remove it from readings.csv and reading_codes.csv first, or export for another coder name"
        )
    if problems:
        raise CodingImportError(problems)
    warnings = []
    if meta.get("codebook_version") != _codebook_version(tables):
        warnings.append(
            "the codebook changed since this workbook was exported; the reading records the exported version"
        )
    sample = meta.get("sample", "all")
    scope = (
        f"all {len(seen)} clauses"
        if sample == "all"
        else f"a sample of {len(seen)} clauses (seed {meta.get('seed', '')}"
        + (f", stratified by {meta['stratify']}" if meta.get("stratify") else "")
        + ")"
    )
    reading = {
        "reading_id": reading_id,
        "label_zh": f"{coder}的盲读编码",
        "label_en": f"Blind reading by {coder}",
        "coder": coder,
        "coder_kind": coder_kind,
        "method": "Coded in a blind coding workbook (python -m analysis coding export) from the codebook, "
        "without sight of other readings' codes.",
        "coded_on": today or dt.date.today().isoformat(),
        "blind": "true",
        "codebook_version": meta.get("codebook_version", ""),
        "is_curated": "false",
        "variables": "primary_theme;secondary_themes",
        "scope": scope,
        "stored_in": "reading_codes",
        "adjudicates": "",
        "notes": f"Imported from {path.name}.",
    }
    return CodingImport(
        reading,
        pd.DataFrame(codes, columns=["reading_id", "doc_id", "unit_id", "variable", "value", "notes"], dtype=object),
        warnings,
    )


def store_reading(reading: dict, codes: pd.DataFrame, root: Path = PROJECT_ROOT) -> list[Path]:
    """Append one reading and its codes to readings.csv and reading_codes.csv (through ``write_tables``)."""
    from analysis.curated import load_tables, write_tables

    tables = load_tables(root)
    readings = pd.concat([tables["readings"], pd.DataFrame([reading], dtype=object)], ignore_index=True)
    stored = pd.concat([tables["reading_codes"], codes], ignore_index=True)
    return write_tables(
        {"readings": readings[tables["readings"].columns], "reading_codes": stored[tables["reading_codes"].columns]},
        root,
    )


def import_coding_workbook(
    path: Path,
    root: Path = PROJECT_ROOT,
    *,
    coder_kind: str = "person",
    dry_run: bool = False,
    today: str | None = None,
) -> CodingImport:
    """Check a filled workbook and, unless ``dry_run``, store it as a reading; nothing is written on error."""
    from analysis.curated import load_tables

    plan = plan_coding_import(Path(path), load_tables(root), coder_kind, today)
    if not dry_run:
        store_reading(plan.reading, plan.codes, root)
    return plan
