"""Validation of the indicator model and of the national benchmarks' values.

Refuses what would let unlike numbers stand side by side: a group whose ``same`` members mix units
(% with 百分点), a ``same_as`` pair drawn twice, a proxy the group gives no reason for, and a
benchmark value that is not a finite number or contradicts its ``value_text``.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import pandas as pd

from analysis import comparability
from analysis.curated import Problem

CURATED = "data/curated/"


def _line(index) -> int:
    return int(index) + 2


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series("", index=frame.index)


def _groups(tables: dict[str, pd.DataFrame]) -> dict[str, dict]:
    groups = tables["indicator_groups"]
    return {row["indicator_group"]: {**row, "_line": _line(index)} for index, row in groups.iterrows()}


def _quantities(tables: dict[str, pd.DataFrame]) -> list[dict]:
    """Every grouped quantity of targets.csv and national_benchmarks.csv with file, line and grade."""
    groups = _groups(tables)
    out = []
    for name, id_column in (("targets", "target_id"), ("national_benchmarks", "benchmark_id")):
        frame = tables[name]
        for index, row in frame.iterrows():
            group = row.get("indicator_group", "")
            if not group:
                continue
            record = dict(row)
            record.update(
                file=f"{name}.csv",
                line=_line(index),
                id=row[id_column],
                unit_key=comparability.canonical_unit(row["unit"]),
            )
            record["grade"] = comparability.against_group(record, groups.get(group, {}))["comparability"]
            out.append(record)
    return out


def mixed_unit_problems(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """A group's ``same`` members share one unit: a % beside a 百分点 is refused."""
    groups = _groups(tables)
    by_group: dict[str, dict[str, list[str]]] = {}
    for q in _quantities(tables):
        if q["grade"] == "same":
            by_group.setdefault(q["indicator_group"], {}).setdefault(q["unit_key"], []).append(q["id"])
    problems = []
    for group, units in sorted(by_group.items()):
        if len(units) > 1:
            listed = "; ".join(f"{unit or '(none)'}: {', '.join(ids)}" for unit, ids in sorted(units.items()))
            line = groups.get(group, {}).get("_line", 0)
            problems.append(
                Problem(
                    CURATED + "indicator_groups.csv",
                    line,
                    "unit",
                    f"indicator group {group}: rows graded same mix units ({listed}); give the odd rows "
                    "their own measure (e.g. change_unstated for a change written in %) or another group",
                )
            )
    return problems


