"""Measures that say what they count: theme text shares on two bases, and what a level-3 commitment quantifies.

``theme_text_shares`` counts each clause for its primary theme only. 81 of the clauses also carry
secondary themes, so :func:`theme_text_shares_by_basis` offers a second basis, stated in
``share_basis`` on every row:

- ``primary_only``: a clause's characters all go to its primary theme;
- ``primary_plus_secondary``: a clause coded with k themes (its primary and k-1 secondary) gives each
  of them 1/k of its characters (:data:`WEIGHTING_EN`).

Either way a document's shares sum to 1, web furniture left out.
"""
from __future__ import annotations

import pandas as pd

from analysis.compare import clause_lengths, commitment_levels, documents_with_regions

PRIMARY_ONLY = "primary_only"
PRIMARY_PLUS_SECONDARY = "primary_plus_secondary"
SHARE_BASES = (PRIMARY_ONLY, PRIMARY_PLUS_SECONDARY)
BASIS_LABELS = {
    PRIMARY_ONLY: ("只计主题", "primary theme only"),
    PRIMARY_PLUS_SECONDARY: ("主题加次要主题(均分)", "primary plus secondary themes, split equally"),
}
WEIGHTING_ZH = "一个条目若编有k个主题(1个主题和k−1个次要主题),其字数平均分给这k个主题,每个1/k。"
WEIGHTING_EN = ("A clause coded with k themes (its primary theme and k-1 secondary themes) gives each of them "
                "1/k of its characters.")


def clause_theme_weights(tables: dict[str, pd.DataFrame], basis: str) -> pd.DataFrame:
    """One row per clause × theme it counts for, with ``weight`` (summing to 1 per clause) and ``chars``."""
    if basis not in SHARE_BASES:
        raise ValueError(f"unknown share basis {basis!r}; choose one of {', '.join(SHARE_BASES)}")
    clauses = clause_lengths(tables)
    rows = []
    for clause in clauses.itertuples(index=False):
        themes = [clause.theme_id]
        if basis == PRIMARY_PLUS_SECONDARY:
            themes += [t for t in str(clause.secondary_theme_ids).split(";") if t.strip() and t.strip() != clause.theme_id]
        for theme in themes:
            rows.append({"doc_id": clause.doc_id, "clause_id": clause.clause_id, "theme_id": theme.strip(),
                         "weight": 1 / len(themes), "chars": clause.chars / len(themes)})
    return pd.DataFrame(rows, columns=["doc_id", "clause_id", "theme_id", "weight", "chars"])


def theme_shares(tables: dict[str, pd.DataFrame], basis: str) -> pd.DataFrame:
    """Document × theme: weighted characters and share of the document's plan text, on one basis."""
    weights = clause_theme_weights(tables, basis)
    chars = weights.groupby(["doc_id", "theme_id"], as_index=False)["chars"].sum()
    chars["share"] = chars["chars"] / chars.groupby("doc_id")["chars"].transform("sum")
    themes = [t for t in tables["themes"]["theme_id"] if t != "web_furniture"]
    grid = pd.MultiIndex.from_product([tables["documents"]["doc_id"], themes], names=["doc_id", "theme_id"]).to_frame(index=False)
    out = grid.merge(chars, on=["doc_id", "theme_id"], how="left").fillna({"chars": 0.0, "share": 0.0})
    out["chars"] = out["chars"].round(2)
    out["share_basis"] = basis
    out["share_basis_zh"], out["share_basis_en"] = BASIS_LABELS[basis]
    return out


def theme_text_shares_by_basis(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Both bases in one long table (``share_basis`` names each row's), with the comparability columns."""
    from analysis.compare import with_genre_grades

    both = pd.concat([theme_shares(tables, basis) for basis in SHARE_BASES], ignore_index=True)
    return with_genre_grades(both, tables)


MEASURE_KINDS = {  # unit → what the number measures (zh, en)
    "%": ("rate_or_share", "比率或占比", "rate or share"),
    "百分点": ("percentage_point_change", "百分点变化", "change in percentage points"),
    "元": ("money", "金额", "money"),
    "系数": ("coefficient", "系数", "coefficient"),
}


def measure_kind(unit: str, comparator: str) -> str:
    """What a quantity measures: rank, ratio, rate_or_share, percentage_point_change, money, coefficient or count."""
    if comparator == "rank_top":
        return "rank"
    if unit.startswith(":"):
        return "ratio"
    return MEASURE_KINDS.get(unit, ("count",))[0]


def quantified_commitments(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every level-3 document × theme with the quantities behind it: value, unit, kind of measure, year.

    Level 3 says only that a number exists; this table shows its size and kind beside the level, so a
    4-kindergarten expansion and a 95% coverage target no longer look alike. ``measure_kind`` is the
    quantity's curated ``measure`` (share, count, money, rank, change_pp …) where the table has one,
    else :func:`measure_kind` read from its unit and comparator.
    """
    levels = commitment_levels(tables)
    top = levels[levels["level"] == 3][["doc_id", "theme_id", "level", "genre_class", "comparability",
                                        "comparability_reason", "caveat_zh", "caveat_en"]]
    targets = tables["targets"].copy()
    derived = [measure_kind(u, c) for u, c in zip(targets["unit"], targets["comparator"])]
    curated = targets["measure"] if "measure" in targets.columns else pd.Series("", index=targets.index)
    targets["measure_kind"] = [m if m else d for m, d in zip(curated, derived)]  # the curated measure wins
    keep = ["doc_id", "theme_id", "target_id", "kind", "indicator_zh", "indicator_en", "indicator_group", "value",
            "value_max", "unit", "comparator", "target_year", "measure_kind", "quote"]
    keep += [c for c in ("quote_en",) if c in targets.columns]
    out = top.merge(targets[keep], on=["doc_id", "theme_id"], how="left")
    out["value"] = pd.to_numeric(out["value"].replace("", None)).astype(float)
    out["value_max"] = pd.to_numeric(out["value_max"].replace("", None)).astype(float)
    regions = documents_with_regions(tables)[["doc_id", "region_id"]]
    out = regions.merge(out, on="doc_id", how="right")
    return out.sort_values(["doc_id", "theme_id", "target_id"], kind="stable").reset_index(drop=True)


def measure_kind_counts(quantified: pd.DataFrame) -> pd.DataFrame:
    """How many level-3 cells rest on each kind of measure (a cell can rest on several)."""
    cells = quantified.groupby(["doc_id", "theme_id"])["measure_kind"].agg(lambda k: ";".join(sorted(set(k.dropna()))))
    return cells.value_counts().rename_axis("measure_kinds").reset_index(name="cells")


__all__ = [
    "SHARE_BASES",
    "WEIGHTING_EN",
    "WEIGHTING_ZH",
    "measure_kind",
    "quantified_commitments",
    "theme_shares",
    "theme_text_shares_by_basis",
]
