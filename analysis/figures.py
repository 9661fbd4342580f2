"""Report-ready figures drawn from the comparison tables, in Chinese or English, at print size.

Every figure is drawn at its final size: one journal column (85 mm) or two (175 mm) wide, at most
230 mm tall, no text below 7 pt. Each :class:`FigureSpec` holds the drawing function and the
plotted values (one row per mark, with ids, quote and offsets), written beside the figure as
``figures/NAME.csv``. :func:`save_figure` writes PNG (300 dpi) and PDF (TrueType subset embedded,
text extractable) atomically and without timestamps, so unchanged data gives byte-identical files
and a killed build never leaves a truncated file behind.

Quantitative figures draw the like-with-like grades of :func:`analysis.compare.comparison_tables`:
only ``same`` and ``proxy`` values share an axis; proxies are marked and their caveat is printed;
values that are ``not_comparable`` are left off the axes and listed, with their reason, in the CSV.
"""

from __future__ import annotations

import io
import re
import textwrap
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from analysis import compare

# Okabe–Ito, a colour-blind-safe qualitative palette; regions take colours in regions.csv order.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
LEVEL_COLOURS = ["#f7f7f7", "#c6dbef", "#6baed6", "#08519c"]
NATIONAL_COLOUR = "#555555"
FORMATS = ("png", "pdf")  # PDF embeds the font and keeps the text extractable; SVG could do neither

MM = 1 / 25.4  # inches per millimetre
SINGLE_COLUMN_MM = 85.0
DOUBLE_COLUMN_MM = 175.0
MAX_HEIGHT_MM = 230.0
MIN_TEXT_PT = 7.0
# Text sizes at final print size (points).
PT_TEXT, PT_TITLE, PT_NOTE = 7.0, 8.5, 7.0

TEXT = {
    "zh": {
        "timeline_title": "文件、覆盖时期与全国政策节点",
        "year": "年份",
        "published": "发布日期",
        "period_bar": "文件覆盖的时期",
        "report_bar": "成效报道所述时期",
        "milestone": "全国政策节点",
        "milestones_key": "全国政策节点(图中编号):",
        "density_axis": "每万字量化数(个)",
        "timeline_note": "量化数:文件正文中的目标、基线与成效数字,按正文字数标准化。成效报道回顾多年成绩,其数字密度与规划不可直接相比。",
        "theme_share_title": "各主题占文件条款篇幅的比例",
        "share_axis": "占该文件条款字数的百分比(%)",
        "theme_share_note": "比例 = 该主题条款字数 ÷ 该文件条款总字数(不含网页杂项);每列合计100%。条款主题由人工智能阅读会话编码。",
        "commitment_title": "各主题的承诺强度",
        "commitment_note": "强度由人工智能阅读会话逐文件判定,均附引文(见同名数据文件)。成效报道的3级指量化的已报道成效,而非目标。",
        "level_names": ["0 未提及", "1 泛泛提及", "2 具体措施", "3 量化目标或成效"],
        "counts_title": "各主题的量化数字个数",
        "counts_axis": "量化数字个数(个)",
        "counts_note": "目标、基线与成效合计,未按篇幅标准化:长文件数字多。三年方案与成效报道覆盖多年。",
        "kg_title": "学前教育:地方目标与全国基准",
        "comparable_title": "可比指标:地方数值与全国基准",
        "comparable_shares_title": "可比指标(比率):地方数值与全国基准",
        "comparable_counts_title": "可比指标(数量):地方数值",
        "local_target": "地方目标",
        "local_total": "空心标记:多年合计数",
        "report_value": "成效报道所报数值",
        "national": "全国基准",
        "proxy": "近似值(见注)",
        "indicators_note": "只画出与指标定义同口径或注明近似的数值;{n}个不可比的数值未画出,连同原因列在同名数据文件中。",
        "no_values": "暂无同口径可比的数值",
        "alone_note": "另有{n}个可比数值所属指标没有第二个可比数值,未画出。",
        "rotation_title": "教师交流轮岗:各文件提及的机制",
        "dr_title": "“双减”各组成部分:各文件提及情况",
        "present": "提及(附引文)",
        "absent": "未提及",
        "before": "早于2021年7月“双减”意见",
        "after": "晚于“双减”意见",
        "components_note": "由人工智能阅读会话逐文件判定,每个“提及”均附原文引文(见同名数据文件);未经人工复核。",
        "reports_apart": "成效报道",
        "plan_result_title": "规划目标与成效报道:同一地区、同一指标",
        "plan_result_note": "目标与成效只在同口径时画在同一坐标轴上。以下目标与成效对不可比,未画出:",
        "plan_label": "目标",
        "plan_legend": "规划目标",
        "result_legend": "成效报道所报成效",
        "result_label": "成效",
        "no_pairs": "没有同口径可比的目标与成效对",
        "year_suffix": "年",
        "total_suffix": "合计",
        "caveat_prefix": "注",
    },
    "en": {
        "timeline_title": "Documents, the periods they cover, and national policy milestones",
        "year": "Year",
        "published": "publication date",
        "period_bar": "period the document covers",
        "report_bar": "period a results report covers",
        "milestone": "national policy milestone",
        "milestones_key": "National policy milestones (numbered in the plot):",
        "density_axis": "quantities per\n10,000 characters",
        "timeline_note": "Quantities: the target, baseline and result figures of a document's body, per 10,000 characters. "
        "A results report looks back over several years; its density does not compare with a plan's.",
        "theme_share_title": "Share of each document's clauses per theme",
        "share_axis": "share of the document's clause characters (%)",
        "theme_share_note": "Share = characters of the theme's clauses ÷ all clause characters of the document (web furniture "
        "left out); each column sums to 100%. Clause themes were coded by AI reading sessions.",
        "commitment_title": "Commitment level per theme",
        "commitment_note": "Levels were set document by document by AI reading sessions, each with a quote (see the data file of the same name). "
        "For the results report, level 3 is a quantified reported result, not a target.",
        "level_names": ["0 absent", "1 general mention", "2 concrete measure", "3 quantified target or result"],
        "counts_title": "Number of quantities per theme",
        "counts_axis": "number of quantities",
        "counts_note": "Targets, baselines and results together, not normalised by length: long documents hold more numbers. "
        "The three-year plan and the results report cover several years.",
        "kg_title": "Pre-school education: local targets and national benchmarks",
        "comparable_title": "Comparable indicators: local values and national benchmarks",
        "comparable_shares_title": "Comparable indicators (rates): local values and national benchmarks",
        "comparable_counts_title": "Comparable indicators (counts): local values",
        "local_target": "local target",
        "local_total": "open marker: total over several years",
        "report_value": "value in the results report",
        "national": "national benchmark",
        "proxy": "proxy (see note)",
        "indicators_note": "Only values that match the indicator's definition, or are marked proxies, are drawn; {n} values "
        "that are not comparable are left out and listed with their reason in the data file of the same name.",
        "no_values": "No values measured the same way yet",
        "alone_note": "{n} more comparable values have no second comparable value of their indicator and are not drawn.",
        "rotation_title": "Teacher rotation: mechanisms each document names",
        "dr_title": "'Double reduction': the components each document names",
        "present": "named (with a quote)",
        "absent": "not named",
        "before": "before the July 2021 opinion",
        "after": "after the opinion",
        "components_note": "Set document by document by AI reading sessions; every 'named' has its quote from the text (see the "
        "data file); not yet reviewed by a person.",
        "reports_apart": "results report",
        "plan_result_title": "Plan targets and the results report: same region, same indicator",
        "plan_result_note": "A target and a result share an axis only when they are measured the same way. These pairs are "
        "not comparable and are not drawn:",
        "plan_label": "target",
        "plan_legend": "plan target",
        "result_legend": "result in the results report",
        "result_label": "result",
        "no_pairs": "No target and result measured the same way",
        "year_suffix": "",
        "total_suffix": "total",
        "caveat_prefix": "Note",
    },
}
# Why a pair is not comparable, in words a figure can print (the full caveat, with ids, is in the CSV).
REASONS = {
    "zh": {
        "unit": "计量方式不同。",
        "basis": "统计基础不同。",
        "population": "统计对象不同。",
        "subset": "成效是另一成效数字的一部分。",
        "duplicate": "成效与另一成效数字是同一数字。",
    },
    "en": {
        "unit": "Different measure.",
        "basis": "Different basis.",
        "population": "Different population.",
        "subset": "The result is a part of another result.",
        "duplicate": "The result is the same figure as another result.",
    },
}
COMPARATORS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "", "approx": "≈", "": ""}
CHANGE_WORDS = {
    "zh": {"decrease": "降低", "increase": "提高", "rank_top": "前"},
    "en": {"decrease": "down", "increase": "up", "rank_top": "top"},
}
SHARE_UNITS = ("%",)


