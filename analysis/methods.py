"""The methods appendix, generated from the data: Markdown, HTML and PDF, in Chinese and in English.

:func:`methods_facts` computes every number and table the appendix states (from the curated tables
and the package's own functions: corpus overview, share bases, commitment levels, comparability
grades, readings and their agreement, validation); :func:`methods_markdown` only words them. Nothing
in the text is a typed number. The HTML embeds the project's CJK font subset (``analysis.fonts``)
through ``@font-face``, so headless Chromium prints the PDF with no system font.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

from analysis import __version__
from analysis.paths import PROJECT_ROOT

LANGUAGES = ("zh", "en")
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")

STATUS_TEXT = {
    "web_page": ("网页发布(页面有来源与发布时间)", "web page with its own source and date line"),
    "abridged_public_release": ("删减公开(正文注明“此件删减公开”)", "abridged public release (the text says so)"),
    "third_party_repost": ("第三方网站转载", "repost on a third-party site"),
    "not recorded": ("未记录", "not recorded"),
}
GENRE_EN = {
    "annual_work_points": "annual work points",
    "half_year_plan": "half-year plan",
    "three_year_action_plan": "three-year action plan",
    "five_year_plan": "five-year plan",
    "news_report_of_results": "news report of results",
}
SCRIPT_TEXT = {"simplified": ("简体", "simplified"), "traditional": ("繁体", "traditional")}
LEVEL_TEXT = {
    0: ("未提及", "absent"),
    1: ("一般提及", "general mention"),
    2: (
        "具体措施或机制(有名称的项目、制度、工程或行动)",
        "concrete measure or mechanism (a named programme, rule, project or action)",
    ),
    3: ("量化目标(成效报道中为量化成效)", "quantified target (for the report: a quantified achievement)"),
}


def _measure_text(kind: str) -> tuple[str, str]:
    """A measure's name (zh, en): the comparability module's words for curated measures, else ours."""
    from analysis.comparability import MEASURE_TEXT

    return MEASURE_TEXT.get(kind) or MEASURE_KIND_TEXT.get(kind, (kind, kind))


MEASURE_KIND_TEXT = {
    "count": ("数量", "count"),
    "rate_or_share": ("比率或占比", "rate or share"),
    "money": ("金额", "money"),
    "rank": ("名次", "rank"),
    "ratio": ("比值", "ratio"),
    "coefficient": ("系数", "coefficient"),
    "percentage_point_change": ("百分点变化", "change in percentage points"),
}
GRADE_TEXT = {
    "same": ("可直接并列", "same"),
    "proxy": ("仅作参照", "proxy"),
    "not_comparable": ("不可比", "not comparable"),
}
VARIABLE_TEXT = {
    "primary_theme": ("主题", "primary theme"),
    "secondary_themes": ("次要主题", "secondary themes"),
    "commitment_level": ("承诺力度等级", "commitment level"),
    "component_present": ("政策要素", "component present"),
}
CODER_KIND_TEXT = {
    "ai_model_session": ("人工智能模型会话", "AI model session"),
    "automatic": ("程序自动编码", "automatic (program)"),
    "human": ("人工编码员", "human coder"),
}


# ---------------------------------------------------------------- facts (every number of the appendix)


def methods_facts(root: Path = PROJECT_ROOT, tables: dict[str, pd.DataFrame] | None = None) -> dict:
    """Every number and table the appendix states, computed from the data by the package's functions."""
    from analysis.compare import (
        PRIMARY_ONLY,
        PRIMARY_PLUS_SECONDARY,
        comparison_tables,
        corpus_overview,
        quantified_commitments,
        theme_text_shares_by_basis,
    )
    from analysis.corpus import load_texts
    from analysis.curated import load_tables
    from analysis.validate import validate_project

    tables = tables if tables is not None else load_tables(root)
    texts = load_texts(tables["documents"], root)
    docs = tables["documents"].set_index("doc_id")
    overview = corpus_overview(tables).set_index("doc_id")
    corpus = overview.join(
        docs[
            [
                c
                for c in (
                    "publication_status",
                    "document_number",
                    "source_url",
                    "accessed",
                    "title_zh",
                    "title_en",
                    "notes",
                )
                if c in docs.columns
            ]
        ]
    )
    clauses = tables["clauses"]
    plan_clauses = clauses[clauses["theme_id"] != "web_furniture"]
    shares = theme_text_shares_by_basis(tables)
    wide = shares.pivot_table(index=["doc_id", "theme_id"], columns="share_basis", values="share").reset_index()
    only_secondary = wide[(wide[PRIMARY_ONLY] == 0) & (wide[PRIMARY_PLUS_SECONDARY] > 0)]
    levels = tables["commitments"].assign(level=lambda f: f["level"].astype(int))
    quantified = quantified_commitments(tables)
    registry = comparison_tables(tables)
    grades = {
        name: frame["comparability"].value_counts().to_dict()
        for name, frame in registry.items()
        if "comparability" in frame.columns and len(frame)
    }
    glossed = pd.concat(
        [
            tables[n][tables[n]["quote"] != ""][["quote_en", "quote_en_by", "quote_en_reviewed"]]
            for n in ("targets", "commitments", "national_benchmarks", "document_components")
            if "quote_en" in tables[n]
        ],
        ignore_index=True,
    )
    problems = validate_project(root)
    facts = {
        "version": __version__,
        "corpus": corpus.reset_index(),
        "n_documents": len(docs),
        "n_regions": tables["regions"]["region_id"].nunique(),
        "n_provinces": tables["regions"]["province_en"].nunique(),
        "n_genres": docs["genre"].nunique(),
        "docs_per_region": (int(docs.groupby("region_id").size().min()), int(docs.groupby("region_id").size().max())),
        "admin_levels": tables["regions"]
        .groupby(["admin_level_zh", "admin_level_en"], sort=False)
        .size()
        .reset_index(name="n"),
        "n_clauses": len(clauses),
        "n_plan_clauses": len(plan_clauses),
        "n_furniture_clauses": int((clauses["theme_id"] == "web_furniture").sum()),
        "n_secondary": int((plan_clauses["secondary_theme_ids"] != "").sum()),
        "clause_types": clauses["clause_type"].value_counts().sort_index().to_dict(),
        "body_chars": int(overview["body_chars"].sum()),
        "themes": tables["themes"],
        "n_themes": int((tables["themes"]["theme_id"] != "web_furniture").sum()),
        "n_focus": int((tables["themes"]["is_focus"] == "true").sum()),
        "level_counts": levels.groupby("level").size().reindex(range(4), fill_value=0).to_dict(),
        "level_scale": _level_scale(tables, levels),
        **_level_range(root),
        "n_level_cells": len(levels),
        "n_level3_cells": int((levels["level"] == 3).sum()),
        "level3_kinds": quantified.groupby("measure_kind")
        .agg(
            cells=("theme_id", lambda s: len(set(zip(quantified.loc[s.index, "doc_id"], s)))),
            quantities=("target_id", "count"),
        )
        .reset_index(),
        "level3_examples": quantified[quantified["theme_id"] == "kindergarten_coverage"][
            ["doc_id", "target_id", "value", "unit", "measure_kind", "indicator_zh", "indicator_en"]
        ],
        "n_quantities": len(tables["targets"]),
        "n_exclusions": len(tables["excluded_numbers"]),
        "n_benchmarks": len(tables["national_benchmarks"]),
        "n_component_codes": len(tables["document_components"]),
        "components": tables["components"].assign(
            present_in=lambda f: (
                f["component"]
                .map(tables["document_components"].query("present == 'true'").groupby("component").size())
                .fillna(0)
                .astype(int)
            )
        ),
        "n_components_present": int((tables["document_components"]["present"] == "true").sum()),
        "n_only_secondary": len(only_secondary),
        "only_secondary_example": only_secondary.sort_values(PRIMARY_PLUS_SECONDARY, ascending=False).head(1),
        "grades": grades,
        "n_glossed": len(glossed),
        "n_gloss_reviewed": int((glossed["quote_en_reviewed"] == "true").sum()),
        "n_gloss_ai": int(glossed["quote_en_by"].str.contains("AI model session").sum()),
        "n_quotes_checked": int(
            len(tables["targets"])
            + (tables["commitments"]["quote"] != "").sum()
            + (tables["document_components"]["quote"] != "").sum()
        ),
        "n_problems": len(problems),
        "problems": problems,
        "table_rows": {name: len(frame) for name, frame in tables.items()},
    }
    facts.update(_reading_facts(tables, texts))
    return facts


