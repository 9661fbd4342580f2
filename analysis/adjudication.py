"""Adjudication: the disagreement sheet, and an adjudicated reading that records how each was settled.

The main job writes every unit two readings code differently to ``reports/coding_disagreements.csv``
and ``.xlsx``. An adjudicator picks, for each row of one pair of readings, ``a``, ``b`` or ``other``
(with ``adjudicated_value``) and says ``how``; ``coding adjudicate`` turns the sheet into a new
reading (``coder_kind`` adjudication, ``adjudicates`` naming the pair): the codes both readings share,
plus every settled unit with a note saying which readings disagreed, what each said and how it was settled.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from analysis.paths import PROJECT_ROOT
from analysis.readings import DISAGREEMENT_COLUMNS

DECISIONS = ("a", "b", "other")
SHEET = "disagreements"


class AdjudicationError(ValueError):
    """An adjudication sheet was refused; ``problems`` says where and why (nothing was written)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def disagreement_workbook_bytes(frame: pd.DataFrame) -> bytes:
    """The disagreement sheet as a reproducible .xlsx with a drop-down for the decision."""
    import openpyxl
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    from analysis.workbook import FIXED_TIME, reproducible_bytes

    book = openpyxl.Workbook()
    readme = book.active
    readme.title = "README"
    for line in (
        "Disagreements between readings, for adjudication.",
        "For every row of the pair you adjudicate, set decision to a (reading_a is right), b (reading_b is right)",
        "or other (then give adjudicated_value), and say how you settled it in how. Then run:",
        "python -m analysis coding adjudicate THIS_FILE.xlsx --by YOUR_NAME [--pair READING_A READING_B]",
    ):
        readme.append([line])
    sheet = book.create_sheet(SHEET)
    sheet.append(list(frame.columns))
    for row in frame.itertuples(index=False):
        sheet.append([str(v) for v in row])
    widths = {"text": 60, "how": 40, "value_a": 22, "value_b": 22, "adjudicated_value": 22}
    for number, column in enumerate(frame.columns, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = widths.get(column, 16)
        sheet.cell(1, number).font = Font(bold=True)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    if len(frame):
        letter = get_column_letter(list(frame.columns).index("decision") + 1)
        validation = DataValidation(type="list", formula1='"a,b,other"', allow_blank=True)
        sheet.add_data_validation(validation)
        validation.add(f"{letter}2:{letter}{len(frame) + 1}")
    book.properties.created = FIXED_TIME
    return reproducible_bytes(book)


def _read_sheet(path: Path) -> tuple[pd.DataFrame, list[int], str]:
    """The rows of a disagreement sheet (.csv or .xlsx) as text, their row numbers and the sheet label."""
    from analysis.coding_workbook import _sheet_rows
    from analysis.curated import CuratedDataError, read_table_text
    from analysis.workbook import WorkbookError, open_workbook

    if path.suffix.lower() == ".csv":
        try:
            frame = read_table_text(path, str(path))
        except CuratedDataError as error:
            raise AdjudicationError([str(p) for p in error.problems]) from None
        return frame, [i + 2 for i in range(len(frame))], f"{path}, line"
    try:
        book = open_workbook(path, data_only=True)
    except WorkbookError as error:
        raise AdjudicationError([str(error)]) from None
    problems: list[str] = []
    rows, numbers = _sheet_rows(
        book,
        SHEET,
        path,
        [c for c in DISAGREEMENT_COLUMNS if c != "text"],  # the clause text is shown, not read back
        problems,
    )
    if problems:
        raise AdjudicationError(problems)
    return pd.DataFrame(rows, dtype=object).fillna(""), numbers, f"{path}: sheet '{SHEET}', row"


def plan_adjudication(
    path: Path,
    tables: dict[str, pd.DataFrame],
    texts: dict[str, str],
    adjudicator: str,
    pair: tuple[str, str] | None = None,
    today: str | None = None,
) -> tuple[dict, pd.DataFrame]:
    """The adjudicated reading (readings row, long-form codes) from a filled sheet; raise on any problem."""
    from analysis.coding import AGREEMENT_VARIABLES, paired_codes
    from analysis.readings import all_readings, disagreements

    path = Path(path)
    if not adjudicator.strip():
        raise AdjudicationError(["--by must name the adjudicator"])
    frame, numbers, where = _read_sheet(path)
    for column in ("reading_a", "reading_b", "decision", "adjudicated_value", "how"):
        if column not in frame.columns:
            raise AdjudicationError([f"{where} 1: column {column!r} missing from the header"])
    decided = frame[frame["decision"] != ""]
    pairs = sorted(set(zip(decided["reading_a"], decided["reading_b"])))
    if pair is None:
        if len(pairs) != 1:
            raise AdjudicationError(
                [
                    (
                        f"{path}: decisions for {len(pairs)} pairs of readings ({pairs}); adjudicate "
                        "one pair at a time, or name it with --pair READING_A READING_B"
                    )
                ]
            )
        pair = pairs[0]
    first, second = pair
    codes = all_readings(tables, texts)
    for reading in pair:
        if reading not in codes:
            raise AdjudicationError([f"{path}: no reading {reading!r} in readings.csv"])
    current = disagreements(tables, texts, {first: codes[first], second: codes[second]})
    key_columns = ["variable", "doc_id", "unit_id"]
    rows = frame.assign(_line=numbers)
    rows = rows[(rows["reading_a"] == first) & (rows["reading_b"] == second)].set_index(key_columns)
    problems = []
    themes = set(tables["themes"]["theme_id"])
    valid = {"primary_theme": themes, "commitment_level": {"0", "1", "2", "3"}, "component_present": {"true", "false"}}
    settled: dict[tuple[str, str, str], tuple[str, str]] = {}
    for row in current.itertuples():
        key = (row.variable, row.doc_id, row.unit_id)
        if key not in rows.index:
            problems.append(
                f"{path}: {first} vs {second}: the disagreement on {row.doc_id}/{row.unit_id} "
                f"({row.variable}: {row.value_a} vs {row.value_b}) is missing from the sheet"
            )
            continue
        entry = rows.loc[key]
        line = f"{where} {entry['_line']}"
        if (entry["value_a"], entry["value_b"]) != (row.value_a, row.value_b):
            problems.append(
                f"{line}, columns 'value_a'/'value_b': the readings now say {row.value_a} / {row.value_b}; "
                "export a fresh sheet"
            )
            continue
        decision = entry["decision"].strip().lower()
        if decision not in DECISIONS:
            problems.append(f"{line}, column 'decision': {entry['decision']!r}; choose a, b or other")
            continue
        value = {"a": row.value_a, "b": row.value_b}.get(decision, entry["adjudicated_value"].strip())
        if value not in valid[row.variable]:
            problems.append(f"{line}, column 'adjudicated_value': {value!r} is not a valid {row.variable}")
            continue
        if not entry["how"].strip():
            problems.append(f"{line}, column 'how': say how the disagreement was settled")
            continue
        chosen = {"a": first, "b": second}.get(decision, "another code")
        settled[key] = (
            value,
            (
                f"settled: {first} said {row.value_a}, {second} said {row.value_b}; chose {chosen}; "
                f"how: {entry['how'].strip()}"
            ),
        )
    reading_id = f"adjudicated_{first}_{second}"
    if reading_id in set(tables["readings"]["reading_id"]):
        problems.append(f"{path}: a reading {reading_id!r} is already stored")
    if problems:
        raise AdjudicationError(problems)
    out = []
    for variable in AGREEMENT_VARIABLES:
        both = paired_codes(codes[first], codes[second], variable)
        for row in both.itertuples():
            value, note = settled.get((variable, row.doc_id, row.unit_id), (row.value_a, ""))
            out.append(
                {
                    "reading_id": reading_id,
                    "doc_id": row.doc_id,
                    "unit_id": row.unit_id,
                    "variable": variable,
                    "value": value,
                    "notes": note,
                }
            )
    result = pd.DataFrame(out, columns=["reading_id", "doc_id", "unit_id", "variable", "value", "notes"], dtype=object)
    variables = [v for v in AGREEMENT_VARIABLES if v in set(result["variable"])]
    labels = tables["readings"].set_index("reading_id")
    reading = {
        "reading_id": reading_id,
        "label_zh": f"裁定编码({labels.loc[first, 'label_zh']}与{labels.loc[second, 'label_zh']})",
        "label_en": f"Adjudicated reading ({first} vs {second})",
        "coder": adjudicator.strip(),
        "coder_kind": "adjudication",
        "method": f"Units where {first} and {second} agree keep their code; each disagreement was settled by "
        f"{adjudicator.strip()} in the disagreement sheet, and its note says how.",
        "coded_on": today or dt.date.today().isoformat(),
        "blind": "false",
        "codebook_version": labels.loc[first, "codebook_version"],
        "is_curated": "false",
        "variables": ";".join(variables),
        "scope": f"the units both {first} and {second} coded",
        "stored_in": "reading_codes",
        "adjudicates": f"{first};{second}",
        "notes": f"{len(settled)} disagreement(s) settled.",
    }
    return reading, result


def adjudicate(
    path: Path,
    adjudicator: str,
    root: Path = PROJECT_ROOT,
    pair: tuple[str, str] | None = None,
    *,
    dry_run: bool = False,
    today: str | None = None,
) -> tuple[dict, pd.DataFrame]:
    """Check a filled disagreement sheet and, unless ``dry_run``, store the adjudicated reading."""
    from analysis.coding_workbook import store_reading
    from analysis.corpus import load_texts
    from analysis.curated import load_tables

    tables = load_tables(root)
    reading, codes = plan_adjudication(
        Path(path), tables, load_texts(tables["documents"], root), adjudicator, pair, today
    )
    if not dry_run:
        store_reading(reading, codes, root)
    return reading, codes