@dataclass(frozen=True)
class Labels:
    """Language-specific labels for documents, regions, themes and units, built from the curated tables."""

    lang: str
    documents: dict[str, str]
    short_documents: dict[str, str]
    regions: dict[str, str]
    themes: dict[str, str]
    units: dict[str, str]
    benchmarks: dict[str, str]
    reports: frozenset
    glossary: tuple = ()
    coded_by: str = ""

    def t(self, key: str):
        return TEXT[self.lang][key]

    def caveat(self, text: str) -> str:
        """A caveat in the figure's language: in English, Chinese terms quoted in it become their glossary English."""
        if self.lang == "en":
            for term_zh, term_en in self.glossary:
                text = text.replace(term_zh, f"'{term_en}'")
        return text

    def unit(self, unit: str) -> str:
        from analysis.comparability import canonical_unit

        return self.units.get(canonical_unit(unit), canonical_unit(unit))


def _column(frame: pd.DataFrame, name: str, fallback: pd.Series) -> pd.Series:
    return frame[name].where(frame[name].astype(str) != "", fallback) if name in frame else fallback


def document_order(tables: dict[str, pd.DataFrame]) -> list[str]:
    """The one order of documents in every figure: plans by period and date, then results reports."""
    docs = compare.documents_with_regions(tables).copy()
    docs["report"] = docs["doc_id"].isin(results_reports(tables))
    docs["published_key"] = docs["published"].fillna(pd.Timestamp("1900-01-01"))
    docs = docs.sort_values(["report", "period_start_year", "period_end_year", "published_key", "doc_id"])
    return list(docs["doc_id"])


def results_reports(tables: dict[str, pd.DataFrame]) -> set[str]:
    """Documents that report results rather than plan: ``genre_class`` other than plan.

    Until ``documents.csv`` records ``genre_class``, a document whose quantities are all
    achievements counts as a results report.
    """
    documents = tables["documents"]
    if "genre_class" in documents and (documents["genre_class"].astype(str) != "").any():
        return set(documents.loc[~documents["genre_class"].isin(["plan", ""]), "doc_id"])
    kinds = tables["targets"].groupby("doc_id")["kind"].agg(set)
    return {doc for doc, found in kinds.items() if found == {"achievement"}}


def make_labels(tables: dict[str, pd.DataFrame], lang: str) -> Labels:
    """Document labels read 'region · genre · period' in the chosen language, in :func:`document_order`."""
    if lang not in TEXT:
        raise ValueError(f"unknown language {lang!r}: choose one of {sorted(TEXT)}")
    docs = compare.documents_with_regions(tables).set_index("doc_id")
    if lang == "zh":
        genre = docs["genre_zh"]
        period = _column(docs, "period_label_zh", docs["period_label"])
    else:
        genre = _column(docs, "genre_label_en", docs["genre"].str.replace("_", " "))
        period = _column(docs, "period_label_en", docs["period_label"])
    order = document_order(tables)
    region = docs[f"region_{lang}"]
    documents = {d: f"{region[d]} · {genre[d]} · {period[d]}" for d in order}
    short_documents = {d: f"{region[d]} · {period[d]}" for d in order}
    regions = dict(zip(tables["regions"]["region_id"], tables["regions"][f"name_{lang}"]))
    themes = dict(zip(tables["themes"]["theme_id"], tables["themes"][f"name_{lang}"]))
    units = dict(zip(tables["units"]["unit"], tables["units"][f"name_{lang}"])) if "units" in tables else {}
    bench = tables["national_benchmarks"]
    short = f"short_label_{lang}"
    benchmarks = dict(zip(bench["benchmark_id"], bench[short])) if short in bench else {}
    glossary = ()
    if "glossary" in tables:
        pairs = zip(tables["glossary"]["term_zh"], tables["glossary"]["term_en"])
        glossary = tuple(sorted(pairs, key=lambda pair: -len(pair[0])))  # longest terms first
    return Labels(
        lang,
        documents,
        short_documents,
        regions,
        themes,
        units,
        benchmarks,
        frozenset(results_reports(tables)),
        glossary,
        curated_reading_label(tables, lang),
    )


def curated_reading_label(tables: dict[str, pd.DataFrame], lang: str) -> str:
    """'Coding: <label>' from the curated reading's own description in readings.csv, when that table exists."""
    readings = tables.get("readings")
    if readings is None or f"label_{lang}" not in readings or "is_curated" not in readings:
        return ""
    curated = readings[readings["is_curated"].astype(str).str.lower() == "true"]
    if curated.empty:
        return ""
    label = curated[f"label_{lang}"].iloc[0]
    return f"编码:{label}。" if lang == "zh" else f"Coding: {label}."


def region_colours(tables: dict[str, pd.DataFrame]) -> dict[str, str]:
    """One colour per region, the same in every figure (regions.csv order; colour-blind safe)."""
    ids = list(tables["regions"]["region_id"])
    palette = OKABE_ITO if len(ids) <= len(OKABE_ITO) else _extended_palette(len(ids))
    return {region: palette[i] for i, region in enumerate(ids)}


def _extended_palette(n: int) -> list[str]:
    import seaborn as sns

    return sns.color_palette("colorblind", n).as_hex()


def figure_characters(tables: dict[str, pd.DataFrame]) -> str:
    """Every character a figure may draw: curated text plus the fixed labels (for the font subset)."""
    parts = [frame.to_csv(index=False) for frame in tables.values()]
    for language in TEXT.values():
        for value in language.values():
            parts += value if isinstance(value, list) else [value]
    parts += [text for language in REASONS.values() for text in language.values()]
    from analysis.comparability import BASIS_TEXT

    parts += ["统计基础不同:目标是,成效是。"] + [zh for zh, _ in BASIS_TEXT.values()]
    parts += list(compare.NATIONAL_MILESTONES["label_zh"]) + ["▼■●◆○□◇≥≤≈∶—–·年月"]
    for frame in compare.comparison_tables(tables).values():
        parts += [frame[c].astype(str).str.cat() for c in ("caveat_zh", "caveat_en") if c in frame]
    return "".join(parts)


