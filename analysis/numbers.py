"""Quantities in Chinese policy text → exact numbers.

One function, :func:`parse_quantity`, turns a quantity as these texts write it (``1.2万套``,
``21.66亿元``, ``三所``, ``1—2个``, ``两三个``, ``50%``, ``2个百分点``, ``前5名``) into a
:class:`Quantity` with exact :class:`~decimal.Decimal` values, and refuses what is not a
quantity (``2025年``, ``(十二)``, ``“1234”工程``, ``5+2``, ``十四五``) with a reason.
:func:`scan_numbers` finds every number in a text and says, for each, whether it is a
quantity or why not; the extractor and the closed-world check build on it.

Chinese numerals are converted with cn2an; the traps it does not cover are handled here:
values stay in Decimal (16.4亿 is exactly 1640000000, with no rounding at any length) and
adjacent numerals such as 两三 or 三五 are ranges (2–3, 3–5), not 23 or 35. The forms other
plans use are read too: percent ranges (60%~70%, 60%至70%), Chinese percentages (百分之八十,
千分之三), approximate counts (3万余人, 二十多所: the qualifier is kept in ``Quantity.qualifier``),
fractions (三分之一, 1/3: numerator as the value, ``/3`` as the unit, exact), 翻一番 (2倍) and a
space between number and unit (1 所). Digits other than 0-9 (٣, ३) are refused, never read.
Every form, handled or not, is listed in ``docs/number_forms.md``. Input is expected normalised
(:func:`analysis.normalize.normalize`); :func:`parse_quantity` normalises its argument itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Context, Decimal
from functools import lru_cache

from analysis.normalize import normalize

CN_DIGITS = "零〇一二两三四五六七八九"
CN_NUMERAL_CHARS = CN_DIGITS + "十百千"
MULTIPLIERS: dict[str, Decimal] = {
    "万亿": Decimal(10) ** 12,
    "亿": Decimal(10) ** 8,
    "千万": Decimal(10) ** 7,
    "百万": Decimal(10) ** 6,
    "十万": Decimal(10) ** 5,
    "万": Decimal(10) ** 4,
}
# Units written after a number, longest first. Money is normalised to 元.
UNITS: tuple[str, ...] = (
    "个百分点",
    "百分点",
    "周年",
    "平方米",
    "平方公里",
    "人次",
    "课时",
    "学时",
    "小时",
    "分钟",
    "个月",
    "班次",
    "公里",
    "千米",
    "周岁",
    "个",
    "%",
    "‰",
    "所",
    "名",
    "人",
    "位",
    "套",
    "元",
    "项",
    "次",
    "节",
    "天",
    "周",
    "年",
    "家",
    "门",
    "支",
    "篇",
    "本",
    "间",
    "座",
    "台",
    "场",
    "期",
    "批",
    "班",
    "类",
    "处",
    "米",
    "张",
    "册",
    "件",
    "种",
    "条",
    "份",
    "校",
    "园",
    "户",
    "栋",
    "级",
    "轮",
    "组",
    "对",
    "块",
    "部",
    "首",
    "幅",
    "堂",
    "辆",
    "吨",
    "亩",
    "岁",
    "倍",
    "届",
    "成",
    "分",
    "点",
)
_UNIT_CANONICAL = {"个百分点": "百分点"}
_RANGE_SEPARATORS = "-—–~～至到―－"
# Spaces a PDF or a web page puts between a number and its unit: space, no-break, thin, narrow no-break.
SPACES = " \u00a0\u2009\u202f"
# Words that make a number approximate. 余/多 follow the number (3万余人, 二十多所); 约/近/左右 stand around it
# (the extractor reads them). One rule everywhere: the value is the number written, the word is the qualifier.
QUALIFIERS_AFTER = ("余", "多")
# Exact arithmetic: Decimal's default context rounds at 28 significant digits; this one never rounds a
# number a text can hold (longer numerals are refused, see MAX_DIGITS).
EXACT = Context(prec=200)
MAX_DIGITS = 60

_AR = r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?"
_CN = rf"[{CN_NUMERAL_CHARS}]+(?:点[{CN_DIGITS}]+)?"  # 一点五倍: a decimal in Chinese numerals
_MULT = "|".join(sorted(MULTIPLIERS, key=len, reverse=True))
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_SEP = "[" + re.escape(_RANGE_SEPARATORS) + "]"
_NUM = rf"(?:{_AR}|{_CN})"
_SP = f"[{SPACES}]{{0,2}}"
QUANTITY_RE = re.compile(
    rf"(?P<rank>前)?(?P<lo>{_NUM})(?:{_SP}(?P<lo_mult>{_MULT}))?"
    rf"(?::(?P<ratio>[0-9]+(?![0-9]*:)))?"
    rf"(?:(?P<lo_pct>[%‰])?(?P<sep>{_SEP})(?P<hi>{_NUM})(?P<hi_mult>{_MULT})?)?"
    rf"(?P<qualifier>[余多](?=[{''.join(sorted({u[0] for u in UNITS}))}]))?"
    rf"(?:{_SP}(?P<unit>{_UNIT}))?"
)
# 百分之八十, 百分之九十五点五, 千分之三, 百分之80
_CN_DECIMAL = rf"[{CN_NUMERAL_CHARS}]+(?:点[{CN_DIGITS}]+)?"
CN_PERCENT_RE = re.compile(rf"(?P<kind>百分之|千分之)(?P<num>{_CN_DECIMAL}|{_AR})")
# 三分之一, 五分之二: a fraction written in words (the denominator first)
CN_FRACTION_RE = re.compile(rf"(?P<den>[{CN_NUMERAL_CHARS}]+)分之(?P<num>[{CN_NUMERAL_CHARS}]+)")
# 1/3, 2/5: a fraction in digits, read only when it cannot be a date or a list (numerator below the
# denominator, denominator at most 10, no digit or slash on either side)
AR_FRACTION_RE = re.compile(r"(?<![0-9/.])(?P<num>[1-9])/(?P<den>[1-9]|10)(?![0-9/.])")
# 翻一番 = 2倍, 翻两番 = 4倍
DOUBLING_RE = re.compile(r"翻(?P<times>[一两二三四])番")
# Digits of other scripts (Arabic-Indic ٣, Devanagari ३, …): \d would match them; the project refuses them.
FOREIGN_DIGIT_RE = re.compile(r"(?![0-9])\d+")


@dataclass(frozen=True)
class Quantity:
    """An exact quantity: ``value`` (and ``value_max`` for a range) in base units."""

    value: Decimal
    value_max: Decimal | None
    unit: str
    unit_original: str
    text: str
    is_rank: bool = False
    start: int = 0
    end: int = 0
    qualifier: str = ""  # 余, 多 (after the number) when the text says the value is approximate


class NotAQuantityError(ValueError):
    """The text is a number but not a quantity (a year, an item number, a name …)."""

    def __init__(self, text: str, reason: str, detail: str = ""):
        self.text = text
        self.reason = reason
        super().__init__(f"{text!r} is not a quantity: {reason}" + (f" ({detail})" if detail else ""))


def format_decimal(value: Decimal | None) -> str:
    """Plain decimal notation without exponent or trailing zeros ('' for None).

    >>> format_decimal(Decimal("1640000000.0")), format_decimal(Decimal("21.660"))
    ('1640000000', '21.66')
    """
    if value is None:
        return ""
    return format(value.normalize(EXACT), "f")


_CN_DIGIT_VALUES = dict(zip("零〇一二两三四五六七八九", "001223456789"))


def _cn_to_decimal(numeral: str) -> Decimal:
    """Convert a Chinese numeral (十五, 二十一, 两, 一百二十, 九十五点五) to an exact Decimal."""
    import cn2an

    if "点" in numeral:  # the fraction digit by digit: 点五 is .5, exactly
        whole, _, fraction = numeral.partition("点")
        digits = "".join(_CN_DIGIT_VALUES[c] for c in fraction)
        return EXACT.add(_cn_to_decimal(whole), Decimal(f"0.{digits}"))
    if numeral[:1] in ("百", "千"):  # 百分之百: a hundred without its 一
        numeral = "一" + numeral
    try:
        number = cn2an.cn2an(numeral, "smart")
    except (ValueError, KeyError) as error:
        raise NotAQuantityError(numeral, "not_a_number", str(error)) from None
    if isinstance(number, float) and not number.is_integer():
        raise NotAQuantityError(numeral, "not_a_number", "fractional Chinese numeral")
    return Decimal(int(number))


def _adjacent_range(numeral: str) -> tuple[Decimal, Decimal] | None:
    """两三 → (2, 3), 三五 → (3, 5): two bare ascending digits without 十/百/千 are a range."""
    if len(numeral) == 2 and all(c in CN_DIGITS for c in numeral):
        low, high = (_cn_to_decimal(c) for c in numeral)
        if Decimal(0) < low < high:
            return low, high
    return None


def _number(text: str) -> Decimal:
    if text[0] in "0123456789":
        digits = text.replace(",", "")
        if len(digits) > MAX_DIGITS:
            raise NotAQuantityError(text, "too_many_digits", f"more than {MAX_DIGITS} digits")
        return Decimal(digits)
    return _cn_to_decimal(text)


def _scale(value: Decimal, multiplier: str | None) -> Decimal:
    return EXACT.multiply(value, MULTIPLIERS[multiplier]) if multiplier else value


def _special_form(text: str) -> Quantity | None:
    """百分之八十, 三分之一, 1/3 and 翻一番 as a whole expression (None when it is none of them)."""
    match = CN_PERCENT_RE.fullmatch(text)
    if match:
        unit = "%" if match["kind"] == "百分之" else "‰"
        return Quantity(_number(match["num"]), None, unit, unit, text)
    match = CN_FRACTION_RE.fullmatch(text) or AR_FRACTION_RE.fullmatch(text)
    if match:
        numerator, denominator = _number(match["num"]), _number(match["den"])
        if not Decimal(0) < numerator < denominator:
            raise NotAQuantityError(text, "not_a_number", "a fraction needs 0 < numerator < denominator")
        return Quantity(numerator, None, f"/{format_decimal(denominator)}", "分之" if "分之" in text else "/", text)
    match = DOUBLING_RE.fullmatch(text)
    if match:
        return Quantity(Decimal(2) ** int(_cn_to_decimal(match["times"])), None, "倍", "翻番", text)
    return None


@lru_cache(maxsize=1 << 16)
def _parse_normalised(expression: str) -> Quantity:
    text = expression.strip()
    if not text:
        raise NotAQuantityError(expression, "empty")
    if FOREIGN_DIGIT_RE.search(text):
        raise NotAQuantityError(expression, "foreign_digits", "only the digits 0-9 and Chinese numerals are read")
    refusal = _refusal_reason(text)
    if refusal:
        raise NotAQuantityError(expression, refusal)
    special = _special_form(text)
    if special is not None:
        return special
    match = QUANTITY_RE.fullmatch(text)
    if not match:
        raise NotAQuantityError(expression, "not_a_number", "not of the form number[range][万/亿][unit]")
    lo, hi = match["lo"], match["hi"]
    unit = match["unit"] or ""
    multiplier = match["hi_mult"] or match["lo_mult"]
    adjacent = _adjacent_range(lo) if not hi else None
    if adjacent:
        value, value_max = adjacent
    else:
        value = _number(lo)
        value_max = _number(hi) if hi else None
    value = _scale(value, match["lo_mult"] or (match["hi_mult"] if hi else None))
    if value_max is not None:
        value_max = _scale(value_max, match["hi_mult"] or match["lo_mult"])
        if value_max < value:
            raise NotAQuantityError(expression, "not_a_number", "range end below its start")
    if match["lo_pct"] and match["lo_pct"] != unit:
        raise NotAQuantityError(expression, "not_a_number", "a percent range needs the same unit at both ends")
    if match["qualifier"] and hi:
        raise NotAQuantityError(expression, "not_a_number", "an approximate range (1-2余所) is not read")
    if match["ratio"]:
        if hi or unit:
            raise NotAQuantityError(expression, "not_a_number", "a ratio takes no range or unit")
        unit = f":{match['ratio']}"
    unit_original = (multiplier or "") + unit
    unit = _UNIT_CANONICAL.get(unit, unit)
    if unit == "周年":
        raise NotAQuantityError(expression, "anniversary")
    if unit in ("年",) and not hi and lo.isascii() and lo.isdigit() and len(lo) == 4:
        raise NotAQuantityError(expression, "year")
    return Quantity(
        value=value,
        value_max=value_max,
        unit=unit,
        unit_original=_UNIT_CANONICAL.get(unit_original, unit_original),
        text=expression,
        is_rank=bool(match["rank"]),
        qualifier=match["qualifier"] or "",
    )


_NAME_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"^[(（][^()（）]*[)）]$", "item_number"),
    (r"^\d+[.、]$|^[" + CN_NUMERAL_CHARS + r"]+、$", "item_number"),
    (r"^[“\"'‘].*[”\"'’]", "programme_name"),
    (r"\+", "programme_name"),
    (r"^十[一二三四五六七八九]五$", "five_year_plan"),
    (r"^[" + CN_NUMERAL_CHARS + r"]+(大|届|中全会)$", "party_congress"),
    (r"^第", "ordinal"),
    (r"^(19|20)\d\d[{SPACES}]?(年|-\d|—\d|/)".replace("{SPACES}", SPACES), "year"),
    (r"^[〇零一二三四五六七八九]{4}年$", "year"),
    (r"^\d{1,2}月(\d{1,2}[日号])?$|^\d{1,2}[日号]$", "date"),
)


def _refusal_reason(text: str) -> str | None:
    for pattern, reason in _NAME_PATTERNS:
        if re.search(pattern, text):
            return reason
    return None


def parse_quantity(expression: str) -> Quantity:
    """Parse one quantity expression into exact numbers, or raise :class:`NotAQuantityError`.

    The expression is normalised first (traditional script, full-width digits, "。" as a
    decimal point), so raw text can be passed as it stands.

    >>> q = parse_quantity("21。66億元"); (format_decimal(q.value), q.unit, q.unit_original)
    ('2166000000', '元', '亿元')
    >>> q = parse_quantity("两三个"); (q.value, q.value_max, q.unit)
    (Decimal('2'), Decimal('3'), '个')
    >>> parse_quantity("2025年")
    Traceback (most recent call last):
    ...
    analysis.numbers.NotAQuantityError: '2025年' is not a quantity: year
    """
    normalised = normalize(expression).text
    try:
        quantity = _parse_normalised(normalised)
    except NotAQuantityError as error:
        raise NotAQuantityError(expression, error.reason) from None
    return Quantity(**{**quantity.__dict__, "text": expression})


# ---------------------------------------------------------------------------------------------
# Scanning running text


@dataclass(frozen=True)
class NumberToken:
    """A number found in running text: a quantity, or not one and why."""

    start: int
    end: int
    text: str
    quantity: Quantity | None
    reason: str  # "quantity" or why it is not one


_DATE_TIME_RE = re.compile(r"(?:19|20)\d\d-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d\d(?::\d\d)?)?")

# Context patterns, compiled once (scan_numbers calls _context_reason for every number).
_C = re.compile
_ITEM_PREFIX_RE = _C(r"^\s*[(（]?$")
_ITEM_AFTER_RE = _C(r"^[)）]?[.、．)）]")
_CN_OR_DIGITS_RE = _C(rf"[{CN_NUMERAL_CHARS}]+|\d+")
_YEAR_TOKEN_RE = _C(r"^(19|20)\d\d$")
_YEAR_AFTER_RE = _C(r"^\s*(年|[-—–~至]\s*(19|20)\d\d|\.\d|/)")
_YEAR_RANGE_BEFORE_RE = _C(r"(19|20)\d\d\s*[-—–~至]\s*$")
_ONE_TWO_DIGITS_RE = _C(r"^\d{1,2}$")
_MONTH_AFTER_RE = _C(r"^月(?!份?[以之])")
_MONTH_BEFORE_RE = _C(r"月$")
_CLOCK_AFTER_RE = _C(r"^[:：]\d\d")
_DATE_DASH_BEFORE_RE = _C(r"\d{4}-$")
_DATE_DASH_AFTER_RE = _C(r"^-\d{1,2}")
_DATE_PARTIAL_RE = _C(r"(19|20)\d\d-\d{1,2}$|^(19|20)\d\d$")
_DOC_NUMBER_BEFORE_RE = _C(r"[〔\[【]\s*$")
_DOC_YEAR_BEFORE_RE = _C(r"[〔\[]\d{4}[〕\]]\s*$")
_FIVE_YEAR_TOKEN_RE = _C(r"^十[一二三四五六七八九]五$")
_CONGRESS_TOKEN_RE = _C(r"^(十[一二三四五六七八九]|二十)$")
_CONGRESS_AFTER_RE = _C(r"^(大|届|次全国|中全会)")
_PLENUM_AFTER_RE = _C(r"^[一二三四五六七八九]中全会")
_TWO_DIGITS_RE = _C(r"^\d\d$")
_COHORT_AFTER_RE = _C(r"^(、\d\d)*后")
_DIGITS_RE = _C(r"^\d+$")
_SCHOOL_AFTER_RE = _C(r"^中(?!全会)")
_GRADE_BEFORE_RE = _C(r"[初高]$")
_GRADE_TOKEN_RE = _C(r"^[一二三]$")
_PROGRAMME_AFTER_RE = _C(r"^(\.\d+)?(版|行动|工程|计划|战略)")
_NAMED_SCHEME_AFTER_RE = _C(r"^[^,，。;；\n]{0,6}(工程|计划|行动|方案|模式|体系|机制)")


# Every rule of _context_reason that looks at the characters before a number needs one of these.
_BEFORE_TRIGGER_RE = _C(r"[(（第\-—–~至月〔\[【初高+“\"《]")


def _context_reason(text: str, start: int, end: int) -> str | None:
    """Why the number at ``text[start:end]`` is not a quantity, judged from its surroundings.

    The rules are tried in order and the first that applies gives the reason; each regular
    expression is guarded by a cheap test of the characters it needs, because this runs for
    every number in the text (rules on the characters before the number only run when one of
    the characters they need is there).
    """
    before = text[max(0, start - 12) : start]
    after = text[end : end + 8]
    first_after = after[:1]
    length = end - start
    triggered = _BEFORE_TRIGGER_RE.search(before) is not None
    if first_after and first_after in ")）.、．" and _ITEM_AFTER_RE.match(after):
        line_start = text.rfind("\n", 0, start) + 1
        if _ITEM_PREFIX_RE.match(text[line_start:start]):
            return "item_number"
    token = text[start:end]
    if triggered:
        if before.endswith(("(", "（")) and after.startswith((")", "）")) and _CN_OR_DIGITS_RE.fullmatch(token):
            return "item_number"
        if before.rstrip(SPACES).endswith("第"):
            return "ordinal"
    if length == 4 and _YEAR_TOKEN_RE.match(token):
        if _YEAR_AFTER_RE.match(after) or (triggered and _YEAR_RANGE_BEFORE_RE.search(before)):
            return "year"
    if length <= 2 and _ONE_TWO_DIGITS_RE.match(token):
        if first_after == "月" and _MONTH_AFTER_RE.match(after) and not before.endswith("个"):
            return "date"
        if first_after in ("日", "号") and triggered and "月" in before[-2:] and _MONTH_BEFORE_RE.search(before):
            return "date"
        if first_after in (":", "：") and _CLOCK_AFTER_RE.match(after):
            return "time_of_day"
    if (
        triggered
        and "-" in before[-2:]
        and _DATE_DASH_BEFORE_RE.search(before)
        or (first_after == "-" and _DATE_DASH_AFTER_RE.match(after) and _DATE_PARTIAL_RE.search(before + token))
    ):
        return "date"
    if (
        triggered
        and ("〔" in before or "[" in before or "【" in before)
        and (_DOC_NUMBER_BEFORE_RE.search(before) or _DOC_YEAR_BEFORE_RE.search(before))
    ):
        return "document_number"
    if token[:1] in ("十", "二") and (
        _FIVE_YEAR_TOKEN_RE.match(token) or _CONGRESS_TOKEN_RE.match(token) and _CONGRESS_AFTER_RE.match(after)
    ):
        return "party_congress_or_plan"
    if "中全会" in after and _PLENUM_AFTER_RE.match(after):
        return "party_congress_or_plan"
    if length == 2 and "后" in after and _TWO_DIGITS_RE.match(token) and _COHORT_AFTER_RE.match(after):
        return "birth_cohort"
    if first_after == "中" and _DIGITS_RE.match(token) and _SCHOOL_AFTER_RE.match(after):
        return "school_name"
    if (
        triggered
        and after.startswith("年级")
        and length == 1
        and _GRADE_BEFORE_RE.search(before)
        and _GRADE_TOKEN_RE.match(token)
    ):
        return "grade_name"
    if first_after and first_after in ".版行工计战" and _PROGRAMME_AFTER_RE.match(after):
        return "programme_name"
    if first_after == "+" or (triggered and before.endswith("+")):
        return "programme_name"
    if triggered:
        open_quote = max(before.rfind("“"), before.rfind('"'))
        if open_quote > before.rfind("”") and "”" in after:
            return "programme_name"
    if first_after and first_after in "年个项大" and _NAMED_SCHEME_AFTER_RE.match(after):
        return "programme_name"
    if triggered and (before.endswith("《") or (before.rfind("《") > before.rfind("》"))):
        return "document_title"
    return None


# A Chinese numeral that is a single character can only start a number when the next character
# can continue one (a unit, a range separator, an item bracket, 大/届/中全会 or a ratio colon).
_CAN_FOLLOW_NUMERAL = frozenset(
    {unit[0] for unit in UNITS} | set(_RANGE_SEPARATORS) | set(")）、:大届中") | set("万亿") | set("余多番")
)
_CN_NAMED_FIVE_YEAR_RE = _C(r"十[一二三四五六七八九]五")
_CN_NAMED_CONGRESS_RE = _C(r"[" + CN_NUMERAL_CHARS + r"]+(大|届|中全会)")
_CN_LEADING_RE = _C(r"[" + CN_NUMERAL_CHARS + r"]+")


# Chinese runs that can start a number: two characters or more, or one that a unit, range
# separator, item bracket, 大/届/中 or ratio colon follows (or the end of the text).
_CN_CANDIDATE_RE = re.compile(
    rf"[{CN_NUMERAL_CHARS}万亿](?:[{CN_NUMERAL_CHARS}万亿]+|(?=[{re.escape(''.join(sorted(_CAN_FOLLOW_NUMERAL)))}]|\Z))"
)


_DIGIT_RUN_RE = re.compile(r"\d+")  # any script: one pass finds the Arabic digits and the foreign ones
_MIXED_RUN_RE = re.compile(r"[0-9]+|\d+")


def _number_candidates(text: str) -> tuple[list[tuple[int, bool]], list[tuple[int, int]]]:
    """Start positions of Arabic and Chinese number runs, sorted (``True`` for Arabic), and the spans of
    runs of digits of other scripts (٣, ३), which are never read as numbers.

    Every maximal run of Arabic digits (the digits after a decimal point or a thousands comma start runs
    too; the scan skips them inside the number before), and every maximal run of Chinese numeral
    characters except a lone one that nothing numeric follows (统一, 一体化, 进一步).
    """
    candidates, foreign = [], []
    for match in _DIGIT_RUN_RE.finditer(text):
        if match.group().isascii():
            candidates.append((match.start(), True))
            continue
        for part in _MIXED_RUN_RE.finditer(text, match.start(), match.end()):
            if part.group().isascii():
                candidates.append((part.start(), True))
            else:
                foreign.append(part.span())
    candidates += [(match.start(), False) for match in _CN_CANDIDATE_RE.finditer(text)]
    candidates.sort()
    return candidates, foreign


def _new_token(start: int, end: int, text: str, quantity: Quantity | None, reason: str) -> NumberToken:
    """A :class:`NumberToken` without the frozen-dataclass ``__init__`` (a third of the scan's time)."""
    token = object.__new__(NumberToken)
    token.__dict__.update(start=start, end=end, text=text, quantity=quantity, reason=reason)
    return token


def _located(quantity: Quantity, start: int, end: int) -> Quantity:
    """``quantity`` with its position in the scanned text, built as fast as :func:`_new_token`."""
    located = object.__new__(Quantity)
    located.__dict__.update(quantity.__dict__)
    located.__dict__.update(start=start, end=end)
    return located


def scan_numbers(text: str) -> list[NumberToken]:
    """Every number in normalised running text, with its quantity or the reason it is not one.

    A Chinese numeral counts as a number when it stands before a unit (三所, 两个), in an item
    number ((十二), 一、) or in a numbered name (十四五, 二十大); bare 一 in words such as 统一 or
    一体化 does not.

    >>> [(t.text, t.reason) for t in scan_numbers("2021年新建3所幼儿园,统一招生。")]
    [('2021年', 'year'), ('3所', 'quantity')]
    """
    import bisect

    tokens: list[NumberToken] = []
    date_starts: list[int] = []
    date_ends: list[int] = []
    for match in _DATE_TIME_RE.finditer(text):
        tokens.append(_new_token(match.start(), match.end(), match.group(0), None, "date"))
        date_starts.append(match.start())
        date_ends.append(match.end())
    token_end = 0  # tokens are found left to right, so one end marks what they cover
    quantity_match = QUANTITY_RE.match
    parse, new = _parse_normalised, object.__new__
    candidates, foreign = _number_candidates(text)
    for start, end in foreign:  # never read as numbers, never silently dropped
        tokens.append(_new_token(start, end, text[start:end], None, "foreign_digits"))
        date_starts.append(start)
        date_ends.append(end)
    if foreign and len(date_starts) > 1:
        order = sorted(range(len(date_starts)), key=date_starts.__getitem__)
        date_starts, date_ends = [date_starts[i] for i in order], [date_ends[i] for i in order]
    for position, arabic in candidates:
        if position < token_end:
            continue
        if date_starts:
            index = bisect.bisect_right(date_starts, position) - 1
            if index >= 0 and position < date_ends[index]:
                continue
        special = _special_match(text, position, arabic)
        if special is not None:
            start, end = special.span()
            token = _special_token(text, start, end)
            tokens.append(token)
            token_end = max(token_end, end)
            continue
        start = position - 1 if position > 0 and text[position - 1] == "前" else position
        match = quantity_match(text, start)
        if not match or match.end() <= position:
            continue
        end = match.end()
        core = match["lo"]
        named = False
        if not arabic:
            bare_multiplier = core.strip("百千") == ""  # no digit and no 十: 百, 千 alone
            digitless = core.strip("十百千") == "" and core != "十"
            following = text[end : end + 1]
            # string containment on purpose: at either end of the text the slices are "" (in any string)
            in_item = following in (")", "）", "、") or (text[start - 1 : start] in "(（" and following in ")）")
            named = bool(_CN_NAMED_FIVE_YEAR_RE.match(text, start) or _CN_NAMED_CONGRESS_RE.match(text, start))
            if bare_multiplier or digitless or not (match["unit"] or in_item or named or match["hi"]):
                continue
            if named:
                end = _CN_LEADING_RE.match(text, start).end()
        span_text = text[start:end]
        reason = "party_congress_or_plan" if named else _context_reason(text, position, position + len(core))
        quantity = None
        if reason is None:
            try:
                parsed = parse(span_text)
            except NotAQuantityError as error:
                reason = error.reason
            else:
                quantity = new(Quantity)  # _located, inlined: this loop runs for every number
                quantity.__dict__.update(parsed.__dict__)
                quantity.__dict__.update(start=start, end=end)
                reason = "quantity"
        token = new(NumberToken)  # _new_token, inlined
        token.__dict__.update(start=start, end=end, text=span_text, quantity=quantity, reason=reason)
        tokens.append(token)
        if end > token_end:
            token_end = end
    if date_starts:
        tokens.sort(key=lambda token: token.start)
    return tokens


def _special_match(text: str, position: int, arabic: bool):
    """百分之…, 千分之…, N分之M, N/M or 翻N番 starting at (or, for 翻, just before) ``position``."""
    if arabic:
        return AR_FRACTION_RE.match(text, position) if text[position + 1 : position + 2] == "/" else None
    char = text[position]
    if char in "百千" and text.startswith("分之", position + 1):
        return CN_PERCENT_RE.match(text, position)
    if position and text[position - 1] == "翻":
        return DOUBLING_RE.match(text, position - 1)
    if "分之" in text[position + 1 : position + 6]:
        return CN_FRACTION_RE.match(text, position)
    return None


def _special_token(text: str, start: int, end: int) -> NumberToken:
    span_text = text[start:end]
    reason = _context_reason(text, start, end)
    quantity = None
    if reason is None:
        try:
            quantity = _located(_parse_normalised(span_text), start, end)
            reason = "quantity"
        except NotAQuantityError as error:
            reason = error.reason
    return _new_token(start, end, span_text, quantity, reason)
