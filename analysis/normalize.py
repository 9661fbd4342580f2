"""Pure text normalisation that keeps a map back to raw character offsets.

Raw files are never edited. Every step here turns a string into a :class:`NormalizedText`
whose ``raw_index`` says, for each normalised character, which raw character it came from,
so a hit in normalised text can be located in the untouched raw file.
Offsets are Python code points (``str`` indices), never bytes or UTF-16 units.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

# Lines that are web-page furniture, not plan text (matched against simplified text).
FURNITURE_PATTERNS: tuple[str, ...] = (
    r"^\s*您(现在)?的位置",
    r"^\s*当前位置",
    r"^\s*分享到",
    r"^\s*【?打印正文】?\s*$",
    r"^\s*【?关闭窗口】?\s*$",
    r"^\s*用户登录\s*$",
    r"^\s*×\s*$",
    r"扫一扫在手机打开当前页",
    r"^\s*(来源|信息来源)[:：].*(发布时间|作者)",
    r"^\s*发布时间[:：]",
    r"^\s*由 .* 发表于",
)
_FURNITURE_RE = re.compile("|".join(f"(?:{p})" for p in FURNITURE_PATTERNS))
# The furniture phrases themselves, for a line that also holds plan text (a page that lost its line
# breaks): only the phrase is cut, never the sentence it runs into.
_CRUMB = r"[^\s>»/,,。;;:：]{1,12}"
FURNITURE_PHRASES: tuple[str, ...] = (
    rf"(?:您(?:现在)?的位置|当前位置)\s*[:：]?\s*(?:{_CRUMB}\s*[>»/]\s*)*[^\s>»/,,。;;:：\d]{{0,4}}",
    r"分享到\s*[:：]?(?:\s*(?:微信|朋友圈|微博|新浪微博|腾讯微博|QQ空间|QQ|qq|人人网|豆瓣))*",
    r"【?打印正文】?",
    r"【?关闭窗口】?",
    r"用户登录",
    r"扫一扫在手机打开当前页",
    r"(?:来源|信息来源)[:：][^。;;\n]{0,40}?(?:发布时间|作者)[:：]?\s*[0-9\-:年月日 ]*",
    r"发布时间[:：]\s*[0-9\-:年月日 ]*(?:\s*(?:信息来源|来源)[:：]\s*[^\s。,,;;]{0,16})?",
    r"由 \S+ 发表于\s*[0-9\-: ]*",
)
_FURNITURE_PHRASE_RE = re.compile("|".join(f"(?:{p})" for p in FURNITURE_PHRASES))
_SENTENCE_END_RE = re.compile("[。;;!！?？]")
_LONG_LINE = 200

_FULLWIDTH_OFFSET = 0xFEE0  # U+FF01..U+FF5E are full-width forms of U+0021..U+007E
_DECIMAL_STOP_RE = re.compile(r"(?<=\d)[。．](?=\d)")


@dataclass(frozen=True)
class NormalizedText:
    """Normalised text plus, for each of its characters, the raw index it came from.

    ``raw_index`` has one more entry than ``text``: the raw length, so that end-exclusive
    spans map back cleanly. It is a ``range`` while no step has changed the text's length (the
    usual case: no memory per character), a ``tuple`` otherwise.
    """

    text: str
    raw_index: Sequence[int]

    def to_raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span ``[start, end)`` to the raw span that produced it."""
        if not 0 <= start <= end <= len(self.text):
            raise ValueError(f"span {start}:{end} outside normalised text of length {len(self.text)}")
        if start == end:
            return self.raw_index[start], self.raw_index[start]
        return self.raw_index[start], self.raw_index[end - 1] + 1

    def from_raw_offset(self, raw_offset: int) -> int:
        """The first normalised index whose raw index is at or after ``raw_offset``."""
        import bisect

        return bisect.bisect_left(self.raw_index, raw_offset, 0, len(self.text))


def identity(raw: str) -> NormalizedText:
    """Wrap raw text with an identity offset map."""
    return NormalizedText(raw, range(len(raw) + 1))


def fullwidth_to_halfwidth(char: str) -> str:
    """Full-width ASCII forms (１２３ＡＢＣ％．) and the ideographic space to their ASCII forms.

    Chinese punctuation without an ASCII twin (、。“”《》) is kept: it carries meaning.

    >>> "".join(map(fullwidth_to_halfwidth, "１２．５％"))
    '12.5%'
    """
    code = ord(char)
    if 0xFF01 <= code <= 0xFF5E:
        return chr(code - _FULLWIDTH_OFFSET)
    if code == 0x3000:
        return " "
    return char


