"""The extractor's conventions, equal to the curation guide: comparator, kind and indicator of a quantity.

Pure functions on the words around a number (normalised text). The comparator words map as the curated
rows map them (data/curated/README.md): 达到/达/保持 → ``>=`` in a plan (``=`` in a report of results),
不低于/不少于/以上/力争 → ``>=``, 不超过/控制在…以内 → ``<=``; 约/近/左右/余/多 are the qualifier
``approx`` (one rule, see docs/number_forms.md).
"""

from __future__ import annotations

import re

from analysis.numbers import SPACES

_MEASURE_UNITS_EXCLUDED = frozenset({"%", "‰", "元", "百分点", ""})

# ---------------------------------------------------------------------------------------------
# Comparator, kind and indicator guesses

_FILLER = r"[^,;。\d]"
_COMPARATOR_RULES: tuple[tuple[str, re.Pattern], ...] = (
    # a rise written right before the number (提高10%); 新增/提升 + an object + a number counts new things
    ("increase", re.compile(r"(?<!新)(?:提高|提升|增加|增长|上升|增幅|扩大|增多)了?(?P<to>到|至|为)?(?:近|约)?$")),
    # a fall may name its object first: 减少外聘教师近300名
    ("decrease", re.compile(rf"(?:下降|降低|减少|压减|缩减|降幅|缩小)了?(?P<to>到|至|为)?{_FILLER}{{0,6}}$")),
    ("<=", re.compile(rf"(?:不超过|不高于|不多于|不大于|控制在|(?<!不)低于|(?<!不)少于|最多|至多){_FILLER}{{0,4}}$")),
    (">=", re.compile(rf"(?:不少于|不低于|不小于|至少|最少|(?<!不)超过|(?<!不)高于|力争){_FILLER}{{0,6}}$")),
    ("reach", re.compile(rf"(?:达到|达)了?$|(?:保持在|保持|稳定在|确保){_FILLER}{{0,2}}$")),
    ("approx", re.compile(r"(?:约|大约|近)$")),
)
_RIGHT_COMPARATORS: tuple[tuple[str, re.Pattern], ...] = (
    (">=", re.compile(r"(?:以上|及以上|或以上)")),
    ("<=", re.compile(r"(?:以内|以下|之内|及以下|内)")),
    ("approx", re.compile(r"左右")),
)
_ANY_CUE_RE = re.compile("提|增|上升|扩大|下降|降|减|缩|不|控制|低于|少于|最|至|超过|高于|力争|达|保持|稳定|确保|约|近")
_RIGHT_CUE_FIRST = frozenset("以及或之内左")
_CONNECTIVE_RE = re.compile(r"^[\s、和及与或/]*$")


def guess_comparator(left: str, right: str, is_rank: bool, *, achievement: bool = False) -> str:
    """The comparator of a quantity from the words just before (``left``) and after (``right``) it.

    The cue nearest the number wins; a rise or fall (提高, 下降) before a level (以上) after.
    达到/保持 mean ``>=`` in a plan and ``=`` in a report of results (``achievement``).

    >>> guess_comparator("覆盖率达", "以上", False), guess_comparator("近视率比上年下降", "", False)
    ('>=', 'decrease')
    >>> guess_comparator("增加学位不少于", "", False), guess_comparator("在编制", "内自主聘用", False)
    ('>=', '<=')
    """
    if is_rank:
        return "rank_top"
    left = left.rstrip(SPACES + "\t")  # 达到 95%: text from a PDF puts a space before the number
    right = right.lstrip(SPACES + "\t")
    found = []
    rules = _COMPARATOR_RULES if _ANY_CUE_RE.search(left) else ()
    for comparator, pattern in rules:
        match = pattern.search(left, max(0, len(left) - 10))  # a cue and its filler: at most 9 characters
        if match:
            found.append((match.start(), comparator, match))
    found.sort(key=lambda item: -item[0])
    if len(found) > 1 and found[0][1] == "approx":
        found.pop(0)  # 减少外聘教师近300名: 近 qualifies the number, the verb says what happens
    for _, comparator, match in found:
        if comparator in ("increase", "decrease"):
            if match.group("to"):
                return ">=" if comparator == "increase" else "<="
            return comparator
        break
    if right[:1] in _RIGHT_CUE_FIRST:
        for comparator, pattern in _RIGHT_COMPARATORS:
            if pattern.match(right):
                return comparator
    if found:
        comparator = found[0][1]
        if comparator == "reach":
            return "=" if achievement else ">="
        return comparator
    return "="


