"""Report-ready figures drawn from the comparison tables, in Chinese or English, saved reproducibly.

Each ``plot_*`` function takes comparison tables (from :mod:`analysis.compare`) and a language,
and returns a :class:`matplotlib.figure.Figure` without touching pyplot's global state.
:func:`save_figure` writes PNG (300 dpi) and PDF (font embedded as a subset, text extractable through
its Unicode map) with no timestamps, so unchanged data gives byte-identical files.
"""
from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg", force=False)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from analysis import compare  # noqa: E402

# Okabe–Ito, a colour-blind-safe qualitative palette; regions take colours in regions.csv order.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
LEVEL_COLOURS = ["#f7f7f7", "#c6dbef", "#6baed6", "#08519c"]
FORMATS = ("png", "pdf")  # PDF embeds the font and keeps the text extractable; SVG could do neither

TEXT = {
    "zh": {
        "genre_note": "注:所比文件体裁与时期不同(年度要点、半年计划、三年行动方案、成效报道),比较时请同类相比。",
        "timeline_title": "文件、覆盖时期与全国政策节点",
        "year": "年份",
        "timeline_note": "▼ 发布日期;虚线为全国政策节点;条形为文件覆盖的时期。",
        "targets_per_10k": "每万字量化数",
        "theme_share_title": "各主题占文件正文的比例(按条款字数,已除以该文件条款总字数)",
        "commitment_title": "各主题承诺强度(0 未提及 · 1 泛泛提及 · 2 具体措施 · 3 量化目标/成效)",
        "counts_title": "各主题量化数(目标、基线与成效;未按篇幅标准化)",
        "kg_title": "学前教育:地方目标与全国基准",
        "comparable_title": "可比指标:地方数值与全国基准",
        "value": "数值",
        "national": "全国基准",
        "rotation_title": "教师交流轮岗:各文件提及的机制(人工编码,附引文)",
        "dr_title": "“双减”各组成部分(人工编码;竖线左侧文件早于2021年7月全国“双减”意见)",
        "before": "早于“双减”意见",
        "after": "晚于“双减”意见",
        "plan_result_title": "规划目标与成效报道(同一地区、同一指标)",
        "plan_result_note": "注:目标来自规划文件,成效来自另一时期的成效报道(成效可能是多年累计),二者体裁不同,请参阅引文。横轴为对称对数刻度。",
        "plan": "目标",
        "result": "报道的成效",
        "present": "有",
        "absent": "无",
        "level": "强度",
        "share": "占比",
        "count": "数量",
        "document": "文件",
        "theme": "主题",
        "milestone": "全国政策节点",
    },
    "en": {
        "genre_note": "Note: the documents differ in genre and period (annual work points, half-year plan, three-year plan, "
                      "results report); compare like with like.",
        "timeline_title": "Documents, the periods they cover, and national policy milestones",
        "year": "Year",
        "timeline_note": "▼ publication date; dashed lines: national policy milestones; bars: the period each document covers.",
        "targets_per_10k": "quantities per 10,000 characters",
        "theme_share_title": "Share of each document's plan text per theme (clause characters ÷ the document's clause characters)",
        "commitment_title": "Commitment level per theme (0 absent · 1 mention · 2 concrete measure · 3 quantified)",
        "counts_title": "Quantities per theme (targets, baselines and achievements; not normalised by length)",
        "kg_title": "Pre-school education: local targets against national benchmarks",
        "comparable_title": "Comparable indicators: local values and national benchmarks",
        "value": "Value",
        "national": "National benchmark",
        "rotation_title": "Teacher rotation: mechanisms each document names (hand-coded, with quotes)",
        "dr_title": "'Double reduction' components (hand-coded; documents left of the line predate the July 2021 opinion)",
        "before": "before the opinion",
        "after": "after the opinion",
        "plan_result_title": "Plan targets against the reported results (same region, same indicator)",
        "plan_result_note": "Note: targets come from a plan, results from a results report of another genre and period "
                            "(results may be multi-year totals); read the quotes. Symmetric-log horizontal axis.",
        "plan": "target",
        "result": "reported result",
        "present": "yes",
        "absent": "no",
        "level": "level",
        "share": "share",
        "count": "count",
        "document": "Document",
        "theme": "Theme",
        "milestone": "national milestone",
    },
}


