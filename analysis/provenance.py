"""Checks of what a reader needs to cite a row: English glosses of quotes, and where each text came from.

Glosses (``quote_en``) are interpretations for readers without Chinese; the verbatim ``quote`` stays
the evidence. Each gloss names who or what made it (``quote_en_by``) and whether a human reviewed it.
"""

from __future__ import annotations

import pandas as pd

from analysis.curated import Problem

CURATED = "data/curated/"
GLOSSED_TABLES = ("targets", "commitments", "national_benchmarks", "document_components")
NOT_RECORDED = "not recorded"
SOURCE_COLUMNS = ("source_url", "accessed", "document_number", "publication_status")


def gloss_problems(frame: pd.DataFrame, file: str) -> list[Problem]:
    """Every non-empty quote has an English gloss and its provenance; a gloss never stands without a quote."""
    if "quote_en" not in frame.columns:
        return [Problem(CURATED + file, 1, "quote_en", "column is missing: every quote needs an English gloss")]
    problems = []
    for index, row in frame.iterrows():
        line = int(index) + 2
        quote, gloss = row["quote"], row["quote_en"]
        if quote and not gloss.strip():
            problems.append(Problem(CURATED + file, line, "quote_en", "the quote has no English gloss"))
        elif gloss and not quote:
            problems.append(
                Problem(
                    CURATED + file,
                    line,
                    "quote_en",
                    "a gloss without a quote: glosses translate quotes, they never replace them",
                )
            )
        if gloss and not row.get("quote_en_by", "").strip():
            problems.append(Problem(CURATED + file, line, "quote_en_by", "say who or what made the English gloss"))
        if gloss and row.get("quote_en_reviewed", "") not in ("true", "false"):
            problems.append(
                Problem(
                    CURATED + file, line, "quote_en_reviewed", "say whether a human reviewed the gloss (true or false)"
                )
            )
    return problems


def source_problems(documents: pd.DataFrame, texts: dict[str, str]) -> list[Problem]:
    """Source columns are filled ('not recorded' when nothing records them); publication evidence stands in the raw text."""
    label = CURATED + "documents.csv"
    problems = []
    for index, row in documents.iterrows():
        line = int(index) + 2
        for column in SOURCE_COLUMNS:
            if column in row and not str(row[column]).strip():
                problems.append(
                    Problem(label, line, column, f"empty: write what the text or its page records, or '{NOT_RECORDED}'")
                )
        evidence = row.get("publication_evidence", "")
        status = row.get("publication_status", NOT_RECORDED)
        if status != NOT_RECORDED and not evidence:
            problems.append(
                Problem(
                    label,
                    line,
                    "publication_evidence",
                    f"publication_status {status!r} needs the raw line that shows it",
                )
            )
        text = texts.get(row["doc_id"])
        if evidence and text is not None and evidence not in text:
            problems.append(
                Problem(
                    label,
                    line,
                    "publication_evidence",
                    f"{evidence!r} does not occur in the raw text of {row['doc_id']}",
                )
            )
    return problems


def provenance_problems(tables: dict[str, pd.DataFrame], texts: dict[str, str]) -> list[Problem]:
    """Glosses of every quoted table, and the sources of every document."""
    problems = []
    for name in GLOSSED_TABLES:
        problems += gloss_problems(tables[name], f"{name}.csv")
    return problems + source_problems(tables["documents"], texts)
