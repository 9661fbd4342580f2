"""Automatic keyword coding of clauses and its agreement with the hand coding (Cohen's kappa).

The keyword coder is deliberately simple and transparent: each theme's ``keywords_zh`` pattern
from the codebook is counted in the clause's normalised text, and the theme with most hits is
the clause's primary theme. Its agreement with the hand coding (and a blind second reading)
tells how far the codebook's definitions are operational.
"""
from __future__ import annotations

import re

import pandas as pd

from analysis.normalize import normalize

FALLBACK_THEME = "overall_goals"


def clause_texts(clauses: pd.DataFrame, texts: dict[str, str]) -> pd.Series:
    """Normalised text of each clause, aligned with ``clauses``' index."""
    return pd.Series(
        [normalize(texts[r.doc_id][int(r.char_start):int(r.char_end)]).text for r in clauses.itertuples()],
        index=clauses.index, dtype=object,
    )


def keyword_scores(texts: pd.Series, themes: pd.DataFrame) -> pd.DataFrame:
    """Hits of each theme's keyword pattern in each text (rows: texts, columns: theme_id).

    All texts are searched in one pass per theme: they are joined with a blank line between them
    and each hit is assigned to its text by position, which is much faster than one search per
    text and theme. A pattern must therefore not match across a blank line (none in the codebook do).
    """
    import numpy as np

    items = list(texts)
    separator = "\n\n"
    starts = np.cumsum([0] + [len(t) + len(separator) for t in items[:-1]]) if items else np.array([], dtype=int)
    joined = separator.join(items)
    columns = {}
    for row in themes.itertuples():
        if not row.keywords_zh:
            continue
        positions = [m.start() for m in re.finditer(row.keywords_zh, joined)]
        owners = np.searchsorted(starts, positions, side="right") - 1
        columns[row.theme_id] = np.bincount(owners, minlength=len(items)).astype(int)
    return pd.DataFrame(columns, index=texts.index)


def keyword_coding(clauses: pd.DataFrame, texts: dict[str, str], themes: pd.DataFrame) -> pd.DataFrame:
    """Primary theme per clause by keyword hits; ties go to the earlier theme in the codebook.

    Clauses without any hit get ``overall_goals``.
    """
    scores = keyword_scores(clause_texts(clauses, texts), themes)
    best = scores.idxmax(axis=1).where(scores.max(axis=1) > 0, FALLBACK_THEME)
    return pd.DataFrame({"doc_id": clauses["doc_id"], "clause_id": clauses["clause_id"],
                         "theme_id": best.astype(object), "hits": scores.max(axis=1)})


def cohen_kappa(first: pd.Series, second: pd.Series) -> float:
    """Cohen's kappa of two codings of the same units (nan when agreement by chance is 1).

    >>> round(cohen_kappa(pd.Series(list("aabb")), pd.Series(list("abbb"))), 3)
    0.5
    """
    first, second = first.reset_index(drop=True), second.reset_index(drop=True)
    if len(first) != len(second) or len(first) == 0:
        raise ValueError("kappa needs two codings of the same, non-empty set of units")
    observed = (first == second).mean()
    categories = set(first) | set(second)
    expected = sum((first == c).mean() * (second == c).mean() for c in categories)
    return float("nan") if expected == 1 else float((observed - expected) / (1 - expected))


def agreement_by_theme(first: pd.Series, second: pd.Series, themes: list[str]) -> pd.DataFrame:
    """Kappa overall (all themes as categories) and per theme (theme vs not-theme), with counts."""
    rows = [{"theme_id": "(overall)", "n_first": len(first), "n_second": len(second),
             "agreement": float((first.values == second.values).mean()), "kappa": cohen_kappa(first, second)}]
    for theme in themes:
        a, b = first == theme, second == theme
        if not a.any() and not b.any():
            continue
        rows.append({"theme_id": theme, "n_first": int(a.sum()), "n_second": int(b.sum()),
                     "agreement": float((a.values == b.values).mean()), "kappa": cohen_kappa(a, b)})
    return pd.DataFrame(rows)


def compare_codings(hand: pd.DataFrame, other: pd.DataFrame, themes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agreement table and the clauses where the two primary codes differ (on the clauses both coded)."""
    merged = hand.merge(other, on=["doc_id", "clause_id"], suffixes=("_hand", "_other"))
    table = agreement_by_theme(merged["theme_id_hand"], merged["theme_id_other"], themes)
    differ = merged.loc[merged["theme_id_hand"] != merged["theme_id_other"],
                        ["doc_id", "clause_id", "theme_id_hand", "theme_id_other"]].reset_index(drop=True)
    return table, differ