@dataclass(frozen=True)
class Labels:
    """Language-specific labels for documents, regions and themes, built from the curated tables."""

    lang: str
    documents: dict[str, str]
    regions: dict[str, str]
    themes: dict[str, str]

    def t(self, key: str) -> str:
        return TEXT[self.lang][key]


def make_labels(tables: dict[str, pd.DataFrame], lang: str) -> Labels:
    """Document labels read 'region · genre · period' in the chosen language."""
    if lang not in TEXT:
        raise ValueError(f"unknown language {lang!r}: choose one of {sorted(TEXT)}")
    docs = compare.documents_with_regions(tables)
    suffix = "zh" if lang == "zh" else "en"
    genre = docs["genre_zh"] if lang == "zh" else docs["genre"].str.replace("_", " ")
    documents = dict(zip(docs["doc_id"], docs[f"region_{suffix}"] + " · " + genre + " · " + docs["period_label"]))
    regions = dict(zip(tables["regions"]["region_id"], tables["regions"][f"name_{suffix}"]))
    themes = dict(zip(tables["themes"]["theme_id"], tables["themes"][f"name_{suffix}"]))
    return Labels(lang, documents, regions, themes)


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
    parts += [value for language in TEXT.values() for value in language.values()]
    parts += list(compare.NATIONAL_MILESTONES["label_zh"])
    return "".join(parts)


class ReportFigure(Figure):
    """A matplotlib Figure that Jupyter shows as PNG without pyplot (no global backend state)."""

    def _repr_png_(self) -> bytes:
        import io

        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=110)
        return buffer.getvalue()


def new_figure(width: float, height: float, families: list[str]) -> Figure:
    """A figure outside pyplot, with the CJK font family list and deterministic settings."""
    figure = ReportFigure(figsize=(width, height), dpi=100, layout="constrained")
    figure.set_layout_engine("constrained")
    matplotlib.rcParams["font.family"] = families
    matplotlib.rcParams["svg.hashsalt"] = "edu-plans"
    matplotlib.rcParams["svg.fonttype"] = "none"
    matplotlib.rcParams["pdf.fonttype"] = 42
    matplotlib.rcParams["axes.unicode_minus"] = False
    return figure


def _note(figure: Figure, text: str) -> None:
    """A note on the figure's face, below everything (constrained layout makes room for it)."""
    figure.supxlabel("\n".join(textwrap.wrap(text, 120 if text.isascii() else 64)),
                     fontsize=7.5, color="#444444", x=0.01, ha="left")


def _wrap(label: str, width: int) -> str:
    """Wrap a label at ' · ' separators, then Latin parts at spaces and Chinese parts every ``width`` characters."""
    lines: list[str] = []
    for part in label.split(" · "):
        if not re.search(r"[\u3000-\u9fff]", part):
            lines += textwrap.wrap(part, width) or [""]
        else:
            lines += [part[i:i + width] for i in range(0, len(part), width)] or [""]
    return "\n".join(lines)


def plot_corpus_timeline(overview: pd.DataFrame, labels: Labels, colours: dict[str, str], families: list[str]) -> Figure:
    """Each document as a bar over the years it covers, dated by publication, with national milestones."""
    figure = new_figure(9, 0.75 * len(overview) + 2.4, families)
    axis = figure.add_subplot()
    ordered = overview.sort_values(["period_start_year", "doc_id"]).reset_index(drop=True)
    for y, row in ordered.iterrows():
        start = pd.Timestamp(f"{row.period_start_year}-01-01")
        end = pd.Timestamp(f"{row.period_end_year}-12-31")
        if row.period_label.endswith("H2"):
            start = pd.Timestamp(f"{row.period_start_year}-07-01")
        axis.barh(y, (end - start).days, left=start, height=0.5, color=colours[row.region_id], alpha=0.85)
        if pd.notna(row.published):
            axis.plot(row.published, y, marker="v", color="black", markersize=6)
        axis.text(end + pd.Timedelta(days=40), y, f"{row.quantities_per_10k_chars:g} {labels.t('targets_per_10k')}",
                  va="center", fontsize=8)
    for milestone in compare.NATIONAL_MILESTONES.itertuples():
        axis.axvline(milestone.date, color="#999999", linestyle="--", linewidth=0.8)
        axis.text(milestone.date, 0.99, milestone.label_zh if labels.lang == "zh" else _wrap(milestone.label_en, 30),
                  rotation=90, va="top", ha="right", fontsize=6.5, color="#555555", transform=axis.get_xaxis_transform())
    axis.set_yticks(range(len(ordered)), [_wrap(labels.documents[d], 34) for d in ordered["doc_id"]], fontsize=8)
    axis.set_xlabel(labels.t("year"))
    axis.invert_yaxis()
    axis.set_title(labels.t("timeline_title"), fontsize=11)
    axis.spines[["top", "right"]].set_visible(False)
    _note(figure, labels.t("timeline_note") + " " + labels.t("genre_note"))
    return figure


