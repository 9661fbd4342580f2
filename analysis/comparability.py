"""Like with like: the one rule that decides whether two quantities may stand side by side.

A quantity (a row of ``targets.csv`` or ``national_benchmarks.csv``) is compared with the
definition of its indicator group (``indicator_groups.csv``): its ``measure``, ``basis`` and
``group_fit`` (does it count the group's population?) and its ``relation`` to another row. Two
quantities of one group are then compared with each other. The grade is

- ``same``: same measure, unit, population and basis;
- ``proxy``: the group admits the quantity as a stand-in and states why (``proxy_reason_*``);
- ``not_comparable``: with the reasons, from :data:`REASONS` (``;``-separated when several apply).

Every grade other than ``same`` carries a caveat in Chinese and in English. Pure functions, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from analysis.labels import BASIS_TEXT, MEASURE_TEXT  # noqa: F401 (the texts of the indicator model; re-exported)

GRADES = ("same", "proxy", "not_comparable")
REASONS = ("unit", "basis", "population", "subset", "duplicate")

# What a basis means, for caveats.


def _get(row: Mapping, key: str) -> str:
    value = row.get(key, "") if hasattr(row, "get") else ""
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def row_id(row: Mapping) -> str:
    """A quantity's id: ``target_id`` or ``benchmark_id``."""
    return _get(row, "target_id") or _get(row, "benchmark_id") or _get(row, "reference_id")


def canonical_unit(unit: str) -> str:
    """The unit a benchmark's free-text unit stands for (``% of teachers …`` → ``%``; ``percentage points …`` → ``百分点``)."""
    text = (unit or "").strip()
    if text.startswith("%"):
        return "%"
    if text.startswith(("percentage point", "百分点")):
        return "百分点"
    return text


def _period(row: Mapping) -> tuple[str, str]:
    return _get(row, "period_start_year"), _get(row, "period_end_year")


def _verdict(grade: str, reason: str, zh: str, en: str) -> dict[str, str]:
    return {"comparability": grade, "reason": reason, "caveat_zh": zh, "caveat_en": en}


SAME = _verdict("same", "", "", "")


def against_group(row: Mapping, group: Mapping) -> dict[str, str]:
    """Grade one quantity against the definition of its indicator group.

    Returns ``comparability``, ``reason`` (empty unless not comparable) and ``caveat_zh``/``caveat_en``.
    """
    rid = row_id(row)
    relation, related = _get(row, "relation"), _get(row, "related_target_id")
    if relation == "same_as":
        return _verdict(
            "not_comparable",
            "duplicate",
            f"与{related}是同一数字,只计一次({related}已列入)。",
            f"The same figure as {related}; it is counted once, as {related}.",
        )
    if relation == "subset_of":
        return _verdict(
            "not_comparable",
            "subset",
            f"是{related}的一部分(其中),不能与总数并列。",
            f"A part of {related} (其中, of which); it cannot stand beside totals.",
        )
    found = []  # (reason, zh, en) for every way the row differs from the group's definition
    measure, group_measure = _get(row, "measure"), _get(group, "measure")
    if measure and group_measure and measure != group_measure:
        zh, en = MEASURE_TEXT.get(measure, (measure, measure))
        gzh, gen = MEASURE_TEXT.get(group_measure, (group_measure, group_measure))
        found.append(
            (
                "unit",
                f"口径不同:本行是{zh},指标定义为{gzh}。",
                f"Different measure: this row is {en}; the indicator is {gen}.",
            )
        )
    basis, group_basis = _get(row, "basis"), _get(group, "basis")
    if basis and group_basis and basis != group_basis:
        zh, en = BASIS_TEXT.get(basis, (basis, basis))
        gzh, gen = BASIS_TEXT.get(group_basis, (group_basis, group_basis))
        start, end = _period(row)
        years_zh = f"({start}—{end}年)" if start and end else ""
        years_en = f" ({start}–{end})" if start and end else ""
        found.append(
            (
                "basis",
                f"统计基础不同:本行是{zh}{years_zh},指标比较的是{gzh}。",
                f"Different basis: this row is {en}{years_en}; the indicator compares {gen}.",
            )
        )
    fit = _get(row, "group_fit")
    if fit == "different":
        found.append(
            (
                "population",
                f"统计对象不同:指标定义为“{_get(group, 'population_zh')}”,本行所计不同(见该行备注)。",
                (
                    f"Different population: the indicator counts {_get(group, 'population_en')}; this row counts "
                    "something else (see its notes)."
                ),
            )
        )
    elif not fit and rid:
        found.append(
            (
                "population",
                "尚未判定该行是否符合指标定义。",
                "Not yet decided whether this row fits the indicator's definition.",
            )
        )
    if found:
        return _verdict(
            "not_comparable",
            ";".join(r for r, _, _ in found),
            "".join(z for _, z, _ in found),
            " ".join(e for _, _, e in found),
        )
    if fit == "proxy":
        return _verdict("proxy", "", _get(group, "proxy_reason_zh"), _get(group, "proxy_reason_en"))
    return dict(SAME)


def _named(row: Mapping, verdict: dict[str, str]) -> dict[str, str]:
    """A row's verdict with its id in front of the caveats, so a pair says which side differs."""
    rid = row_id(row)
    if not rid or verdict["comparability"] == "same":
        return verdict
    return {**verdict, "caveat_zh": f"{rid}:{verdict['caveat_zh']}", "caveat_en": f"{rid}: {verdict['caveat_en']}"}


def between(a: Mapping, b: Mapping, group: Mapping) -> dict[str, str]:
    """Grade two quantities of one group against each other (e.g. a plan's target and a report's result).

    The worse of the two grades against the group decides; two totals must also cover the same years.
    """
    for row in (b, a):
        other = a if row is b else b
        if _get(row, "relation") in ("same_as", "subset_of") and _get(row, "related_target_id") == row_id(other):
            return _named(row, against_group(row, group))
    first, second = against_group(a, group), against_group(b, group)
    for row, verdict in ((a, first), (b, second)):
        if verdict["comparability"] == "not_comparable":
            return _named(row, verdict)
    if _get(a, "basis") == _get(b, "basis") == "total_over_period" and _period(a) != _period(b):
        return _verdict(
            "not_comparable", "basis", "两者是不同年份区间的累计数。", "Both are totals, but over different years."
        )
    proxies = [v for v in (first, second) if v["comparability"] == "proxy"]
    if proxies:
        return proxies[0]
    return dict(SAME)


__all__ = ["BASIS_TEXT", "GRADES", "MEASURE_TEXT", "REASONS", "against_group", "between", "canonical_unit", "row_id"]