_HALFWIDTH_TABLE = {code: fullwidth_to_halfwidth(chr(code)) for code in (*range(0xFF01, 0xFF5F), 0x3000)}


_FULLWIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")


def _halfwidth_text(text: str) -> str:
    """``text`` with :func:`fullwidth_to_halfwidth` applied to every character.

    Long texts go through numpy (one vectorised pass over the code points); ``str.translate``
    with a dict is slow on CJK text, where almost every comma is a full-width one.
    """
    if not _FULLWIDTH_RE.search(text):
        return text
    if len(text) < 4096:
        return text.translate(_HALFWIDTH_TABLE)
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).copy()
    fullwidth = (codes >= 0xFF01) & (codes <= 0xFF5E)
    codes[fullwidth] -= _FULLWIDTH_OFFSET
    codes[codes == 0x3000] = 0x20
    return codes.tobytes().decode("utf-32-le")


def halfwidth_forms(nt: NormalizedText) -> NormalizedText:
    """Replace full-width digits, letters and ASCII punctuation by half-width ones."""
    return NormalizedText(_halfwidth_text(nt.text), nt.raw_index)


_STOP_BEFORE_DIGIT_RE = re.compile(r"[。．](?=\d)")


def decimal_stops(nt: NormalizedText) -> NormalizedText:
    """Read "。" or "．" between two digits as a decimal point ("21。66" → "21.66").

    Same result as ``_DECIMAL_STOP_RE.sub(".", text)``; looking for the stop first and checking the
    character before it (``isdecimal`` is ``\\d``) is faster than a look-behind at every position.
    """
    text = nt.text
    parts: list[str] = []
    last = 0
    for match in _STOP_BEFORE_DIGIT_RE.finditer(text):
        position = match.start()
        if position > 0 and text[position - 1].isdecimal():
            parts += (text[last:position], ".")
            last = position + 1
    if not parts:
        return nt
    parts.append(text[last:])
    return NormalizedText("".join(parts), nt.raw_index)


@lru_cache(maxsize=1)
def _t2s_converter():
    import opencc

    return opencc.OpenCC("t2s")


def _align(old: str, new: str, old_index: Sequence[int]) -> tuple[int, ...]:
    """Offset map for ``new`` when a conversion changed the length of ``old``."""
    index: list[int] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            index.extend(old_index[i1:i2])
        elif i1 == i2:  # inserted text points at the raw character it stands before
            index.extend([old_index[i1]] * (j2 - j1))
        else:  # replaced text points at the raw characters it replaces, clamped to the last one
            index.extend(old_index[min(i1 + k, i2 - 1)] for k in range(j2 - j1))
    index.append(old_index[len(old)])
    return tuple(index)


def to_simplified(nt: NormalizedText) -> NormalizedText:
    """Traditional → simplified Chinese with OpenCC (t2s), keeping the offset map.

    When a conversion changes the length of the text (rare), only the lines whose length
    changed are aligned again, so long texts stay fast.
    """
    converted = _t2s_converter().convert(nt.text)
    if len(converted) == len(nt.text):
        return NormalizedText(converted, nt.raw_index)
    old_lines, new_lines = nt.text.split("\n"), converted.split("\n")
    if len(old_lines) != len(new_lines):
        return NormalizedText(converted, _align(nt.text, converted, nt.raw_index))
    index: list[int] = []
    cursor = 0
    for old, new in zip(old_lines, new_lines):
        line_index = nt.raw_index[cursor : cursor + len(old) + 1]  # the line and its newline (or the end)
        if len(old) == len(new):
            index.extend(line_index[:-1])
        else:
            index.extend(_align(old, new, line_index)[:-1])
        index.append(line_index[-1])  # the newline, or the raw length after the last line
        cursor += len(old) + 1
    return NormalizedText(converted, tuple(index))


# Every furniture pattern needs one of these words or characters on its line; lines without any
# are skipped without running the patterns (most of a long text).
_FURNITURE_HINT_RE = re.compile(r"位置|分享到|打印正文|关闭窗口|用户登录|×|扫一扫|来源|发布时间|发表于")