def plot_heatmap(tidy: pd.DataFrame, value: str, labels: Labels, title: str, families: list[str], *,
                 fmt: str = "{:.0%}", levels: bool = False, bar_label: str = "share") -> Figure:
    """Document × theme heatmap of ``value``; themes with nothing anywhere are left out."""
    grid = tidy.pivot(index="theme_id", columns="doc_id", values=value).fillna(0)
    grid = grid.loc[grid.sum(axis=1) > 0]
    theme_order = [t for t in labels.themes if t in grid.index]
    grid = grid.loc[theme_order, [d for d in labels.documents if d in grid.columns]]
    figure = new_figure(2.0 + 1.45 * grid.shape[1], 1.4 + 0.32 * grid.shape[0], families)
    axis = figure.add_subplot()
    if levels:
        from matplotlib.colors import BoundaryNorm, ListedColormap

        cmap, norm = ListedColormap(LEVEL_COLOURS), BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], 4)
        image = axis.imshow(grid.values, aspect="auto", cmap=cmap, norm=norm)
    else:
        image = axis.imshow(grid.values, aspect="auto", cmap="Blues", vmin=0)
    maximum = grid.values.max() if grid.size else 0
    for (i, j), cell in np.ndenumerate(grid.values):
        axis.text(j, i, fmt.format(cell), ha="center", va="center", fontsize=7,
                  color="white" if maximum and cell > 0.6 * maximum else "black")
    axis.set_xticks(range(grid.shape[1]), [_wrap(labels.documents[d], 16) for d in grid.columns], fontsize=7.5,
                    rotation=0)
    axis.set_yticks(range(grid.shape[0]), [labels.themes[t] for t in grid.index], fontsize=8)
    axis.xaxis.tick_top()
    axis.set_title(title, fontsize=10, pad=12)
    bar = figure.colorbar(image, ax=axis, shrink=0.5, label=labels.t("level" if levels else bar_label))
    if levels:
        bar.set_ticks([0, 1, 2, 3])
    _note(figure, labels.t("genre_note"))
    return figure


def plot_indicators(comparison: pd.DataFrame, labels: Labels, colours: dict[str, str], families: list[str],
                    title: str) -> Figure:
    """One panel per comparable indicator: local values (region colours) and national benchmarks (grey diamonds)."""
    groups = list(dict.fromkeys(comparison["indicator_group"]))
    sizes = [max(len(comparison[comparison["indicator_group"] == g]), 1) for g in groups]
    figure = new_figure(9, 1.4 + 0.32 * sum(sizes) + 0.45 * len(groups), families)
    axes = figure.subplots(len(groups), 1, squeeze=False, gridspec_kw={"height_ratios": sizes})[:, 0]
    for axis, group in zip(axes, groups):
        rows = comparison[comparison["indicator_group"] == group].reset_index(drop=True)
        ticks = []
        for i, row in rows.iterrows():
            local = row.source == "local"
            colour = colours.get(row.region_id, "#333333") if local else "#777777"
            axis.plot(row.value, i, "o" if local else "D", color=colour, markersize=7 if local else 6)
            if pd.notna(row.value_max):
                axis.plot([row.value, row.value_max], [i, i], color=colour, linewidth=2)
            year = "" if pd.isna(row.year) else f" ({row.year})"
            shown = row.value if pd.isna(row.value_max) else row.value_max
            axis.text(shown, i, f"  {row.comparator} {row.value:g}{row.unit if local else ''}{year}", fontsize=7,
                      va="center", ha="left")
            if local:
                ticks.append(labels.documents[row.doc_id].replace(" · ", " · ", 1))
            else:
                ticks.append(f"{labels.t('national')} · {row.reference_id}")
        axis.set_yticks(range(len(rows)), ticks, fontsize=7.5)
        axis.set_ylim(len(rows) - 0.5, -0.5)
        low, high = rows["value"].min(), rows[["value", "value_max"]].max().max()
        pad = (high - low) * 0.25 or max(abs(high) * 0.2, 1)
        axis.set_xlim(low - pad * 0.3, high + pad)
        name = rows["group_name_zh"].iloc[0] if labels.lang == "zh" else rows["group_name_en"].iloc[0]
        axis.set_title(_wrap(name, 90 if labels.lang == "en" else 40), fontsize=9, loc="left")
        axis.spines[["top", "right"]].set_visible(False)
    figure.suptitle(title, fontsize=11)
    _note(figure, labels.t("genre_note"))
    return figure


