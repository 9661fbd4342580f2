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
        [normalize(texts[r.doc_id][int(r.char_start) : int(r.char_end)]).text for r in clauses.itertuples()],
        index=clauses.index,
        dtype=object,
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
    return pd.DataFrame(
        {
            "doc_id": clauses["doc_id"],
            "clause_id": clauses["clause_id"],
            "theme_id": best.astype(object),
            "hits": scores.max(axis=1),
        }
    )


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
    rows = [
        {
            "theme_id": "(overall)",
            "n_first": len(first),
            "n_second": len(second),
            "agreement": float((first.values == second.values).mean()),
            "kappa": cohen_kappa(first, second),
        }
    ]
    for theme in themes:
        a, b = first == theme, second == theme
        if not a.any() and not b.any():
            continue
        rows.append(
            {
                "theme_id": theme,
                "n_first": int(a.sum()),
                "n_second": int(b.sum()),
                "agreement": float((a.values == b.values).mean()),
                "kappa": cohen_kappa(a, b),
            }
        )
    return pd.DataFrame(rows)


def compare_codings(hand: pd.DataFrame, other: pd.DataFrame, themes: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Agreement table and the clauses where the two primary codes differ (on the clauses both coded)."""
    merged = hand.merge(other, on=["doc_id", "clause_id"], suffixes=("_hand", "_other"))
    table = agreement_by_theme(merged["theme_id_hand"], merged["theme_id_other"], themes)
    differ = merged.loc[
        merged["theme_id_hand"] != merged["theme_id_other"], ["doc_id", "clause_id", "theme_id_hand", "theme_id_other"]
    ].reset_index(drop=True)
    return table, differ


# ---------------------------------------------------------------------------------------------
# Agreement between readings (Krippendorff's alpha and Cohen's kappa with bootstrap intervals)

AGREEMENT_COLUMNS = ["reading_a", "reading_b", "scope", "measure", "value", "ci_low", "ci_high", "n_units"]
BOOTSTRAP_RESAMPLES = 2000
BOOTSTRAP_SEED = 20260101
#: variable → (level of measurement for alpha, whether each category also gets its own row)
AGREEMENT_VARIABLES = {
    "primary_theme": ("nominal", True),
    "commitment_level": ("ordinal", False),
    "component_present": ("nominal", False),
}


def _categories(variable: str, tables: dict[str, pd.DataFrame], values) -> list:
    if variable == "primary_theme":
        known = list(tables["themes"]["theme_id"])
    elif variable == "commitment_level":
        known = [str(level) for level in range(4)]
    else:
        known = ["false", "true"]
    return known + sorted(set(values) - set(known))


def paired_codes(codes_a: pd.DataFrame, codes_b: pd.DataFrame, variable: str) -> pd.DataFrame:
    """The units both readings coded on one variable: doc_id, unit_id, value_a, value_b (in a's order)."""
    a = codes_a[codes_a["variable"] == variable][["doc_id", "unit_id", "value"]]
    b = codes_b[codes_b["variable"] == variable][["doc_id", "unit_id", "value"]]
    return a.merge(b, on=["doc_id", "unit_id"], suffixes=("_a", "_b")).reset_index(drop=True)


def agreement_rows(
    pairs: pd.DataFrame,
    variable: str,
    categories: list,
    *,
    resamples: int = BOOTSTRAP_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> list[dict]:
    """Rows of the agreement table for one pair of readings and one variable (see :data:`AGREEMENT_COLUMNS`)."""
    from analysis.agreement import bootstrap_weights, pair_agreement

    level, per_category = AGREEMENT_VARIABLES[variable]
    n = len(pairs)
    if n < 2:
        return []
    weights = bootstrap_weights(n, resamples, seed)
    rows = []

    def emit(scope: str, result: dict, prevalence: tuple[float, float] | None) -> None:
        for measure in ("alpha", "kappa"):
            low, high = result[f"{measure}_ci"]
            rows.append(
                {
                    "scope": scope,
                    "measure": measure,
                    "value": result[measure],
                    "ci_low": low,
                    "ci_high": high,
                    "n_units": n,
                }
            )
        rows.append(
            {
                "scope": scope,
                "measure": "agreement",
                "value": result["agreement"],
                "ci_low": float("nan"),
                "ci_high": float("nan"),
                "n_units": n,
            }
        )
        if prevalence:
            for suffix, share in zip(("a", "b"), prevalence):
                rows.append(
                    {
                        "scope": scope,
                        "measure": f"prevalence_{suffix}",
                        "value": share,
                        "ci_low": float("nan"),
                        "ci_high": float("nan"),
                        "n_units": n,
                    }
                )

    emit(f"{variable}:(overall)", pair_agreement(pairs["value_a"], pairs["value_b"], categories, level, weights), None)
    if per_category:
        for category in categories:
            a, b = pairs["value_a"] == category, pairs["value_b"] == category
            if not a.any() and not b.any():
                continue
            emit(
                f"{variable}:{category}",
                pair_agreement(a, b, [False, True], "nominal", weights),
                (float(a.mean()), float(b.mean())),
            )
    return rows
