"""Readings: every coding of the corpus as data, in one long form, and who or what made it.

A *reading* is one coder's (or one program's) codes. ``readings.csv`` describes each; the curated
reading lives in the curated tables (``clauses``, ``commitments``, ``document_components``), other
stored readings in ``reading_codes`` (one row per reading × document × unit × variable), and the
keyword coding is recomputed from the codebook. :func:`reading_codes` returns any of them in the
same long form, so agreement, exchange and figures never care where a reading is kept.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.coding import (
    AGREEMENT_COLUMNS,
    AGREEMENT_VARIABLES,
    BOOTSTRAP_RESAMPLES,
    BOOTSTRAP_SEED,
    _categories,
    agreement_rows,
    paired_codes,
)
from analysis.paths import PROJECT_ROOT

CODE_COLUMNS = ["reading_id", "doc_id", "unit_id", "variable", "value", "notes"]
VARIABLES = ("primary_theme", "secondary_themes", "commitment_level", "component_present")
UNIT_OF = {
    "primary_theme": "clause",
    "secondary_themes": "clause",
    "commitment_level": "theme",
    "component_present": "component",
}


class ReadingError(ValueError):
    """A reading cannot be found or stored; the message says why."""


def curated_reading_id(readings: pd.DataFrame) -> str:
    """The id of the one reading marked ``is_curated``."""
    curated = readings.loc[readings["is_curated"] == "true", "reading_id"]
    if len(curated) != 1:
        raise ReadingError(f"readings.csv must mark exactly one reading is_curated=true, found {len(curated)}")
    return str(curated.iloc[0])


def curated_codes(tables: dict[str, pd.DataFrame], reading_id: str) -> pd.DataFrame:
    """The curated tables as long-form codes."""
    clauses = tables["clauses"]
    parts = [
        pd.DataFrame(
            {
                "doc_id": clauses["doc_id"],
                "unit_id": clauses["clause_id"],
                "variable": "primary_theme",
                "value": clauses["theme_id"],
                "notes": clauses["notes"],
            }
        )
    ]
    secondary = clauses[clauses["secondary_theme_ids"] != ""]
    parts.append(
        pd.DataFrame(
            {
                "doc_id": secondary["doc_id"],
                "unit_id": secondary["clause_id"],
                "variable": "secondary_themes",
                "value": secondary["secondary_theme_ids"],
                "notes": "",
            }
        )
    )
    commitments = tables["commitments"]
    parts.append(
        pd.DataFrame(
            {
                "doc_id": commitments["doc_id"],
                "unit_id": commitments["theme_id"],
                "variable": "commitment_level",
                "value": commitments["level"],
                "notes": commitments["notes"],
            }
        )
    )
    components = tables["document_components"]
    parts.append(
        pd.DataFrame(
            {
                "doc_id": components["doc_id"],
                "unit_id": components["component"],
                "variable": "component_present",
                "value": components["present"],
                "notes": components["notes"],
            }
        )
    )
    frame = pd.concat(parts, ignore_index=True).assign(reading_id=reading_id)
    return frame[CODE_COLUMNS].astype(object)


def keyword_codes(tables: dict[str, pd.DataFrame], texts: dict[str, str], reading_id: str = "keywords") -> pd.DataFrame:
    """The automatic keyword coding (primary theme of every clause) as long-form codes."""
    from analysis.coding import keyword_coding

    coded = keyword_coding(tables["clauses"], texts, tables["themes"])
    return pd.DataFrame(
        {
            "reading_id": reading_id,
            "doc_id": coded["doc_id"],
            "unit_id": coded["clause_id"],
            "variable": "primary_theme",
            "value": coded["theme_id"],
            "notes": [f"{int(h)} keyword hit(s)" for h in coded["hits"]],
        }
    )[CODE_COLUMNS].astype(object)


def reading_codes(
    tables: dict[str, pd.DataFrame], reading_id: str, texts: dict[str, str] | None = None
) -> pd.DataFrame:
    """Every code of one reading in long form (columns :data:`CODE_COLUMNS`), wherever it is stored."""
    readings = tables["readings"]
    row = readings[readings["reading_id"] == reading_id]
    if row.empty:
        raise ReadingError(f"no reading {reading_id!r} in readings.csv (known: {', '.join(readings['reading_id'])})")
    stored = row.iloc[0]["stored_in"]
    if stored == "curated_tables":
        return curated_codes(tables, reading_id)
    if stored == "computed":
        if texts is None:
            raise ReadingError(f"reading {reading_id!r} is computed from the texts; pass texts")
        return keyword_codes(tables, texts, reading_id)
    codes = tables["reading_codes"]
    return codes[codes["reading_id"] == reading_id][CODE_COLUMNS].reset_index(drop=True).astype(object)


def all_readings(tables: dict[str, pd.DataFrame], texts: dict[str, str]) -> dict[str, pd.DataFrame]:
    """Long-form codes of every reading in ``readings.csv``, in its order."""
    return {rid: reading_codes(tables, rid, texts) for rid in tables["readings"]["reading_id"]}


def legacy_second_reading(
    codes: pd.DataFrame, reading_id: str = "second_blind", coder: str = "second_reader"
) -> pd.DataFrame:
    """A stored reading of clause themes in the shape of the former ``second_reading.csv``."""
    own = codes[codes["reading_id"] == reading_id]
    primary = own[own["variable"] == "primary_theme"]
    secondary = own[own["variable"] == "secondary_themes"].set_index(["doc_id", "unit_id"])["value"]
    keys = list(zip(primary["doc_id"], primary["unit_id"]))
    return pd.DataFrame(
        {
            "doc_id": primary["doc_id"].to_list(),
            "clause_id": primary["unit_id"].to_list(),
            "theme_id": primary["value"].to_list(),
            "secondary_theme_ids": [secondary.get(k, "") for k in keys],
            "coder": coder,
            "notes": primary["notes"].to_list(),
        },
        dtype=object,
    )


def unit_table(codes: pd.DataFrame, variable: str) -> pd.Series:
    """One variable's codes of one reading, indexed by (doc_id, unit_id)."""
    own = codes[codes["variable"] == variable]
    return own.set_index(["doc_id", "unit_id"])["value"]