def _level_range(root: Path) -> dict:
    """The scale's bounds, from the schema of ``commitments.level``."""
    from analysis.curated import read_datapackage, resource

    field = next(f for f in resource(read_datapackage(root), "commitments")["schema"]["fields"] if f["name"] == "level")
    return {"level_min": int(field["constraints"]["minimum"]), "level_max": int(field["constraints"]["maximum"])}


def _level_scale(tables: dict[str, pd.DataFrame], levels: pd.DataFrame) -> pd.DataFrame:
    """Level × genre class: what the level means there (``commitment_scale.csv``) and how many pairs have it."""
    classes = tables["documents"].set_index("doc_id").get("genre_class")
    if classes is None or "commitment_scale" not in tables:
        return pd.DataFrame()
    scale = tables["commitment_scale"].assign(level=lambda f: f["level"].astype(int))
    counts = levels.assign(genre_class=levels["doc_id"].map(classes)).groupby(["genre_class", "level"]).size()
    scale["pairs"] = [int(counts.get((g, lv), 0)) for g, lv in zip(scale["genre_class"], scale["level"])]
    return scale


def _reading_facts(tables: dict[str, pd.DataFrame], texts: dict[str, str]) -> dict:
    """Who coded what (readings.csv) and the overall agreement of each pair, with 95% bootstrap intervals."""
    if "readings" not in tables:
        return {"readings": pd.DataFrame(), "agreement": pd.DataFrame()}
    import inspect

    from analysis.agreement import pair_agreement
    from analysis.coding import BOOTSTRAP_RESAMPLES
    from analysis.readings import agreement_table

    agreement = agreement_table(tables, texts)
    overall = agreement[agreement["scope"].str.endswith(":(overall)") & agreement["measure"].isin(["alpha", "kappa"])]
    confidence = inspect.signature(pair_agreement).parameters["confidence"].default
    return {
        "readings": tables["readings"],
        "agreement": overall.reset_index(drop=True),
        "confidence": round(100 * confidence),
        "resamples": BOOTSTRAP_RESAMPLES,
    }


