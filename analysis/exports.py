"""Stata and R: the comparison tables and the curated tables as labelled ``.dta`` files, and a codebook.

``write_stata`` writes one Stata 118 file (Unicode) per table. Each variable carries a label, each
coded column (an enumerated or identifying code such as ``kind``, ``theme_id`` or ``comparability``)
is stored as integers with a value label, so ``read_stata`` in pandas or ``haven::read_dta`` in R gets
the codes back. Labels are not typed here: a column of a curated table takes its description from
``data/curated/datapackage.json``; a derived column takes the description of the curated column it
comes from (``value_plan`` ← ``value``) or one of :data:`DERIVED_FIELDS`. ``codebook_frame`` lists the
same descriptions (untruncated) with each column's type and codes, for the CSVs.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pandas as pd

from analysis.curated import read_datapackage, typed, write_text_atomic
from analysis.paths import PROJECT_ROOT

STATA_VERSION = 118  # Unicode (UTF-8) strings and labels
LABEL_LIMIT = 80  # Stata's limit for variable and data labels
TIME_STAMP = dt.datetime(2000, 1, 1)  # fixed, so the same data gives the same bytes

DERIVED_FIELDS = {  # columns the comparison functions add (the curated ones are described in datapackage.json)
    "region_zh": "Region name (zh).",
    "region_en": "Region name (en).",
    "body_chars": "Length of the document body in characters.",
    "clauses": "Number of clauses of the document.",
    "quantities": "Number of curated quantities (targets, baselines and achievements).",
    "quantities_per_10k_chars": "Quantities per 10,000 characters of body text.",
    "after_double_reduction": "Written after the national double-reduction opinion of 2021-07-24.",
    "genre_class": "plan or report: the genre class a document is compared within.",
    "comparability": "same, proxy or not_comparable: whether the row's values may stand side by side.",
    "comparability_reason": "Why a row is only a proxy or not comparable.",
    "caveat_zh": "Caveat to print beside the row (zh).",
    "caveat_en": "Caveat to print beside the row (en).",
    "chars": "Characters of plan text counted for the theme (weighted on share_basis).",
    "share": "Share of the document's plan text (furniture excluded) on share_basis.",
    "share_basis": "What share counts: primary_only, or primary_plus_secondary (each of k themes gets 1/k).",
    "share_basis_zh": "share_basis in Chinese.",
    "share_basis_en": "share_basis in English.",
    "level_meaning_zh": "What the commitment level means on the document's scale (zh).",
    "level_meaning_en": "What the commitment level means on the document's scale (en).",
    "target": "Number of quantities of kind target.",
    "baseline": "Number of quantities of kind baseline.",
    "achievement": "Number of quantities of kind achievement.",
    "source": "local (a plan's quantity) or national (a benchmark).",
    "label_zh": "Row label: region or 全国 (zh).",
    "label_en": "Row label: region or National (en).",
    "reference_id": "target_id of a local row or benchmark_id of a national row.",
    "year": "Target year of a local row; target year of a benchmark.",
    "group_name_zh": "Name of the indicator group (zh).",
    "group_name_en": "Name of the indicator group (en).",
    "rows_same": "Rows of the group that may stand side by side.",
    "rows_proxy": "Rows of the group that are proxies only.",
    "rows_not_comparable": "Rows of the group that are not comparable.",
    "measure_kind": "What the number measures: the quantity's curated measure (share, count, money, rank, change_pp …), else read from its unit.",
    "present": "true when the document contains the component.",
}
SUFFIXES = {"_plan": " (plan side)", "_result": " (result side)"}
CODED = {
    "doc_id",
    "region_id",
    "theme_id",
    "kind",
    "comparator",
    "genre",
    "genre_class",
    "script",
    "comparability",
    "comparability_reason",
    "share_basis",
    "measure_kind",
    "source",
    "component",
    "indicator_group",
    "clause_type",
    "reason",
    "publication_status",
    "coder",
    "unit",
}


def field_descriptions(descriptor: dict, resource_name: str | None = None) -> dict[str, str]:
    """Column name → description from the data package: one resource's own fields, or (for a derived
    table) every resource's, the fullest description of a name winning ("Identifier." loses to a sentence)."""
    out: dict[str, str] = {}
    for item in descriptor["resources"]:
        if resource_name is not None and item["name"] != resource_name:
            continue
        for field in item["schema"]["fields"]:
            text = field.get("description", "")
            if len(text) > len(out.get(field["name"], "")):
                out[field["name"]] = text
    return out


