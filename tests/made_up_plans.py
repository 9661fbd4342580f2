"""Made-up plans in layouts the five curated texts do not have, with the quantities a reader would code.

Used by tests/test_new_plans.py and benchmarks/extract_benchmark.py (scored per field). Every plan and
every expected row is invented for testing; none of it is data. Expected rows are
``(number_text, value, value_max, unit, comparator, indicator)``: ``indicator`` is a word the guessed
indicator must contain.
"""

from __future__ import annotations

# 1. A plan in chapters and sections (第一章/第一节), percent ranges, Chinese percentages, approximate counts.
CHAPTERS = """某某县“十四五”教育发展规划

第一章 发展基础

第一节 主要成就
全县现有中小学56所,在校学生3万余人。

第二章 发展目标

第一节 学前教育
到2025年,学前三年毛入园率达到百分之九十五以上,普惠性幼儿园覆盖率稳定在85%~90%,公办园在园幼儿占比不低于50%。

第二节 义务教育
义务教育巩固率保持在99%以上,大班额控制在1%以内,新建、改扩建学校二十余所。

第三节 教师队伍
每年交流轮岗教师不少于应交流人数的三分之一,专任教师本科以上学历比例提高到75%。
"""
CHAPTERS_EXPECTED = [
    ("56所", "56", "", "所", "=", "中小学"),
    ("3万余人", "30000", "", "人", "approx", "学生"),
    ("百分之九十五", "95", "", "%", ">=", "毛入园率"),
    ("85%~90%", "85", "90", "%", ">=", "覆盖率"),
    ("50%", "50", "", "%", ">=", "占比"),
    ("99%", "99", "", "%", ">=", "巩固率"),
    ("1%", "1", "", "%", "<=", "大班额"),
    ("二十余所", "20", "", "所", "approx", "学校"),
    ("三分之一", "1", "", "/3", ">=", "交流轮岗教师"),
    ("75%", "75", "", "%", ">=", "学历比例"),
]

# 2. Text as it comes out of a PDF: a page header and page numbers, lines broken mid-sentence, spaces
# between number and unit, a Kangxi radical (⽂ U+2F42 for 文) and web furniture run into the text.
PDF_TEXT = """某某县教育局⽂件
某某县教育局2024年工作要点
一、学前教育
普惠性幼儿园覆盖率达到 95%,新建公办幼儿园 3 所,公办园在园幼儿占
比达到 55%。
- 1 -
某某县教育局⽂件
二、教师队伍
全年交流轮岗教师 120 名,一等奖 1 所、二等奖 1 所、三等奖 3 所。
您的位置:首页 > 通知公告完成6所学校标准化建设任务。
- 2 -
"""
PDF_EXPECTED = [
    ("95%", "95", "", "%", ">=", "覆盖率"),
    ("3 所", "3", "", "所", "=", "幼儿园"),
    ("55%", "55", "", "%", ">=", "占"),
    ("120 名", "120", "", "名", "=", "教师"),
    ("1 所", "1", "", "所", "=", "一等奖"),
    ("1 所", "1", "", "所", "=", "二等奖"),
    ("3 所", "3", "", "所", "=", "三等奖"),
    ("6所", "6", "", "所", "=", "标准化"),
]

# 3. A table flattened to text (cells separated by tabs or spaces, one row per line).
TABLE = """附表 主要发展指标
指标\t2023年\t2025年\t属性
学前三年毛入园率\t90%\t95%\t预期性
九年义务教育巩固率\t98%\t99%\t约束性
高中阶段毛入学率\t92%\t95%\t预期性
专任教师本科以上学历比例\t60%\t百分之七十\t预期性
"""
TABLE_EXPECTED = [
    ("90%", "90", "", "%", "=", "毛入园率"),
    ("95%", "95", "", "%", "=", "毛入园率"),
    ("98%", "98", "", "%", "=", "巩固率"),
    ("99%", "99", "", "%", "=", "巩固率"),
    ("92%", "92", "", "%", "=", "毛入学率"),
    ("95%", "95", "", "%", "=", "毛入学率"),
    ("60%", "60", "", "%", "=", "学历比例"),
    ("百分之七十", "70", "", "%", "=", "学历比例"),
]

LAYOUTS = {
    "chapters": (CHAPTERS, CHAPTERS_EXPECTED),
    "pdf_text": (PDF_TEXT, PDF_EXPECTED),
    "flattened_table": (TABLE, TABLE_EXPECTED),
}