def plot_presence_matrix(matrix: pd.DataFrame, key: str, labels: Labels, title: str, families: list[str],
                         split_by_date: bool = False) -> Figure:
    """Document × component matrix of filled (named) and open (not named) circles."""
    items = list(dict.fromkeys(matrix[key]))
    names = dict(zip(matrix[key], matrix["name_zh" if labels.lang == "zh" else "name_en"]))
    docs = [d for d in labels.documents if d in set(matrix["doc_id"])]
    if split_by_date:
        dates = matrix.drop_duplicates("doc_id").set_index("doc_id")["after_double_reduction"]
        docs = sorted(docs, key=lambda d: (bool(dates[d]), d))
    figure = new_figure(2.2 + 1.45 * len(docs), 1.6 + 0.42 * len(items), families)
    axis = figure.add_subplot()
    present = matrix.set_index(["doc_id", key])["present"]
    for j, doc in enumerate(docs):
        for i, item in enumerate(items):
            filled = bool(present.get((doc, item), False))
            axis.plot(j, i, "o", markersize=13, markerfacecolor="#0072B2" if filled else "white",
                      markeredgecolor="#0072B2")
    if split_by_date:
        before = sum(1 for d in docs if not dates[d])
        axis.axvline(before - 0.5, color="#D55E00", linestyle="--")
        axis.text(before - 0.55, len(items) - 0.4, labels.t("before"), ha="right", fontsize=7.5, color="#D55E00")
        axis.text(before - 0.45, len(items) - 0.4, labels.t("after"), ha="left", fontsize=7.5, color="#D55E00")
    axis.set_xticks(range(len(docs)), [_wrap(labels.documents[d], 16) for d in docs], fontsize=7.5)
    axis.set_yticks(range(len(items)), [names[i] for i in items], fontsize=8.5)
    axis.set_xlim(-0.6, len(docs) - 0.4)
    axis.set_ylim(len(items) - 0.2, -0.6)
    axis.xaxis.tick_top()
    axis.set_title(title, fontsize=10, pad=12)
    _note(figure, labels.t("genre_note"))
    return figure


def plot_plan_against_result(pairs: pd.DataFrame, labels: Labels, colours: dict[str, str], families: list[str]) -> Figure:
    """For each region and indicator: the plan's target beside each result the report gives."""
    rows = pairs.reset_index(drop=True)
    figure = new_figure(9, 1.6 + 0.5 * max(len(rows), 1), families)
    axis = figure.add_subplot()
    for i, row in rows.iterrows():
        colour = colours.get(row.region_id, "#333333")
        axis.barh(i - 0.18, row.value_plan, height=0.34, color=colour, alpha=0.45)
        axis.barh(i + 0.18, row.value_result, height=0.34, color=colour)
        axis.text(row.value_plan, i - 0.18, f" {labels.t('plan')} {row.comparator_plan} {row.value_plan:g}{row.unit_plan} ({row.target_id_plan})",
                  va="center", fontsize=7)
        year = "" if row.target_year_result == "" else f", {row.target_year_result}"
        axis.text(row.value_result, i + 0.18, f" {labels.t('result')} {row.value_result:g}{row.unit_result}{year} ({row.target_id_result})",
                  va="center", fontsize=7)
    names = [f"{labels.regions[r.region_id]} · " + (r.indicator_zh_result if labels.lang == "zh" else _wrap(r.indicator_en_result, 40))
             for r in rows.itertuples()]
    axis.set_yticks(range(len(rows)), names, fontsize=7.5)
    axis.invert_yaxis()
    axis.set_xscale("symlog", linthresh=10)
    axis.set_xlabel(labels.t("value"))
    axis.set_title(labels.t("plan_result_title"), fontsize=11)
    axis.spines[["top", "right"]].set_visible(False)
    _note(figure, labels.t("plan_result_note"))
    return figure