class ReportFigure(Figure):
    """A matplotlib Figure that Jupyter shows as PNG without pyplot (no global backend state)."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=110)
        return buffer.getvalue()


def new_figure(width_mm: float, height_mm: float, families: list[str]) -> Figure:
    """A figure at its print size (mm), outside pyplot, with the CJK font and deterministic settings."""
    figure = ReportFigure(figsize=(width_mm * MM, min(height_mm, MAX_HEIGHT_MM) * MM), dpi=100, layout="constrained")
    figure.get_layout_engine().set(w_pad=2 * MM, h_pad=2 * MM, wspace=0.04, hspace=0.04)
    matplotlib.rcParams["font.family"] = families
    matplotlib.rcParams["font.size"] = PT_TEXT
    for key in ("axes.labelsize", "xtick.labelsize", "ytick.labelsize", "legend.fontsize", "axes.titlesize"):
        matplotlib.rcParams[key] = PT_TEXT
    matplotlib.rcParams["svg.hashsalt"] = "edu-plans"
    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["pdf.fonttype"] = 42
    matplotlib.rcParams["axes.unicode_minus"] = False
    matplotlib.rcParams["axes.linewidth"] = 0.6
    matplotlib.rcParams["xtick.major.width"] = matplotlib.rcParams["ytick.major.width"] = 0.6
    return figure


def wrap_text(text: str, width_mm: float, size_pt: float = PT_NOTE) -> str:
    """Wrap running text to a width in mm at a font size: CJK characters are 1 em wide, Latin about 0.55 em."""
    em_mm = size_pt / 72 * 25.4
    if re.search(r"[\u3000-\u9fff]", text):
        per_line = max(int(width_mm / em_mm) - 1, 8)
        lines = []
        for paragraph in text.split("\n"):
            lines += [paragraph[i : i + per_line] for i in range(0, len(paragraph), per_line)] or [""]
        return "\n".join(lines)
    per_line = max(int(width_mm / (em_mm * 0.5)) - 2, 12)
    return "\n".join(textwrap.fill(p, per_line) for p in text.split("\n"))


def _wrap_label(label: str, chars: int) -> str:
    """Wrap a label at ' · ' separators, then Latin parts at spaces and Chinese parts every ``chars`` characters."""
    lines: list[str] = []
    for part in label.split(" · "):
        if not re.search(r"[\u3000-\u9fff]", part):
            lines += textwrap.wrap(part, chars) or [""]
        else:
            lines += [part[i : i + chars] for i in range(0, len(part), chars)] or [""]
    return "\n".join(lines)


def _title(figure: Figure, text: str, width_mm: float) -> None:
    figure.suptitle(wrap_text(text, width_mm - 4, PT_TITLE), fontsize=PT_TITLE, x=0.01, ha="left")


def _note(figure: Figure, text: str, width_mm: float) -> None:
    """A note on the figure's face, below everything (constrained layout makes room for it)."""
    figure.supxlabel(
        wrap_text(text, width_mm - 6, PT_NOTE), fontsize=PT_NOTE, color="#333333", x=0.01, ha="left", linespacing=1.3
    )


def data_caveats(frame: pd.DataFrame, labels: Labels) -> list[str]:
    """The distinct caveats of a figure's rows (comparability other than same), in the figure's language."""
    column = f"caveat_{labels.lang}"
    if column not in frame:
        return []
    rows = frame[frame.get("comparability", pd.Series("", index=frame.index)).ne("same") & frame[column].ne("")]
    return [labels.caveat(text) for text in dict.fromkeys(rows[column])]


def _legend(
    axis, handles: list, above: bool = True, ncols: int = 2, offset_pt: float = 4.0, from_figure_edge: bool = True
) -> None:
    """A legend tied to an axis (constrained layout makes room for it), ``offset_pt`` above or below the plot,
    starting at the figure's left edge."""
    from matplotlib.transforms import blended_transform_factory, offset_copy

    base = blended_transform_factory(axis.figure.transFigure if from_figure_edge else axis.transAxes, axis.transAxes)
    x = 0.01 if from_figure_edge else 0.0
    anchor, loc = ((x, 1.0), "lower left") if above else ((x, 0.0), "upper left")
    transform = offset_copy(base, fig=axis.figure, y=offset_pt if above else -offset_pt, units="points")
    axis.legend(
        handles=handles,
        loc=loc,
        bbox_to_anchor=anchor,
        ncols=ncols,
        frameon=False,
        borderaxespad=0,
        handlelength=1.8,
        columnspacing=1.5,
        bbox_transform=transform,
    )


def _year(value, labels: Labels) -> str:
    if value is None or pd.isna(value) or value == "":
        return ""
    return f"{int(value)}{labels.t('year_suffix')}"


def _number(value: float) -> str:
    return f"{value:,.4g}" if abs(value) >= 10000 else f"{value:g}"


def value_text(value: float, value_max, unit: str, comparator: str, labels: Labels) -> str:
    """'≥ 95%' or '降低 1 百分点': comparator as a symbol or word, the unit in the figure's language."""
    sign = COMPARATORS.get(comparator, None)
    word = CHANGE_WORDS[labels.lang].get(comparator, "")
    shown = _number(value) if value_max is None or pd.isna(value_max) else f"{_number(value)}–{_number(value_max)}"
    unit_name = labels.unit(unit)
    joiner = "" if unit_name in ("%",) or labels.lang == "zh" else " "
    text = f"{shown}{joiner}{unit_name}"
    if sign:
        return f"{sign}{text}"
    return f"{word}{'' if labels.lang == 'zh' else ' '}{text}" if word else text


# ---------------------------------------------------------------------------------------------
# 01 timeline


