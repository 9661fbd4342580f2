"""Human labels for column names and codes, in Chinese and English (no snake_case on any page or table).

One dictionary serves the evidence site (:mod:`analysis.evidence`) and the notebook tables
(:mod:`analysis.readable`). A column without a label falls back to its name with underscores turned
into spaces, so a new column is readable (if plain) until someone labels it.
"""

from __future__ import annotations

# The two bases of theme text shares (analysis.compare.theme_text_shares_by_basis).
SHARE_BASIS_TEXT = {
    "primary_only": ("只计主题", "primary theme only"),
    "primary_plus_secondary": ("主题加次要主题(均分)", "primary plus secondary themes, split equally"),
}

COLUMN_LABELS: dict[str, tuple[str, str]] = {
    "share_basis": ("份额口径", "Share basis"),
    "share_basis_zh": ("份额口径", "Share basis"),
    "share_basis_en": ("份额口径", "Share basis"),
    "measure": ("测量类型", "Kind of measure"),
    "measure_kind": ("测量类型", "Kind of measure"),
    "basis": ("统计基础", "Basis"),
    "genre_class": ("文本类别", "Plan or report"),
    "doc_id": ("文件", "Document"),
    "doc_id_plan": ("规划文件", "Plan document"),
    "doc_id_result": ("报道文件", "Report document"),
    "region_id": ("地区", "Region"),
    "region_zh": ("地区", "Region"),
    "region_en": ("地区", "Region"),
    "label_zh": ("地区或全国", "Region or national"),
    "label_en": ("地区或全国", "Region or national"),
    "title_zh": ("标题", "Title"),
    "title_en": ("标题", "Title"),
    "genre": ("体裁", "Genre"),
    "genre_zh": ("体裁", "Genre"),
    "published": ("发布日期", "Published"),
    "period_label": ("时期", "Period"),
    "period_start_year": ("起始年", "First year"),
    "period_end_year": ("结束年", "Last year"),
    "script": ("字体", "Script"),
    "body_chars": ("正文字数", "Body characters"),
    "clauses": ("条款数", "Clauses"),
    "quantities": ("量化数", "Quantities"),
    "quantities_per_10k_chars": ("每万字量化数", "Quantities per 10,000 characters"),
    "per_10k_chars": ("每万字", "Per 10,000 characters"),
    "after_double_reduction": ("晚于“双减”意见", "After the 'double reduction' opinion"),
    "target_id": ("编号", "Id"),
    "target_id_plan": ("目标编号", "Target id"),
    "target_id_result": ("成效编号", "Result id"),
    "reference_id": ("编号", "Id"),
    "benchmark_id": ("基准编号", "Benchmark id"),
    "kind": ("类型", "Kind"),
    "theme_id": ("主题", "Theme"),
    "theme_zh": ("主题", "Theme"),
    "theme_en": ("主题", "Theme"),
    "indicator_zh": ("指标", "Indicator"),
    "indicator_en": ("指标", "Indicator"),
    "indicator_zh_plan": ("目标指标", "Target indicator"),
    "indicator_en_plan": ("目标指标", "Target indicator"),
    "indicator_zh_result": ("成效指标", "Result indicator"),
    "indicator_en_result": ("成效指标", "Result indicator"),
    "indicator_group": ("可比指标", "Comparable indicator"),
    "group_name_zh": ("可比指标", "Comparable indicator"),
    "group_name_en": ("可比指标", "Comparable indicator"),
    "value": ("数值", "Value"),
    "value_max": ("上限", "Upper value"),
    "value_plan": ("目标值", "Target"),
    "value_result": ("成效值", "Result"),
    "unit": ("单位", "Unit"),
    "unit_plan": ("单位", "Unit"),
    "unit_result": ("成效单位", "Result unit"),
    "comparator": ("比较", "Comparator"),
    "comparator_plan": ("比较", "Comparator"),
    "comparator_result": ("成效比较", "Result comparator"),
    "target_year": ("目标年", "Target year"),
    "target_year_plan": ("目标年", "Target year"),
    "target_year_result": ("成效年", "Result year"),
    "year": ("年份", "Year"),
    "quote": ("原文引文", "Quote"),
    "quote_en": ("引文英译", "Quote in English"),
    "quote_en_plan": ("目标引文英译", "Target quote in English"),
    "quote_en_result": ("成效引文英译", "Result quote in English"),
    "quote_en_by": ("英译者", "Gloss by"),
    "quote_en_reviewed": ("英译已审校", "Gloss reviewed"),
    "quote_plan": ("目标引文", "Target quote"),
    "quote_result": ("成效引文", "Result quote"),
    "number_text": ("数字原文", "Number as written"),
    "notes": ("备注", "Notes"),
    "source": ("来源", "Source"),
    "level": ("强度", "Level"),
    "level_meaning_zh": ("强度含义", "Level meaning"),
    "level_meaning_en": ("强度含义", "Level meaning"),
    "instruments": ("政策工具", "Instruments"),
    "share": ("占比", "Share"),
    "chars": ("字数", "Characters"),
    "target": ("目标", "Targets"),
    "baseline": ("基线", "Baselines"),
    "achievement": ("成效", "Achievements"),
    "component": ("组成部分", "Component"),
    "name_zh": ("名称", "Name"),
    "name_en": ("名称", "Name"),
    "present": ("有无", "Present"),
    "comparability": ("可比性", "Comparability"),
    "comparability_reason": ("可比性理由", "Reason"),
    "caveat_zh": ("说明", "Caveat"),
    "caveat_en": ("说明", "Caveat"),
    "policy_title_zh": ("政策", "Policy"),
    "issuer": ("发文机关", "Issuer"),
    "issued": ("发布", "Issued"),
    "source_url": ("来源网址", "Source"),
    "source_quality": ("来源可靠性", "Source quality"),
    "evidence": ("证据", "Evidence"),
    "drawn": ("绘入图中", "Drawn"),
    "results_report": ("成效报道", "Results report"),
    "multi_year_total": ("多年累计", "Multi-year total"),
    "reason": ("排除理由", "Reason"),
    "text": ("原文", "Text"),
    "char_start": ("起始位置", "Start offset"),
    "char_end": ("结束位置", "End offset"),
    "clause_id": ("条款", "Clause"),
}