def furniture_line_spans(text: str) -> list[tuple[int, int]]:
    """Spans ``[start, end)`` of web-page furniture: whole lines (newline included), or only the phrases.

    A line that is furniture (:data:`FURNITURE_PATTERNS`) is cut whole. When the line also holds plan
    text (it is longer than 200 characters, or a sentence end remains once the furniture phrases are
    taken out: ``您的位置:首页 > 通知公告完成6所学校标准化建设任务。``), only the phrases
    (:data:`FURNITURE_PHRASES`) are cut, so the plan text and its numbers stay.
    """
    spans = []
    last_line = -1
    for hint in _FURNITURE_HINT_RE.finditer(text):
        line_start = text.rfind("\n", 0, hint.start()) + 1
        if line_start == last_line:
            continue
        last_line = line_start
        newline = text.find("\n", hint.start())
        line_end = len(text) if newline < 0 else newline + 1
        line = text[line_start:line_end]
        if not line.strip():
            continue
        phrases = [(m.start(), m.end()) for m in _FURNITURE_PHRASE_RE.finditer(line) if m.end() > m.start()]
        whole = _FURNITURE_RE.search(line) is not None
        if whole and len(line) <= _LONG_LINE:
            rest = "".join(
                line[a:b] for a, b in zip([0] + [e for _, e in phrases], [s for s, _ in phrases] + [len(line)])
            )
            if not _SENTENCE_END_RE.search(rest):
                spans.append((line_start, line_end))
                continue
        spans.extend((line_start + a, line_start + b) for a, b in phrases)
    return spans


def drop_spans(nt: NormalizedText, spans: list[tuple[int, int]]) -> NormalizedText:
    """Remove the given spans from the text, keeping the offset map of what remains."""
    keep_text: list[str] = []
    keep_index: list[int] = []
    cursor = 0
    for start, end in sorted(spans):
        keep_text.append(nt.text[cursor:start])
        keep_index.extend(nt.raw_index[cursor:start])
        cursor = max(cursor, end)
    keep_text.append(nt.text[cursor:])
    keep_index.extend(nt.raw_index[cursor:])
    return NormalizedText("".join(keep_text), tuple(keep_index))


def _kangxi_table() -> dict[int, str]:
    """Kangxi radicals (U+2F00–U+2FD5), CJK radicals supplement (U+2E80–U+2EF3) and CJK compatibility
    ideographs (U+F900–U+FAFF, U+2F800–U+2FA1F) → the unified ideograph they stand for (NFKC, one
    character for one, so offsets stay). Text taken from Chinese PDFs is full of them (⽂ for 文)."""
    import unicodedata

    table = {}
    for start, end in ((0x2E80, 0x2EF4), (0x2F00, 0x2FD6), (0xF900, 0xFB00), (0x2F800, 0x2FA20)):
        for code in range(start, end):
            mapped = unicodedata.normalize("NFKC", chr(code))
            if (
                len(mapped) == 1
                and mapped != chr(code)
                and 0x4E00 <= ord(mapped) <= 0x9FFF
                or (len(mapped) == 1 and mapped != chr(code) and 0x3400 <= ord(mapped) <= 0x4DBF)
            ):
                table[code] = mapped
    return table


_KANGXI_TABLE = _kangxi_table()
_KANGXI_RE = re.compile("[\u2e80-\u2ef3\u2f00-\u2fd5\uf900-\ufaff\U0002f800-\U0002fa1f]")


def compatibility_ideographs(nt: NormalizedText) -> NormalizedText:
    """Kangxi radicals and CJK compatibility ideographs to their unified characters (⽂ → 文), one for one."""
    if not _KANGXI_RE.search(nt.text):
        return nt
    return NormalizedText(nt.text.translate(_KANGXI_TABLE), nt.raw_index)


def normalize(raw: str, *, drop_furniture: bool = False) -> NormalizedText:
    """Full normalisation: half-width forms, Kangxi radicals and compatibility ideographs (⽂ → 文),
    decimal "。", simplified script, optional furniture removal.

    >>> nt = normalize("近三年預算內教育撥款21。66億元")
    >>> nt.text
    '近三年预算内教育拨款21.66亿元'
    >>> start = nt.text.index("21.66亿元"); nt.to_raw_span(start, start + 7)
    (10, 17)
    """
    nt = identity(raw)
    nt = halfwidth_forms(nt)
    nt = compatibility_ideographs(nt)
    nt = decimal_stops(nt)
    nt = to_simplified(nt)
    if drop_furniture:
        nt = drop_spans(nt, furniture_line_spans(nt.text))
    return nt
