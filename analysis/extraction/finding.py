"""Propose the quantified targets of a plan, for a researcher to accept or reject.

Reading a new plan for every quantity is the slow part of adding a region. This module reads
a plain-text plan, finds every number with :func:`analysis.numbers.scan_numbers`, leaves
alone what is not a quantity (years, item numbers, programme names, slogans, list counts …)
and proposes the rest as candidate rows for ``targets.csv``: the quote and its offsets in the
file's decoded text, the exact value, unit and comparator, and guesses at the kind, the
indicator and the theme (from the codebook's keyword patterns, :func:`analysis.coding.keyword_scores`).

Layout:

- pure functions on strings and DataFrames: :func:`extract_text` (one text or one chunk of a
  long text → candidates and the numbers left out), :func:`item_spans`;
- the conventions (comparator, kind, indicator) in :mod:`analysis.extraction.conventions`;
- reading files (the edge) in :mod:`analysis.extraction.files`, PDF and Word input in
  :mod:`analysis.extraction.ingest`;
- the review loop (candidates into a workbook and accepted rows back into the data) in
  :mod:`analysis.extraction.review`, proposed coding in :mod:`analysis.extraction.proposals`.

Offsets are Python code points into the decoded text (no BOM), end exclusive, as everywhere
in the project. Nothing here names a region or a document.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import pandas as pd

from analysis.coding import FALLBACK_THEME, keyword_scores
from analysis.extraction.conventions import (
    _ACHIEVEMENT_RE,
    _BASELINE_RE,
    _CONNECTIVE_RE,
    _MEASURE_UNITS_EXCLUDED,
    guess_comparator,
    guess_indicator,
    guess_kind,
    looks_like_report,
    qualifier_of,
)
from analysis.normalize import furniture_line_spans, normalize
from analysis.numbers import CN_NUMERAL_CHARS, NumberToken, format_decimal, scan_numbers

# ---------------------------------------------------------------------------------------------
# Output columns

CANDIDATE_COLUMNS: tuple[str, ...] = (
    "doc",
    "char_start",
    "char_end",
    "quote",
    "number_text",
    "number_start",
    "number_end",
    "value",
    "value_max",
    "unit",
    "unit_original",
    "comparator",
    "kind",
    "indicator",
    "theme_id",
    "clause",
    "clause_start",
    "clause_end",
    "qualifier",
)
_INDICATOR = CANDIDATE_COLUMNS.index("indicator")
LEFT_OUT_COLUMNS: tuple[str, ...] = ("doc", "char_start", "char_end", "text", "reason", "context")

# Reasons a number is left out, in the vocabulary of excluded_numbers.csv. The scanner's own
# reasons are mapped onto it; anything else becomes "other".
EXCLUSION_REASONS: tuple[str, ...] = (
    "year",
    "date",
    "time_of_day",
    "item_number",
    "ordinal",
    "programme_name",
    "slogan",
    "party_congress_or_plan",
    "document_number",
    "document_title",
    "anniversary",
    "birth_cohort",
    "school_name",
    "grade_name",
    "rank_name",
    "structure_name",
    "list_count",
    "indefinite",
    "age_band",
    "time_window",
    "page_furniture",
    "duplicate_of_body",
    "foreign_digits",
    "other",
)
_EXCLUSION_REASON_SET = frozenset(EXCLUSION_REASONS)
_SCANNER_REASONS = {"five_year_plan": "party_congress_or_plan", "party_congress": "party_congress_or_plan"}

DEFAULT_CHUNK_CHARS = 1 << 18  # 262144 code points per chunk

# ---------------------------------------------------------------------------------------------
# Segments: where a quote starts and ends

_SEGMENT_END_RE = re.compile(r"[,;。!?\n]|:(?!\d)")  # normalised text: commas are half-width
_SEGMENT_END_REVERSED_RE = re.compile(r"[,;。!?\n]|(?<!\d):")  # the same, searched in the reversed text
_SENTENCE_END_RE = re.compile(r"[;。!?\n]")
_INLINE_ITEM_RE = re.compile(
    r"(?<=[。;!?])\s*(?=[(（][一二三四五六七八九十\d]{1,3}[)）]|\d{1,2}[.、](?!\d)|[一二三四五六七八九十]{1,3}、)"
)
_LONG_LINE = 4000


def item_spans(text: str) -> list[tuple[int, int]]:
    """Spans ``[start, end)`` that tile ``text``: one per paragraph (line), blank lines and
    trailing whitespace belonging to the item before them.

    A very long line (a page that lost its line breaks) is cut further where a numbered item
    (``(三)``, ``4.``, ``二、``) starts after a sentence end.

    >>> item_spans("一、总体要求\\n\\n1.新建3所。\\n2.改建2所。")
    [(0, 8), (8, 16), (16, 23)]
    """
    starts = [0]
    position = text.find("\n")
    while position >= 0:
        following = text.find("\n", position + 1)
        line_end = len(text) if following < 0 else following
        if not text[position + 1 : line_end].isspace() and line_end > position + 1:
            starts.append(position + 1)
        position = following
    spans = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        spans.append((start, end))
    result = []
    for start, end in spans:
        if end - start > _LONG_LINE:
            cuts = [start] + [start + m.start() for m in _INLINE_ITEM_RE.finditer(text[start:end]) if m.start() > 0]
            result.extend((a, b) for a, b in zip(cuts, cuts[1:] + [end]) if b > a)
        else:
            result.append((start, end))
    if len(result) > 1 and not text[result[0][0] : result[0][1]].strip():
        result[1] = (result[0][0], result[1][1])  # leading blank lines join the first item
        result.pop(0)
    return [(a, b) for a, b in result if b > a]


def item_label(item_text: str, width: int = 24) -> str:
    """A short label for an item: its first words up to the first full stop."""
    head = item_text.strip().split("\n", 1)[0]
    stop = head.find("。")
    if 0 <= stop < width:
        head = head[: stop + 1]
    return head[:width] + ("…" if len(head) > width else "")


# ---------------------------------------------------------------------------------------------
# What is not a target quantity, beyond what the scanner refuses

_QUOTE_PAIRS = (("“", "”"), ("「", "」"), ("『", "』"), ("《", "》"))
_FORMULA_AFTER_RE = re.compile(
    r"(?:意识|自信|维护|确立|服务|回归|坚持|相统一|面向|优先|全面|必须|并举|一课|一做|三实|严三实|规定)"
)
_STRUCTURE_AFTER_RE = re.compile(r"一体")
# 一年有起色、两年见成效、三年大变样: stages of a plan named by years, not durations to measure
_STAGE_AFTER_RE = re.compile(
    r"(?:有|见|大|上|打|出|显|初见|基本|全面)(?:起色|成效|发展|变样|变化|台阶|基础|成果|突破|提升|见效)"
)
_TERM_AFTER_RE = re.compile(r"(?:分配|创业)")  # 二次分配: a term, not twice
_SCHOOL_SYSTEM_AFTER_RE = re.compile(
    r"(?:一贯制|制|[^,;。\d]{0,4}教育)"
)  # 九年一贯制, 十五年免费教育: kinds of schooling
# 专栏3, 附件1, 表2: labels of boxes, annexes and tables
_LABEL_BEFORE_RE = re.compile(r"(?:专栏|附件|附表|附录|表|图|栏目)\s*$")
_INLINE_ITEM_AFTER_RE = re.compile(r"[、.](?![\d\s])")  # …发展1、学前…: an item number run into the text
_INDEFINITE_UNITS = frozenset("批支轮种条")
_INDEFINITE_BEFORE = frozenset("每上下同另这那任新其某哪")
_AGE_AFTER_RE = re.compile(r"(?:以下|以上|及以下|及以上|以内|至\d+岁)?的?[婴幼儿童少青学适老人孩]")
_RANK_BEFORE_RE = re.compile(r"(?:省|市|区|县|国家|州|自治区)$")
_TIME_WINDOW_BEFORE_RE = re.compile(r"(?:近|最近|过去|这|前后)$")
_LIST_ITEM_SPLIT_RE = re.compile(r"[、和及与]")
_IDENTIFIER_BEFORE_RE = re.compile(r"(?:电话|传真|邮编|邮政编码|手机|热线|QQ|qq|编号|代码|网址|No\.?)[:：\s]*$")
_ASCII_LETTER = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_NUMERAL_RUN_RE = re.compile(rf"[\d.,]+|[{CN_NUMERAL_CHARS}]+")
_CN_NUMERAL_SET = frozenset(CN_NUMERAL_CHARS)


_OPENING_QUOTE_RE = re.compile('[“「『《"]')


def _inside_quotes(text: str, token: NumberToken, sentence_start: int, sentence_end: int) -> bool:
    """The number stands inside a quoted name or title closed later in the same sentence."""
    if not _OPENING_QUOTE_RE.search(text, sentence_start, token.start):
        return False
    for opening, closing in _QUOTE_PAIRS:
        opened = text.rfind(opening, sentence_start, token.start)
        if (
            opened >= 0
            and text.rfind(closing, opened, token.start) < 0
            and text.find(closing, token.end, sentence_end) >= 0
        ):
            return True
    straight = text.count('"', sentence_start, token.start)
    return straight % 2 == 1 and text.find('"', token.end, sentence_end) >= 0


_PAGE_LINE_RE = re.compile(r"^[\s\-—–第页共/0-9]*$")


def _alone_on_its_line(text: str, token: NumberToken) -> bool:
    """A number alone on its line, with at most dashes or 第…页: a page number of a PDF (- 3 -, 第3页)."""
    line_start = text.rfind("\n", 0, token.start) + 1
    line_end = text.find("\n", token.end)
    line_end = len(text) if line_end < 0 else line_end
    if line_end - line_start > 24:
        return False
    return bool(_PAGE_LINE_RE.match(text[line_start : token.start]) and _PAGE_LINE_RE.match(text[token.end : line_end]))


def _list_count(text: str, token: NumberToken, segment_start: int) -> bool:
    """三项培训 after "师德师风、信息技术、新教师": the number restates the length of the list before it."""
    quantity = token.quantity
    if quantity.value_max is not None or quantity.unit in _MEASURE_UNITS_EXCLUDED or quantity.value < 2:
        return False
    left = text[segment_start : token.start].rstrip()
    etc = left.endswith("等")
    left = left.rstrip("等").rstrip()
    if "、" not in left:
        return False
    items = [part for part in _LIST_ITEM_SPLIT_RE.split(left) if part.strip()]
    count = len(items)
    return count == quantity.value or (etc and 2 <= count <= quantity.value)


def left_out_reason(
    text: str, token: NumberToken, segment_start: int, sentence_start: int, sentence_end: int
) -> str | None:
    """Why a number the scanner reads as a quantity is still not a target quantity (or None).

    General rules, not fitted to one plan: a number inside a quoted name (“三个100%”), a numbered
    formula (四个意识, 八项规定, 四位一体), 一 as an article (一批, 每一所, 新一轮) or in a pattern such as
    一校一策, levels of a structure (三级网络; 省一级 is a rank), a count that restates the list before it,
    a time window (近三年, 三年来), an age band (0—3岁婴幼儿), and codes (5G, 电话 …, 3号).
    """
    quantity = token.quantity
    after = text[token.end : token.end + 6]
    numeral_start = token.start + 1 if quantity.is_rank else token.start
    numeral_match = _NUMERAL_RUN_RE.match(text, numeral_start)  # None for 翻一番
    numeral = numeral_match.group(0) if numeral_match else ""
    chinese = text[numeral_start] in CN_NUMERAL_CHARS
    before_char = text[token.start - 1 : token.start]
    if _inside_quotes(text, token, sentence_start, sentence_end):
        return "programme_name"
    if _alone_on_its_line(text, token):
        return "page_furniture"
    if _FORMULA_AFTER_RE.match(after):
        return "slogan"
    if _STRUCTURE_AFTER_RE.match(after):
        return "structure_name"
    if chinese and numeral == "一":
        if after[:1] == "一":
            return "slogan"  # 一校一策, 一年一度
        if quantity.unit in _INDEFINITE_UNITS or before_char in _INDEFINITE_BEFORE:
            return "indefinite"
    if chinese and quantity.unit == "年" and _STAGE_AFTER_RE.match(after):
        return "slogan"
    if chinese and quantity.unit == "次" and _TERM_AFTER_RE.match(after):
        return "other"
    if chinese and quantity.unit == "级":
        return "rank_name" if _RANK_BEFORE_RE.search(text[max(0, token.start - 3) : token.start]) else "structure_name"
    if chinese and _list_count(text, token, segment_start):
        return "list_count"
    if quantity.unit in ("年", "个月", "天", "周") and (
        _TIME_WINDOW_BEFORE_RE.search(text[max(0, token.start - 2) : token.start])
        or after.startswith(("来", "以来"))
        or (quantity.is_rank and quantity.unit == "年")
    ):
        return "time_window"
    if quantity.unit in ("岁", "周岁") and (quantity.value_max is not None or _AGE_AFTER_RE.match(after)):
        return "age_band"
    if quantity.unit == "年" and _SCHOOL_SYSTEM_AFTER_RE.match(after):
        return "structure_name"
    if not chinese:
        if not quantity.unit and len(numeral) <= 2 and numeral.isdigit() and _INLINE_ITEM_AFTER_RE.match(after):
            return "item_number"
        if before_char in _ASCII_LETTER or (not quantity.unit and after[:1] in _ASCII_LETTER):
            return "other"  # a code or a name: 5G, 3D, V2
        if not quantity.unit and (after[:1] == "号" or (len(numeral) >= 7 and numeral.isdigit())):
            return "other"  # 3号楼, a telephone number
        if not quantity.unit and _LABEL_BEFORE_RE.search(text, max(0, token.start - 4), token.start):
            return "item_number"
        if _IDENTIFIER_BEFORE_RE.search(text[max(0, token.start - 8) : token.start]):
            return "other"
    return None


def _counting_chains(text: str, tokens: list[NumberToken], bounds) -> set[int]:
    """Starts of numerals that count up through parallel phrases: 一年有起色、两年有成效、三年大发展.

    Chinese numerals 1, 2, 3 … in consecutive phrases separated by 、 name a slogan's parts,
    not quantities.
    """
    chained: set[int] = set()
    chain: list[NumberToken] = []

    def close() -> None:
        if len(chain) >= 2 and chain[0].quantity.value == 1:
            chained.update(t.start for t in chain)

    for token in tokens:
        quantity = token.quantity
        if quantity is None or quantity.value_max is not None:
            continue
        first = text[token.start + 1] if quantity.is_rank else text[token.start]
        if first not in _CN_NUMERAL_SET:
            continue
        if chain:
            previous = chain[-1]
            gap = text[previous.end : token.start]
            if (
                quantity.value == previous.quantity.value + 1
                and len(gap) <= 12
                and "、" in gap
                and "," not in gap
                and bounds(previous.start, previous.end, True) == bounds(token.start, token.end, True)
            ):
                chain.append(token)
                continue
            close()
        chain = [token]
    close()
    return chained


# ---------------------------------------------------------------------------------------------
# Extraction of one text (or one chunk of a long text)


@dataclass
class ChunkResult:
    """Candidates and numbers left out of one chunk (DataFrames in the CANDIDATE/LEFT_OUT columns)."""

    candidates: pd.DataFrame
    left_out: pd.DataFrame
    report: bool = False
    chars: int = 0


def _reason_name(reason: str) -> str:
    reason = _SCANNER_REASONS.get(reason, reason)
    return reason if reason in _EXCLUSION_REASON_SET else "other"


def _bounds_finder(text: str):
    """``bounds(start, end, sentence)``: the segment (or sentence) of ``text`` around ``[start, end)``.

    Searching a reversed copy finds the previous delimiter with one regular-expression call.
    """
    reverse = text[::-1]
    size = len(text)
    segment_next, sentence_next = _SEGMENT_END_RE.search, _SENTENCE_END_RE.search
    segment_previous, sentence_previous = _SEGMENT_END_REVERSED_RE.search, _SENTENCE_END_RE.search

    def bounds(start: int, end: int, sentence: bool) -> tuple[int, int]:
        after = (sentence_next if sentence else segment_next)(text, end)
        before = (sentence_previous if sentence else segment_previous)(reverse, size - start)
        return (size - before.start() if before else 0), (after.start() if after else size)

    return bounds


def extract_text(
    raw: str, doc: str, themes: pd.DataFrame, *, offset: int = 0, report: bool | None = None, left_out: bool = True
) -> ChunkResult:
    """Candidate target quantities in ``raw`` and the numbers left out, with offsets ``+ offset``.

    ``raw`` is decoded text (a whole plan, or a chunk of one that starts at ``offset`` and is cut
    at a line end). ``report`` says whether the text reports results (then quantities are
    ``achievement``); ``None`` guesses it from the text (:func:`looks_like_report`). With
    ``left_out=False`` the numbers left out are not listed (faster, when only candidates are wanted).

    >>> themes = pd.DataFrame({"theme_id": ["kindergarten_coverage"], "keywords_zh": ["幼儿园|普惠"]})
    >>> result = extract_text("2023年新建幼儿园3所,普惠性幼儿园覆盖率达到95%以上。", "plan.txt", themes)
    >>> result.candidates[["number_text", "value", "unit", "comparator", "theme_id"]].values.tolist()
    [['3所', '3', '所', '=', 'kindergarten_coverage'], ['95%', '95', '%', '>=', 'kindergarten_coverage']]
    >>> result.left_out[["text", "reason"]].values.tolist()
    [['2023年', 'year']]
    """
    nt = normalize(raw)
    text = nt.text
    raw_index = nt.raw_index
    if report is None:
        report = looks_like_report(text)
    tokens = scan_numbers(text)
    bounds = _bounds_finder(text)
    furniture = furniture_line_spans(text)
    furniture_starts = [s for s, _ in furniture]
    items = item_spans(text)
    item_starts = [s for s, _ in items]
    chained = _counting_chains(text, tokens, bounds)

    left_rows: list[tuple] = []
    kept: list[tuple[NumberToken, int, int, int, int]] = []
    segment_start = segment_end = sentence_start = sentence_end = -1
    for token in tokens:
        reason = None
        if token.quantity is None:
            if not left_out:
                continue
            reason = _reason_name(token.reason)
        elif token.start in chained:
            reason = "slogan"
        else:
            # tokens come in order: the segment and sentence of the last one often hold this one too
            if not (segment_start <= token.start and token.end <= segment_end):
                segment_start, segment_end = bounds(token.start, token.end, False)
            if not (sentence_start <= token.start and token.end <= sentence_end):
                sentence_start, sentence_end = bounds(token.start, token.end, True)
            reason = left_out_reason(text, token, segment_start, sentence_start, sentence_end)
            if reason is None and furniture:
                index = bisect.bisect_right(furniture_starts, token.start) - 1
                if index >= 0 and token.start < furniture[index][1]:
                    reason = "page_furniture"
        if reason is None:
            kept.append((token, segment_start, segment_end, sentence_start, sentence_end))
            continue
        if not left_out:
            continue
        a, b = raw_index[token.start], raw_index[token.end - 1] + 1
        left_rows.append(
            (doc, a + offset, b + offset, raw[a:b], reason, raw[max(0, a - 12) : b + 8].replace("\n", " "))
        )

    records: list[tuple] = []
    theme_texts: dict[tuple[int, int], str] = {}
    past_sentences: dict[int, bool] = {}
    labels: dict[int, str] = {}
    count = len(kept)
    for index, (token, segment_start, segment_end, sentence_start, sentence_end) in enumerate(kept):
        quantity = token.quantity
        start, end = token.start, token.end
        previous = kept[index - 1][0] if index else None
        following = kept[index + 1][0] if index + 1 < count else None
        previous_end = previous.end if previous is not None and previous.end > segment_start else segment_start
        if furniture:  # 您的位置:首页 > 通知公告完成6所…: the words of the indicator start after the furniture
            index = bisect.bisect_right(furniture_starts, start) - 1
            if index >= 0 and previous_end < furniture[index][1] <= start:
                previous_end = furniture[index][1]
        next_start = following.start if following is not None and following.start < segment_end else segment_end
        left = text[max(previous_end, start - 16) : start]
        right = text[end:next_start]
        unit = quantity.unit
        comparator_left = left
        if previous_end > segment_start and _CONNECTIVE_RE.match(left):
            # 分别下降18和29个百分点: a coordinated number shares the words before the first one
            comparator_left = text[max(segment_start, previous.start - 16) : previous.start]
        if not unit:
            if (
                following is not None
                and following.start < segment_end
                and _CONNECTIVE_RE.match(text[end : following.start] or "x")
            ):
                unit = following.quantity.unit  # 18和29个百分点: the unit is written once
            elif "系数" in text[segment_start:start]:
                unit = "系数"  # 差异系数0.24: a coefficient
        if report:
            kind = "baseline" if _BASELINE_RE.search(text, max(sentence_start, start - 16), start) else "achievement"
        else:
            past = past_sentences.get(sentence_start)
            if past is None:
                past = past_sentences[sentence_start] = bool(_ACHIEVEMENT_RE.search(text, sentence_start, sentence_end))
            kind = guess_kind(text[sentence_start:start], "了" if past else "", False)
        comparator = guess_comparator(comparator_left, right[:6], quantity.is_rank, achievement=kind == "achievement")
        qualifier = qualifier_of(left, right[:4], quantity.qualifier)
        if qualifier and comparator == "=":
            comparator = "approx"
        indicator = guess_indicator(text[previous_end:start], right, unit)
        if not indicator and previous_end > segment_start:
            indicator = records[-1][_INDICATOR]  # 覆盖率由85%提高到90%: the second number measures the same thing
        quote_start, quote_end = segment_start, segment_end
        while quote_start < start and text[quote_start].isspace():
            quote_start += 1
        while quote_end > end and text[quote_end - 1].isspace():
            quote_end -= 1
        q_start, q_end = raw_index[quote_start], raw_index[quote_end - 1] + 1
        n_start, n_end = raw_index[start], raw_index[end - 1] + 1
        item_index = bisect.bisect_right(item_starts, start) - 1
        item_start, item_end = items[item_index]
        c_start, c_end = raw_index[item_start], raw_index[item_end - 1] + 1
        label = labels.get(item_start)
        if label is None:
            label = labels[item_start] = item_label(raw[c_start:c_end])
        if (sentence_start, sentence_end) not in theme_texts:
            theme_texts[(sentence_start, sentence_end)] = text[sentence_start:sentence_end]
        if (item_start, item_end) not in theme_texts:
            theme_texts[(item_start, item_end)] = text[item_start : item_start + ITEM_HEAD_CHARS]
        records.append(
            (
                doc,
                q_start + offset,
                q_end + offset,
                raw[q_start:q_end],
                raw[n_start:n_end],
                n_start + offset,
                n_end + offset,
                format_decimal(quantity.value),
                format_decimal(quantity.value_max),
                unit,
                quantity.unit_original if quantity.unit_original != unit else "",
                comparator,
                kind,
                indicator,
                None,
                label,
                c_start + offset,
                c_end + offset,
                qualifier,
                (sentence_start, sentence_end),
                (item_start, item_end),
            )
        )
    candidates = pd.DataFrame.from_records(records, columns=[*CANDIDATE_COLUMNS, "_sentence", "_item"]).astype(object)
    candidates["theme_id"] = guess_themes(candidates, theme_texts, themes)
    candidates = candidates[list(CANDIDATE_COLUMNS)]
    return ChunkResult(
        candidates, pd.DataFrame(left_rows, columns=list(LEFT_OUT_COLUMNS), dtype=object), report, len(raw)
    )


ITEM_HEAD_CHARS = 30


def guess_themes(candidates: pd.DataFrame, theme_texts: dict[tuple[int, int], str], themes: pd.DataFrame) -> list[str]:
    """Theme per candidate from the codebook's keyword patterns (:func:`analysis.coding.keyword_scores`).

    The theme with most hits in the candidate's sentence; when the sentence has none, the theme
    with most hits in the head of its item (its first 30 characters: the heading names the topic);
    else ``overall_goals``. Ties go to the earlier theme in the codebook.
    """
    if candidates.empty:
        return []
    themes = themes[themes["theme_id"] != "web_furniture"]
    sentences = list(dict.fromkeys(candidates["_sentence"]))
    best = _best_themes(sentences, theme_texts, themes)
    heads = list(
        dict.fromkeys(
            item for sentence, item in zip(candidates["_sentence"], candidates["_item"]) if best[sentence] is None
        )
    )
    best.update(_best_themes(heads, theme_texts, themes))
    return [
        best[sentence] or best[item] or FALLBACK_THEME
        for sentence, item in zip(candidates["_sentence"], candidates["_item"])
    ]


def _best_themes(keys: list, theme_texts: dict, themes: pd.DataFrame) -> dict:
    """The theme with most keyword hits in each text (None without any hit)."""
    if not keys:
        return {}
    scores = keyword_scores(pd.Series([theme_texts[k] for k in keys], dtype=object), themes)
    if scores.empty:
        return dict.fromkeys(keys)
    values = scores.to_numpy()
    columns = list(scores.columns)
    best, hits = values.argmax(axis=1).tolist(), values.max(axis=1).tolist()
    return {key: (columns[index] if hit > 0 else None) for key, index, hit in zip(keys, best, hits)}