_QUALIFIER_BEFORE_RE = re.compile(r"(?:大约|约|近)$")


def qualifier_of(left: str, right: str, after_number: str = "") -> str:
    """The word that makes a quantity approximate: 余/多 after the number (``after_number``, from
    :attr:`analysis.numbers.Quantity.qualifier`), 约/大约/近 before it, 左右 after it; ``""`` if none.

    One rule (docs/number_forms.md): the value is the number as written and the word is recorded. The
    comparator becomes ``approx`` unless another cue sets it (减少…近300名 stays ``decrease``); then the
    word goes into the row's notes, as the curated rows do.

    >>> qualifier_of("减少外聘教师近", ""), qualifier_of("", "人左右"), qualifier_of("", "", "余")
    ('近', '左右', '余')
    """
    if after_number:
        return after_number
    match = _QUALIFIER_BEFORE_RE.search(left.rstrip(SPACES))
    if match:
        return match.group(0)
    stripped = right.lstrip(SPACES)
    if stripped.startswith("左右") or (stripped[:1] and stripped[1:3] == "左右"):
        return "左右"
    return ""


_ACHIEVEMENT_RE = re.compile(r"已经?|累计|共计|先后|以来|截至|截止|(?<![为除])了")
_BASELINE_RE = re.compile(r"(?:现有|共有|拥有|目前|现为|当前|原有|基数|发挥|依托|利用)[^,;。]{0,12}$|(?:由|从)$")


def looks_like_report(text: str) -> bool:
    """Whether a text reports results (past tense) rather than plans: ≥ 1 past marker per 1,000 characters.

    >>> looks_like_report("累计建成了3所学校,先后交流教师300名。" * 3), looks_like_report("力争新建3所学校。" * 30)
    (True, False)
    """
    markers = (
        text.count("了")
        - text.count("为了")
        - text.count("除了")
        + text.count("已经")
        + text.count("累计")
        + text.count("先后")
        + text.count("以来")
        + text.count("截至")
        + text.count("截止")
    )
    return markers * 1000 >= max(len(text), 1)


def guess_kind(sentence_left: str, sentence: str, report: bool) -> str:
    """``baseline`` when the words before the number state what exists (现有, 发挥 …), ``achievement`` when
    the sentence is in the past (已, 累计, 了 …) or the text is a report, else ``target``."""
    if _BASELINE_RE.search(sentence_left, max(0, len(sentence_left) - 16)):
        return "baseline"
    if report or _ACHIEVEMENT_RE.search(sentence):
        return "achievement"
    return "target"


_CUE_TAIL_RE = re.compile(
    r"(?:均|都|分别|力争|确保|要|将|逐年|每年|比上年|较上年|再|达到|达|保持在|保持|稳定在|控制在|不少于|不低于|不超过|不高于|"
    r"至少|最少|提高到|提高|提升到|提升|增加到|增加|增长|下降到|下降|降低到|降低|减少|超过|在|为|到|至|了|近|约|占|由|从)$"
)
_LEAD_RE = re.compile(r"^[\s、,和及与或/的]+")
_LEAD_FIRST = frozenset(" \t\n\u3000、,和及与或/的")
_CUE_LAST = frozenset("均都别争保要将年再到达在定于少低过高提升加长降减为至了近约占由从")
_RIGHT_LEAD_FIRST = frozenset("以或及之左内的")
_TAIL_SPLIT_RE = re.compile(r"[、,]")
_RIGHT_LEAD_RE = re.compile(r"^(?:以上|及以上|或以上|以内|以下|之内|及以下|左右|内|的)+")


