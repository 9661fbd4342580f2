"""Findings: a few sentences per notebook, computed from the comparison tables so they never go stale.

Each function takes the curated tables and a language and returns sentences; :func:`show_findings`
renders them (Chinese, then English) with a link to the evidence site for a notebook cell. No number in
a sentence is written by hand: change the data and the sentences change with it.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analysis import compare
from analysis.labels import code_label


def _num(value: float) -> str:
    return f"{value:.10g}"


def _join(items: list[str], lang: str) -> str:
    if lang == "zh":
        return "、".join(items)
    return ", ".join(items[:-1]) + (" and " if len(items) > 1 else "") + items[-1] if items else ""


def _doc_names(tables: dict[str, pd.DataFrame], lang: str) -> dict[str, str]:
    docs = compare.documents_with_regions(tables)
    return {
        r.doc_id: f"{getattr(r, 'region_' + lang)} {r.period_start_year}"
        + ("" if r.period_start_year == r.period_end_year else f"–{r.period_end_year}")
        + f" {code_label('genre', r.genre, lang)}"
        for r in docs.itertuples()
    }


def corpus(tables: dict[str, pd.DataFrame], lang: str = "zh") -> list[str]:
    """Size of the corpus, spread of length and of quantity density, documents before the 双减 opinion."""
    overview = compare.corpus_overview(tables)
    names = _doc_names(tables, lang)
    dense, sparse = (
        overview.loc[overview["quantities_per_10k_chars"].idxmax()],
        overview.loc[overview["quantities_per_10k_chars"].idxmin()],
    )
    before = overview.loc[~overview["after_double_reduction"], "doc_id"].map(names).tolist()
    n_docs, n_regions = len(overview), overview["region_id"].nunique()
    low, high = overview["body_chars"].min(), overview["body_chars"].max()
    if lang == "zh":
        out = [
            f"{n_regions}个地区的{n_docs}份文件,正文{low:,}至{high:,}字,篇幅不同,因此数量按每万字比较。",
            f"量化数密度最高的是{names[dense.doc_id]}(每万字{dense.quantities_per_10k_chars:.1f}个),"
            f"最低的是{names[sparse.doc_id]}(每万字{sparse.quantities_per_10k_chars:.1f}个)。",
        ]
        if before:
            out.append(f"{_join(before, lang)}早于2021年7月全国“双减”意见。")
    else:
        out = [
            f"{n_docs} documents from {n_regions} regions, with bodies of {low:,} to {high:,} characters; "
            "counts are therefore compared per 10,000 characters.",
            f"The densest in quantities is {names[dense.doc_id]} ({dense.quantities_per_10k_chars:.1f} per 10,000 characters), "
            f"the sparsest {names[sparse.doc_id]} ({sparse.quantities_per_10k_chars:.1f}).",
        ]
        if before:
            out.append(
                f"{_join(before, lang)} predate the national 'double reduction' opinion of July 2021."
                if len(before) > 1
                else f"{before[0]} predates the national 'double reduction' opinion of July 2021."
            )
    return out


def against_national(tables: dict[str, pd.DataFrame], group: str, lang: str = "zh") -> str:
    """How the local targets of one comparable indicator stand against its latest national benchmark (or '')."""
    rows = compare.indicator_comparison(tables, [group])
    local = rows[(rows["source"] == "local") & (rows["kind"] == "target")]
    national = rows[(rows["source"] == "national") & rows["year"].notna()]
    if local.empty or national.empty:
        return ""
    bench = national.sort_values("year", kind="stable").iloc[-1]
    unit = str(bench["unit"])
    local = local[local["unit"].astype(str) == unit[: len(str(local["unit"].iloc[0]))]] if unit else local
    if local.empty:
        return ""
    at_or_above = local[local["value"] >= bench["value"]]
    name = bench[f"group_name_{lang}"]
    year = int(bench["year"])
    shown = [
        f"{r[f'label_{lang}']} {_num(r['value'])}{r['unit']}"
        + (f"({int(r['year'])}年)" if lang == "zh" else f" ({int(r['year'])})") * pd.notna(r["year"])
        for _, r in local.iterrows()
    ]
    graded = local["comparability"] if "comparability" in local.columns else pd.Series([], dtype=str)
    unsure = int((graded != "same").sum())
    n, k = len(local), len(at_or_above)
    if lang == "zh":
        verdict = "全部不低于" if k == n else ("均低于" if k == 0 else f"中有{k}项不低于")
        text = f"{name}:{n}项地方目标({_join(shown, lang)}){verdict}全国{year}年基准{_num(bench['value'])}{bench['unit']}。"
        if unsure:
            text += f"其中{unsure}项的可比性尚不是“同类可比”,见表中说明。"
        return text
    targets = "target" if n == 1 else "targets"
    verdict = ("all are" if n > 1 else "it is") if k == n else ("none is" if k == 0 else f"{k} are")
    text = (
        f"{name}: of {n} local {targets} ({_join(shown, lang)}), {verdict} at or above the national {year} "
        f"benchmark of {_num(bench['value'])}{unit.split(' ')[0]}."
    )
    if unsure:
        text += f" For {unsure} of them comparability is not 'same measure': see the caveats in the table."
    return text


def _theme_groups(tables: dict[str, pd.DataFrame], theme_id: str) -> list[str]:
    targets = tables["targets"]
    return sorted(
        set(targets.loc[(targets["theme_id"] == theme_id) & (targets["indicator_group"] != ""), "indicator_group"])
    )


def _components(tables: dict[str, pd.DataFrame], theme_id: str, lang: str) -> list[str]:
    matrix = compare.component_matrix(tables, theme_id)
    counts = matrix.groupby(["component", f"name_{lang}"], sort=False)["present"].sum().reset_index()
    n_docs = matrix["doc_id"].nunique()
    top = counts.sort_values("present", ascending=False, kind="stable").head(2)
    names = _doc_names(tables, lang)
    per_doc = matrix.groupby("doc_id")["present"].sum()
    most = per_doc.idxmax()
    total = counts["component"].nunique()
    if lang == "zh":
        parts = [f"“{r[f'name_{lang}']}”见于{int(r['present'])}份文件" for _, r in top.iterrows()]
        return [
            f"{n_docs}份文件中,{_join(parts, lang)}(AI辅助阅读逐句编码,附引文);"
            f"{names[most]}提及的组成部分最多({int(per_doc[most])}/{total})。"
        ]
    parts = [f"{r[f'name_{lang}']} appears in {int(r['present'])}" for _, r in top.iterrows()]
    return [
        f"Of {n_docs} documents, {_join(parts, lang)} (coded sentence by sentence in an AI-assisted reading, with quotes); "
        f"{names[most]} names the most components ({int(per_doc[most])} of {total})."
    ]


def teacher_rotation(tables: dict[str, pd.DataFrame], lang: str = "zh") -> list[str]:
    out = _components(tables, "teacher_rotation", lang)
    out += [s for s in (against_national(tables, g, lang) for g in _theme_groups(tables, "teacher_rotation")) if s]
    return out


def kindergarten(tables: dict[str, pd.DataFrame], lang: str = "zh") -> list[str]:
    out = [s for s in (against_national(tables, g, lang) for g in _theme_groups(tables, "kindergarten_coverage")) if s]
    if not out:
        out = [
            "没有可与全国基准比较的学前教育目标。"
            if lang == "zh"
            else "No pre-school target compares with a national benchmark."
        ]
    return out


def double_reduction(tables: dict[str, pd.DataFrame], lang: str = "zh") -> list[str]:
    matrix = compare.double_reduction_matrix(tables)
    per_doc = matrix.groupby(["doc_id", "after_double_reduction"])["present"].sum().reset_index()
    total = matrix["component"].nunique()
    out = _components(tables, "double_reduction", lang)
    before, after = per_doc[~per_doc["after_double_reduction"]], per_doc[per_doc["after_double_reduction"]]
    if len(before) and len(after):
        if lang == "zh":
            out.append(
                f"早于全国“双减”意见的{len(before)}份文件平均含{before['present'].mean():.1f}个组成部分(共{total}个),"
                f"晚于意见的{len(after)}份平均含{after['present'].mean():.1f}个。"
            )
        else:
            out.append(
                f"The {len(before)} documents written before the national opinion contain {before['present'].mean():.1f} "
                f"of {total} components on average, the {len(after)} written after it {after['present'].mean():.1f}."
            )
    return out


def all_themes(tables: dict[str, pd.DataFrame], lang: str = "zh") -> list[str]:
    shares = compare.theme_text_shares(tables)
    themes = tables["themes"].set_index("theme_id")[f"name_{lang}"]
    names = _doc_names(tables, lang)
    top = shares.sort_values("share", ascending=False, kind="stable").groupby("doc_id", sort=False).head(1)
    top = top.set_index("doc_id").loc[[d for d in tables["documents"]["doc_id"] if d in set(top["doc_id"])]]
    parts = [
        f"{names[d]}:{themes[r.theme_id]}({r.share:.0%})"
        if lang == "zh"
        else f"{names[d]}: {themes[r.theme_id]} ({r.share:.0%})"
        for d, r in top.iterrows()
    ]
    levels = compare.commitment_levels(tables)
    quantified = levels[levels["level"] == 3].groupby("theme_id").size().sort_values(ascending=False, kind="stable")
    n_docs = levels["doc_id"].nunique()
    if lang == "zh":
        out = ["各文件篇幅最多的主题:" + ";".join(parts) + "。"]
        if len(quantified):
            out.append(
                f"{themes[quantified.index[0]]}是最常被量化的主题({quantified.iloc[0]}/{n_docs}份文件有量化目标或成效)。"
            )
    else:
        out = ["The theme each document spends most text on: " + "; ".join(parts) + "."]
        if len(quantified):
            out.append(
                f"{themes[quantified.index[0]]} is the theme most often quantified "
                f"({quantified.iloc[0]} of {n_docs} documents give a quantified target or result)."
            )
    return out


def plan_vs_result(tables: dict[str, pd.DataFrame], lang: str = "zh") -> list[str]:
    comparable = compare.plan_against_result(tables)
    registry = compare.comparison_tables(tables) if hasattr(compare, "comparison_tables") else {}
    apart = registry.get("plan_against_result_not_comparable", comparable.iloc[0:0])
    reasons = pd.Series(apart.get("comparability_reason", pd.Series(dtype=str))).fillna("").astype(str)
    counted = reasons[reasons != ""].str.split(";").explode().value_counts(sort=False)
    order = sorted(counted.index, key=lambda r: (-counted[r], r))
    if lang == "zh":
        out = [f"同一地区、同一指标的目标与成效配对中,{len(comparable)}对可以直接比较,{len(apart)}对不能直接比较。"]
        if order:
            out.append(
                "不能直接比较的原因:"
                + "、".join(f"{code_label('comparability_reason', r, lang)}({counted[r]}对)" for r in order)
                + ";详见表中说明。"
            )
    else:
        out = [
            f"Of the target–result pairs of one region and one indicator, {len(comparable)} {'compares' if len(comparable) == 1 else 'compare'} "
            f"directly and {len(apart)} {'does' if len(apart) == 1 else 'do'} not."
        ]
        if order:
            out.append(
                "Why they do not: "
                + ", ".join(f"{code_label('comparability_reason', r, lang)} ({counted[r]})" for r in order)
                + "; the caveats in the table say more."
            )
    return out


FINDINGS: dict[str, Callable[[dict[str, pd.DataFrame], str], list[str]]] = {
    "01-corpus-overview": corpus,
    "02-teacher-rotation": teacher_rotation,
    "03-kindergarten-coverage": kindergarten,
    "04-double-reduction": double_reduction,
    "05-all-themes": all_themes,
    "06-plan-vs-result": plan_vs_result,
}


def findings(notebook: str, tables: dict[str, pd.DataFrame], lang: str = "zh") -> list[str]:
    """The findings of one notebook (by file stem, e.g. ``03-kindergarten-coverage``)."""
    if notebook not in FINDINGS:
        raise KeyError(f"no findings for notebook {notebook!r}; known: {sorted(FINDINGS)}")
    return FINDINGS[notebook](tables, lang)


def findings_markdown(notebook: str, tables: dict[str, pd.DataFrame], evidence: str = "../evidence/") -> str:
    """Markdown of the findings in Chinese and English, with links to the evidence site."""
    zh = "\n".join(f"- {s}" for s in findings(notebook, tables, "zh"))
    en = "\n".join(f"- {s}" for s in findings(notebook, tables, "en"))
    return (
        f"**主要发现**(由数据计算)\n\n{zh}\n\n证据:[证据附录]({evidence}zh/index.html)\n\n"
        f"**Findings** (computed from the data)\n\n{en}\n\nEvidence: [evidence appendix]({evidence}en/index.html)\n"
    )


def show_findings(notebook: str, tables: dict[str, pd.DataFrame]):
    """The findings as a rendered Markdown cell output (for notebooks)."""
    from IPython.display import Markdown

    return Markdown(findings_markdown(notebook, tables))
