"""Comparison tables: curated tables in, tidy DataFrames out. No I/O, no plotting.

Every function takes the dict of curated tables (``analysis.curated.load_tables``), so any region
or document added to the data appears in every comparison without a code change.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict

import pandas as pd

from analysis import comparability
from analysis.labels import SHARE_BASIS_TEXT

# The national 双减 opinion (《关于进一步减轻义务教育阶段学生作业负担和校外培训负担的意见》), July 2021.
DOUBLE_REDUCTION_OPINION = pd.Timestamp("2021-07-24")

NATIONAL_MILESTONES = pd.DataFrame(
    [
        (
            "2018-11-15",
            "学前教育深化改革规范发展的若干意见(2020年目标)",
            "Opinions on pre-school reform (2020 targets)",
        ),
        ("2021-07-24", "“双减”意见", "National 'double reduction' opinion"),
        (
            "2021-12-16",
            "“十四五”学前教育发展提升行动计划(2025年目标)",
            "14th Five-Year pre-school action plan (2025 targets)",
        ),
        ("2023-08-30", "基础教育扩优提质行动计划", "Action plan to expand and improve basic education"),
    ],
    columns=["date", "label_zh", "label_en"],
).assign(date=lambda f: pd.to_datetime(f["date"]))


def documents_with_regions(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Documents joined with their region's names, with numeric periods and body length."""
    docs = tables["documents"].merge(
        tables["regions"][["region_id", "name_zh", "name_en"]].rename(
            columns={"name_zh": "region_zh", "name_en": "region_en"}
        ),
        on="region_id",
        how="left",
    )
    docs["published"] = pd.to_datetime(docs["published"].replace("", None))
    for column in ("period_start_year", "period_end_year", "body_char_start", "body_char_end"):
        docs[column] = docs[column].astype(int)
    docs["body_chars"] = docs["body_char_end"] - docs["body_char_start"]
    if "genre_class" not in docs:
        docs["genre_class"] = "plan"
    docs["after_double_reduction"] = docs["period_start_year"].gt(2021) | (
        docs["published"].notna() & docs["published"].gt(DOUBLE_REDUCTION_OPINION)
    )
    return docs