def describe(column: str, descriptions: dict[str, str]) -> str:
    """The description of a column: curated, derived, or the curated one of its base name plus its side."""
    if column in descriptions:
        return descriptions[column]
    if column in DERIVED_FIELDS:
        return DERIVED_FIELDS[column]
    for suffix, side in SUFFIXES.items():
        if column.endswith(suffix):
            base = describe(column[: -len(suffix)], descriptions)
            return (base.rstrip(".") + side + ".") if base else ""
    return ""


def short_label(text: str, column: str) -> str:
    """A Stata variable label (at most 80 characters, cut at a word boundary); the column name if empty."""
    text = " ".join(text.split()) or column
    if len(text) <= LABEL_LIMIT:
        return text
    cut = text[: LABEL_LIMIT - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def is_coded(column: str, frame: pd.DataFrame, enums: set[str]) -> bool:
    """A text column of codes: an enumerated field of the data package or an identifying code (``value_plan`` ← ``value``)."""
    base = next((column[: -len(s)] for s in SUFFIXES if column.endswith(s)), column)
    text = frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column])
    return text and (base in CODED or base in enums)


def stata_frame(frame: pd.DataFrame, enums: set[str]) -> tuple[pd.DataFrame, dict[str, dict[int, str]]]:
    """Columns Stata can store: codes → integers with value labels, booleans → 0/1, text → str."""
    out = pd.DataFrame(index=frame.index)
    value_labels: dict[str, dict[int, str]] = {}
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_bool_dtype(series):
            out[column] = series.astype("int8")
            value_labels[column] = {0: "false", 1: "true"}
        elif pd.api.types.is_datetime64_any_dtype(series):
            out[column] = pd.to_datetime(series).astype("datetime64[ns]")
        elif pd.api.types.is_numeric_dtype(series):
            out[column] = (
                series.astype("float64") if series.isna().any() or str(series.dtype) in ("Int64", "Float64") else series
            )
        elif is_coded(column, frame, enums):
            text = series.fillna("").astype(str)
            codes = sorted(set(text) - {""})
            mapping = {code: number for number, code in enumerate(codes, start=1)}
            out[column] = text.map(mapping).astype("float64")  # empty cells: missing
            value_labels[column] = {number: code for code, number in mapping.items()}
        else:
            out[column] = series.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v)) else str(v))
    return out, value_labels


def dta_bytes(frame: pd.DataFrame, title: str, descriptions: dict[str, str], enums: set[str]) -> bytes:
    """One table as a Stata 118 file: variable labels, value labels for coded columns, data label."""
    data, value_labels = stata_frame(frame.reset_index(drop=True), enums)
    labels = {c: short_label(describe(c, descriptions), c) for c in data.columns}
    strl = (
        [
            c
            for c in data.columns
            if data[c].dtype == object and data[c].map(lambda v: len(v.encode("utf-8"))).max() > 2045
        ]
        if len(data)
        else []
    )
    dates = {c: "td" for c in data.columns if pd.api.types.is_datetime64_any_dtype(data[c])}
    buffer = io.BytesIO()
    data.to_stata(
        buffer,
        write_index=False,
        version=STATA_VERSION,
        variable_labels=labels,
        value_labels=value_labels or None,
        data_label=short_label(title, "table"),
        time_stamp=TIME_STAMP,
        convert_strl=strl,
        convert_dates=dates or None,
    )
    return buffer.getvalue()


def write_bytes_atomic(path: Path, payload: bytes) -> None:
    """Write binary data atomically with the mode of a plain write (:func:`analysis.atomic.write_bytes_atomic`)."""
    from analysis.atomic import write_bytes_atomic as write

    write(path, payload)