def reading_description(
    reading_id: str | None = None,
    lang: str = "en",
    root: Path = PROJECT_ROOT,
    tables: dict[str, pd.DataFrame] | None = None,
    agreement: pd.DataFrame | None = None,
) -> str:
    """One sentence for a figure caption or a methods appendix: which reading is shown, and its agreement.

    ``reading_id`` defaults to the curated reading. The agreement figures (primary theme, all themes
    together: Krippendorff's alpha with its 95% bootstrap interval and the number of clauses) are those
    of :func:`agreement_table`, computed when not passed in. Chinese text holds no
    English words, English text no Chinese.
    """
    from analysis.corpus import load_texts
    from analysis.curated import load_tables

    if lang not in ("zh", "en"):
        raise ValueError("lang must be 'zh' or 'en'")
    tables = tables or load_tables(root)
    readings = tables["readings"].set_index("reading_id")
    reading_id = reading_id or curated_reading_id(tables["readings"])
    if reading_id not in readings.index:
        raise ReadingError(f"no reading {reading_id!r} in readings.csv")
    if agreement is None:
        agreement = agreement_table(tables, load_texts(tables["documents"], root))
    label = readings.loc[reading_id, f"label_{lang}"]
    rows = agreement[
        (agreement["scope"] == "primary_theme:(overall)")
        & (agreement["measure"] == "alpha")
        & ((agreement["reading_a"] == reading_id) | (agreement["reading_b"] == reading_id))
    ]
    parts = []
    for row in rows.itertuples():
        other = row.reading_b if row.reading_a == reading_id else row.reading_a
        other_label = readings.loc[other, f"label_{lang}"] if other in readings.index else other
        if lang == "zh":
            parts.append(
                f"与{other_label}的一致性 α = {row.value:.2f}(95% 区间 {row.ci_low:.2f}–{row.ci_high:.2f},"
                f"{int(row.n_units)} 个条款)"
            )
        else:
            parts.append(
                f"agreement with the {other_label[0].lower() + other_label[1:]}: α = {row.value:.2f} "
                f"(95% CI {row.ci_low:.2f}–{row.ci_high:.2f}, {int(row.n_units)} clauses)"
            )
    if lang == "zh":
        text = f"主题编码:{label}。"
        return text + ("主题层面" + ";".join(parts) + "。" if parts else "尚无其他编码可比较。")
    text = f"Theme coding: {label}."
    return text + (" Primary theme, " + "; ".join(parts) + "." if parts else " No other reading to compare with yet.")