def relation_problems(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """``relation`` and ``related_target_id`` come together; a ``same_as`` pair is drawn once."""
    targets = tables["targets"]
    label = CURATED + "targets.csv"
    rows = {row["target_id"]: (index, row) for index, row in targets.iterrows()}
    problems = []
    for index, row in targets.iterrows():
        relation, related = row.get("relation", ""), row.get("related_target_id", "")
        line = _line(index)
        if bool(relation) != bool(related):
            column = "related_target_id" if relation else "relation"
            problems.append(
                Problem(label, line, column, "relation and related_target_id go together: fill both or neither")
            )
            continue
        if not relation:
            continue
        if related == row["target_id"]:
            problems.append(
                Problem(label, line, "related_target_id", f"{row['target_id']} cannot be {relation} itself")
            )
            continue
        if related not in rows:
            continue  # reported by the foreign-key check
        other = rows[related][1]
        if other.get("relation", "") == "same_as" and relation == "same_as":
            problems.append(
                Problem(
                    label,
                    line,
                    "relation",
                    f"{row['target_id']} is same_as {related}, which is itself same_as {other['related_target_id']}: "
                    f"the pair would be drawn twice or not at all; only one row of a same_as pair carries the relation",
                )
            )
        if relation == "same_as" and (other["value"], other["unit"], other["indicator_group"]) != (
            row["value"],
            row["unit"],
            row["indicator_group"],
        ):
            problems.append(
                Problem(
                    label,
                    line,
                    "related_target_id",
                    f"{row['target_id']} is same_as {related} but value, unit or indicator_group differ "
                    f"({row['value']} {row['unit']} {row['indicator_group']!r} vs {other['value']} {other['unit']} {other['indicator_group']!r})",
                )
            )
    problems += _undeclared_duplicates(tables)
    return problems


def _undeclared_duplicates(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Two comparable rows of one document and group with the same value: the same figure drawn twice."""
    seen: dict[tuple, dict] = {}
    problems = []
    for q in _quantities(tables):
        if q["file"] != "targets.csv" or q["grade"] == "not_comparable":
            continue
        key = (q["doc_id"], q["indicator_group"], q["value"], q["unit"])
        if key in seen:
            first = seen[key]
            problems.append(
                Problem(
                    CURATED + "targets.csv",
                    q["line"],
                    "relation",
                    f"{q['id']} and {first['id']} ({q['doc_id']}, {q['indicator_group']}) both give {q['value']} {q['unit']} "
                    f"and both would be drawn: the same figure twice. Mark one same_as the other (or subset_of), "
                    "or put them in different groups",
                )
            )
        else:
            seen[key] = q
    return problems


def proxy_problems(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every ``group_fit`` proxy has the group's reason in both languages; group_fit goes with indicator_group."""
    groups = _groups(tables)
    problems = []
    for name in ("targets", "national_benchmarks"):
        frame = tables[name]
        label = CURATED + f"{name}.csv"
        fits, group_ids = _column(frame, "group_fit"), _column(frame, "indicator_group")
        for index in frame.index:
            fit, group = fits[index], group_ids[index]
            line = _line(index)
            if fit and not group:
                problems.append(
                    Problem(label, line, "group_fit", f"group_fit {fit!r} but no indicator_group: leave it empty")
                )
            elif group and not fit:
                problems.append(
                    Problem(
                        label,
                        line,
                        "group_fit",
                        f"in group {group} but group_fit is empty: decide exact, proxy or different",
                    )
                )
            elif fit == "proxy" and group in groups:
                missing = [c for c in ("proxy_reason_zh", "proxy_reason_en") if not groups[group].get(c, "")]
                if missing:
                    problems.append(
                        Problem(
                            label,
                            line,
                            "group_fit",
                            f"a proxy in group {group}, but the group gives no reason ({', '.join(missing)} empty in "
                            f"indicator_groups.csv line {groups[group]['_line']})",
                        )
                    )
    return problems


def period_problems(targets: pd.DataFrame, file: str = "targets.csv") -> list[Problem]:
    """A stated period runs forwards; a total over a stated period names its years or says in notes why not."""
    problems = []
    starts, ends = _column(targets, "period_start_year"), _column(targets, "period_end_year")
    for index in targets.index:
        start, end = starts[index], ends[index]
        if start and end and int(start) > int(end):
            problems.append(
                Problem(
                    CURATED + file, _line(index), "period_end_year", f"period ends in {end}, before it starts ({start})"
                )
            )
    return problems


def indicator_model_problems(tables: dict[str, pd.DataFrame]) -> list[Problem]:
    """Every check of the indicator model."""
    return (
        proxy_problems(tables)
        + relation_problems(tables)
        + mixed_unit_problems(tables)
        + period_problems(tables["targets"])
        + period_problems(tables["national_benchmarks"], "national_benchmarks.csv")
    )


def benchmark_value_problems(benchmarks: pd.DataFrame) -> list[Problem]:
    """A benchmark's value is a finite number and agrees with ``value_text`` when that is a number."""
    label = CURATED + "national_benchmarks.csv"
    problems = []
    for index, row in benchmarks.iterrows():
        line = _line(index)
        value, text = str(row["value"]).strip(), str(row["value_text"]).strip()
        if not value:
            continue
        try:
            number = Decimal(value)
        except InvalidOperation:
            problems.append(Problem(label, line, "value", f"{value!r} is not a number"))
            continue
        if not number.is_finite():
            problems.append(
                Problem(
                    label,
                    line,
                    "value",
                    f"{value!r} is not a finite number (NaN or infinity); write the number, or leave it empty and state the benchmark in value_text",
                )
            )
            continue
        try:
            stated = Decimal(text)
        except InvalidOperation:
            continue  # value_text states it in words (超过一半, 当地正常下班时间): the notes say how value encodes it
        if not stated.is_finite() or stated != number:
            problems.append(Problem(label, line, "value", f"value {value} contradicts value_text {text!r}"))
    return problems


__all__ = [
    "benchmark_value_problems",
    "indicator_model_problems",
    "mixed_unit_problems",
    "proxy_problems",
    "relation_problems",
]