def timeline_data(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    overview = compare.corpus_overview(tables).set_index("doc_id").loc[document_order(tables)].reset_index()
    reports = results_reports(tables)
    out = overview[
        [
            "doc_id",
            "region_id",
            "genre",
            "published",
            "period_start_year",
            "period_end_year",
            "period_label",
            "body_chars",
            "quantities",
            "quantities_per_10k_chars",
        ]
    ].copy()
    out["results_report"] = out["doc_id"].isin(reports)
    out["published"] = out["published"].dt.strftime("%Y-%m-%d").fillna("")
    return out


def plot_corpus_timeline(
    data: pd.DataFrame, labels: Labels, colours: dict[str, str], families: list[str], width: float
) -> Figure:
    """Each document as a bar over the years it covers, dated by publication; quantity density beside it."""
    n = len(data)
    figure = new_figure(width, 62 + 11 * n, families)
    left, right = figure.subplots(1, 2, sharey=True, gridspec_kw={"width_ratios": [3.2, 1]})
    for y, row in data.iterrows():
        start = pd.Timestamp(f"{row.period_start_year}-01-01")
        end = pd.Timestamp(f"{row.period_end_year}-12-31")
        if str(row.period_label).endswith("H2"):
            start = pd.Timestamp(f"{row.period_start_year}-07-01")
        report = bool(row.results_report)
        left.barh(
            y,
            (end - start).days,
            left=start,
            height=0.55,
            color="white" if report else colours[row.region_id],
            edgecolor=colours[row.region_id],
            hatch="////" if report else None,
            linewidth=0.8,
        )
        if row.published:
            left.plot(pd.Timestamp(row.published), y, marker="v", color="black", markersize=5, linestyle="none")
        right.barh(
            y,
            row.quantities_per_10k_chars,
            height=0.55,
            color="white" if report else colours[row.region_id],
            edgecolor=colours[row.region_id],
            hatch="////" if report else None,
            linewidth=0.8,
        )
        right.text(
            row.quantities_per_10k_chars,
            y,
            f" {row.quantities_per_10k_chars:g}",
            va="center",
            ha="left",
            fontsize=PT_TEXT,
        )
    milestones = compare.NATIONAL_MILESTONES.reset_index(drop=True)
    for i, milestone in milestones.iterrows():
        left.axvline(milestone.date, color="#777777", linestyle="--", linewidth=0.7)
        left.text(
            milestone.date,
            1.005,
            str(i + 1),
            transform=left.get_xaxis_transform(),
            ha="center",
            va="bottom",
            fontsize=PT_TEXT,
            color="#333333",
        )
    reports = int(data["results_report"].sum())
    if reports and reports < n:
        for axis in (left, right):
            axis.axhline(n - reports - 0.5, color="#333333", linewidth=0.6)
    left.set_yticks(
        range(n), [_wrap_label(labels.documents[d], 12 if labels.lang == "zh" else 24) for d in data["doc_id"]]
    )
    left.set_ylim(n - 0.5, -0.5)
    left.set_xlabel(labels.t("year"))
    import matplotlib.dates as mdates

    left.xaxis.set_major_locator(mdates.YearLocator(1))
    left.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    left.tick_params(axis="x", labelrotation=90)
    right.set_xlabel(labels.t("density_axis"))
    right.set_xlim(0, data["quantities_per_10k_chars"].max() * 1.45 or 1)
    for axis in (left, right):
        axis.spines[["top", "right"]].set_visible(False)
    keys = [
        f"{i + 1} {m.date:%Y-%m} {m.label_zh if labels.lang == 'zh' else m.label_en}" for i, m in milestones.iterrows()
    ]
    handles = [
        Patch(facecolor="#bbbbbb", edgecolor="#555555", label=labels.t("period_bar")),
        Patch(facecolor="white", edgecolor="#555555", hatch="////", label=labels.t("report_bar")),
        Line2D([], [], marker="v", color="black", linestyle="none", markersize=5, label=labels.t("published")),
        Line2D([], [], color="#777777", linestyle="--", linewidth=0.7, label=labels.t("milestone")),
    ]
    if not reports:
        handles.pop(1)
    _legend(left, handles, above=True, offset_pt=14)
    _title(figure, labels.t("timeline_title"), width)
    _note(figure, "\n".join([labels.t("milestones_key")] + keys) + "\n" + labels.t("timeline_note"), width)
    return figure


# ---------------------------------------------------------------------------------------------
# 05 heatmaps


def heatmap_data(frame: pd.DataFrame, value: str, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The cells of a document × theme heatmap; themes with nothing anywhere are left out."""
    keep = frame.groupby("theme_id")[value].sum()
    themes = [t for t in tables["themes"]["theme_id"] if keep.get(t, 0) > 0]
    order = document_order(tables)
    out = frame[frame["theme_id"].isin(themes)].copy()
    out["theme_rank"] = out["theme_id"].map({t: i for i, t in enumerate(themes)})
    out["doc_rank"] = out["doc_id"].map({d: i for i, d in enumerate(order)})
    out = out.sort_values(["theme_rank", "doc_rank"]).drop(columns=["theme_rank", "doc_rank"])
    if value == "share":
        out["share_percent"] = (out["share"] * 100).round(1)
    return out.reset_index(drop=True)


def plot_heatmap(
    data: pd.DataFrame,
    value: str,
    labels: Labels,
    families: list[str],
    width: float,
    *,
    title: str,
    note: str,
    kind: str,
) -> Figure:
    """Document × theme heatmap. ``kind`` is ``share`` (percent, 0–100 scale), ``level`` (0–3) or ``count``."""
    docs = [d for d in labels.documents if d in set(data["doc_id"])]
    themes = list(dict.fromkeys(data["theme_id"]))
    grid = data.pivot(index="theme_id", columns="doc_id", values=value).loc[themes, docs].astype(float)
    if kind == "share":
        grid = grid * 100
    figure = new_figure(width, 58 + 4.6 * len(themes), families)
    axis = figure.add_subplot()
    from matplotlib.colors import BoundaryNorm, ListedColormap

    if kind == "level":
        image = axis.imshow(
            grid.values,
            aspect="auto",
            cmap=ListedColormap(LEVEL_COLOURS),
            norm=BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], 4),
        )
        dark = grid.values >= 3
    else:
        top = 100 if kind == "share" and grid.values.max() > 50 else max(grid.values.max(), 1)
        image = axis.imshow(grid.values, aspect="auto", cmap="Blues", vmin=0, vmax=top)
        dark = grid.values > 0.6 * top
    for (i, j), cell in np.ndenumerate(grid.values):
        text = (
            f"{cell:.0f}" if kind != "share" else ("0" if cell == 0 else f"{cell:.1f}" if cell < 1 else f"{cell:.0f}")
        )
        axis.text(j, i, text, ha="center", va="center", fontsize=PT_TEXT, color="white" if dark[i, j] else "black")
    chars = 11 if labels.lang == "zh" else 16
    axis.set_xticks(range(len(docs)), [_wrap_label(labels.documents[d], chars) for d in docs])
    axis.set_yticks(range(len(themes)), [labels.themes[t] for t in themes])
    axis.xaxis.tick_top()
    axis.tick_params(length=0)
    reports = sum(d in labels.reports for d in docs)
    if reports and reports < len(docs):
        axis.axvline(len(docs) - reports - 0.5, color="black", linewidth=1.6)
    if kind == "level":
        handles = [
            Patch(facecolor=c, edgecolor="#999999", label=name)
            for c, name in zip(LEVEL_COLOURS, labels.t("level_names"))
        ]
        _legend(axis, handles, above=False)
    else:
        bar = figure.colorbar(image, ax=axis, location="bottom", shrink=0.5, aspect=30, pad=0.01)
        bar.set_label(labels.t("share_axis" if kind == "share" else "counts_axis"))
        bar.outline.set_linewidth(0.5)
        from matplotlib.ticker import MaxNLocator

        bar.locator = MaxNLocator(nbins=6, integer=True)
        bar.update_ticks()
    _title(figure, title, width)
    coded = [labels.coded_by] if labels.coded_by and kind in ("share", "level") else []
    _note(figure, "\n".join([note] + coded + data_caveats(data, labels)), width)
    return figure


# ---------------------------------------------------------------------------------------------
# 03 / 05 indicator dot plots


MULTI_YEAR_BASES = ("total_over_period", "total_unstated_period")


def indicator_data(comparison: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The marks of an indicator figure: one row per value, ``drawn`` False for values not comparable."""
    out = comparison.copy()
    if "comparability" not in out:
        out["comparability"], out["caveat_zh"], out["caveat_en"] = "not_comparable", "", ""
    comparable = out["comparability"].isin(["same", "proxy"])
    # a value is drawn when it is comparable and its indicator has another comparable value to stand beside
    partners = comparable.groupby(out["indicator_group"]).transform("sum")
    out["drawn"] = comparable & partners.ge(2)
    out["left_out_because"] = np.where(
        out["drawn"], "", np.where(comparable, "only_comparable_value", "not_comparable")
    )
    out["results_report"] = out["doc_id"].isin(results_reports(tables))
    basis = out["basis"] if "basis" in out else pd.Series("", index=out.index)
    out["multi_year_total"] = basis.isin(MULTI_YEAR_BASES)
    targets = tables["targets"].set_index("target_id")
    bench = tables["national_benchmarks"].set_index("benchmark_id")
    ids = out["reference_id"]
    out["char_start"] = ids.map(targets["char_start"]).fillna("")
    out["char_end"] = ids.map(targets["char_end"]).fillna("")
    out["source_url"] = ids.map(bench["source_url"]).fillna("")
    order = {d: i for i, d in enumerate(document_order(tables))}
    out["doc_rank"] = out["doc_id"].map(order).fillna(len(order))
    out["source_rank"] = (out["source"] == "national").astype(int)
    out = out.sort_values(["indicator_group", "source_rank", "doc_rank", "year", "reference_id"], kind="stable")
    columns = [
        c
        for c in [
            "indicator_group",
            "group_name_zh",
            "group_name_en",
            "source",
            "reference_id",
            "doc_id",
            "region_id",
            "kind",
            "value",
            "value_max",
            "unit",
            "comparator",
            "year",
            "basis",
            "comparability",
            "comparability_reason",
            "caveat_zh",
            "caveat_en",
            "drawn",
            "left_out_because",
            "results_report",
            "multi_year_total",
            "quote",
            "char_start",
            "char_end",
            "source_url",
        ]
        if c in out
    ]
    return out[columns].reset_index(drop=True)


def _mark_label(row, labels: Labels) -> str:
    """A one-line row label: 'region · period' for local values, 'national · policy · year' for benchmarks."""
    if row.source == "national":
        return labels.benchmarks.get(row.reference_id, row.reference_id)
    return labels.short_documents.get(row.doc_id, row.doc_id)


ROW_MM, PANEL_MM, FRAME_MM = 4.4, 14.0, 34.0


def indicator_pages(data: pd.DataFrame, budget_mm: float = MAX_HEIGHT_MM) -> list[list[str]]:
    """Indicator groups packed, in order, into figures no taller than ``budget_mm`` (language independent)."""
    drawn = data[data["drawn"]]
    notes_mm = 4 * (drawn["comparability"] == "proxy").sum() + 12
    pages: list[list[str]] = [[]]
    used = FRAME_MM + notes_mm
    for group in dict.fromkeys(drawn["indicator_group"]):
        need = PANEL_MM + ROW_MM * int((drawn["indicator_group"] == group).sum())
        if pages[-1] and used + need > budget_mm:
            pages.append([])
            used = FRAME_MM + notes_mm
        pages[-1].append(group)
        used += need
    return pages


def plot_indicators(
    data: pd.DataFrame,
    labels: Labels,
    colours: dict[str, str],
    families: list[str],
    width: float,
    title: str,
    groups: list[str] | None = None,
) -> Figure:
    """One panel per indicator, each on its own axis (shares 0–100%, counts from 0); only comparable values."""
    drawn = data[data["drawn"]]
    groups = list(dict.fromkeys(drawn["indicator_group"])) if groups is None else groups
    drawn = drawn[drawn["indicator_group"].isin(groups)]
    sizes = [int((drawn["indicator_group"] == g).sum()) for g in groups]
    left_out = (
        int((data["left_out_because"] == "not_comparable").sum())
        if "left_out_because" in data
        else int((~data["drawn"]).sum())
    )
    alone = int((data["left_out_because"] == "only_comparable_value").sum()) if "left_out_because" in data else 0
    caveats: dict[str, int] = {}
    for row in drawn[drawn["comparability"] == "proxy"].itertuples():
        caveats.setdefault(labels.caveat(getattr(row, f"caveat_{labels.lang}")), len(caveats) + 1)
    height = FRAME_MM + 12 + ROW_MM * sum(sizes) + PANEL_MM * len(groups) + 4 * len(caveats)
    figure = new_figure(width, height, families)
    if not groups:
        axis = figure.add_subplot()
        axis.set_axis_off()
        axis.text(
            0.5, 0.5, labels.t("no_values"), ha="center", va="center", fontsize=PT_TITLE, transform=axis.transAxes
        )
        axes = [axis]
    else:
        axes = figure.subplots(len(groups), 1, squeeze=False, gridspec_kw={"height_ratios": [s + 2.2 for s in sizes]})[
            :, 0
        ]
        for axis, group in zip(axes, groups):
            rows = drawn[drawn["indicator_group"] == group].reset_index(drop=True)
            unit = labels.unit(rows["unit"].iloc[0])
            share = rows["unit"].map(lambda u: labels.unit(u)).eq("%").all()
            for i, row in rows.iterrows():
                national = row.source == "national"
                colour = NATIONAL_COLOUR if national else colours.get(row.region_id, "#333333")
                marker = "D" if national else ("s" if row.results_report else "o")
                hollow = bool(row.multi_year_total)
                axis.plot(
                    row.value,
                    i,
                    marker,
                    color=colour,
                    markersize=4.5,
                    markerfacecolor="white" if hollow else colour,
                    markeredgewidth=1.0,
                    linestyle="none",
                )
                if pd.notna(row.value_max):
                    axis.plot([row.value, row.value_max], [i, i], color=colour, linewidth=1.5)
                text = value_text(row.value, row.value_max, row.unit, row.comparator, labels)
                year = _year(row.year, labels)
                text += f"({year})" if labels.lang == "zh" and year else f" ({year})" if year else ""
                if row.multi_year_total:
                    text += labels.t("total_suffix") if labels.lang == "zh" else f", {labels.t('total_suffix')}"
                if row.comparability == "proxy":
                    text += f" [{labels.t('caveat_prefix')} {caveats[labels.caveat(getattr(row, f'caveat_{labels.lang}'))]}]"
                axis.annotate(
                    text,
                    (row.value if pd.isna(row.value_max) else row.value_max, i),
                    xytext=(4, 0),
                    textcoords="offset points",
                    va="center",
                    ha="left",
                    fontsize=PT_TEXT,
                )
            axis.set_yticks(range(len(rows)), [_mark_label(r, labels) for r in rows.itertuples()])
            axis.set_ylim(len(rows) - 0.4, -0.6)
            axis.tick_params(axis="y", length=0, pad=3)
            high = rows[["value", "value_max"]].max().max()
            if share and high <= 100:
                axis.set_xlim(0, 145)
                axis.set_xticks([0, 20, 40, 60, 80, 100])
            else:
                axis.set_xlim(0, (high or 1) * 1.7)
                from matplotlib.ticker import MaxNLocator

                axis.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
                axis.set_xlim(0, (high or 1) * 1.7)
            name = rows[f"group_name_{labels.lang}"].iloc[0]
            axis.set_title(
                wrap_text(f"{name}({unit})" if labels.lang == "zh" else f"{name} ({unit})", width * 0.5, PT_TEXT),
                fontsize=PT_TEXT,
                loc="left",
                pad=3,
            )
            axis.spines[["top", "right"]].set_visible(False)
            axis.grid(axis="x", color="#dddddd", linewidth=0.5)
            axis.set_axisbelow(True)
    local = drawn[drawn["source"] != "national"]
    shown = {
        "local_target": bool((~local["results_report"]).any()),
        "local_total": bool(drawn["multi_year_total"].any()),
        "report_value": bool(local["results_report"].any()),
        "national": bool((drawn["source"] == "national").any()),
    }
    styles = {
        "local_target": dict(marker="o", color="#333333"),
        "local_total": dict(marker="o", color="#333333", markerfacecolor="white"),
        "report_value": dict(marker="s", color="#333333"),
        "national": dict(marker="D", color=NATIONAL_COLOUR),
    }
    handles = [
        Line2D([], [], linestyle="none", markersize=4.5, label=labels.t(key), **styles[key])
        for key, show in shown.items()
        if show
    ]
    if groups:
        title_lines = axes[0].get_title(loc="left").count("\n") + 1
        _legend(axes[0], handles, above=True, ncols=4 if labels.lang == "zh" else 2, offset_pt=6 + 9 * title_lines)
    _title(figure, title, width)
    notes = [f"{labels.t('caveat_prefix')} {n}: {text}" for text, n in caveats.items()]
    extra = [labels.t("alone_note").format(n=alone)] if alone else []
    if labels.lang == "en" and any("FYP" in _mark_label(r, labels) for r in drawn.itertuples()):
        extra.append("FYP: Five-Year Plan.")
    _note(figure, "\n".join(notes + [labels.t("indicators_note").format(n=left_out)] + extra), width)
    return figure


# ---------------------------------------------------------------------------------------------
# 02 / 04 component matrices


def component_data(matrix: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    order = {d: i for i, d in enumerate(document_order(tables))}
    out = matrix.copy()
    out["results_report"] = out["doc_id"].isin(results_reports(tables))
    out["doc_rank"] = out["doc_id"].map(order)
    out = out.sort_values(["doc_rank"], kind="stable").drop(columns=["doc_rank"])
    out["published"] = pd.to_datetime(out["published"]).dt.strftime("%Y-%m-%d").fillna("")
    columns = [
        c
        for c in [
            "doc_id",
            "region_id",
            "component",
            "name_zh",
            "name_en",
            "present",
            "after_double_reduction",
            "results_report",
            "comparability",
            "caveat_zh",
            "caveat_en",
            "quote",
            "char_start",
            "notes",
            "published",
        ]
        if c in out
    ]
    return out[columns].reset_index(drop=True)


def plot_presence_matrix(
    data: pd.DataFrame, labels: Labels, families: list[str], width: float, title: str, split_by_date: bool = False
) -> Figure:
    """Document × component matrix of filled (named) and open (not named) circles; reports set apart."""
    items = list(dict.fromkeys(data["component"]))
    names = dict(zip(data["component"], data[f"name_{labels.lang}"]))
    docs = [d for d in labels.documents if d in set(data["doc_id"])]
    figure = new_figure(width, 60 + 5.5 * len(items), families)
    axis = figure.add_subplot()
    present = data.set_index(["doc_id", "component"])["present"]
    for j, doc in enumerate(docs):
        for i, item in enumerate(items):
            filled = bool(present.get((doc, item), False))
            axis.plot(
                j,
                i,
                "o",
                markersize=8,
                markerfacecolor="#0072B2" if filled else "white",
                markeredgecolor="#0072B2",
                markeredgewidth=1.0,
            )
    reports = sum(d in labels.reports for d in docs)
    if reports and reports < len(docs):
        axis.axvline(len(docs) - reports - 0.5, color="black", linewidth=1.2)
    if split_by_date:
        dates = data.drop_duplicates("doc_id").set_index("doc_id")["after_double_reduction"]
        plans = [d for d in docs if d not in labels.reports]
        before = sum(1 for d in plans if not dates[d])
        if 0 < before < len(plans) and all(not dates[d] for d in plans[:before]):
            axis.axvline(before - 0.5, color="#D55E00", linestyle="--", linewidth=1.0)
            axis.annotate(
                "← " + labels.t("before"),
                (before - 0.5, len(items) - 0.35),
                xytext=(-3, 0),
                textcoords="offset points",
                ha="right",
                va="center",
                fontsize=PT_TEXT,
                color="#A04000",
            )
            axis.annotate(
                labels.t("after") + " →",
                (before - 0.5, len(items) - 0.35),
                xytext=(3, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=PT_TEXT,
                color="#A04000",
            )
    chars = 11 if labels.lang == "zh" else 16
    axis.set_xticks(range(len(docs)), [_wrap_label(labels.documents[d], chars) for d in docs])
    axis.set_yticks(range(len(items)), [names[i] for i in items])
    axis.set_xlim(-0.6, len(docs) - 0.4)
    axis.set_ylim(len(items) + (0.2 if split_by_date else -0.4), -0.6)
    axis.xaxis.tick_top()
    axis.tick_params(length=0)
    axis.spines[:].set_visible(False)
    handles = [
        Line2D([], [], marker="o", color="#0072B2", linestyle="none", markersize=8, label=labels.t("present")),
        Line2D(
            [],
            [],
            marker="o",
            color="#0072B2",
            markerfacecolor="white",
            linestyle="none",
            markersize=8,
            label=labels.t("absent"),
        ),
    ]
    _legend(axis, handles, above=False)
    _title(figure, title, width)
    coded = [labels.coded_by] if labels.coded_by else []
    _note(figure, "\n".join([labels.t("components_note")] + coded + data_caveats(data, labels)), width)
    return figure


# ---------------------------------------------------------------------------------------------
# 06 plan against result


def plan_result_data(tables: dict[str, pd.DataFrame], registry: dict[str, pd.DataFrame]) -> pd.DataFrame:
    frames = []
    for name, drawn in (("plan_against_result", True), ("plan_against_result_not_comparable", False)):
        frame = registry.get(name)
        if frame is not None and not frame.empty:
            frames.append(frame.assign(drawn=drawn))
    if not frames:
        return pd.DataFrame(columns=["region_id", "indicator_group", "target_id_plan", "target_id_result", "drawn"])
    out = pd.concat(frames, ignore_index=True)
    targets = tables["targets"].set_index("target_id")
    for side in ("plan", "result"):
        out[f"char_start_{side}"] = out[f"target_id_{side}"].map(targets["char_start"])
        out[f"char_end_{side}"] = out[f"target_id_{side}"].map(targets["char_end"])
    names = tables["indicator_groups"].set_index("indicator_group")
    out["group_name_zh"] = out["indicator_group"].map(names["name_zh"])
    out["group_name_en"] = out["indicator_group"].map(names["name_en"])
    columns = [
        c
        for c in [
            "region_id",
            "indicator_group",
            "group_name_zh",
            "group_name_en",
            "target_id_plan",
            "doc_id_plan",
            "value_plan",
            "unit_plan",
            "comparator_plan",
            "target_year_plan",
            "basis_plan",
            "target_id_result",
            "doc_id_result",
            "value_result",
            "unit_result",
            "target_year_result",
            "basis_result",
            "comparability",
            "comparability_reason",
            "caveat_zh",
            "caveat_en",
            "drawn",
            "quote_plan",
            "char_start_plan",
            "char_end_plan",
            "quote_result",
            "char_start_result",
            "char_end_result",
        ]
        if c in out
    ]
    return (
        out[columns]
        .sort_values(
            ["drawn", "region_id", "indicator_group", "target_id_plan", "target_id_result"],
            ascending=[False, True, True, True, True],
            kind="stable",
        )
        .reset_index(drop=True)
    )


def _pair_reason(row, labels: Labels) -> str:
    """Why a target and a result are not comparable, in the figure's language, without ids."""
    from analysis.comparability import BASIS_TEXT

    reasons = [r for r in re.split(r"[;,]\s*", str(getattr(row, "comparability_reason", "") or "")) if r]
    parts = []
    for reason in reasons:
        plan, result = getattr(row, "basis_plan", ""), getattr(row, "basis_result", "")
        if reason == "basis" and plan in BASIS_TEXT and result in BASIS_TEXT:
            parts.append(
                f"统计基础不同:目标是{BASIS_TEXT[plan][0]},成效是{BASIS_TEXT[result][0]}。"
                if labels.lang == "zh"
                else f"Different basis: the target is {BASIS_TEXT[plan][1]}, the result {BASIS_TEXT[result][1]}."
            )
        elif reason in REASONS[labels.lang]:
            parts.append(REASONS[labels.lang][reason])
    if not parts:
        parts.append(labels.caveat(getattr(row, f"caveat_{labels.lang}")))
    return "".join(parts) if labels.lang == "zh" else " ".join(parts)


def plot_plan_against_result(
    data: pd.DataFrame, labels: Labels, colours: dict[str, str], families: list[str], width: float
) -> Figure:
    """Comparable pairs as a target and a result on the indicator's own axis; the others listed with their reason."""
    drawn = data[data["drawn"]].reset_index(drop=True)
    others = data[~data["drawn"]].reset_index(drop=True)
    lines = []
    for row in others.itertuples():
        plan = value_text(row.value_plan, None, row.unit_plan, row.comparator_plan, labels)
        result = value_text(row.value_result, None, row.unit_result, "=", labels)
        name = getattr(row, f"group_name_{labels.lang}")
        caveat = _pair_reason(row, labels)
        region = labels.regions.get(row.region_id, row.region_id)
        if labels.lang == "zh":
            lines.append(f"· {region}{name}:目标{plan}({_year(row.target_year_plan, labels)}),成效{result}。{caveat}")
        else:
            lines.append(
                f"· {region}, {name}: target {plan} ({_year(row.target_year_plan, labels)}), result {result}. {caveat}"
            )
    proxies = [
        f"{labels.t('caveat_prefix')} {n}: {labels.caveat(getattr(r, f'caveat_{labels.lang}'))}"
        for n, r in enumerate(drawn[drawn["comparability"] == "proxy"].itertuples(), start=1)
    ]
    note = "\n".join(proxies + [labels.t("plan_result_note")] + lines)
    note_lines = wrap_text(note, width - 6, PT_NOTE).count("\n") + 1
    figure = new_figure(width, 24 + (24 * len(drawn) if len(drawn) else 14) + 3.6 * note_lines, families)
    axes = figure.subplots(max(len(drawn), 1), 1, squeeze=False)[:, 0]
    if drawn.empty:
        axes[0].set_axis_off()
        axes[0].text(
            0.5, 0.5, labels.t("no_pairs"), ha="center", va="center", fontsize=PT_TITLE, transform=axes[0].transAxes
        )
    for axis, row in zip(axes, drawn.itertuples()):
        colour = colours.get(row.region_id, "#333333")
        total = getattr(row, "basis_result", "") in MULTI_YEAR_BASES
        axis.plot(row.value_plan, 0, "o", color=colour, markersize=5)
        axis.plot(row.value_result, 0, "s", color=colour, markersize=5, markerfacecolor="white" if total else colour)
        plan_year = _year(row.target_year_plan, labels)
        result_year = _year(row.target_year_result, labels)
        gap = "" if labels.lang == "zh" else " "
        plan = f"{labels.t('plan_label')}{gap}{value_text(row.value_plan, None, row.unit_plan, row.comparator_plan, labels)}"
        result = f"{labels.t('result_label')}{gap}{value_text(row.value_result, None, row.unit_result, '=', labels)}"
        plan += f"({plan_year})" if labels.lang == "zh" and plan_year else f" ({plan_year})" if plan_year else ""
        result += (
            f"({result_year})" if labels.lang == "zh" and result_year else f" ({result_year})" if result_year else ""
        )
        if total:
            result += labels.t("total_suffix") if labels.lang == "zh" else f", {labels.t('total_suffix')}"
        if row.comparability == "proxy":
            proxy_number = int((drawn.loc[: row.Index, "comparability"] == "proxy").sum())
            result += f" [{labels.t('caveat_prefix')} {proxy_number}]"
        axis.annotate(
            plan, (row.value_plan, 0), xytext=(0, 6), textcoords="offset points", ha="center", fontsize=PT_TEXT
        )
        axis.annotate(
            result, (row.value_result, 0), xytext=(0, -13), textcoords="offset points", ha="center", fontsize=PT_TEXT
        )
        axis.set_xlim(0, max(row.value_plan, row.value_result) * 1.3)
        axis.set_ylim(-1, 1)
        axis.set_yticks([])
        unit = labels.unit(row.unit_plan)
        name = getattr(row, f"group_name_{labels.lang}")
        axis.set_title(
            f"{labels.regions.get(row.region_id)} · {name}" + (f"({unit})" if labels.lang == "zh" else f" ({unit})"),
            loc="left",
            fontsize=PT_TEXT,
        )
        axis.spines[["top", "right", "left"]].set_visible(False)
    if not drawn.empty:
        handles = [
            Line2D([], [], marker="o", color="#333333", linestyle="none", markersize=5, label=labels.t("plan_legend")),
            Line2D(
                [], [], marker="s", color="#333333", linestyle="none", markersize=5, label=labels.t("result_legend")
            ),
        ]
        if drawn.get("basis_result", pd.Series(dtype=str)).isin(MULTI_YEAR_BASES).any():
            handles.append(
                Line2D(
                    [],
                    [],
                    marker="s",
                    color="#333333",
                    markerfacecolor="white",
                    linestyle="none",
                    markersize=5,
                    label=labels.t("local_total"),
                )
            )
        _legend(axes[0], handles, above=True, ncols=3, offset_pt=15, from_figure_edge=False)
    _title(figure, labels.t("plan_result_title"), width)
    _note(figure, note, width)
    return figure


# ---------------------------------------------------------------------------------------------
# registry, saving


@dataclass(frozen=True)
class FigureSpec:
    """One report figure: file stem, print width (mm), what it shows, its data and how to draw it."""

    stem: str
    width_mm: float
    shows: str
    data: pd.DataFrame
    draw: Callable[[Labels, dict[str, str], list[str]], Figure]


def figure_specs(
    tables: dict[str, pd.DataFrame],
    texts: dict[str, str] | None = None,
    registry: dict[str, pd.DataFrame] | None = None,
) -> list[FigureSpec]:
    """Every report figure, computed from one loaded state of the tables (and its comparison tables)."""
    registry = compare.comparison_tables(tables) if registry is None else registry
    width = DOUBLE_COLUMN_MM
    timeline = timeline_data(tables)
    shares = heatmap_data(registry["theme_text_shares"], "share", tables)
    levels = heatmap_data(registry["commitment_levels"], "level", tables)
    counts = heatmap_data(registry["target_counts"], "quantities", tables)
    comparison = registry["indicator_comparison"]
    kg_groups = set(
        tables["targets"].loc[tables["targets"]["theme_id"] == "kindergarten_coverage", "indicator_group"]
    ) - {""}
    kindergarten = indicator_data(comparison[comparison["indicator_group"].isin(kg_groups)], tables)
    everything = indicator_data(comparison, tables)
    rotation = component_data(registry["teacher_rotation_mechanisms"], tables)
    double_reduction = component_data(registry["double_reduction_matrix"], tables)
    pairs = plan_result_data(tables, registry)

    def t(key):
        return lambda L: L.t(key)

    return [
        FigureSpec(
            "01_corpus_timeline",
            width,
            "each document's period and publication date, national milestones, and quantities per 10,000 characters",
            timeline,
            lambda L, C, F: plot_corpus_timeline(timeline, L, C, F, width),
        ),
        FigureSpec(
            "02_teacher_rotation_mechanisms",
            width,
            "which teacher-rotation mechanisms each document names",
            rotation,
            lambda L, C, F: plot_presence_matrix(rotation, L, F, width, L.t("rotation_title")),
        ),
        FigureSpec(
            "03_kindergarten_targets_vs_national",
            width,
            "pre-school targets beside national benchmarks, comparable values only",
            kindergarten,
            lambda L, C, F: plot_indicators(kindergarten, L, C, F, width, L.t("kg_title")),
        ),
        FigureSpec(
            "04_double_reduction_components",
            width,
            "which 'double reduction' components each document names, before and after the national opinion",
            double_reduction,
            lambda L, C, F: plot_presence_matrix(double_reduction, L, F, width, L.t("dr_title"), split_by_date=True),
        ),
        FigureSpec(
            "05_theme_text_shares",
            width,
            "share of each document's clause text per theme (%)",
            shares,
            lambda L, C, F: plot_heatmap(
                shares, "share", L, F, width, title=L.t("theme_share_title"), note=L.t("theme_share_note"), kind="share"
            ),
        ),
        FigureSpec(
            "05_commitment_levels",
            width,
            "commitment level (0–3) per document and theme",
            levels,
            lambda L, C, F: plot_heatmap(
                levels, "level", L, F, width, title=L.t("commitment_title"), note=L.t("commitment_note"), kind="level"
            ),
        ),
        FigureSpec(
            "05_quantity_counts",
            width,
            "number of quantities per document and theme",
            counts,
            lambda L, C, F: plot_heatmap(
                counts, "quantities", L, F, width, title=L.t("counts_title"), note=L.t("counts_note"), kind="count"
            ),
        ),
        *_indicator_specs(everything, width),
        FigureSpec(
            "06_plan_against_result",
            width,
            "plan targets beside the results report's values where they are "
            "measured the same way; the other pairs listed with their reason",
            pairs,
            lambda L, C, F: plot_plan_against_result(pairs, L, C, F, width),
        ),
    ]


def _indicator_specs(everything: pd.DataFrame, width: float) -> list[FigureSpec]:
    """05_comparable_indicators, split into numbered parts when one figure would exceed 230 mm."""
    pages = indicator_pages(everything)
    specs = []
    for number, groups in enumerate(pages, start=1):
        stem = "05_comparable_indicators" if len(pages) == 1 else f"05_comparable_indicators_{number}"
        part = everything[everything["indicator_group"].isin(groups) | (~everything["drawn"] & (number == 1))]

        def draw_page(L, C, F, groups=groups, number=number):
            part = f"({number}/{len(pages)})" if L.lang == "zh" else f" ({number}/{len(pages)})"
            title = L.t("comparable_title") + (part if len(pages) > 1 else "")
            return plot_indicators(everything, L, C, F, width, title, groups)

        specs.append(
            FigureSpec(
                stem,
                width,
                "comparable indicators: local values and national benchmarks"
                + (f", part {number} of {len(pages)}" if len(pages) > 1 else ""),
                part.reset_index(drop=True),
                draw_page,
            )
        )
    return specs


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write a file atomically with the mode of a plain write (:func:`analysis.atomic.write_bytes_atomic`)."""
    from analysis.atomic import write_bytes_atomic as write

    write(path, data)


def save_figure(figure: Figure, stem: Path) -> list[Path]:
    """Save PNG (300 dpi) and PDF without timestamps, each atomically; return the paths written."""
    metadata = {
        "png": {"Software": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    }
    written = []
    for fmt in FORMATS:
        path = stem.with_suffix(f".{fmt}")
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, dpi=300 if fmt == "png" else 100, metadata=metadata[fmt])
        write_bytes_atomic(path, buffer.getvalue())
        written.append(path)
    return written


def save_figure_data(
    spec: FigureSpec, out_dir: Path, tables: dict[str, pd.DataFrame] | None = None, root: Path | None = None
) -> Path:
    """The plotted values of a figure as ``NAME.csv`` (UTF-8, one row per mark), written atomically.

    With ``tables``, every id column gets an ``evidence_<column>`` link to its quote in the evidence site.
    """
    from analysis.curated import frame_to_csv_text
    from analysis.evidence_links import add_evidence_links

    frame = spec.data.copy()
    if tables is not None:
        frame = add_evidence_links(frame, tables, "zh", start=out_dir, root=root or out_dir.parent)
    for column in frame.columns:
        frame[column] = frame[column].map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else v)
    path = out_dir / f"{spec.stem}.csv"
    write_bytes_atomic(path, frame_to_csv_text(frame).encode("utf-8"))
    return path


def build_all_figures(
    tables: dict[str, pd.DataFrame],
    texts: dict[str, str],
    out_dir: Path,
    families: list[str],
    languages: tuple[str, ...] = ("zh", "en"),
    progress=None,
) -> list[Path]:
    """Draw every figure in every language from one state of the tables, with its data CSV; returns the files."""
    colours = region_colours(tables)
    written: list[Path] = []
    remove_leftover_temporaries(out_dir)
    specs = figure_specs(tables, texts)
    for spec in specs:
        written.append(save_figure_data(spec, out_dir, tables, out_dir.parent))
    for lang in languages:
        labels = make_labels(tables, lang)
        for spec in specs:
            figure = spec.draw(labels, colours, families)
            written += save_figure(figure, out_dir / f"{spec.stem}_{lang}")
            if progress:
                progress(f"{spec.stem}_{lang}")
    readme = out_dir / "README.md"
    write_bytes_atomic(readme, figures_readme(specs).encode("utf-8"))
    written.append(readme)
    if set(languages) == set(TEXT):
        _remove_stale(out_dir, written)
    return written


OUTPUT_NAME = re.compile(r"^\d\d_[a-z0-9_]+\.(png|pdf|csv)$")


def remove_leftover_temporaries(out_dir: Path) -> list[Path]:
    """Delete the hidden temporary files a killed build left in ``out_dir`` (never a finished file)."""
    removed = []
    if out_dir.is_dir():
        for path in out_dir.glob(".*.tmp"):
            if OUTPUT_NAME.match(path.name[1:].rsplit(".", 2)[0]) or path.name.startswith(".README.md."):
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def _remove_stale(out_dir: Path, written: list[Path]) -> None:
    """Remove figure files of an earlier build that this build did not write (e.g. a figure split in two)."""
    keep = {p.name for p in written}
    for path in out_dir.iterdir():
        if OUTPUT_NAME.match(path.name) and path.name not in keep:
            path.unlink()


README_HEAD = """# figures/

Written by the main job (`python -m analysis build`) or by `python -m analysis figures [--lang zh en]`, from one
state of the data (`analysis.snapshot.load_state`). Every figure comes in Chinese (`_zh`) and English (`_en`), as PNG
at 300 dpi and as PDF with a TrueType subset of Noto Sans CJK SC embedded (text extractable), drawn at its print
size: one journal column is 85 mm wide, two columns 175 mm; no figure is taller than 230 mm and no text is smaller
than 7 pt (`tests/test_figure_standards.py` measures this, with overlaps, clipping and the language of every text).
`NAME.csv` beside each figure holds the values it draws, one row per mark, with the target or benchmark ids, the
quote and its offsets into the raw text. Quantitative figures draw only values graded `same` or `proxy` by
`analysis.compare.comparison_tables`; the others are in the CSV with `drawn` = False and their caveat.
Language rule: a Chinese figure holds no Latin letter (ids such as XC21-T005 stay in the CSV), an English figure no
Chinese character or full-width punctuation; digits, %, ≥ ≤ ≈, ·, dashes and arrows belong to both.
Files are written atomically (a killed build leaves the previous file, never a truncated one); this README is
rewritten by every build, the figure files are derived and not kept in git.

Who coded what: clause themes, commitment levels and the components of the focus themes were set by AI reading
sessions (independent sessions of one language model), each with a verbatim quote; see
`data/curated/README.md`. No figure says "hand-coded".

| file stem | width | shows |
|---|---|---|
"""


def figures_readme(specs: list[FigureSpec]) -> str:
    """figures/README.md: every figure with its width and what it shows."""
    rows = [f"| `{spec.stem}` | {spec.width_mm:g} mm | {spec.shows} |" for spec in specs]
    return README_HEAD + "\n".join(rows) + "\n"


def draw(
    stem: str,
    tables: dict[str, pd.DataFrame],
    texts: dict[str, str] | None = None,
    lang: str = "zh",
    root: Path | None = None,
) -> Figure:
    """One report figure by its file stem (e.g. ``01_corpus_timeline``), for notebooks; its font is the subset of
    the project whose data ``load_tables()`` reads, unless ``root`` names another."""
    from analysis.paths import current_root

    families, specs = fonts_and_specs(tables, texts, Path(root) if root else current_root())
    return spec_by_stem(specs, stem).draw(make_labels(tables, lang), region_colours(tables), families)


def state_key(tables: dict[str, pd.DataFrame], texts: dict[str, str] | None, root: Path) -> str | None:
    """A digest of one state of the tables and texts, drawn in ``root``'s font subset; ``None`` when a cell cannot
    be hashed (a list, say)."""
    from analysis.pipeline import digest_of

    try:
        fingerprint = compare.tables_fingerprint(tables)
    except TypeError:
        return None
    return digest_of(fingerprint, str(root), *[f"{k}\0{v}" for k, v in sorted((texts or {}).items())])


# The font families and figure specs of the last few states of the tables, by :func:`state_key`: a notebook
# draws several figures from one state (and the main job plans what its notebooks show from one), and working
# out every spec and the characters of the font subset again for each would cost a second or more. Drawing
# reads a spec and never changes it.
_RECENT_SPECS: OrderedDict[str, tuple[list[str], list[FigureSpec]]] = OrderedDict()
_RECENT_SPECS_SIZE = 4


def fonts_and_specs(
    tables: dict[str, pd.DataFrame], texts: dict[str, str] | None, root: Path, key: str | None = None
) -> tuple[list[str], list[FigureSpec]]:
    """The font families (``root``'s subset, covering the tables) and every figure spec of one state of the
    tables, worked out once per state (``key``: its :func:`state_key`, computed when not given)."""
    from analysis.fonts import register_fonts

    key = key or state_key(tables, texts, root)
    if key is None:
        return register_fonts(figure_characters(tables), root), figure_specs(tables, texts)
    if key not in _RECENT_SPECS:
        _RECENT_SPECS[key] = (register_fonts(figure_characters(tables), root), figure_specs(tables, texts))
        while len(_RECENT_SPECS) > _RECENT_SPECS_SIZE:
            _RECENT_SPECS.popitem(last=False)
    _RECENT_SPECS.move_to_end(key)
    families, specs = _RECENT_SPECS[key]
    return list(families), specs


def spec_by_stem(specs: list[FigureSpec], stem: str) -> FigureSpec:
    """The figure named ``stem``; for a figure split into parts, its first part. KeyError lists the names."""
    named = {spec.stem: spec for spec in specs}
    if stem not in named and f"{stem}_1" in named:
        stem = f"{stem}_1"
    if stem not in named:
        raise KeyError(f"no figure {stem!r}; choose one of {sorted(named)}")
    return named[stem]
