"""The evidence site: every curated number one click from the sentence it stands in.

A static, offline HTML site (no server, no CDN, no external font, no JavaScript) written to
``reports/evidence/`` by the main job and by ``python -m analysis evidence``:

- ``index.html`` chooses a language; ``zh/`` and ``en/`` hold the same pages in each language;
- ``<lang>/index.html`` lists documents, themes, comparable indicators, figures and comparison tables;
- ``<lang>/<doc_id>.html`` shows the raw text exactly as stored, clauses shaded by primary theme,
  every quantity highlighted with ``id`` = its ``target_id`` and every excluded number marked;
- ``<lang>/figure-<stem>.html`` and ``<lang>/table-<name>.html`` list each value with a link to its quote;
- ``<lang>/benchmarks.html`` holds the national benchmarks with their quoted sentences and sources.

All spans are cut here, in Python, from the code-point offsets of the curated tables (browsers count
UTF-16 units, so nothing is left to JavaScript). Pages are rendered with Jinja2 and written atomically;
unchanged data gives byte-identical files. :func:`evidence_link` turns any id into its link, for the
figure CSVs, the comparison tables and the notebooks.
"""

from __future__ import annotations

import math
import os
import re
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from markupsafe import Markup, escape

from analysis.evidence_links import (  # noqa: F401 (re-exported)
    ASSETS,
    BENCHMARKS_PAGE,
    FONT_FILE,
    ID_COLUMNS,
    SITE_DIR,
    EvidenceLinks,
    add_evidence_links,
    anchor_index,
    clause_at,
    document_page,
    evidence_link,
    figure_page,
    quote_anchor,
    site_root,
    table_page,
)
from analysis.labels import CODE_LABELS, code_label, column_label, instruments_label, other_language_column, unit_label
from analysis.paths import PROJECT_ROOT

LANGS = ("zh", "en")
HIDDEN_COLUMNS = {
    "char_start",
    "char_end",
    "region_id",
    "_anchor",
    "sha256",
    "raw_file",
    "seed_file",
    "body_char_start",
    "body_char_end",
    "period_start_year",
    "period_end_year",
    "value_text",
    "target_year_text",
    "clause_id",
    "genre_zh",
    "unit_original",
    "genre_class",
    "measure",
    "basis",
    "group_fit",
    "relation",
    "related_target_id",
    "rows_same",
    "rows_proxy",
    "rows_not_comparable",
}
# Okabe–Ito, the project's colour-blind-safe palette; clause shading uses light tints and a line style,
# and every clause also carries its theme's name, so no reading depends on colour alone.
OKABE_ITO = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"]
LINE_STYLES = ["solid", "dashed", "dotted", "double"]

TEXT = {
    "zh": {
        "lang_name": "中文",
        "other_lang": "English",
        "site_title": "证据附录",
        "home": "首页",
        "intro": "本附录把每个数字与其原文句子相连:点击编号即可跳到原始文本中被高亮的引文。原始文本按收集时的原样显示,"
        "偏移量按字符(码位)计算。",
        "documents": "文件",
        "themes": "主题",
        "indicators": "可比指标",
        "figures": "图表",
        "tables": "比较表",
        "benchmarks": "全国基准",
        "raw_text": "原始文本(按存储原样)",
        "simplified": "简体读法(由繁体自动转换,仅供阅读)",
        "legend": "图例:条款底色表示其主要主题",
        "quantities": "量化数",
        "excluded": "排除的数字",
        "quantity_list": "本文件的全部量化数(可打印)",
        "excluded_list": "本文件中排除的数字及理由",
        "outside_body": "正文之外(网页栏目等)",
        "raw_file": "原始文件",
        "characters": "字符数",
        "mark_quantity": "高亮:量化数引文(点击或聚焦可见字段)",
        "mark_number": "加粗:数字原文",
        "mark_excluded": "虚线框:排除的数字",
        "values": "图中各数值及其引文",
        "source": "来源",
        "open_in_text": "原文",
        "members": "所含数值",
        "no_rows": "(无)",
        "focus": "重点主题",
        "notes_elsewhere": "备注为英文,见英文版页面。",
        "figure_file": "图像文件",
        "caveat": "可比性说明",
        "field": "字段",
        "yes": "是",
        "no": "否",
        "clause_count": "条款数",
        "benchmark_sources": "全国基准:引文与来源",
        "position": "位置",
        "definition": "定义",
        "table_note": "每个编号链接到原文中的引文;空白表示无值。",
    },
    "en": {
        "lang_name": "English",
        "other_lang": "中文",
        "site_title": "Evidence appendix",
        "home": "Home",
        "intro": "This appendix ties every number to its sentence: follow an id to the highlighted quote in the raw text. "
        "Raw texts are shown exactly as stored; offsets are Python code points.",
        "documents": "Documents",
        "themes": "Themes",
        "indicators": "Comparable indicators",
        "figures": "Figures",
        "tables": "Comparison tables",
        "benchmarks": "National benchmarks",
        "raw_text": "Raw text (exactly as stored)",
        "simplified": "Simplified reading (converted automatically from traditional script, for reading only)",
        "legend": "Legend: the shading of a clause shows its primary theme",
        "quantities": "Quantities",
        "excluded": "Excluded numbers",
        "quantity_list": "Every quantity of this document (printable)",
        "excluded_list": "Numbers of this document that are not quantities, and why",
        "outside_body": "outside the body (web page furniture)",
        "raw_file": "Raw file",
        "characters": "Characters",
        "mark_quantity": "Highlighted: quote of a quantity (hover or focus shows its fields)",
        "mark_number": "Bold: the number as written",
        "mark_excluded": "Dashed box: an excluded number",
        "values": "Each value of the figure with its quote",
        "source": "Source",
        "open_in_text": "in text",
        "members": "Values",
        "no_rows": "(none)",
        "focus": "Focus theme",
        "notes_elsewhere": "",
        "figure_file": "Image file",
        "caveat": "Comparability",
        "field": "Field",
        "yes": "yes",
        "no": "no",
        "clause_count": "Clauses",
        "benchmark_sources": "National benchmarks: quotes and sources",
        "position": "Position",
        "definition": "Definition",
        "table_note": "Each id links to its quote in the raw text; blank cells have no value.",
    },
}


