"""Proposed coding of a new document: a commitment level per theme and the presence of each component.

Proposals to confirm, never a coding: the review workbook shows them with the quote that triggered
each, and only rows a researcher confirms are imported (:mod:`analysis.extraction.review`).

The commitment level follows the scale of the curation guide (data/curated/README.md, step 6):

- **3** (quantified target): a candidate quantity of the theme (the extractor's theme guess) that is a
  target, or an achievement in a report of results. Quote: the candidate's quote.
- **2** (concrete measure or mechanism): a sentence with the theme's keywords (``themes.keywords_zh``)
  that also names a measure: a programme, mechanism, rule, body, or an action that says how
  (:data:`MEASURE_RE`: 工程, 机制, 制度, 建立, 制定 …; general verbs such as 加强 or 推进 do not count, as in
  the decision rule of the curation guide).
  Quote: the first such sentence.
- **1** (general mention): a sentence with the theme's keywords and no measure. Quote: the first one.
- **0** (absent): no sentence has the theme's keywords. No quote.

A component is proposed present when a sentence of the body matches its ``components.keywords_zh``;
the quote is that sentence (the first one). Everything here is pure: strings and DataFrames in,
DataFrames out, offsets into the raw text.
"""

from __future__ import annotations

import re

import pandas as pd

from analysis.coding import keyword_scores
from analysis.normalize import normalize

PROPOSED_NOTE = "proposed by the extractor ({rule}); confirm or correct"
# Words that make a sentence name a concrete measure (level 2): programmes, mechanisms, rules, projects, actions.
MEASURE_RE = re.compile(
    r"工程|计划|行动|机制|制度|项目|方案|模式|平台|试点|改革|体系|办法|规定|清单|标准|专项|基地|中心|工作室|联盟|集团|"
    r"建立|实施|推行|出台|制定|组建|创建|设立"
)
_SENTENCE_RE = re.compile(r"[^。;!?\n]+[。;!?]?")
QUOTE_MAX = 80  # a long sentence is quoted up to this many characters around the trigger


def sentence_spans(raw: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """``(raw_start, raw_end, normalised_text)`` of each sentence of ``raw[start:end]``, spaces trimmed."""
    normalised = normalize(raw[start:end])
    text = normalised.text
    spans = []
    for match in _SENTENCE_RE.finditer(text):
        a, b = match.span()
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            raw_a, raw_b = normalised.to_raw_span(a, b)
            spans.append((raw_a + start, raw_b + start, text[a:b]))
    return spans


def _quote(raw: str, span: tuple[int, int], trigger: tuple[int, int] | None = None) -> tuple[str, int, int]:
    """The verbatim quote of a sentence, cut to :data:`QUOTE_MAX` characters around the trigger."""
    a, b = span
    if b - a > QUOTE_MAX:
        centre = trigger[0] if trigger else a
        a = max(a, min(centre - QUOTE_MAX // 2, b - QUOTE_MAX))
        b = min(b, a + QUOTE_MAX)
    return raw[a:b], a, b


def propose_commitments(
    raw: str, doc_id: str, body_start: int, body_end: int, themes: pd.DataFrame, candidates: pd.DataFrame | None = None
) -> pd.DataFrame:
    """One proposed row of ``commitments.csv`` per theme (web furniture left out), with its rule in ``notes``.

    ``candidates`` are the extractor's candidates of this document (``theme_id``, ``kind``, ``quote``,
    ``char_start``, ``char_end``); only those inside the body count.
    """
    themes = themes[themes["theme_id"] != "web_furniture"]
    sentences = sentence_spans(raw, body_start, body_end)
    scores = keyword_scores(pd.Series([s[2] for s in sentences], dtype=object), themes) if sentences else None
    quantified: dict[str, tuple[str, int, int]] = {}
    if candidates is not None and len(candidates):
        for row in candidates.itertuples(index=False):
            start, end = int(row.char_start), int(row.char_end)
            if row.kind in ("target", "achievement") and body_start <= start and end <= body_end:
                quantified.setdefault(row.theme_id, (row.quote, start, end))
    rows = []
    for theme in themes["theme_id"]:
        level, quote, start, end, rule = "0", "", "", "", "no sentence has the theme's keywords"
        if theme in quantified:
            quote, a, b = quantified[theme]
            level, start, end, rule = "3", str(a), str(b), "a quantity of the theme"
        elif scores is not None and theme in scores.columns:
            hits = [i for i, count in enumerate(scores[theme].tolist()) if count > 0]
            measures = [i for i in hits if MEASURE_RE.search(sentences[i][2])]
            chosen = measures[0] if measures else (hits[0] if hits else None)
            if chosen is not None:
                quote, a, b = _quote(raw, sentences[chosen][:2])
                level = "2" if measures else "1"
                rule = "keywords and a named measure" if measures else "keywords, no measure"
                start, end = str(a), str(b)
        rows.append(
            {
                "doc_id": doc_id,
                "theme_id": theme,
                "level": level,
                "quote": quote,
                "char_start": start,
                "char_end": end,
                "instruments": "",
                "notes": PROPOSED_NOTE.format(rule=f"level {level}: {rule}"),
            }
        )
    return pd.DataFrame(
        rows, columns=["doc_id", "theme_id", "level", "quote", "char_start", "char_end", "instruments", "notes"]
    ).astype(object)


def propose_components(raw: str, doc_id: str, body_start: int, body_end: int, components: pd.DataFrame) -> pd.DataFrame:
    """One proposed row of ``document_components.csv`` per component: present with the triggering quote, or absent."""
    sentences = sentence_spans(raw, body_start, body_end)
    rows = []
    for component in components.itertuples(index=False):
        pattern = getattr(component, "keywords_zh", "") or ""
        found = None
        if pattern:
            compiled = re.compile(pattern)
            for a, b, text in sentences:
                match = compiled.search(text)
                if match:
                    found = (a, b, match.group(0))
                    break
        if found:
            quote, start, end = _quote(raw, found[:2])
            rows.append(
                {
                    "doc_id": doc_id,
                    "component": component.component,
                    "present": "true",
                    "quote": quote,
                    "char_start": str(start),
                    "char_end": str(end),
                    "notes": PROPOSED_NOTE.format(rule=f"the text says {found[2]}"),
                }
            )
        else:
            rows.append(
                {
                    "doc_id": doc_id,
                    "component": component.component,
                    "present": "false",
                    "quote": "",
                    "char_start": "",
                    "char_end": "",
                    "notes": PROPOSED_NOTE.format(rule="none of its keywords occurs"),
                }
            )
    return pd.DataFrame(
        rows, columns=["doc_id", "component", "present", "quote", "char_start", "char_end", "notes"]
    ).astype(object)


def agreement(proposed: pd.DataFrame, curated: pd.DataFrame, keys: list[str], column: str) -> pd.DataFrame:
    """Proposed beside curated values of ``column`` on ``keys``, with ``agree`` (for the benchmark)."""
    merged = proposed[keys + [column]].merge(curated[keys + [column]], on=keys, suffixes=("_proposed", "_curated"))
    return merged.assign(agree=merged[f"{column}_proposed"].astype(str) == merged[f"{column}_curated"].astype(str))