def reading_problems(tables: dict[str, pd.DataFrame], root: Path = PROJECT_ROOT) -> list:
    """What is wrong with readings.csv and reading_codes.csv beyond their Table Schemas.

    Exactly one curated reading, kept in the curated tables; each stored code belongs to a reading
    kept in reading_codes, names a unit that exists (clause, theme or component of its document)
    and holds a value of the codebook (theme_ids, levels 0-3, true/false).
    """
    from analysis.curated import Problem

    def label(name: str) -> str:
        # the logical table: validation maps its lines to the region file that holds each row
        return f"data/curated/{name}.csv"

    readings, codes = tables["readings"], tables["reading_codes"]
    problems = []
    curated = readings.index[readings["is_curated"] == "true"]
    if len(curated) != 1:
        problems.append(
            Problem(label("readings"), 0, "is_curated", f"exactly one reading must be curated, found {len(curated)}")
        )
    for index in curated:
        if readings.loc[index, "stored_in"] != "curated_tables":
            problems.append(
                Problem(
                    label("readings"),
                    int(index) + 2,
                    "stored_in",
                    "the curated reading lives in the curated tables (curated_tables)",
                )
            )
    known = set(readings["reading_id"])
    for index, row in readings.iterrows():
        for other in filter(None, row["adjudicates"].split(";")):
            if other not in known:
                problems.append(Problem(label("readings"), int(index) + 2, "adjudicates", f"no reading {other!r}"))
    stored_in = dict(zip(readings["reading_id"], readings["stored_in"]))
    themes = set(tables["themes"]["theme_id"])
    components = set(tables["components"]["component"])
    clauses = set(zip(tables["clauses"]["doc_id"], tables["clauses"]["clause_id"]))
    file = label("reading_codes")
    for index, row in codes.iterrows():
        line = int(index) + 2
        if row["reading_id"] in stored_in and stored_in[row["reading_id"]] != "reading_codes":
            problems.append(
                Problem(
                    file,
                    line,
                    "reading_id",
                    f"reading {row['reading_id']!r} is stored in {stored_in[row['reading_id']]}, not here",
                )
            )
        variable, value = row["variable"], row["value"]
        unit_ok = (
            (row["doc_id"], row["unit_id"]) in clauses
            if UNIT_OF.get(variable) == "clause"
            else row["unit_id"] in themes
            if variable == "commitment_level"
            else row["unit_id"] in components
            if variable == "component_present"
            else True
        )
        if not unit_ok:
            problems.append(
                Problem(
                    file, line, "unit_id", f"no {UNIT_OF[variable]} {row['unit_id']!r} in document {row['doc_id']!r}"
                )
            )
        if variable == "primary_theme" and value not in themes:
            problems.append(Problem(file, line, "value", f"{value!r} is not a theme_id of themes.csv"))
        elif variable == "secondary_themes" and not set(value.split(";")) <= themes:
            problems.append(
                Problem(file, line, "value", f"{value!r}: every secondary theme must be a theme_id of themes.csv")
            )
        elif variable == "commitment_level" and value not in {"0", "1", "2", "3"}:
            problems.append(Problem(file, line, "value", f"{value!r}: a commitment level is 0, 1, 2 or 3"))
        elif variable == "component_present" and value not in {"true", "false"}:
            problems.append(Problem(file, line, "value", f"{value!r}: component presence is true or false"))
    return problems


def agreement_table(
    tables: dict[str, pd.DataFrame],
    texts: dict[str, str],
    codes: dict[str, pd.DataFrame] | None = None,
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> pd.DataFrame:
    """Alpha and kappa (95% bootstrap intervals over units), observed agreement and prevalence, for every
    pair of readings (``readings.csv`` order) and every variable both coded on at least two units.

    Scopes are ``<variable>:(overall)`` (all categories) and, for themes, ``primary_theme:<theme_id>``
    (that theme against all others). Prevalence is the share of the units each reading gives the category.
    """
    codes = codes if codes is not None else all_readings(tables, texts)
    names = list(codes)
    rows = []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            for variable in AGREEMENT_VARIABLES:
                pairs = paired_codes(codes[first], codes[second], variable)
                categories = _categories(variable, tables, set(pairs["value_a"]) | set(pairs["value_b"]))
                for row in agreement_rows(pairs, variable, categories, resamples=resamples, seed=seed):
                    rows.append({"reading_a": first, "reading_b": second, **row})
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


# The disagreement sheet's columns: the two readings, the unit, both values, the clause text (shown, not read
# back) and the adjudicator's decision (analysis.adjudication reads the sheet back by these names).
DISAGREEMENT_COLUMNS = [
    "reading_a",
    "reading_b",
    "variable",
    "doc_id",
    "unit_id",
    "value_a",
    "value_b",
    "text",
    "decision",
    "adjudicated_value",
    "how",
]


def disagreements(
    tables: dict[str, pd.DataFrame], texts: dict[str, str], codes: dict[str, pd.DataFrame] | None = None
) -> pd.DataFrame:
    """Every unit two readings code differently, with its text, and empty columns to adjudicate it."""
    codes = codes if codes is not None else all_readings(tables, texts)
    clauses = tables["clauses"].set_index(["doc_id", "clause_id"])
    names, parts = list(codes), []
    for i, first in enumerate(names):
        for second in names[i + 1 :]:
            for variable in AGREEMENT_VARIABLES:
                pairs = paired_codes(codes[first], codes[second], variable)
                differ = pairs[pairs["value_a"] != pairs["value_b"]]
                if differ.empty:
                    continue
                parts.append(differ.assign(reading_a=first, reading_b=second, variable=variable))
    columns = DISAGREEMENT_COLUMNS
    if not parts:
        return pd.DataFrame(columns=columns)
    frame = pd.concat(parts, ignore_index=True)

    def text_of(row) -> str:
        if row.variable != "primary_theme" or (row.doc_id, row.unit_id) not in clauses.index:
            return ""
        clause = clauses.loc[(row.doc_id, row.unit_id)]
        return texts[row.doc_id][int(clause["char_start"]) : int(clause["char_end"])].strip()[:120]

    frame["text"] = [text_of(row) for row in frame.itertuples()]
    frame[["decision", "adjudicated_value", "how"]] = ""
    return frame[columns].astype(object)