# ---------------------------------------------------------------------------------------------------
# Spans cut from code-point offsets


@dataclass(frozen=True)
class Span:
    """An element over ``text[start:end]``; ``first`` attributes (id, tabindex) go on its first fragment only."""

    start: int
    end: int
    rank: int  # equal ranges nest by rank: clause 0, quantity 1, excluded 2, number 3
    tag: str
    attrs: tuple[tuple[str, str], ...]
    first: tuple[tuple[str, str], ...] = ()


def _open(span: Span, first: bool) -> str:
    attrs = (span.first if first else ()) + span.attrs
    if not first:
        attrs += (("data-continued", "true"),)
    return f"<{span.tag}" + "".join(f' {k}="{escape(v)}"' for k, v in attrs) + ">"


def render_spans(text: str, spans: Iterable[Span]) -> Markup:
    """HTML of ``text`` with every span as an element; partial overlaps split the later span into fragments.

    Spans of equal range nest (both stay whole); a span that starts inside another and ends after it
    is closed and reopened, and its fragments carry ``data-continued``. Text is escaped, never altered,
    so the element's text content is exactly ``text``.
    """
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    opens: dict[int, list[Span]] = defaultdict(list)
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.rank)):
        opens[span.start].append(span)
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans})
    out: list[str] = []
    stack: list[Span] = []
    for here, following in zip(cuts, cuts[1:] + [None]):
        if any(s.end == here for s in stack):
            reopen = []
            while any(s.end == here for s in stack):
                span = stack.pop()
                out.append(f"</{span.tag}>")
                if span.end != here:
                    reopen.append(span)
            for span in reversed(reopen):
                out.append(_open(span, first=False))
                stack.append(span)
        for span in opens.get(here, []):
            out.append(_open(span, first=True))
            stack.append(span)
        if following is not None:
            out.append(str(escape(text[here:following])))
    return Markup("".join(out))


# ---------------------------------------------------------------------------------------------------
# Site data