def corpus_overview(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per document: genre, period, body length, clauses, quantities and quantities per 10,000 characters."""
    docs = documents_with_regions(tables)
    clauses = tables["clauses"].groupby("doc_id").size().rename("clauses")
    quantities = tables["targets"].groupby("doc_id").size().rename("quantities")
    out = docs.join(clauses, on="doc_id").join(quantities, on="doc_id")
    out[["clauses", "quantities"]] = out[["clauses", "quantities"]].fillna(0).astype(int)
    out["quantities_per_10k_chars"] = (out["quantities"] / out["body_chars"] * 10_000).round(1)
    return with_genre_grades(
        out[
            [
                "doc_id",
                "region_id",
                "region_zh",
                "region_en",
                "genre",
                "genre_zh",
                "published",
                "period_label",
                "period_start_year",
                "period_end_year",
                "script",
                "body_chars",
                "clauses",
                "quantities",
                "quantities_per_10k_chars",
                "after_double_reduction",
            ]
        ].reset_index(drop=True),
        tables,
    )


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
    grid = pd.MultiIndex.from_product(
        [tables["documents"]["doc_id"], _plan_themes(tables)], names=["doc_id", "theme_id"]
    ).to_frame(index=False)
    out = grid.merge(chars, on=["doc_id", "theme_id"], how="left").fillna({"chars": 0, "share": 0.0})
    out["chars"] = out["chars"].astype(int)
    out["share_basis"] = "primary_only"  # the other basis: theme_text_shares_by_basis
    return with_genre_grades(out, tables)


def _plan_themes(tables: dict[str, pd.DataFrame]) -> list[str]:
    return [t for t in tables["themes"]["theme_id"] if t != "web_furniture"]


REPORT_CAVEAT = (
    "成效报道,不是规划:记述已做的事,与规划并列时只作参照。",
    "A report of results, not a plan: it tells what was done; beside the plans it is a reference only.",
)


def with_genre_grades(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Add ``genre_class`` and the comparability columns to a per-document table.

    Rows of plans are ``same`` with each other; rows of a results report are a ``proxy`` beside them.
    """
    classes = documents_with_regions(tables).set_index("doc_id")["genre_class"]
    out = frame.copy()
    out["genre_class"] = out["doc_id"].map(classes).fillna("plan")
    report = out["genre_class"] != "plan"
    out["comparability"] = report.map({True: "proxy", False: "same"})
    out["comparability_reason"] = ""
    out["caveat_zh"] = report.map({True: REPORT_CAVEAT[0], False: ""})
    out["caveat_en"] = report.map({True: REPORT_CAVEAT[1], False: ""})
    return out


def only(frame: pd.DataFrame, genre_class: str) -> pd.DataFrame:
    """Rows of one genre class (``plan`` or ``report``) of a table that mixes genres."""
    column = "genre_class" if "genre_class" in frame else None
    if column is None:
        raise KeyError("the table has no genre_class column")
    return frame[frame[column] == genre_class].reset_index(drop=True)


def commitment_levels(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Document × theme commitment levels (0–3) with the justifying quote and what the level means.

    A level is read on the scale of the document's genre class (``commitment_scale.csv``): a plan's 3 is
    a quantified target, a results report's 3 is a quantified reported result. Rows of a report are
    therefore ``not_comparable`` with the plans' levels.
    """
    levels = tables["commitments"].copy()
    levels["level"] = levels["level"].astype(int)
    docs = documents_with_regions(tables)[["doc_id", "genre_class"]]
    levels = levels.merge(docs, on="doc_id", how="left")
    scale = tables.get("commitment_scale")
    if scale is not None and not scale.empty:
        scale = scale.assign(level=scale["level"].astype(int))[["genre_class", "level", "meaning_zh", "meaning_en"]]
        levels = levels.merge(
            scale.rename(columns={"meaning_zh": "level_meaning_zh", "meaning_en": "level_meaning_en"}),
            on=["genre_class", "level"],
            how="left",
        ).fillna({"level_meaning_zh": "", "level_meaning_en": ""})
    else:
        levels["level_meaning_zh"], levels["level_meaning_en"] = "", ""
    report = levels["genre_class"] != "plan"
    levels["comparability"] = report.map({True: "not_comparable", False: "same"})
    levels["comparability_reason"] = report.map({True: "basis", False: ""})
    levels["caveat_zh"] = report.map(
        {True: "成效报道按其自身量表评级(3级=有数字的已报成效),不能与规划的等级并列。", False: ""}
    )
    levels["caveat_en"] = report.map(
        {
            True: "A report of results is read on its own scale (level 3 = a quantified reported result); "
            "it does not stand beside the plans' levels.",
            False: "",
        }
    )
    return levels[
        [
            "doc_id",
            "theme_id",
            "level",
            "quote",
            "quote_en",
            "instruments",
            "genre_class",
            "level_meaning_zh",
            "level_meaning_en",
            "comparability",
            "comparability_reason",
            "caveat_zh",
            "caveat_en",
        ]
    ]


def target_counts(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Number of quantities per document × theme (targets, baselines and achievements apart)."""
    targets = tables["targets"]
    grid = pd.MultiIndex.from_product(
        [tables["documents"]["doc_id"], _plan_themes(tables)], names=["doc_id", "theme_id"]
    ).to_frame(index=False)
    counts = targets.pivot_table(
        index=["doc_id", "theme_id"], columns="kind", values="target_id", aggfunc="count", fill_value=0
    ).reset_index()
    out = grid.merge(counts, on=["doc_id", "theme_id"], how="left")
    for kind in ("target", "baseline", "achievement"):
        out[kind] = out[kind].fillna(0).astype(int) if kind in out else 0
    out["quantities"] = out[["target", "baseline", "achievement"]].sum(axis=1)
    return with_genre_grades(out[["doc_id", "theme_id", "target", "baseline", "achievement", "quantities"]], tables)


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
    return out[
        [
            "region_id",
            "region_zh",
            "region_en",
            "doc_id",
            "genre",
            "period_label",
            "target_id",
            "kind",
            "indicator_zh",
            "indicator_en",
            "indicator_group",
            "value",
            "value_max",
            "unit",
            "comparator",
            "target_year",
            "quote",
            "quote_en",
            "char_start",
            "char_end",
            "clause_id",
            "notes",
        ]
    ].reset_index(drop=True)


# Columns of a quantity that the comparability rule reads (empty when a table lacks them).
MODEL_COLUMNS = [
    "measure",
    "basis",
    "period_start_year",
    "period_end_year",
    "group_fit",
    "relation",
    "related_target_id",
]
GRADE_COLUMNS = ["comparability", "comparability_reason", "caveat_zh", "caveat_en"]


def _model(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for column in MODEL_COLUMNS:
        if column not in out:
            out[column] = ""
    return out


def indicator_groups(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The indicator groups with their definitions (measure, unit, population, basis, proxy reason)."""
    groups = tables["indicator_groups"].copy()
    for column in (
        "measure",
        "basis",
        "population_zh",
        "population_en",
        "proxy_reason_zh",
        "proxy_reason_en",
        "definition_zh",
        "definition_en",
    ):
        if column not in groups:
            groups[column] = ""
    return groups


def _grade_rows(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    groups = indicator_groups(tables).set_index("indicator_group")
    verdicts = [
        comparability.against_group(
            row, groups.loc[row["indicator_group"]].to_dict() if row["indicator_group"] in groups.index else {}
        )
        for row in frame.to_dict("records")
    ]
    graded = pd.DataFrame(verdicts, index=frame.index, columns=["comparability", "reason", "caveat_zh", "caveat_en"])
    return frame.assign(
        comparability=graded["comparability"],
        comparability_reason=graded["reason"],
        caveat_zh=graded["caveat_zh"],
        caveat_en=graded["caveat_en"],
    )


def indicator_comparison(tables: dict[str, pd.DataFrame], groups: list[str] | None = None) -> pd.DataFrame:
    """Local quantities and national benchmarks of one comparable indicator, in one long table.

    ``source`` is ``local`` or ``national``; local rows carry region and document, national rows the
    benchmark id and policy. Each row is graded against its group's definition
    (:func:`analysis.comparability.against_group`): only rows graded ``same`` measure exactly the
    group's indicator; ``proxy`` rows stand in with the caveat; ``not_comparable`` rows are listed so a
    reader sees why they are left out. Groups default to all that have at least one local quantity.
    """
    targets = _model(tables["targets"])
    local = _with_labels(targets[targets["indicator_group"] != ""], tables)
    classes = documents_with_regions(tables).set_index("doc_id")["genre_class"]
    local = local.assign(
        source="local",
        label_zh=local["region_zh"],
        label_en=local["region_en"],
        reference_id=local["target_id"],
        year=local["target_year"],
        benchmark_id="",
        genre_class=local["doc_id"].map(classes).fillna("plan"),
    )
    bench = _model(tables["national_benchmarks"])
    bench = bench[(bench["indicator_group"] != "") & (bench["value"] != "")]
    national = bench.assign(
        source="national",
        label_zh="全国",
        label_en="National",
        reference_id=bench["benchmark_id"],
        year=bench["target_year"],
        region_id="",
        doc_id="",
        kind="benchmark",
        target_id="",
        value_max="",
        quote=bench["quote"],
        genre="",
        genre_class="national",
        period_label=bench["target_year_text"],
        relation="",
        related_target_id="",
    )
    columns = [
        "indicator_group",
        "source",
        "label_zh",
        "label_en",
        "region_id",
        "doc_id",
        "genre",
        "genre_class",
        "kind",
        "reference_id",
        "target_id",
        "benchmark_id",
        "indicator_zh",
        "indicator_en",
        "value",
        "value_max",
        "unit",
        "comparator",
        "year",
        "period_label",
        "quote",
        "quote_en",
    ] + MODEL_COLUMNS
    out = pd.concat([local[columns], national[columns]], ignore_index=True)
    if groups is None:
        groups = sorted(set(local["indicator_group"]))
    out = out[out["indicator_group"].isin(groups)].copy()
    names = tables["indicator_groups"][["indicator_group", "name_zh", "name_en"]].rename(
        columns={"name_zh": "group_name_zh", "name_en": "group_name_en"}
    )
    out = out.merge(names, on="indicator_group", how="left")
    out = _grade_rows(out, tables)
    out["value"] = out["value"].astype(float)
    out["value_max"] = pd.to_numeric(out["value_max"].replace("", None)).astype(float)
    out["year"] = pd.to_numeric(out["year"].replace("", None)).astype("Int64")
    return out.sort_values(["indicator_group", "source", "year", "reference_id"], kind="stable").reset_index(drop=True)


def indicator_group_grades(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per indicator group: its definition and how many of its quantities are same / proxy / not comparable.

    A group is ``same`` when at least two of its quantities are ``same``, ``proxy`` when at least two stand
    side by side only with a proxy among them, else ``not_comparable`` (nothing may be set beside anything).
    """
    table = indicator_comparison(tables)
    groups = indicator_groups(tables)
    counts = table.pivot_table(
        index="indicator_group", columns="comparability", values="reference_id", aggfunc="count", fill_value=0
    )
    for grade in comparability.GRADES:
        if grade not in counts:
            counts[grade] = 0
    counts = counts[list(comparability.GRADES)].reset_index()
    out = groups.merge(counts, on="indicator_group", how="inner")
    usable = out["same"] + out["proxy"]
    out["comparability"] = "not_comparable"
    out.loc[usable >= 2, "comparability"] = "proxy"
    out.loc[out["same"] >= 2, "comparability"] = "same"
    caveats = {
        "same": ("", ""),
        "proxy": (
            "可比较的只有替代口径的数字,见各行说明。",
            "Only stand-in (proxy) figures compare; read each row's caveat.",
        ),
        "not_comparable": ("本组没有两个可以并列的数字。", "No two figures of this group may stand side by side."),
    }
    out["caveat_zh"] = out["comparability"].map(lambda g: caveats[g][0])
    out["caveat_en"] = out["comparability"].map(lambda g: caveats[g][1])
    mixed = out["comparability"].eq("same") & out["proxy"].gt(0)
    out.loc[mixed, "caveat_zh"] = "部分行只是替代口径,见各行说明。"
    out.loc[mixed, "caveat_en"] = "Some rows are stand-ins (proxy); read each row's caveat."
    keep = [
        "indicator_group",
        "name_zh",
        "name_en",
        "measure",
        "unit",
        "basis",
        "population_zh",
        "population_en",
        "same",
        "proxy",
        "not_comparable",
        "comparability",
        "caveat_zh",
        "caveat_en",
    ]
    return (
        out[keep]
        .rename(columns={"same": "rows_same", "proxy": "rows_proxy", "not_comparable": "rows_not_comparable"})
        .reset_index(drop=True)
    )


def component_matrix(tables: dict[str, pd.DataFrame], theme_id: str) -> pd.DataFrame:
    """Which components of a focus theme each document contains (the curated reading's codes), with the quote that shows it.

    One row per document × component, in the order of components.csv, labelled with region and
    document, and dated against the national 双减 opinion.
    """
    components = tables["components"][tables["components"]["theme_id"] == theme_id]
    coded = tables["document_components"].merge(components, on="component")
    coded = coded.assign(
        present=coded["present"] == "true",
        char_start=pd.to_numeric(coded["char_start"].replace("", None)).astype("Int64"),
    )
    order = {c: i for i, c in enumerate(components["component"])}
    coded = coded.sort_values(
        ["doc_id", "component"], key=lambda col: col.map(order) if col.name == "component" else col
    )
    docs = documents_with_regions(tables)[
        [
            "doc_id",
            "region_id",
            "region_zh",
            "region_en",
            "genre",
            "period_label",
            "published",
            "after_double_reduction",
        ]
    ]
    out = coded.merge(docs, on="doc_id", how="left")
    out = out[
        [
            "doc_id",
            "region_id",
            "region_zh",
            "region_en",
            "genre",
            "period_label",
            "published",
            "after_double_reduction",
            "component",
            "name_zh",
            "name_en",
            "present",
            "quote",
            "quote_en",
            "char_start",
            "notes",
        ]
    ].reset_index(drop=True)
    return with_genre_grades(out, tables)


def double_reduction_matrix(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Which 双减 components each document contains, dated against the national opinion.

    A document written before the opinion is a ``proxy``: an absent component there is not a gap.
    """
    out = component_matrix(tables, "double_reduction")
    before = (out["comparability"] == "same") & ~out["after_double_reduction"].astype(bool)
    out.loc[before, "comparability"] = "proxy"
    out.loc[before, "caveat_zh"] = "写于2021年7月全国“双减”意见之前:缺少某项不等于落后。"
    out.loc[before, "caveat_en"] = (
        "Written before the national double-reduction opinion of July 2021: a missing component is not a gap."
    )
    return out


def teacher_rotation_mechanisms(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Which teacher-rotation mechanisms each document names, with the quote."""
    return component_matrix(tables, "teacher_rotation")


def plan_result_pairs(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every target of a plan beside every achievement a report of the same region gives in the same group, graded.

    Pairs are found through ``indicator_group`` and graded by :func:`analysis.comparability.between`.
    """
    quantities = _with_labels(_model(tables["targets"])[lambda f: f["indicator_group"] != ""], tables)
    plans = quantities[quantities["kind"] == "target"]
    results = quantities[quantities["kind"] == "achievement"]
    keep = [
        "region_id",
        "region_zh",
        "region_en",
        "indicator_group",
        "doc_id",
        "target_id",
        "indicator_zh",
        "indicator_en",
        "value",
        "unit",
        "comparator",
        "target_year",
        "quote",
        "quote_en",
    ] + MODEL_COLUMNS
    pairs = plans[keep].merge(
        results[keep], on=["region_id", "region_zh", "region_en", "indicator_group"], suffixes=("_plan", "_result")
    )
    groups = indicator_groups(tables).set_index("indicator_group")
    verdicts = []
    for row in pairs.to_dict("records"):
        plan = {c: row[f"{c}_plan"] for c in ["target_id", "unit"] + MODEL_COLUMNS}
        result = {c: row[f"{c}_result"] for c in ["target_id", "unit"] + MODEL_COLUMNS}
        group = groups.loc[row["indicator_group"]].to_dict() if row["indicator_group"] in groups.index else {}
        verdicts.append(comparability.between(plan, result, group))
    graded = pd.DataFrame(verdicts, index=pairs.index, columns=["comparability", "reason", "caveat_zh", "caveat_en"])
    pairs = pairs.assign(
        comparability=graded["comparability"],
        comparability_reason=graded["reason"],
        caveat_zh=graded["caveat_zh"],
        caveat_en=graded["caveat_en"],
    )
    for column in ("value_plan", "value_result"):
        pairs[column] = pairs[column].astype(float)
    columns = (
        ["region_id", "region_zh", "region_en", "indicator_group"]
        + [f"{c}_{side}" for side in ("plan", "result") for c in keep[4:]]
        + GRADE_COLUMNS
    )
    return (
        pairs[columns]
        .sort_values(["region_id", "indicator_group", "target_id_plan", "target_id_result"])
        .reset_index(drop=True)
    )


def plan_against_result(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Targets of a plan beside the achievements a report of the same region gives, where they compare.

    Only pairs graded ``same`` or ``proxy``; :func:`plan_against_result_not_comparable` lists the rest
    with the reason.
    """
    pairs = plan_result_pairs(tables)
    return pairs[pairs["comparability"] != "not_comparable"].reset_index(drop=True)


def plan_against_result_not_comparable(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The plan-against-result pairs that may not stand side by side, each with its reason and caveats."""
    pairs = plan_result_pairs(tables)
    return pairs[pairs["comparability"] == "not_comparable"].reset_index(drop=True)


def tables_fingerprint(tables: dict[str, pd.DataFrame]) -> str:
    """A digest of a loaded state of the tables by content (names, columns, index and every cell)."""
    hasher = hashlib.sha256()
    for name in sorted(tables):
        frame = tables[name]
        hasher.update(f"{name}\0{list(frame.columns)!r}\0".encode())
        hasher.update(pd.util.hash_pandas_object(frame, index=True).values.tobytes())
    return hasher.hexdigest()


# The last few registries by the fingerprint of the tables they were computed from. A figure, the
# findings, the evidence site and the workbook each ask for the registry of the same state; it is
# computed once (about 0.3 s) and handed out as copies, so a caller changing a frame changes nothing here.
_REGISTRY_CACHE: OrderedDict[str, dict[str, pd.DataFrame]] = OrderedDict()
_REGISTRY_CACHE_SIZE = 4


def comparison_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Every comparison table by file-stem name, in a fixed order (``python -m analysis tables`` writes them).

    Each table that sets values side by side carries ``comparability`` (same / proxy / not_comparable),
    ``comparability_reason``, ``caveat_zh`` and ``caveat_en``, and keeps its ids.
    """
    try:
        key = tables_fingerprint(tables)
    except TypeError:  # a cell pandas cannot hash (a list, say): compute without the cache
        return _comparison_tables(tables)
    if key not in _REGISTRY_CACHE:
        _REGISTRY_CACHE[key] = _comparison_tables(tables)
        while len(_REGISTRY_CACHE) > _REGISTRY_CACHE_SIZE:
            _REGISTRY_CACHE.popitem(last=False)
    _REGISTRY_CACHE.move_to_end(key)
    return {name: frame.copy() for name, frame in _REGISTRY_CACHE[key].items()}


def _comparison_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {
        "corpus_overview": corpus_overview(tables),
        "theme_text_shares": theme_text_shares(tables),
        "commitment_levels": commitment_levels(tables),
        "target_counts": target_counts(tables),
        "indicator_group_grades": indicator_group_grades(tables),
        "indicator_comparison": indicator_comparison(tables),
        "plan_against_result": plan_against_result(tables),
        "plan_against_result_not_comparable": plan_against_result_not_comparable(tables),
        "double_reduction_matrix": double_reduction_matrix(tables),
        "teacher_rotation_mechanisms": teacher_rotation_mechanisms(tables),
        "theme_text_shares_by_basis": theme_text_shares_by_basis(tables),
        "quantified_commitments": quantified_commitments(tables),
    }


# ---------------------------------------------------------------------------------------------
# Measures that say what they count
#
# Measures that say what they count: theme text shares on two bases, and what a level-3 commitment quantifies.
#
# ``theme_text_shares`` counts each clause for its primary theme only. 81 of the clauses also carry
# secondary themes, so :func:`theme_text_shares_by_basis` offers a second basis, stated in
# ``share_basis`` on every row:
#
# - ``primary_only``: a clause's characters all go to its primary theme;
# - ``primary_plus_secondary``: a clause coded with k themes (its primary and k-1 secondary) gives each
#   of them 1/k of its characters (:data:`WEIGHTING_EN`).
#
# Either way a document's shares sum to 1, web furniture left out.

PRIMARY_ONLY = "primary_only"
PRIMARY_PLUS_SECONDARY = "primary_plus_secondary"
SHARE_BASES = (PRIMARY_ONLY, PRIMARY_PLUS_SECONDARY)
BASIS_LABELS = SHARE_BASIS_TEXT
WEIGHTING_ZH = "一个条目若编有k个主题(1个主题和k−1个次要主题),其字数平均分给这k个主题,每个1/k。"
WEIGHTING_EN = (
    "A clause coded with k themes (its primary theme and k-1 secondary themes) gives each of them "
    "1/k of its characters."
)


def clause_theme_weights(tables: dict[str, pd.DataFrame], basis: str) -> pd.DataFrame:
    """One row per clause × theme it counts for, with ``weight`` (summing to 1 per clause) and ``chars``."""
    if basis not in SHARE_BASES:
        raise ValueError(f"unknown share basis {basis!r}; choose one of {', '.join(SHARE_BASES)}")
    clauses = clause_lengths(tables)
    rows = []
    for clause in clauses.itertuples(index=False):
        themes = [clause.theme_id]
        if basis == PRIMARY_PLUS_SECONDARY:
            themes += [
                t for t in str(clause.secondary_theme_ids).split(";") if t.strip() and t.strip() != clause.theme_id
            ]
        for theme in themes:
            rows.append(
                {
                    "doc_id": clause.doc_id,
                    "clause_id": clause.clause_id,
                    "theme_id": theme.strip(),
                    "weight": 1 / len(themes),
                    "chars": clause.chars / len(themes),
                }
            )
    return pd.DataFrame(rows, columns=["doc_id", "clause_id", "theme_id", "weight", "chars"])


def theme_shares(tables: dict[str, pd.DataFrame], basis: str) -> pd.DataFrame:
    """Document × theme: weighted characters and share of the document's plan text, on one basis."""
    weights = clause_theme_weights(tables, basis)
    chars = weights.groupby(["doc_id", "theme_id"], as_index=False)["chars"].sum()
    chars["share"] = chars["chars"] / chars.groupby("doc_id")["chars"].transform("sum")
    themes = [t for t in tables["themes"]["theme_id"] if t != "web_furniture"]
    grid = pd.MultiIndex.from_product([tables["documents"]["doc_id"], themes], names=["doc_id", "theme_id"]).to_frame(
        index=False
    )
    out = grid.merge(chars, on=["doc_id", "theme_id"], how="left").fillna({"chars": 0.0, "share": 0.0})
    out["chars"] = out["chars"].round(2)
    out["share_basis"] = basis
    out["share_basis_zh"], out["share_basis_en"] = BASIS_LABELS[basis]
    return out


def theme_text_shares_by_basis(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Both bases in one long table (``share_basis`` names each row's), with the comparability columns."""

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
    top = levels[levels["level"] == 3][
        [
            "doc_id",
            "theme_id",
            "level",
            "genre_class",
            "comparability",
            "comparability_reason",
            "caveat_zh",
            "caveat_en",
        ]
    ]
    targets = tables["targets"].copy()
    derived = [measure_kind(u, c) for u, c in zip(targets["unit"], targets["comparator"])]
    curated = targets["measure"] if "measure" in targets.columns else pd.Series("", index=targets.index)
    targets["measure_kind"] = [m if m else d for m, d in zip(curated, derived)]  # the curated measure wins
    keep = [
        "doc_id",
        "theme_id",
        "target_id",
        "kind",
        "indicator_zh",
        "indicator_en",
        "indicator_group",
        "value",
        "value_max",
        "unit",
        "comparator",
        "target_year",
        "measure_kind",
        "quote",
    ]
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