def save_figure(figure: Figure, stem: Path) -> list[Path]:
    """Save PNG (300 dpi) and PDF without timestamps; return the paths written."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    metadata = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": None},
    }
    written = []
    for fmt in FORMATS:
        path = stem.with_suffix(f".{fmt}")
        figure.savefig(path, dpi=300 if fmt == "png" else 100, metadata=metadata[fmt])
        written.append(path)
    return written


def figure_specs(tables: dict[str, pd.DataFrame], texts: dict[str, str]) -> list[tuple[str, object]]:
    """(file stem, drawing function of labels, colours and fonts) for every report figure."""
    overview = compare.corpus_overview(tables)
    shares = compare.theme_text_shares(tables)
    levels = compare.commitment_levels(tables)
    counts = compare.target_counts(tables)
    kg_groups = sorted(set(tables["indicator_groups"]["indicator_group"]) &
                       set(tables["targets"].loc[tables["targets"]["theme_id"] == "kindergarten_coverage", "indicator_group"]))
    kindergarten = compare.indicator_comparison(tables, kg_groups)
    comparable = compare.indicator_comparison(tables)
    rotation = compare.teacher_rotation_mechanisms(tables)
    double_reduction = compare.double_reduction_matrix(tables)
    pairs = compare.plan_against_result(tables)
    specs = [
        ("01_corpus_timeline", lambda L, C, F: plot_corpus_timeline(overview, L, C, F)),
        ("02_teacher_rotation_mechanisms", lambda L, C, F: plot_presence_matrix(rotation, "component", L, L.t("rotation_title"), F)),
        ("03_kindergarten_targets_vs_national", lambda L, C, F: plot_indicators(kindergarten, L, C, F, L.t("kg_title"))),
        ("04_double_reduction_components", lambda L, C, F: plot_presence_matrix(double_reduction, "component", L, L.t("dr_title"), F, split_by_date=True)),
        ("05_theme_text_shares", lambda L, C, F: plot_heatmap(shares, "share", L, L.t("theme_share_title"), F)),
        ("05_commitment_levels", lambda L, C, F: plot_heatmap(levels, "level", L, L.t("commitment_title"), F, fmt="{:.0f}", levels=True)),
        ("05_quantity_counts", lambda L, C, F: plot_heatmap(counts, "quantities", L, L.t("counts_title"), F, fmt="{:.0f}", bar_label="count")),
        ("05_comparable_indicators", lambda L, C, F: plot_indicators(comparable, L, C, F, L.t("comparable_title"))),
    ]
    if not pairs.empty:
        specs.append(("06_plan_against_result", lambda L, C, F: plot_plan_against_result(pairs, L, C, F)))
    return specs


def build_all_figures(tables: dict[str, pd.DataFrame], texts: dict[str, str], out_dir: Path, families: list[str],
                      languages: tuple[str, ...] = ("zh", "en"), progress=None) -> list[Path]:
    """Draw every figure in every language and save it; returns the files written."""
    colours = region_colours(tables)
    written: list[Path] = []
    specs = figure_specs(tables, texts)
    for lang in languages:
        labels = make_labels(tables, lang)
        for stem, draw in specs:
            figure = draw(labels, colours, families)
            written += save_figure(figure, out_dir / f"{stem}_{lang}")
            if progress:
                progress(f"{stem}_{lang}")
    return written


def draw(stem: str, tables: dict[str, pd.DataFrame], texts: dict[str, str], lang: str = "zh",
         root: Path | None = None) -> Figure:
    """One report figure by its file stem (e.g. ``01_corpus_timeline``), for notebooks."""
    from analysis.fonts import register_fonts
    from analysis.paths import PROJECT_ROOT

    families = register_fonts(figure_characters(tables), root or PROJECT_ROOT)
    specs = dict(figure_specs(tables, texts))
    if stem not in specs:
        raise KeyError(f"no figure {stem!r}; choose one of {sorted(specs)}")
    return specs[stem](make_labels(tables, lang), region_colours(tables), families)