# ---------------------------------------------------------------- wording

CLAUSE_TYPE_ZH = {
    "title": "标题",
    "preamble": "序言",
    "heading": "章节标题",
    "item": "编号事项",
    "goal": "年度目标",
    "safeguard": "保障措施",
    "paragraph": "段落",
    "furniture": "网页附属内容",
}
REASON_ZH = {"unit": "单位不同", "basis": "口径不同", "population": "对象不同", "subset": "子集", "duplicate": "重复"}
GRADE_MEANING_EN = {
    "same": "same measure, unit, population and basis: may stand side by side",
    "proxy": "a stand-in the indicator group admits, with its reason",
    "not_comparable": "does not stand beside the others, with a reason",
}


def _period(row, zh: bool) -> str:
    """The period label in the page's language (``period_label_zh/en`` when the manifest has them)."""
    own = getattr(row, "period_label_zh" if zh else "period_label_en", None)
    if isinstance(own, str) and own:
        return own
    if not zh:
        return row.period_label
    start, end = int(row.period_start_year), int(row.period_end_year)
    return f"{start}年" if start == end else f"{start}—{end}年"


def _pct(value: float) -> str:
    return f"{100 * value:.1f}%"


def _num(value: float) -> str:
    return f"{value:.3f}"


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list], align: str | None = None) -> list[str]:
    align = align or "l" * len(header)
    rule = ["---:" if a == "r" else "---" for a in align]
    out = ["| " + " | ".join(header) + " |", "| " + " | ".join(rule) + " |"]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def methods_markdown(facts: dict, lang: str) -> str:
    """The appendix in one language, from :func:`methods_facts`; zh has no English, en no Chinese but the
    codebook's own terms."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, not {lang!r}")
    zh = lang == "zh"
    i = 0 if zh else 1

    def t(a, b):
        return a if zh else b

    lines = [
        t("# 方法附录", "# Methods appendix"),
        "",
        t(
            f"本附录由数据生成(analysis {facts['version']},`python -m analysis methods`),其中每个数字都由程序计算。",
            f"Generated from the data (analysis {facts['version']}, `python -m analysis methods`); every number in it is computed.",
        ),
        "",
    ]
    corpus = facts["corpus"]

    # 1 corpus
    lines += [t("## 1 语料与抽样", "## 1 Corpus and sampling"), ""]
    lines += [
        t(
            f"语料包括{facts['n_regions']}个地区({facts['n_provinces']}个省)的{facts['n_documents']}份文本,"
            f"分属{facts['n_genres']}种文体,正文共{facts['body_chars']}字。",
            f"The corpus holds {facts['n_documents']} texts from {facts['n_regions']} regions in {facts['n_provinces']} provinces, "
            f"of {facts['n_genres']} genres, with {facts['body_chars']} characters of body text.",
        ),
        "",
    ]
    levels_text = ("、" if zh else ", ").join(
        f"{r.admin_level_zh if zh else r.admin_level_en} {r.n}" for r in facts["admin_levels"].itertuples()
    )
    lines += [t(f"地区的行政级别:{levels_text}。", f"Administrative level of the regions: {levels_text}."), ""]
    header = t(
        ["地区", "文本", "文体", "发布日期", "时段", "字体", "正文字数", "条目", "数量"],
        ["Region", "Text", "Genre", "Published", "Period", "Script", "Body characters", "Clauses", "Quantities"],
    )

    def recorded(v):
        return t("未记录", "not recorded") if v in ("", "not recorded", None) else v

    rows, sources = [], []
    for row in corpus.itertuples():
        published = (
            (
                f"{row.published.year}年{row.published.month}月{row.published.day}日"
                if zh
                else f"{row.published.day} {row.published.strftime('%b')} {row.published.year}"
            )
            if pd.notna(row.published)
            else t("未记录", "not recorded")
        )
        status = getattr(row, "publication_status", "not recorded")
        name = row.title_zh if zh else row.title_en
        rows.append(
            [
                row.region_zh if zh else row.region_en,
                name,
                row.genre_zh if zh else GENRE_EN.get(row.genre, row.genre),
                published,
                _period(row, zh),
                SCRIPT_TEXT[row.script][i],
                row.body_chars,
                row.clauses,
                row.quantities,
            ]
        )
        sources.append(
            [
                name,
                STATUS_TEXT.get(status, (status, status))[i],
                recorded(getattr(row, "document_number", "")),
                recorded(getattr(row, "source_url", "")),
                recorded(getattr(row, "accessed", "")),
            ]
        )
    lines += _table(header, rows, "llllllrrr")
    lines += [t("来源:", "Sources:"), ""]
    lines += _table(
        t(
            ["文本", "发布情况", "文号", "来源网址", "获取日期"],
            ["Text", "Publication", "Document number", "Source address", "Accessed"],
        ),
        sources,
    )
    from analysis.compare import DOUBLE_REDUCTION_OPINION as opinion

    lines += [t("已知局限:", "Known limits:"), ""]
    for row in corpus.itertuples():
        name = row.title_zh if zh else row.title_en
        status = getattr(row, "publication_status", "not recorded")
        if status == "abridged_public_release":
            lines.append(
                t(
                    f"- {name}:删减公开(正文注明“此件删减公开”),未公开部分可能含有目标,缺失不等于没有。",
                    f"- {name}: an abridged public release (the text says so); the withheld parts may hold targets, so an absence is not a zero.",
                )
            )
        if status == "third_party_repost" or row.script == "traditional":
            lines.append(
                t(
                    f"- {name}:第三方网站的繁体转载,小数点写作“。”;程序在代码中转为简体并还原小数点,原文不改。",
                    f"- {name}: a traditional-script repost on a third-party site that writes decimal points as a full stop; code converts it to simplified script and restores the decimals, the raw file is untouched.",
                )
            )
        if pd.isna(row.published):
            lines.append(
                t(
                    f"- {name}:文本未给出发布日期,留空不猜。",
                    f"- {name}: the text gives no publication date; it is left empty, not guessed.",
                )
            )
        if not row.after_double_reduction:
            lines.append(
                t(
                    f"- {name}:写于{opinion.year}年{opinion.month}月{opinion.day}日全国“双减”意见之前。",
                    f"- {name}: written before the national 'double reduction' opinion of {opinion.day} {opinion.strftime('%B')} {opinion.year}.",
                )
            )
    not_recorded = sum(
        (corpus.get(c, pd.Series(dtype=str)) == "not recorded").sum()
        for c in ("source_url", "accessed", "document_number")
    )
    lines += [
        "",
        t(
            f"来源网址、获取日期和文号只在原始文件或其页面写明时填写;共有{not_recorded}处未记录,均不推测。",
            f"Source address, access date and document number are filled only where the raw file or its page states them; "
            f"{not_recorded} cells are 'not recorded' and none is guessed.",
        ),
        "",
    ]
    low, high = facts["docs_per_region"]
    per_region = t(f"{low}份" if low == high else f"{low}至{high}份", f"{low}" if low == high else f"{low} to {high}")
    lines += [
        t(
            f"**抽样说明**。这些文本是便利样本:收集时能在网上找到全文的地方教育规划,每个地区{per_region}。"
            "它们不代表中国的地方教育规划总体,不代表某一省、某一级政府或某一年份,也不能用来估计比例或趋势;"
            "文体不同、时段不同,只能在同类文本之间比较,并且每个比较都要注明。"
            "它们适合说明:同一政策主题在不同地方文本中的写法、力度和量化方式。",
            "**Sampling note.** The texts are a convenience sample: local education plans whose full text could be found online "
            f"when they were collected, {per_region} per region. They represent neither Chinese local education plans as a whole, "
            "nor any province, level of government or year, and they support no estimate of proportions or trends. They differ "
            "in genre and period, so they compare only like with like, and every comparison says so. What they can show is how "
            "the same policy themes are written, committed to and quantified in different local texts.",
        ),
        "",
    ]

    # 2 units
    types = ("、" if zh else ", ").join(
        f"{CLAUSE_TYPE_ZH.get(k, k) if zh else k} {v}" for k, v in facts["clause_types"].items()
    )
    lines += [
        t("## 2 分析单位:条目", "## 2 Units: clauses"),
        "",
        t(
            f"每份正文切分为条目(标题、序言、章节标题、编号事项、年度目标、保障措施、新闻段落),共{facts['n_clauses']}个,"
            f"其中{facts['n_furniture_clauses']}个是网页附属内容。条目首尾相接、不重不漏地覆盖正文(校验检查)。"
            f"每个条目编一个主题;{facts['n_plan_clauses']}个正文条目中有{facts['n_secondary']}个另编了次要主题。",
            f"Each body is split into clauses (title, preamble, section heading, numbered item, yearly goal, safeguard, news "
            f"paragraph): {facts['n_clauses']} clauses, {facts['n_furniture_clauses']} of them web furniture. The clauses tile "
            f"each body with no gap and no overlap (checked by validation). Each clause has one primary theme; "
            f"{facts['n_secondary']} of the {facts['n_plan_clauses']} plan clauses also carry secondary themes.",
        ),
        "",
        t(f"条目类型:{types}。", f"Clause types: {types}."),
        "",
    ]

    # 3 codebook
    lines += [
        t("## 3 编码表", "## 3 Codebook"),
        "",
        t(
            f"共{facts['n_themes']}个主题(另有网页附属内容一类),其中{facts['n_focus']}个为重点主题。主题编码按条目花费文字最多的主题。",
            f"{facts['n_themes']} themes (plus web furniture), {facts['n_focus']} of them focus themes. A clause takes the theme it spends most text on.",
        ),
        "",
    ]
    themes = facts["themes"]
    if zh:
        rows = [
            [r.name_zh, "是" if r.is_focus == "true" else "", r.definition_zh, r.includes_zh, r.excludes_zh]
            for r in themes.itertuples()
        ]
        lines += _table(["主题", "重点", "定义", "纳入", "排除"], rows)
        lines += ["中文定义由人工智能模型会话译自英文编码表,未经人工审核;编码依据以英文编码表为准。", ""]
    else:
        rows = [
            [r.name_en, "yes" if r.is_focus == "true" else "", r.definition, r.includes, r.excludes]
            for r in themes.itertuples()
        ]
        lines += _table(["Theme", "Focus", "Definition", "Includes (terms of the texts)", "Excludes"], rows)
        lines += ["The definitions and inclusion terms keep the Chinese terms of art the codebook is defined by.", ""]

    components = facts["components"]
    if len(components):
        focus = facts["themes"].set_index("theme_id")["name_zh" if zh else "name_en"]
        lines += [
            t(
                f"重点主题的政策要素({len(components)}个)逐一编码为有或无,“有”须附引文:",
                f"The focus themes' components ({len(components)}) are each coded present or absent; present needs a quote:",
            ),
            "",
        ]
        lines += _table(
            t(["主题", "要素", "定义", "含有该要素的文本"], ["Theme", "Component", "Definition", "Texts with it"]),
            [
                [
                    focus.get(r.theme_id, r.theme_id),
                    r.name_zh if zh else r.name_en,
                    getattr(r, "definition_zh", "") if zh else r.definition,
                    r.present_in,
                ]
                for r in components.itertuples()
            ],
            "lllr",
        )
        if zh:
            lines += ["要素的中文定义由人工智能模型会话译自英文,未经人工审核。", ""]

    # 4 commitment scale
    counts = facts["level_counts"]
    lines += [
        t("## 4 承诺力度等级与判定规则", "## 4 Commitment scale and decision rule"),
        "",
        t(
            f"每个“文本×主题”组合({facts['n_level_cells']}个)评一个{facts['level_min']}–{facts['level_max']}级:",
            f"Every document × theme pair ({facts['n_level_cells']} pairs) has a level from {facts['level_min']} to {facts['level_max']}:",
        ),
        "",
    ]
    scale = facts["level_scale"]
    if len(scale):  # the scale of each genre class, from commitment_scale.csv
        lines += _table(
            t(["等级", "体裁类别", "含义", "组合数"], ["Level", "Genre class", "Meaning", "Pairs"]),
            [
                [
                    r.level,
                    t({"plan": "规划", "report": "成效报道"}.get(r.genre_class, r.genre_class), r.genre_class),
                    r.meaning_zh if zh else r.meaning_en,
                    r.pairs,
                ]
                for r in scale.sort_values(["level", "genre_class"]).itertuples()
            ],
            "lllr",
        )
    else:
        lines += _table(
            t(["等级", "含义", "组合数"], ["Level", "Meaning", "Pairs"]),
            [[level, LEVEL_TEXT[level][i], counts.get(level, 0)] for level in range(4)],
            "llr",
        )
    lines += [
        t(
            "判定规则:取文本中对该主题成立的最高等级;1级及以上须有引文;3级须有该主题的一个数量(测试检查)。"
            "成效报道按自身量表评级,不与规划的等级并列。",
            "Decision rule: the highest level the text supports for the theme; level 1 and above need a quote; level 3 needs a "
            "quantity of that theme (tested). The report of results is read on its own scale and does not stand beside the plans' levels.",
        ),
        "",
        t(
            f"3级只说明“有数字”。为看出数字的大小和种类,{facts['n_level3_cells']}个3级组合按其数量的种类列出"
            "(`quantified_commitments` 表给出每个数量的数值和单位):",
            f"Level 3 says only that a number exists. To show its size and kind, the {facts['n_level3_cells']} level-3 pairs are "
            "listed by the kind of their quantities (the table `quantified_commitments` gives every value and unit):",
        ),
        "",
    ]
    kinds = facts["level3_kinds"]
    lines += _table(
        t(["数量种类", "3级组合", "数量"], ["Kind of measure", "Level-3 pairs", "Quantities"]),
        [[_measure_text(r.measure_kind)[i], r.cells, r.quantities] for r in kinds.itertuples()],
        "lrr",
    )
    examples = facts["level3_examples"]
    if len(examples):
        lines += [
            t(
                "例如学前教育普及普惠的3级组合所依据的数量:",
                "For example, the quantities behind the level-3 pairs of pre-school coverage:",
            ),
            "",
        ]
        lines += _table(
            t(["数量编号", "指标", "数值", "单位", "种类"], ["Quantity", "Indicator", "Value", "Unit", "Kind"]),
            [
                [
                    r.target_id,
                    r.indicator_zh if zh else r.indicator_en,
                    f"{r.value:g}",
                    r.unit if zh or r.unit.isascii() else "",
                    _measure_text(r.measure_kind)[i],
                ]
                for r in examples.itertuples()
            ],
            "llrll",
        )

    # 5 measures
    from analysis.compare import WEIGHTING_EN, WEIGHTING_ZH

    example = facts["only_secondary_example"]
    lines += [
        t("## 5 主题文字占比的两种口径", "## 5 Theme text shares on two bases"),
        "",
        t(
            "主题文字占比 = 该主题条目的字数 ÷ 该文本正文条目的总字数(不含网页附属内容)。给出两种口径,每张表都注明所用口径(`share_basis`):",
            "A theme's text share is the characters of its clauses divided by all plan-text characters of the document (web furniture "
            "excluded). Two bases are given, and every table names its basis (`share_basis`):",
        ),
        "",
        t(
            "- 只计主题(`primary_only`):条目的字数全部计入其主题;",
            "- primary_only: a clause's characters all count for its primary theme;",
        ),
        t(f"- 主题加次要主题(`primary_plus_secondary`):{WEIGHTING_ZH}", f"- primary_plus_secondary: {WEIGHTING_EN}"),
        "",
        t(
            f"有{facts['n_only_secondary']}个“文本×主题”组合只在第二种口径下占比大于零。",
            f"{facts['n_only_secondary']} document × theme pairs have a share above zero on the second basis only.",
        ),
    ]
    if len(example):
        e = example.iloc[0]
        theme = facts["themes"].set_index("theme_id").loc[e["theme_id"]]
        doc = corpus.set_index("doc_id").loc[e["doc_id"]]
        lines[-1] += t(
            f"占比最大的一例:{doc['title_zh']}中的“{theme['name_zh']}”,{_pct(e['primary_plus_secondary'])}。",
            f" The largest: {theme['name_en']} in {doc['title_en']}, {_pct(e['primary_plus_secondary'])}.",
        )
    lines += [""]

    # 6 comparability
    from analysis.comparability import BASIS_TEXT, GRADES, REASONS

    lines += [
        t("## 6 可比性规则", "## 6 Comparability rules"),
        "",
        t(
            "两个数字只有在测量同一事物时才并列。每张并列数值的表都有 `comparability` 列:",
            "Two numbers stand side by side only when they measure the same thing. Every table that sets values side by side has a "
            "`comparability` column:",
        ),
        "",
    ]
    lines += [t(f"- `{g}`:{GRADE_TEXT[g][0]}", f"- `{g}`: {GRADE_MEANING_EN[g]}") for g in GRADES]
    lines += [
        "",
        t(
            f"不可比的理由:{'、'.join(REASON_ZH.get(r, r) for r in REASONS)}。数量的口径:",
            f"Reasons a pair is not comparable: {', '.join(REASONS)}. Bases of a quantity:",
        ),
        "",
    ]
    lines += [f"- {text[i]}" if zh else f"- `{key}`: {text[i]}" for key, text in BASIS_TEXT.items()]
    lines += ["", t("当前各表的评级(行数):", "Current grades of the tables (rows):"), ""]
    lines += _table(
        t(["表", "可直接并列", "仅作参照", "不可比"], ["Table", "same", "proxy", "not comparable"]),
        [
            [f"`{name}`", g.get("same", 0), g.get("proxy", 0), g.get("not_comparable", 0)]
            for name, g in facts["grades"].items()
        ],
        "lrrr",
    )

    # 7 who coded what
    lines += [t("## 7 编码者与一致性", "## 7 Who coded what, and agreement"), ""]
    readings = facts["readings"]
    if len(readings):
        blind = {True: t("是", "yes"), False: t("否", "no")}
        if zh:
            lines += _table(
                ["编码", "编码者类型", "盲读"],
                [
                    [r.label_zh, CODER_KIND_TEXT.get(r.coder_kind, (r.coder_kind,) * 2)[0], blind[r.blind == "true"]]
                    for r in readings.itertuples()
                ],
            )
        else:
            lines += _table(
                ["Reading", "Coder", "Blind", "Method"],
                [
                    [
                        r.label_en,
                        CODER_KIND_TEXT.get(r.coder_kind, (r.coder_kind,) * 2)[1],
                        blind[r.blind == "true"],
                        r.method,
                    ]
                    for r in readings.itertuples()
                ],
            )
        kinds = readings["coder_kind"].value_counts()
        n_ai, n_human = int(kinds.get("ai_model_session", 0)), int(kinds.get("human", 0))
        n_program = len(readings) - n_ai - n_human
        lines += [
            t(
                f"{len(readings)}个编码中,{n_ai}个由人工智能模型会话完成,{n_human}个由人工编码员完成,{n_program}个由程序完成。",
                f"Of the {len(readings)} readings, {n_ai} were made by AI model sessions, {n_human} by human coders and "
                f"{n_program} by a program.",
            )
        ]
        if n_human == 0:
            lines[-1] += t(
                "没有人工编码员参与;同一模型的两次阅读之间的一致性是两名人工编码员一致性的上限。",
                " No human coder took part; agreement between two readings by the same model is an upper bound on what "
                "two human coders would reach.",
            )
        lines += [""]
        labels = dict(zip(readings["reading_id"], readings["label_zh" if zh else "label_en"]))
        agreement = facts["agreement"]
        level = facts["confidence"]
        lines += _table(
            t(
                ["编码甲", "编码乙", "变量", "指标", "值", f"{level}%区间", "单位数"],
                ["Reading A", "Reading B", "Variable", "Measure", "Value", f"{level}% interval", "Units"],
            ),
            [
                [
                    labels.get(r.reading_a, r.reading_a),
                    labels.get(r.reading_b, r.reading_b),
                    VARIABLE_TEXT.get(r.scope.split(":")[0], (r.scope.split(":")[0],) * 2)[i],
                    t(
                        "Krippendorff α" if r.measure == "alpha" else "Cohen κ",
                        "Krippendorff's alpha" if r.measure == "alpha" else "Cohen's kappa",
                    ),
                    _num(r.value),
                    f"{_num(r.ci_low)}–{_num(r.ci_high)}",
                    r.n_units,
                ]
                for r in agreement.itertuples()
            ],
            "llllrlr",
        )
        lines += [
            t(
                f"区间为按单位重抽样{facts['resamples']}次的百分位自助法区间。",
                f"Intervals are percentile bootstrap intervals over units ({facts['resamples']} resamples).",
            ),
            "",
        ]
    lines += [
        t(
            f"英文释义:{facts['n_glossed']}条引文都有英文释义,其中{facts['n_gloss_ai']}条是人工智能模型会话的机器翻译,"
            f"{facts['n_gloss_reviewed']}条经人工审核。释义只是解释,证据始终是原文引文。",
            f"English glosses: all {facts['n_glossed']} quotes have one; {facts['n_gloss_ai']} are machine translations by an AI model "
            f"session and {facts['n_gloss_reviewed']} have been reviewed by a human. A gloss is an interpretation; the evidence is always the verbatim quote.",
        ),
        "",
    ]

    # 8 validation
    verdict = t(
        "通过" if not facts["n_problems"] else f"未通过({facts['n_problems']}个问题)",
        "passed" if not facts["n_problems"] else f"failed ({facts['n_problems']} problems)",
    )
    lines += [
        t("## 8 校验", "## 8 Validation"),
        "",
        t(
            f"`python -m analysis validate` 的当前结果:**{verdict}**。检查内容:",
            f"Current result of `python -m analysis validate`: **{verdict}**. It checks:",
        ),
        "",
        t(
            "- 数据包的表结构(类型、必填、枚举、主键与外键);",
            "- the Table Schemas of the data package (types, required cells, enums, primary and foreign keys);",
        ),
        t(
            f"- {facts['n_documents']}个原始文件的SHA-256与长度;",
            f"- the SHA-256 and length of the {facts['n_documents']} raw files;",
        ),
        t(
            f"- {facts['n_quotes_checked']}条引文在其偏移位置与原文逐字一致;",
            f"- that each of {facts['n_quotes_checked']} quotes stands verbatim in its raw file at its offsets;",
        ),
        t(
            f"- {facts['n_quantities']}个数量的数值由其引文重新解析得出;",
            f"- that the values of the {facts['n_quantities']} quantities are re-derived from their quotes;",
        ),
        t(
            "- 条目覆盖正文,无缝无叠;每个“文本×主题”和“文本×要素”都有编码;",
            "- that the clauses tile every body, and every document × theme and document × component pair is coded;",
        ),
        t(
            f"- 封闭世界:原文中的每个数字或是数量({facts['n_quantities']}个),或是说明了理由的排除项({facts['n_exclusions']}个);",
            f"- the closed world: every number in every raw text is a quantity ({facts['n_quantities']}) or an explained exclusion ({facts['n_exclusions']});",
        ),
        t(
            "- 指标模型:作参照的数量写明理由,关联指向存在的数量,同一指标组不混用单位,时段前后一致;全国基准的数值是有限数并与其文字一致;",
            "- the indicator model: a proxy states its reason, a relation points to a real quantity, a group mixes no units, periods are consistent; a benchmark's value is a finite number agreeing with its written value;",
        ),
        t(
            "- 编码:恰有一个整理版编码;每个存储的代码属于已知编码,指向存在的单位,取编码表中的值;",
            "- the readings: exactly one curated reading; each stored code belongs to a known reading, names a unit that exists and holds a value of the codebook;",
        ),
        t(
            "- 每条引文都有英文释义及其来源;文本的发布情况有原文为证。",
            "- that every quote has an English gloss with its provenance, and each publication status has its line in the raw text.",
        ),
        "",
    ]
    lines += _table(
        t(["表", "行数"], ["Table", "Rows"]), [[f"`{name}`", n] for name, n in facts["table_rows"].items()], "lr"
    )
    return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------- HTML and PDF

CSS = """
@font-face {{ font-family: "{family}"; src: url("{font}") format("truetype"); }}
@page {{ size: A4; margin: 18mm 16mm; }}
* {{ font-synthesis: none; }}
h1, h2, th, strong {{ font-weight: normal; }}
strong {{ text-decoration: underline; }}
html {{ font-family: "{family}"; font-size: 10pt; line-height: 1.5; color: #111; }}
h1 {{ font-size: 18pt; }} h2 {{ font-size: 13pt; margin-top: 1.4em; }}
table {{ border-collapse: collapse; margin: 0.6em 0; font-size: 8pt; }}
th, td {{ border: 0.5pt solid #999; padding: 2pt 4pt; vertical-align: top; }}
th {{ background: #eee; white-space: nowrap; }}
code {{ font-family: "{family}"; background: #f3f3f3; }}
"""


def methods_html(markdown_text: str, lang: str, font_name: str, family: str = "Appendix CJK") -> str:
    """An HTML page: the Markdown rendered, with a local @font-face for the font file ``font_name`` beside it.

    (Chromium embeds a font loaded from a file as a CID TrueType font; from a data: URL it fell back to Type 3.)"""
    from markdown_it import MarkdownIt

    body = MarkdownIt("commonmark", {"html": False}).enable("table").render(markdown_text)
    font = html.escape(font_name, quote=True)
    title = html.escape(markdown_text.splitlines()[0].lstrip("# "))
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{CSS.format(family=family, font=font)}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )


def chromium_binary() -> str:
    """The headless Chromium to print with; a clear error when none is installed."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise FileNotFoundError(
        "no Chromium found (chromium, chromium-browser or google-chrome): "
        "install it with `bash scripts/system_packages.sh`, or use the Markdown and HTML"
    )


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:[0-9]{14}[^)]*\)")


def _stable_pdf(payload: bytes) -> bytes:
    """Chromium's PDF with its creation and modification dates fixed, lengths unchanged (so the xref
    offsets stay valid). Printed untagged (``--disable-pdf-tagging``): the tags carry DOM node numbers
    that change from run to run."""

    def date(match: re.Match) -> bytes:
        fixed = b"/" + match.group(1) + b" (D:20000101000000Z)"
        return (
            fixed[:-1].ljust(len(match.group(0)) - 1, b" ") + b")"
            if len(fixed) <= len(match.group(0))
            else match.group(0)
        )

    return _PDF_DATE.sub(date, payload)


def html_to_pdf(html_path: Path, pdf_path: Path, timeout: int = 120) -> Path:
    """Print an HTML file to PDF with headless Chromium; dates fixed so the same page gives the same bytes."""
    binary = chromium_binary()
    pdf_path = Path(pdf_path)
    pdf_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="methods-pdf-") as temporary:
        out = Path(temporary) / "out.pdf"
        command = [
            binary,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--no-pdf-header-footer",
            "--disable-pdf-tagging",
            f"--user-data-dir={temporary}/profile",
            f"--print-to-pdf={out}",
            Path(html_path).resolve().as_uri(),
        ]
        result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0 or not out.is_file():
            raise RuntimeError(f"Chromium could not print {html_path}: {result.stderr.strip()[-500:]}")
        payload = _stable_pdf(out.read_bytes())
    from analysis.exports import write_bytes_atomic

    write_bytes_atomic(pdf_path, payload)
    return pdf_path


def write_methods(
    out_dir: Path | None = None, root: Path = PROJECT_ROOT, *, pdf: bool = True, languages: tuple[str, ...] = LANGUAGES
) -> list[Path]:
    """Write ``methods_{zh,en}.{md,html,pdf}`` (and the HTML's font file) into ``out_dir`` (default ``reports/``)."""
    from analysis.curated import write_text_atomic
    from analysis.exports import write_bytes_atomic
    from analysis.fonts import cached_instance

    out_dir = Path(out_dir) if out_dir else root / "reports"
    facts = methods_facts(root)
    written, unchanged = [], set()
    for lang in languages:
        text = methods_markdown(facts, lang)
        md = out_dir / f"methods_{lang}.md"
        font = out_dir / f"methods_{lang}_font.ttf"
        # The shared subset has TrueType outlines, which Chromium's PDF backend embeds as a CID font (selectable,
        # searchable text); CFF2 outlines would be drawn as Type 3 glyphs.
        font_bytes = cached_instance(text, root).read_bytes()
        page = out_dir / f"methods_{lang}.html"
        html = methods_html(text, lang, font.name)
        pdf_file = out_dir / f"methods_{lang}.pdf"
        if (
            _same_text(page, html)
            and _same_text(md, text)
            and font.is_file()
            and font.read_bytes() == font_bytes
            and pdf_file.is_file()
        ):
            unchanged.add(lang)  # the PDF prints exactly this HTML and font: no need to print it again
        write_text_atomic(md, text)
        write_bytes_atomic(font, font_bytes)
        write_text_atomic(page, html)
        written += [md, page]
    if pdf:  # after every Markdown and HTML file, so a missing Chromium still leaves those
        written += [
            out_dir / f"methods_{lang}.pdf"
            if lang in unchanged
            else html_to_pdf(out_dir / f"methods_{lang}.html", out_dir / f"methods_{lang}.pdf")
            for lang in languages
        ]
    return written


def _same_text(path: Path, text: str) -> bool:
    return path.is_file() and path.read_text(encoding="utf-8") == text


__all__ = ["html_to_pdf", "methods_facts", "methods_html", "methods_markdown", "write_methods"]