def guess_indicator(left: str, right: str, unit: str, width: int = 30) -> str:
    """What the number measures, guessed from the words around it in its segment.

    >>> guess_indicator("普惠性幼儿园覆盖率达", "以上", "%")
    '普惠性幼儿园覆盖率'
    >>> guess_indicator("新组建 ", "市级“名校+”教育联合体", "个")
    '新组建市级“名校+”教育联合体'
    """
    core = _LEAD_RE.sub("", left).strip() if left[:1] in _LEAD_FIRST else left.strip()
    while core and core[-1] in _CUE_LAST:
        match = _CUE_TAIL_RE.search(core, max(0, len(core) - 3))  # cue words have at most 3 characters
        if not match:
            break
        core = core[: match.start()].rstrip()
    tail = (_RIGHT_LEAD_RE.sub("", right) if right[:1] in _RIGHT_LEAD_FIRST else right).strip()
    tail = _TAIL_SPLIT_RE.split(tail, maxsplit=1)[0]
    if unit not in _MEASURE_UNITS_EXCLUDED and len(tail) >= 2:
        core = core + tail[:width]
    core = core.replace(" ", "")
    return core[-width:] if len(core) > width else core


TARGET_YEAR_RE = re.compile(r"(?:到|至|截至)((?:19|20)\d\d)年")


_CHANGE_RE = re.compile(r"(?:提高|提升|增长|增加|下降|降低|减少|上升)[了]?$")
_PERIOD_TOTAL_RE = re.compile(r"(?:累计|共|总计|合计|三年|五年|期间|以来|近\S年)")


def guess_measure(unit: str, left: str) -> str:
    """What kind of number a candidate is, in the vocabulary of ``targets.measure`` (a proposal to confirm).

    >>> guess_measure("%", "普惠性幼儿园覆盖率达")
    'share'
    >>> guess_measure("%", "近视率下降")
    'change_unstated'
    >>> guess_measure("百分点", "提高")
    'change_pp'
    >>> guess_measure("元", "投入")
    'money'
    """
    tail = left.rstrip()[-4:]
    if unit == "百分点":
        return "change_pp"
    if unit in ("%", "‰"):
        return "change_unstated" if _CHANGE_RE.search(tail) else "share"
    if unit == "元":
        return "money"
    if unit.startswith(":"):
        return "ratio"
    if unit in ("名次", "位"):
        return "rank"
    return "count"


def guess_basis(measure: str, quote: str, period_start: str, period_end: str) -> tuple[str, str, str]:
    """(basis, period_start_year, period_end_year) of a candidate, proposed from its measure and the plan's period.

    A share or level is reached at a year; a change within the plan's year; a count or sum is a flow in a
    one-year plan and a total over the plan's period in a multi-year one, unless the quote says 累计/近三年.

    >>> guess_basis("share", "覆盖率达到90%", "2023", "2025")
    ('level_at_year', '', '')
    >>> guess_basis("count", "新建幼儿园7所", "2023", "2025")
    ('total_over_period', '2023', '2025')
    >>> guess_basis("count", "培训教师500名", "2024", "2024")
    ('flow_in_year', '', '')
    """
    if measure in ("share", "ratio", "rank", "duration", "clock_time"):
        return "level_at_year", "", ""
    if measure.startswith("change"):
        return "flow_in_year", "", ""
    if _PERIOD_TOTAL_RE.search(quote) and not (period_start and period_end and period_start != period_end):
        return "total_unstated_period", "", ""
    if period_start and period_end and period_start != period_end:
        return "total_over_period", period_start, period_end
    return "flow_in_year", "", ""
