"""Comparison tables: curated tables in, tidy DataFrames out. No I/O, no plotting.

Every function takes the dict of curated tables (``analysis.curated.load_tables``), so any region
or document added to the data appears in every comparison without a code change.
"""
from __future__ import annotations

import pandas as pd

# The national 双减 opinion (《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》), July 2021.
DOUBLE_REDUCTION_OPINION = pd.Timestamp("2021-07-24")

NATIONAL_MILESTONES = pd.DataFrame(
    [
        ("2018-11-15", "学前教育深化改革规范发展的若干意见", "Opinions on pre-school reform (2020 targets)"),
        ("2021-07-24", "“双减”意见", "National 'double reduction' opinion"),
        ("2021-12-16", "“十四五”学前教育发展提升行动计划", "14th Five-Year pre-school action plan (2025 targets)"),
        ("2023-08-30", "基础教育扩优提质行动计划", "Action plan to expand and improve basic education"),
    ],
    columns=["date", "label_zh", "label_en"],
).assign(date=lambda f: pd.to_datetime(f["date"]))

def documents_with_regions(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Documents joined with their region's names, with numeric periods and body length."""
    docs = tables["documents"].merge(
        tables["regions"][["region_id", "name_zh", "name_en"]].rename(
            columns={"name_zh": "region_zh", "name_en": "region_en"}), on="region_id", how="left")
    docs["published"] = pd.to_datetime(docs["published"].replace("", None))
    for column in ("period_start_year", "period_end_year", "body_char_start", "body_char_end"):
        docs[column] = docs[column].astype(int)
    docs["body_chars"] = docs["body_char_end"] - docs["body_char_start"]
    docs["after_double_reduction"] = docs["period_start_year"].gt(2021) | (
        docs["published"].notna() & docs["published"].gt(DOUBLE_REDUCTION_OPINION))
    return docs


def corpus_overview(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per document: genre, period, body length, clauses, quantities and quantities per 10,000 characters."""
    docs = documents_with_regions(tables)
    clauses = tables["clauses"].groupby("doc_id").size().rename("clauses")
    quantities = tables["targets"].groupby("doc_id").size().rename("quantities")
    out = docs.join(clauses, on="doc_id").join(quantities, on="doc_id")
    out[["clauses", "quantities"]] = out[["clauses", "quantities"]].fillna(0).astype(int)
    out["quantities_per_10k_chars"] = (out["quantities"] / out["body_chars"] * 10_000).round(1)
    return out[["doc_id", "region_id", "region_zh", "region_en", "genre", "genre_zh", "published", "period_label",
                "period_start_year", "period_end_year", "script", "body_chars", "clauses", "quantities",
                "quantities_per_10k_chars", "after_double_reduction"]].reset_index(drop=True)


def clause_lengths(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Clauses with their length in raw characters, web furniture left out."""
    clauses = tables["clauses"].copy()
    clauses["chars"] = clauses["char_end"].astype(int) - clauses["char_start"].astype(int)
    return clauses[clauses["theme_id"] != "web_furniture"]


def theme_text_shares(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Share of each document's plan text (characters of clauses, furniture excluded) per primary theme.

    Normalised by the document's total clause characters, so documents of different length compare.
    """
    clauses = clause_lengths(tables)
    chars = clauses.groupby(["doc_id", "theme_id"], as_index=False)["chars"].sum()
    chars["share"] = chars["chars"] / chars.groupby("doc_id")["chars"].transform("sum")
    grid = pd.MultiIndex.from_product([tables["documents"]["doc_id"], _plan_themes(tables)],
                                      names=["doc_id", "theme_id"]).to_frame(index=False)
    out = grid.merge(chars, on=["doc_id", "theme_id"], how="left").fillna({"chars": 0, "share": 0.0})
    out["chars"] = out["chars"].astype(int)
    return out


def _plan_themes(tables: dict[str, pd.DataFrame]) -> list[str]:
    return [t for t in tables["themes"]["theme_id"] if t != "web_furniture"]


def commitment_levels(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Document × theme commitment levels (0–3) as a tidy table with the justifying quote."""
    levels = tables["commitments"].copy()
    levels["level"] = levels["level"].astype(int)
    return levels[["doc_id", "theme_id", "level", "quote", "instruments"]]


def target_counts(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Number of quantities per document × theme (targets, baselines and achievements apart)."""
    targets = tables["targets"]
    grid = pd.MultiIndex.from_product([tables["documents"]["doc_id"], _plan_themes(tables)],
                                      names=["doc_id", "theme_id"]).to_frame(index=False)
    counts = targets.pivot_table(index=["doc_id", "theme_id"], columns="kind", values="target_id",
                                 aggfunc="count", fill_value=0).reset_index()
    out = grid.merge(counts, on=["doc_id", "theme_id"], how="left")
    for kind in ("target", "baseline", "achievement"):
        out[kind] = out[kind].fillna(0).astype(int) if kind in out else 0
    out["quantities"] = out[["target", "baseline", "achievement"]].sum(axis=1)
    return out[["doc_id", "theme_id", "target", "baseline", "achievement", "quantities"]]


def _with_labels(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    docs = documents_with_regions(tables)[["doc_id", "region_id", "region_zh", "region_en", "genre", "period_label"]]
    return frame.merge(docs, on="doc_id", how="left")


def theme_quantities(tables: dict[str, pd.DataFrame], theme_id: str) -> pd.DataFrame:
    """Every quantity of one theme, side by side across regions, with its quote and source offsets."""
    targets = tables["targets"]
    rows = targets[targets["theme_id"] == theme_id]
    out = _with_labels(rows, tables)
    out["value"] = out["value"].astype(float)
    out["value_max"] = pd.to_numeric(out["value_max"].replace("", None)).astype(float)
    return out[["region_id", "region_zh", "region_en", "doc_id", "genre", "period_label", "target_id", "kind",
                "indicator_zh", "indicator_en", "indicator_group", "value", "value_max", "unit", "comparator",
                "target_year", "quote", "char_start", "char_end", "clause_id", "notes"]].reset_index(drop=True)


def indicator_comparison(tables: dict[str, pd.DataFrame], groups: list[str] | None = None) -> pd.DataFrame:
    """Local quantities and national benchmarks of the same comparable indicator, in one long table.

    ``source`` is ``local`` or ``national``; local rows carry region and document, national rows the
    benchmark id and policy. Groups default to all that have at least one local quantity.
    """
    targets = tables["targets"]
    local = _with_labels(targets[targets["indicator_group"] != ""], tables)
    local = local.assign(source="local", label_zh=local["region_zh"], label_en=local["region_en"],
                         reference_id=local["target_id"], year=local["target_year"])
    bench = tables["national_benchmarks"]
    bench = bench[(bench["indicator_group"] != "") & (bench["value"] != "")]
    national = bench.assign(source="national", label_zh="全国", label_en="National", reference_id=bench["benchmark_id"],
                            year=bench["target_year"], region_id="", doc_id="", kind="benchmark",
                            value_max="", quote=bench["quote"], genre="", period_label=bench["target_year_text"])
    columns = ["indicator_group", "source", "label_zh", "label_en", "region_id", "doc_id", "genre", "kind",
               "reference_id", "indicator_zh", "indicator_en", "value", "value_max", "unit", "comparator", "year",
               "period_label", "quote"]
    out = pd.concat([local[columns], national[columns]], ignore_index=True)
    if groups is None:
        groups = sorted(set(local["indicator_group"]))
    out = out[out["indicator_group"].isin(groups)].copy()
    names = tables["indicator_groups"][["indicator_group", "name_zh", "name_en"]].rename(
        columns={"name_zh": "group_name_zh", "name_en": "group_name_en"})
    out = out.merge(names, on="indicator_group", how="left")
    out["value"] = out["value"].astype(float)
    out["value_max"] = pd.to_numeric(out["value_max"].replace("", None)).astype(float)
    out["year"] = pd.to_numeric(out["year"].replace("", None)).astype("Int64")
    return out.sort_values(["indicator_group", "source", "year", "reference_id"], kind="stable").reset_index(drop=True)


def component_matrix(tables: dict[str, pd.DataFrame], theme_id: str) -> pd.DataFrame:
    """Which components of a focus theme each document contains (hand-coded), with the quote that shows it.

    One row per document × component, in the order of components.csv, labelled with region and
    document, and dated against the national 双减 opinion.
    """
    components = tables["components"][tables["components"]["theme_id"] == theme_id]
    coded = tables["document_components"].merge(components, on="component")
    coded = coded.assign(present=coded["present"] == "true",
                         char_start=pd.to_numeric(coded["char_start"].replace("", None)).astype("Int64"))
    order = {c: i for i, c in enumerate(components["component"])}
    coded = coded.sort_values(["doc_id", "component"], key=lambda col: col.map(order) if col.name == "component" else col)
    docs = documents_with_regions(tables)[["doc_id", "region_id", "region_zh", "region_en", "genre", "period_label",
                                           "published", "after_double_reduction"]]
    out = coded.merge(docs, on="doc_id", how="left")
    return out[["doc_id", "region_id", "region_zh", "region_en", "genre", "period_label", "published",
                "after_double_reduction", "component", "name_zh", "name_en", "present", "quote", "char_start",
                "notes"]].reset_index(drop=True)


def double_reduction_matrix(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Which 双减 components each document contains, dated against the national opinion."""
    return component_matrix(tables, "double_reduction")


def teacher_rotation_mechanisms(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Which teacher-rotation mechanisms each document names, with the quote."""
    return component_matrix(tables, "teacher_rotation")


def plan_against_result(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Targets of a plan beside the achievements a report of the same region gives for the same indicator.

    Pairs are found through ``indicator_group``: a plan's target and a report's achievement of the
    same region and group stand on one row.
    """
    quantities = _with_labels(tables["targets"][tables["targets"]["indicator_group"] != ""], tables)
    plans = quantities[quantities["kind"] == "target"]
    results = quantities[quantities["kind"] == "achievement"]
    keep = ["region_id", "region_zh", "region_en", "indicator_group", "doc_id", "target_id", "indicator_zh",
            "indicator_en", "value", "unit", "comparator", "target_year", "quote"]
    pairs = plans[keep].merge(results[keep], on=["region_id", "region_zh", "region_en", "indicator_group"],
                              suffixes=("_plan", "_result"))
    for column in ("value_plan", "value_result"):
        pairs[column] = pairs[column].astype(float)
    return pairs.sort_values(["region_id", "indicator_group", "target_id_plan", "target_id_result"]).reset_index(drop=True)