# What a number measures and on what basis it is stated (the indicator model of targets.csv).
BASIS_TEXT = {
    "level_at_year": ("某年达到的比率或水平", "a rate or level reached by a year"),
    "flow_in_year": ("一年之内的增量", "a flow within one year"),
    "total_over_period": ("多年累计总数", "a total over several years"),
    "total_unstated_period": ("未说明时段的累计数", "a total over a period the text does not state"),
    "stock_at_date": ("某一时点的存量", "a stock at a date"),
}
MEASURE_TEXT = {
    "share": ("占比(%)", "share of a population (%)"),
    "change_pp": ("百分点变化", "change in percentage points"),
    "change_relative": ("相对变化(%)", "relative change (%)"),
    "change_unstated": (
        "以%表示、未说明是百分点还是相对变化的降幅",
        "a change written in % that does not say whether it is relative or in percentage points",
    ),
    "count": ("数量", "count"),
    "money": ("金额", "amount of money"),
    "rank": ("名次", "rank"),
    "ratio": ("比值", "ratio"),
    "duration": ("时长", "duration"),
    "clock_time": ("时刻", "time of day"),
}


CODE_LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "kind": {
        "target": ("目标", "target"),
        "baseline": ("基线", "baseline"),
        "achievement": ("成效", "achievement"),
        "benchmark": ("全国基准", "national benchmark"),
    },
    "source": {"local": ("地方", "local"), "national": ("全国", "national")},
    "measure": MEASURE_TEXT,
    "measure_kind": MEASURE_TEXT,
    "basis": BASIS_TEXT,
    "genre_class": {"plan": ("规划", "plan"), "report": ("成效报道", "results report")},
    "comparability": {
        "same": ("同类可比", "same measure"),
        "proxy": ("近似可比", "proxy"),
        "not_comparable": ("不可比", "not comparable"),
    },
    "script": {"simplified": ("简体", "simplified"), "traditional": ("繁体", "traditional")},
    "genre": {
        "annual_work_points": ("年度工作要点", "annual work points"),
        "half_year_plan": ("半年工作计划", "half-year plan"),
        "three_year_action_plan": ("三年行动方案", "three-year action plan"),
        "news_report_of_results": ("成效报道", "results report"),
    },
    "reason": {
        "year": ("年份", "year"),
        "item_number": ("条目序号", "item number"),
        "date": ("日期", "date"),
        "programme_name": ("项目名称中的数字", "number in a programme name"),
        "party_congress_or_plan": ("党代会或规划名称", "party congress or plan name"),
        "indefinite": ("不定数", "indefinite number"),
        "list_count": ("列举项数", "count of a list"),
        "structure_name": ("结构名称", "name of a structure"),
        "slogan": ("口号", "slogan"),
        "ordinal": ("序数", "ordinal"),
        "anniversary": ("周年", "anniversary"),
        "rank_name": ("等级名称", "name of a rank"),
        "time_window": ("时间段", "time window"),
        "age_band": ("年龄段", "age band"),
        "birth_cohort": ("出生年份段", "birth cohort"),
        "document_number": ("文号", "document number"),
        "document_title": ("文件标题", "document title"),
        "duplicate_of_body": ("与正文重复", "repeats the body"),
        "grade_name": ("年级名称", "grade name"),
        "school_name": ("学校名称", "school name"),
        "other": ("其他", "other"),
        "reason": ("其他", "other"),
    },
    "comparability_reason": {
        "unit": ("单位不同", "different units"),
        "basis": ("统计基础不同", "different basis"),
        "population": ("统计对象不同", "different population"),
        "subset": ("只是其中一部分", "a subset of the indicator"),
        "duplicate": ("重复计数", "the same number counted twice"),
    },
    "comparator": {
        "=": ("=", "="),
        ">=": ("≥", "≥"),
        "<=": ("≤", "≤"),
        ">": (">", ">"),
        "<": ("<", "<"),
        "~": ("约", "about"),
        "approx": ("约", "about"),
        "increase": ("提高", "increase"),
        "decrease": ("下降", "decrease"),
        "rank_top": ("进入前列", "within the top"),
    },
    "share_basis": SHARE_BASIS_TEXT,
}