def export_frames(tables: dict[str, pd.DataFrame], descriptor: dict) -> dict[str, tuple[str, pd.DataFrame, str | None]]:
    """Every table to export, by file stem: comparison tables as computed, curated tables typed per schema."""
    from analysis.compare import comparison_tables

    frames = {name: (f"Comparison table {name}", frame, None) for name, frame in comparison_tables(tables).items()}
    for item in descriptor["resources"]:
        name = item["name"]
        frames[f"curated_{name}"] = (
            item.get("title") or f"Curated table {name}",
            typed(tables[name], descriptor, name),
            name,
        )
    return frames


def _descriptions_for(descriptor: dict, resource_name: str | None) -> dict[str, str]:
    general = field_descriptions(descriptor)
    return general if resource_name is None else general | field_descriptions(descriptor, resource_name)


def enum_columns(descriptor: dict) -> set[str]:
    return {
        f["name"]
        for item in descriptor["resources"]
        for f in item["schema"]["fields"]
        if "enum" in f.get("constraints", {})
    }


def _frictionless_type(series: pd.Series) -> str:
    """The column's type in Table Schema words (what a CSV reader should parse it as)."""
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "date"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_numeric_dtype(series):
        return "number"
    return "string"


def codebook_frame(frames: dict[str, tuple[str, pd.DataFrame, str | None]], descriptor: dict) -> pd.DataFrame:
    """Machine-readable codebook: table, column, Stata type, description (from the data package), codes."""
    enums = enum_columns(descriptor)
    rows = []
    for stem, (_, frame, resource_name) in frames.items():
        descriptions = _descriptions_for(descriptor, resource_name)
        data, value_labels = stata_frame(frame.reset_index(drop=True), enums)
        for column in frame.columns:
            labels = value_labels.get(column, {})
            rows.append(
                {
                    "table": stem,
                    "column": column,
                    "type": _frictionless_type(frame[column]),
                    "stata_storage": "integer code with value label" if labels else str(data[column].dtype),
                    "description": describe(column, descriptions),
                    "description_source": (
                        "datapackage.json"
                        if column in descriptions
                        else "analysis.exports.DERIVED_FIELDS"
                        if column in DERIVED_FIELDS
                        else "datapackage.json (base column)"
                        if describe(column, descriptions)
                        else ""
                    ),
                    "codes": "; ".join(f"{k}={v}" for k, v in sorted(labels.items())),
                }
            )
    return pd.DataFrame(rows)


def write_stata(out_dir: Path, root: Path = PROJECT_ROOT, tables: dict[str, pd.DataFrame] | None = None) -> list[Path]:
    """Write ``<table>.dta`` for every comparison and curated table, and ``codebook.csv``, into ``out_dir``."""
    from analysis.curated import load_tables

    descriptor = read_datapackage(root)
    tables = tables if tables is not None else load_tables(root)
    enums = enum_columns(descriptor)
    frames = export_frames(tables, descriptor)
    out_dir = Path(out_dir)
    written = []
    for stem, (title, frame, resource_name) in frames.items():
        path = out_dir / f"{stem}.dta"
        write_bytes_atomic(path, dta_bytes(frame, title, _descriptions_for(descriptor, resource_name), enums))
        written.append(path)
    codebook = out_dir / "codebook.csv"
    write_text_atomic(codebook, codebook_frame(frames, descriptor).to_csv(index=False, lineterminator="\n"))
    return written + [codebook]


def write_codebook(out_dir: Path, root: Path = PROJECT_ROOT, tables: dict[str, pd.DataFrame] | None = None) -> Path:
    """``codebook.csv`` for the comparison-table CSVs of ``python -m analysis tables`` (the curated CSVs have
    ``data/curated/datapackage.json``)."""
    from analysis.curated import load_tables

    descriptor = read_datapackage(root)
    tables = tables if tables is not None else load_tables(root)
    frames = {stem: entry for stem, entry in export_frames(tables, descriptor).items() if entry[2] is None}
    path = Path(out_dir) / "codebook.csv"
    write_text_atomic(path, codebook_frame(frames, descriptor).to_csv(index=False, lineterminator="\n"))
    return path


__all__ = ["DERIVED_FIELDS", "codebook_frame", "describe", "dta_bytes", "write_codebook", "write_stata"]