@dataclass
class Site:
    """Everything the templates need, computed once from the curated tables."""

    tables: dict[str, pd.DataFrame]
    texts: dict[str, str] = field(default_factory=dict)
    comparisons: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, Callable[[], pd.DataFrame]] = field(default_factory=dict)
    links: EvidenceLinks | None = None
    theme_style: dict[str, int] = field(init=False)
    # Labels and caveats looked up once per site (a page asks for the same ones thousands of times).
    _memo: dict = field(init=False, default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.links = self.links or EvidenceLinks(self.tables)
        themes = self.tables["themes"]
        ordered = list(themes.loc[themes["is_focus"] == "true", "theme_id"]) + list(
            themes.loc[themes["is_focus"] != "true", "theme_id"]
        )
        self.theme_style = {theme: n for n, theme in enumerate(ordered)}

    def _remembered(self, key: tuple, make: Callable[[], object]):
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    def theme_name(self, theme_id: str, lang: str) -> str:
        return self._remembered(("theme", theme_id, lang), lambda: self._theme_name(theme_id, lang))

    def _theme_name(self, theme_id: str, lang: str) -> str:
        rows = self.tables["themes"][self.tables["themes"]["theme_id"] == theme_id]
        return rows.iloc[0][f"name_{lang}"] if len(rows) else theme_id

    def doc_label(self, doc_id: str, lang: str) -> str:
        """Short name of a document: region, period and genre."""
        return self._remembered(("doc", doc_id, lang), lambda: self._doc_label(doc_id, lang))

    def _doc_label(self, doc_id: str, lang: str) -> str:
        docs = self.tables["documents"]
        row = docs[docs["doc_id"] == doc_id]
        if row.empty:
            return doc_id
        row = row.iloc[0]
        regions = self.tables["regions"]
        region = regions.loc[regions["region_id"] == row["region_id"], f"name_{lang}"]
        region = region.iloc[0] if len(region) else row["region_id"]
        first, last = row["period_start_year"], row["period_end_year"]
        years = first if first == last else f"{first}–{last}"
        return f"{region} {years} {code_label('genre', row['genre'], lang)}"

    def group_name(self, group: str, lang: str) -> str:
        return self._remembered(("group", group, lang), lambda: self._group_name(group, lang))

    def _group_name(self, group: str, lang: str) -> str:
        groups = self.tables["indicator_groups"]
        rows = groups[groups["indicator_group"] == group]
        return rows.iloc[0][f"name_{lang}"] if len(rows) else group

    def caveats(self) -> dict[str, list[tuple[str, str, str, str]]]:
        """Per id: (table, comparability, caveat zh, caveat en) of every comparison row it stands in."""
        return self._remembered(("caveats",), self._caveats)

    def _caveats(self) -> dict[str, list[tuple[str, str, str, str]]]:
        found: dict[str, list[tuple[str, str, str, str]]] = defaultdict(list)
        for name, frame in self.comparisons.items():
            if "comparability" not in frame.columns:
                continue
            for _, row in frame.iterrows():
                entry = (
                    name,
                    _text(row.get("comparability")),
                    _text(row.get("caveat_zh")),
                    _text(row.get("caveat_en")),
                )
                for column in ID_COLUMNS:
                    ref = row.get(column)
                    if isinstance(ref, str) and ref and entry not in found[ref]:
                        found[ref].append(entry)
        return found


def _text(value: object) -> str:
    """A cell as display text: missing values (None, NaN, NA, NaT) are blank; 90.0 reads 90."""
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.10g}" if not value.is_integer() else str(int(value))
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def default_comparisons(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The registry of comparison tables (``analysis.compare.comparison_tables`` when present)."""
    from analysis import compare

    if hasattr(compare, "comparison_tables"):
        return dict(compare.comparison_tables(tables))
    return {
        "indicator_comparison": compare.indicator_comparison(tables),
        "plan_against_result": compare.plan_against_result(tables),
        "theme_text_shares": compare.theme_text_shares(tables),
        "commitment_levels": compare.commitment_levels(tables),
        "target_counts": compare.target_counts(tables),
        "double_reduction_matrix": compare.double_reduction_matrix(tables),
        "teacher_rotation_mechanisms": compare.teacher_rotation_mechanisms(tables),
    }


def _with_anchor(frame: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    out = frame.copy()
    out["_anchor"] = [
        quote_anchor(tables, d, s) if q else ""
        for d, s, q in zip(out["doc_id"], out["char_start"], out.get("quote", pd.Series([""] * len(out))))
    ]
    return out


def figure_values(tables: dict[str, pd.DataFrame]) -> dict[str, Callable[[], pd.DataFrame]]:
    """For each report figure (by file stem), the values it plots, each with what links it to its quote."""
    from analysis import compare

    def kindergarten() -> pd.DataFrame:
        targets = tables["targets"]
        groups = sorted(
            set(tables["indicator_groups"]["indicator_group"])
            & set(targets.loc[targets["theme_id"] == "kindergarten_coverage", "indicator_group"])
        )
        return compare.indicator_comparison(tables, groups)

    def commitments() -> pd.DataFrame:
        levels = compare.commitment_levels(tables).merge(
            tables["commitments"][["doc_id", "theme_id", "char_start"]], on=["doc_id", "theme_id"], how="left"
        )
        return _with_anchor(levels, tables)

    def counts() -> pd.DataFrame:
        frame = compare.target_counts(tables)
        ids = tables["targets"].groupby(["doc_id", "theme_id"])["target_id"].apply(list)
        frame["target_id"] = [ids.get((d, t), []) for d, t in zip(frame["doc_id"], frame["theme_id"])]
        return frame[frame["quantities"] > 0]

    def overview() -> pd.DataFrame:
        frame = compare.corpus_overview(tables)
        return frame.drop(columns=["genre_zh"])

    return {
        "01_corpus_timeline": overview,
        "02_teacher_rotation_mechanisms": lambda: _with_anchor(compare.teacher_rotation_mechanisms(tables), tables),
        "03_kindergarten_targets_vs_national": kindergarten,
        "04_double_reduction_components": lambda: _with_anchor(compare.double_reduction_matrix(tables), tables),
        "05_theme_text_shares": lambda: compare.theme_text_shares(tables).query("chars > 0"),
        "05_commitment_levels": commitments,
        "05_quantity_counts": counts,
        "05_comparable_indicators": lambda: compare.indicator_comparison(tables),
        "06_plan_against_result": lambda: compare.plan_against_result(tables),
    }


def figure_tables(tables: dict[str, pd.DataFrame], texts: dict[str, str]) -> dict[str, pd.DataFrame]:
    """The values of every figure the project draws, by file stem, each row with the ids that link it.

    A figure that carries its own plotted data (``FigureSpec.data``, the rows of ``figures/NAME.csv``) is
    listed from that; otherwise from :func:`figure_values`. A figure known to neither is an error, so
    a new figure cannot go without its evidence page.
    """
    from analysis.figures import figure_specs

    fallback = figure_values(tables)
    out: dict[str, pd.DataFrame] = {}
    for spec in figure_specs(tables, texts):
        stem = getattr(spec, "stem", None) or spec[0]
        data = getattr(spec, "data", None)
        linked = isinstance(data, pd.DataFrame) and (
            bool(set(ID_COLUMNS) & set(data.columns)) or {"doc_id", "char_start", "quote"} <= set(data.columns)
        )
        if linked:
            frame = data.copy()
            if not set(ID_COLUMNS) & set(frame.columns):
                frame = _with_anchor(frame, tables)
        elif stem in fallback:
            frame = fallback[stem]()
        elif isinstance(data, pd.DataFrame):
            frame = data.copy()
        else:
            raise KeyError(
                f"the evidence site does not know which values figure {stem!r} plots: add it to figure_values"
            )
        out[stem] = frame
    return out


# ---------------------------------------------------------------------------------------------------
# Tables as HTML cells


def _cell(site: Site, frame: pd.DataFrame, row: pd.Series, column: str, lang: str) -> Markup:
    value = row[column]
    if column in ID_COLUMNS:
        values = value if isinstance(value, list) else [value]
        parts = [
            Markup('<a href="{}">{}</a>').format(site.links.get(v, lang), v)
            if site.links.get(v, lang)
            else escape(_text(v))
            for v in values
        ]
        return Markup(" ").join(parts)
    if column.startswith("doc_id"):
        text = _text(value)
        return (
            Markup('<a href="{}">{}</a>').format(site.links.page(document_page(text), lang), site.doc_label(text, lang))
            if text
            else Markup("")
        )
    if column == "theme_id":
        return escape(site.theme_name(_text(value), lang))
    if column == "indicator_group":
        return escape(site.group_name(_text(value), lang)) if _text(value) else Markup("")
    if column == "share":
        return escape(f"{float(value):.1%}")
    if isinstance(value, (bool,)) or str(getattr(value, "dtype", "")) == "bool":
        return escape(TEXT[lang]["yes"] if value else TEXT[lang]["no"])
    text = _text(value)
    if column.startswith("unit"):
        return escape(unit_label(text, lang))
    if column == "instruments":
        return escape(instruments_label(text, lang))
    if column == "issued" and lang == "zh":
        return escape(text.split(" (")[0])
    if column == "period_label":
        doc = row.get("doc_id") if "doc_id" in frame.columns else None
        docs = site.tables["documents"].set_index("doc_id")
        if isinstance(doc, str) and doc in docs.index:
            first, last = docs.loc[doc, "period_start_year"], docs.loc[doc, "period_end_year"]
            return escape(first if first == last else f"{first}–{last}")
        return escape(text if lang == "en" or not re.search(r"[A-Za-z]", text) else "")
    if (
        column in CODE_LABELS
        or column.removesuffix("_plan").removesuffix("_result") in CODE_LABELS
        or (column.startswith("comparator"))
    ):
        text = code_label(column, text, lang)
    if column.startswith("quote") and text:
        suffix = column.removeprefix("quote").removeprefix("_en")
        ref = row.get("target_id" + suffix) if "target_id" + suffix in frame.columns else row.get("reference_id")
        href = site.links.get(ref, lang) if isinstance(ref, str) else ""
        href = href or site.links.page(row.get("_anchor") or "", lang)
        if href:
            return Markup('<a class="quote" href="{}">{}</a>').format(href, text)
        return Markup('<span class="quote">{}</span>').format(text)
    if column == "source_url" and text:
        return Markup('<a href="{0}">{0}</a>').format(text)
    return escape(text)


def visible_columns(frame: pd.DataFrame, lang: str) -> list[str]:
    """Columns a reader needs: no offsets or internal ids, none in the other language."""
    columns = []
    for column in frame.columns:
        base = column.removesuffix("_plan").removesuffix("_result")
        if base in HIDDEN_COLUMNS or base in ("period_start_year", "period_end_year") and column != base:
            continue
        if column == "reference_id" and "target_id" in frame.columns:
            continue
        if column == "indicator_group" and f"group_name_{lang}" in frame.columns:
            continue
        if column == "comparability_reason" and lang == "zh":
            continue
        if column in HIDDEN_COLUMNS or other_language_column(column, lang) or column.startswith("evidence_"):
            continue
        if (
            column in ("region_zh", "region_en", "label_zh", "label_en")
            and "doc_id" in frame.columns
            and column.startswith("region")
        ):
            continue
        if column == "notes" and lang == "zh":
            continue
        if column == "quote_en" and lang == "zh":
            continue
        if column.startswith("caveat_") and not column.endswith(lang):
            continue
        if column in ("name_zh", "name_en") and "component" in frame.columns:
            if column != f"name_{lang}":
                continue
        columns.append(column)
    if "name_" + lang in columns and "component" in columns:
        columns.remove("component")
    return columns


def table_cells(
    site: Site, frame: pd.DataFrame, lang: str, columns: list[str] | None = None
) -> tuple[list[str], list[list[Markup]]]:
    """Labels and HTML cells of a table: the ``columns`` given, or those a reader needs."""
    columns = visible_columns(frame, lang) if columns is None else [c for c in columns if c in frame.columns]
    header = [column_label(c, lang) for c in columns]
    rows = [[_cell(site, frame, row, c, lang) for c in columns] for _, row in frame.iterrows()]
    return header, rows


# ---------------------------------------------------------------------------------------------------
# Document pages


def _tip(site: Site, row: pd.Series, lang: str, caveats: list[tuple[str, str, str, str]]) -> list[tuple[str, str]]:
    fields = [
        ("target_id", row["target_id"]),
        ("kind", code_label("kind", row["kind"], lang)),
        (f"indicator_{lang}", row[f"indicator_{lang}"]),
        ("value", row["value"]),
        ("value_max", row["value_max"]),
        ("unit", row["unit"]),
        ("comparator", code_label("comparator", row["comparator"], lang)),
        ("target_year", row["target_year"]),
        ("indicator_group", site.group_name(row["indicator_group"], lang) if row["indicator_group"] else ""),
    ]
    if lang == "en":
        if "quote_en" in row.index and _text(row["quote_en"]):
            unreviewed = "quote_en_reviewed" in row.index and row["quote_en_reviewed"] == "false"
            fields.append(("quote_en", row["quote_en"] + (" (gloss not yet reviewed)" if unreviewed else "")))
        fields.append(("notes", row["notes"]))
    for _, comparability, caveat_zh, caveat_en in caveats:
        text = " ".join(
            x for x in (code_label("comparability", comparability, lang), caveat_zh if lang == "zh" else caveat_en) if x
        )
        fields.append(("comparability", text))
    return [(column_label(k, lang), _text(v)) for k, v in fields if _text(v)]


def document_spans(site: Site, doc: pd.Series, lang: str) -> list[Span]:
    tables, doc_id = site.tables, doc["doc_id"]
    caveats = site.caveats()
    spans: list[Span] = []
    for clause in tables["clauses"][tables["clauses"]["doc_id"] == doc_id].itertuples():
        style = site.theme_style.get(clause.theme_id, 0)
        name = site.theme_name(clause.theme_id, lang)
        spans.append(
            Span(
                int(clause.char_start),
                int(clause.char_end),
                0,
                "span",
                (("class", f"c t{style}"), ("data-label", name), ("title", name)),
                (("id", f"clause-{clause.clause_id}"),),
            )
        )
    targets = tables["targets"][tables["targets"]["doc_id"] == doc_id]
    for _, row in targets.iterrows():
        start, end = int(row["char_start"]), int(row["char_end"])
        tip = _tip(site, row, lang, caveats.get(row["target_id"], []))
        tip_text = "\n".join(f"{k}: {v}" for k, v in tip)
        spans.append(
            Span(
                start,
                end,
                1,
                "mark",
                (("class", f"q k-{row['kind']}"), ("data-q", row["target_id"])),
                (("id", row["target_id"]), ("tabindex", "0"), ("title", tip_text), ("data-tip", tip_text)),
            )
        )
        if row["quote"].count(row["number_text"]) == 1:
            at = start + row["quote"].index(row["number_text"])
            spans.append(Span(at, at + len(row["number_text"]), 3, "b", (("class", "n"),)))
    excluded = tables["excluded_numbers"][tables["excluded_numbers"]["doc_id"] == doc_id]
    for row in excluded.itertuples():
        reason = code_label("reason", row.reason, lang)
        spans.append(
            Span(
                int(row.char_start),
                int(row.char_end),
                2,
                "span",
                (("class", "x"), ("title", f"{TEXT[lang]['excluded']}: {reason}")),
                (("id", f"x{int(row.char_start)}"),),
            )
        )
    return spans


def simplified_reading(site: Site, doc: pd.Series, lang: str) -> Markup:
    """The body converted to simplified characters, clause-shaded (offsets mapped through the normaliser)."""
    from analysis.normalize import normalize

    raw = site.texts[doc["doc_id"]]
    normal = normalize(raw)
    spans = []
    for clause in site.tables["clauses"][site.tables["clauses"]["doc_id"] == doc["doc_id"]].itertuples():
        start, end = normal.from_raw_offset(int(clause.char_start)), normal.from_raw_offset(int(clause.char_end))
        if int(clause.char_end) >= len(raw):
            end = len(normal.text)
        name = site.theme_name(clause.theme_id, lang)
        spans.append(
            Span(
                start,
                end,
                0,
                "span",
                (("class", f"c t{site.theme_style.get(clause.theme_id, 0)}"), ("data-label", name), ("title", name)),
            )
        )
    return render_spans(normal.text, spans)


def document_context(site: Site, doc: pd.Series, lang: str) -> dict:
    raw = site.texts[doc["doc_id"]]
    body_start, body_end = int(doc["body_char_start"]), int(doc["body_char_end"])
    spans = document_spans(site, doc, lang)
    outside = TEXT[lang]["outside_body"]
    for start, end in ((0, body_start), (body_end, len(raw))):
        spans.append(Span(start, end, 0, "span", (("class", "outside"), ("title", outside))))
    clauses = site.tables["clauses"][site.tables["clauses"]["doc_id"] == doc["doc_id"]]
    themes = [t for t in site.theme_style if t in set(clauses["theme_id"])]
    caveats = site.caveats()
    targets = site.tables["targets"][site.tables["targets"]["doc_id"] == doc["doc_id"]]
    quantity_rows = [
        {
            "id": row["target_id"],
            "fields": _tip(site, row, lang, caveats.get(row["target_id"], [])),
            "quote": row["quote"],
        }
        for _, row in targets.iterrows()
    ]
    excluded = site.tables["excluded_numbers"][site.tables["excluded_numbers"]["doc_id"] == doc["doc_id"]]
    excluded_rows = [
        {
            "id": f"x{int(r.char_start)}",
            "text": r.text,
            "position": f"{r.char_start}–{r.char_end}",
            "reason": code_label("reason", r.reason, lang),
            "notes": r.notes if lang == "en" else "",
        }
        for r in excluded.itertuples()
    ]
    return {
        "doc": doc,
        "title": doc[f"title_{lang}"],
        "label": site.doc_label(doc["doc_id"], lang),
        "period": doc["period_start_year"]
        if doc["period_start_year"] == doc["period_end_year"]
        else f"{doc['period_start_year']}–{doc['period_end_year']}",
        "issuer": doc[f"issuer_{lang}"],
        "genre": code_label("genre", doc["genre"], lang),
        "script": code_label("script", doc["script"], lang),
        "raw_html": render_spans(raw, spans),
        "simplified_html": simplified_reading(site, doc, lang) if doc["script"] == "traditional" else None,
        "legend": [(site.theme_style[t], site.theme_name(t, lang)) for t in themes],
        "quantity_rows": quantity_rows,
        "excluded_rows": excluded_rows,
        "char_count": len(raw),
    }


# ---------------------------------------------------------------------------------------------------
# Index, figure, table and benchmark pages


def index_context(site: Site, lang: str, figure_stems: list[str], figure_files: dict[str, str]) -> dict:
    from analysis import compare

    tables = site.tables
    overview = compare.corpus_overview(tables)
    documents = [
        {
            "href": document_page(r.doc_id),
            "label": site.doc_label(r.doc_id, lang),
            "title": tables["documents"].set_index("doc_id").loc[r.doc_id, f"title_{lang}"],
            "period": str(r.period_start_year)
            if r.period_start_year == r.period_end_year
            else f"{r.period_start_year}–{r.period_end_year}",
            "genre": code_label("genre", r.genre, lang),
            "script": code_label("script", r.script, lang),
            "chars": r.body_chars,
            "clauses": r.clauses,
            "quantities": r.quantities,
            "per_10k": f"{r.quantities_per_10k_chars:.1f}",
        }
        for r in overview.itertuples()
    ]
    clause_counts = tables["clauses"].groupby("theme_id").size()
    quantity_counts = tables["targets"].groupby("theme_id").size()
    themes = [
        {
            "style": site.theme_style[t.theme_id],
            "name": getattr(t, f"name_{lang}"),
            "focus": t.is_focus == "true",
            "definition": t.definition if lang == "en" else getattr(t, "definition_zh", ""),
            "clauses": int(clause_counts.get(t.theme_id, 0)),
            "quantities": int(quantity_counts.get(t.theme_id, 0)),
        }
        for t in tables["themes"].itertuples()
    ]
    indicators = []
    for g in tables["indicator_groups"].itertuples():
        local = tables["targets"][tables["targets"]["indicator_group"] == g.indicator_group]["target_id"]
        national = tables["national_benchmarks"][tables["national_benchmarks"]["indicator_group"] == g.indicator_group][
            "benchmark_id"
        ]
        indicators.append(
            {
                "name": getattr(g, f"name_{lang}"),
                "unit": g.unit,
                "members": [(i, site.links.href(i)) for i in list(local) + list(national)],
            }
        )
    figures = [{"href": figure_page(s), "stem": s} for s in figure_stems]
    comparison = [
        {"href": table_page(n), "name": column_label(n, lang), "rows": len(f)} for n, f in site.comparisons.items()
    ]
    return {
        "documents": documents,
        "themes": themes,
        "indicators": indicators,
        "figures": figures,
        "comparisons": comparison,
    }


TABLE_TITLES = {
    "corpus_overview": ("文件概览", "Documents at a glance"),
    "indicator_groups": ("可比指标及其可比性", "Comparable indicators and how comparable they are"),
    "indicator_group_grades": ("可比指标及其可比性", "Comparable indicators and how comparable they are"),
    "plan_against_result_not_comparable": (
        "规划目标与成效报道:不可直接比较的配对",
        "Plan targets and reported results that do not compare directly",
    ),
    "indicator_comparison": (
        "可比指标:地方数值与全国基准",
        "Comparable indicators: local values and national benchmarks",
    ),
    "plan_against_result": ("规划目标与成效报道", "Plan targets against reported results"),
    "theme_text_shares": ("各主题占正文比例", "Share of text per theme"),
    "commitment_levels": ("各主题承诺强度", "Commitment level per theme"),
    "target_counts": ("各主题量化数", "Quantities per theme"),
    "double_reduction_matrix": ("“双减”各组成部分", "'Double reduction' components"),
    "teacher_rotation_mechanisms": ("教师交流轮岗机制", "Teacher-rotation mechanisms"),
    "theme_text_shares_by_basis": (
        "各主题占正文比例:两种口径(只计主题;主题加次要主题)",
        "Share of text per theme on two bases (primary only; primary plus secondary)",
    ),
    "quantified_commitments": (
        "强度为3的承诺及其量化数(数值、单位、测量类型)",
        "Level-3 commitments and the quantities behind them (value, unit, kind of measure)",
    ),
    "01_corpus_timeline": ("文件、覆盖时期与全国政策节点", "Documents, periods and national milestones"),
    "02_teacher_rotation_mechanisms": (
        "教师交流轮岗:各文件提及的机制",
        "Teacher rotation: mechanisms each document names",
    ),
    "03_kindergarten_targets_vs_national": (
        "学前教育:地方目标与全国基准",
        "Pre-school education: local targets and national benchmarks",
    ),
    "04_double_reduction_components": ("“双减”各组成部分", "'Double reduction' components"),
    "05_theme_text_shares": ("各主题占文件正文的比例", "Share of each document's text per theme"),
    "05_commitment_levels": ("各主题承诺强度", "Commitment level per theme"),
    "05_quantity_counts": ("各主题量化数", "Quantities per theme"),
    "05_comparable_indicators": (
        "可比指标:地方数值与全国基准",
        "Comparable indicators: local values and national benchmarks",
    ),
    "06_plan_against_result": ("规划目标与成效报道", "Plan targets against the reported results"),
}


def page_title(key: str, lang: str) -> str:
    """The title of a figure or table page; a table without a title yet is named by its file stem."""
    if key in TABLE_TITLES:
        return TABLE_TITLES[key][0 if lang == "zh" else 1]
    return f"比较表 {key}" if lang == "zh" else key.replace("_", " ")


def benchmark_rows(site: Site, lang: str) -> list[dict]:
    rows = []
    for _, b in site.tables["national_benchmarks"].iterrows():
        rows.append(
            {
                "id": b["benchmark_id"],
                "indicator": b[f"indicator_{lang}"],
                "value": b["value_text"] or b["value"],
                "unit": unit_label(b["unit"], lang),
                "comparator": code_label("comparator", b["comparator"], lang),
                "year": (
                    b["target_year_text"]
                    if lang == "en" or not re.search(r"[A-Za-z]", b["target_year_text"])
                    else b["target_year"]
                )
                or b["target_year"],
                "policy": b["policy_title_zh"],
                "issuer": b["issuer"],
                "issued": b["issued"].split(" (")[0] if lang == "zh" else b["issued"],
                "quote": b["quote"],
                "url": b["source_url"],
                "quality": b["source_quality"] if lang == "en" else "",
                "group": site.group_name(b["indicator_group"], lang) if b["indicator_group"] else "",
            }
        )
    return rows


# ---------------------------------------------------------------------------------------------------
# Writing the site


def site_characters(tables: dict[str, pd.DataFrame], texts: dict[str, str]) -> str:
    """Every character a page can show: raw texts, simplified readings, curated tables and labels."""
    from analysis.labels import CODE_LABELS, COLUMN_LABELS
    from analysis.normalize import normalize

    chars: set[str] = set()
    for text in texts.values():
        chars |= set(text) | set(normalize(text).text)
    for frame in tables.values():
        for column in frame.columns:
            chars |= set("".join(frame[column].astype(str)))
    for lang_text in TEXT.values():
        chars |= set("".join(lang_text.values()))
    chars |= set("".join(a + b for a, b in COLUMN_LABELS.values()))
    chars |= set("".join(a + b for codes in CODE_LABELS.values() for a, b in codes.values()))
    chars |= set("".join(a + b for a, b in TABLE_TITLES.values()))
    return "".join(sorted(c for c in chars if c.isprintable()))


def build_site(
    root: Path = PROJECT_ROOT,
    out_dir: Path | None = None,
    *,
    tables: dict[str, pd.DataFrame] | None = None,
    progress=None,
) -> list[Path]:
    """Write the whole evidence site into ``out_dir`` (default ``reports/evidence/``); returns the files written."""
    from analysis.corpus import load_texts
    from analysis.curated import load_tables, write_text_atomic
    from analysis.evidence_templates import environment
    from analysis.fonts import cached_instance, font_licence_path

    root = Path(root)
    out_dir = Path(out_dir) if out_dir else site_root(root)
    tables = tables if tables is not None else load_tables(root)
    texts = load_texts(tables["documents"], root)
    figures = figure_tables(tables, texts)
    stems = list(figures)
    site = Site(tables, texts, default_comparisons(tables), {s: (lambda f=f: f) for s, f in figures.items()})
    env = environment()
    written: list[Path] = []

    def write(relative: str, text: str) -> None:
        path = out_dir / relative
        write_text_atomic(path, text)
        _ordinary_mode(path)
        written.append(path)

    assets = out_dir / ASSETS
    assets.mkdir(parents=True, exist_ok=True)
    font = cached_instance(site_characters(tables, texts), root)
    for source, name in ((font, FONT_FILE), (font_licence_path(), "OFL.txt")):
        target = assets / name
        if not target.is_file() or target.read_bytes() != Path(source).read_bytes():
            shutil.copyfile(source, target)
        _ordinary_mode(target)
        written.append(target)
    write(
        f"{ASSETS}/site.css",
        env.get_template("site.css").render(
            palette=[
                (
                    n,
                    _tint(OKABE_ITO[n % len(OKABE_ITO)]),
                    OKABE_ITO[n % len(OKABE_ITO)],
                    LINE_STYLES[(n // len(OKABE_ITO)) % len(LINE_STYLES)],
                )
                for n in range(len(site.theme_style))
            ],
            font=FONT_FILE,
        ),
    )
    write("index.html", env.get_template("landing.html").render(text=TEXT))
    for lang in LANGS:
        common = {
            "lang": lang,
            "t": TEXT[lang],
            "other": "en" if lang == "zh" else "zh",
            "css": f"../{ASSETS}/site.css",
        }
        figure_files = {}
        for stem in stems:
            png = root / "figures" / f"{stem}_{lang}.png"
            if png.is_file():
                figure_files[stem] = os.path.relpath(png, out_dir / lang).replace(os.sep, "/")
        write(
            f"{lang}/index.html",
            env.get_template("index.html").render(
                page="index.html",
                **common,
                **index_context(site, lang, stems, figure_files),
                page_title=page_title,
                column_label=column_label,
            ),
        )
        for _, doc in tables["documents"].iterrows():
            page = document_page(doc["doc_id"])
            write(
                f"{lang}/{page}",
                env.get_template("document.html").render(page=page, **common, **document_context(site, doc, lang)),
            )
        for stem in stems:
            header, rows = table_cells(site, site.figures[stem](), lang)
            page = figure_page(stem)
            write(
                f"{lang}/{page}",
                env.get_template("table.html").render(
                    page=page,
                    **common,
                    title=page_title(stem, lang),
                    header=header,
                    rows=rows,
                    image=figure_files.get(stem),
                    subtitle=TEXT[lang]["values"],
                ),
            )
        for name, frame in site.comparisons.items():
            header, rows = table_cells(site, frame, lang)
            page = table_page(name)
            write(
                f"{lang}/{page}",
                env.get_template("table.html").render(
                    page=page,
                    **common,
                    title=page_title(name, lang),
                    header=header,
                    rows=rows,
                    image=None,
                    subtitle=TEXT[lang]["table_note"],
                ),
            )
        write(
            f"{lang}/{BENCHMARKS_PAGE}",
            env.get_template("benchmarks.html").render(page=BENCHMARKS_PAGE, **common, rows=benchmark_rows(site, lang)),
        )
        if progress:
            progress(lang)
    keep = {p.resolve() for p in written}
    for lang in LANGS:  # pages of documents, figures or tables that no longer exist
        for stale in (out_dir / lang).glob("*.html"):
            if stale.resolve() not in keep:
                stale.unlink()
    return written


def _ordinary_mode(path: Path) -> None:
    """Give a file written through a temporary file the mode of any new file (0666 less the umask), not 0600."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(path, 0o666 & ~umask)


def _tint(colour: str, keep: float = 0.3) -> str:
    """The colour mixed with white (``keep`` of the colour), for a light background."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * keep) for c in (red, green, blue)]
    return "#" + "".join(f"{c:02x}" for c in mix)