INSTRUMENT_LABELS: dict[str, tuple[str, str]] = {
    "supply": ("供给型", "supply"),
    "environment": ("环境型", "environment"),
    "demand": ("需求型", "demand"),
    "teachers": ("师资", "teachers"),
    "funding": ("资金", "funding"),
    "facilities": ("设施", "facilities"),
    "information": ("信息", "information"),
    "services": ("服务", "services"),
    "goals": ("目标规划", "goals"),
    "regulation": ("法规管制", "regulation"),
    "evaluation": ("评价", "evaluation"),
    "organisation": ("组织", "organisation"),
    "purchase": ("采购", "purchase"),
    "pilots": ("试点", "pilots"),
    "publicity": ("宣传", "publicity"),
}

UNIT_ZH: dict[str, str] = {
    "clock time": "时刻",
    "coefficient": "系数",
    "minutes": "分钟",
    "percentage points per year": "百分点/年",
    "teachers per 100 students": "每百名学生教师数",
    "yuan per student per year": "元/生/年",
    "years": "年",
    "none assigned": "不布置",
    "not permitted": "不允许",
    "salary level": "工资水平",
}


def instruments_label(value: str, lang: str) -> str:
    """``supply:teachers;environment:goals`` → 供给型:师资、环境型:目标规划 (or the English words)."""
    parts = []
    for item in (p for p in value.split(";") if p):
        words = [INSTRUMENT_LABELS.get(w, (w, w))[0 if lang == "zh" else 1] for w in item.split(":")]
        parts.append(":".join(words))
    return ("、" if lang == "zh" else "; ").join(parts)


def unit_label(unit: str, lang: str) -> str:
    """A unit as a reader of one language reads it: benchmark units like ``% of teachers …`` shortened."""
    import re

    if lang == "en":
        if not re.search(r"[A-Za-z(]", unit):
            return unit  # a Chinese measure word (个, 所, 名) is the unit as written
        text = re.sub(r"[\u3000-\u9fff]+", "", unit)
        return re.sub(r"\(\s*[,=]?\s*", "(", re.sub(r"\s*[,=]?\s*\)", ")", text)).replace(" ()", "").strip()
    if not re.search(r"[A-Za-z]", unit):
        return unit
    main, _, rest = unit.partition(" (")
    chinese = "".join(re.findall(r"[\u4e00-\u9fff]+", rest))
    if main.startswith("%"):
        base = "%"
    else:
        base = UNIT_ZH.get(main, "")
    return base + (f"({chinese})" if chinese else "")


def column_label(column: str, lang: str) -> str:
    """The zh or en label of a column (``target_id_plan`` → 目标编号 / Target id)."""
    if column in COLUMN_LABELS:
        return COLUMN_LABELS[column][0 if lang == "zh" else 1]
    if column.endswith("_per_10k"):
        base = column_label(column.removesuffix("_per_10k"), lang)
        return f"{base}(每万字)" if lang == "zh" else f"{base} per 10,000 characters"
    return column.replace("_", " ")


def code_label(column: str, code: str, lang: str) -> str:
    """The label of a coded value (``kind`` ``achievement`` → 成效 / achievement); unknown codes pass through."""
    base = column.removesuffix("_plan").removesuffix("_result")
    labels = CODE_LABELS.get(base, {})
    if code in labels:
        return labels[code][0 if lang == "zh" else 1]
    if ";" in code and labels:  # several codes in one cell
        return ("、" if lang == "zh" else ", ").join(code_label(column, part, lang) for part in code.split(";"))
    return code


def other_language_column(column: str, lang: str) -> bool:
    """True for a column written in the other language (``*_en`` on a Chinese page, ``*_zh`` on an English one)."""
    other = "_en" if lang == "zh" else "_zh"
    return column.endswith(other) or f"{other}_" in column
