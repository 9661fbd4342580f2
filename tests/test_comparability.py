"""Like with like: what may stand side by side, and validation refusing what may not.

Broken cases are made on copies of the curated tables (in memory, or on disk through
``write_tables`` for the full validation run) and each test asserts the message a curator reads.
"""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import compare
from analysis.cli import main
from analysis.corpus import load_texts
from analysis.curated import load_table, load_tables, write_tables
from analysis.indicator_checks import benchmark_value_problems, indicator_model_problems
from analysis.quantity_words import find_quantity_words
from analysis.validate import uncovered_numbers, validate_project

TABLES = load_tables()
SIDE_BY_SIDE = [
    "corpus_overview",
    "theme_text_shares",
    "commitment_levels",
    "target_counts",
    "indicator_group_grades",
    "indicator_comparison",
    "plan_against_result",
    "plan_against_result_not_comparable",
    "double_reduction_matrix",
    "teacher_rotation_mechanisms",
    "theme_text_shares_by_basis",
    "quantified_commitments",
]


def copy_tables() -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in TABLES.items()}


def set_cell(frame: pd.DataFrame, key: str, value_of_key: str, column: str, value: str) -> None:
    mask = frame[key] == value_of_key
    assert mask.sum() == 1
    frame.loc[mask, column] = value


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


# --- the registry and its grades --------------------------------------------------------------


def test_the_registry_names_every_table_and_each_carries_grades_and_caveats():
    registry = compare.comparison_tables(TABLES)
    assert list(registry) == SIDE_BY_SIDE
    for name, frame in registry.items():
        assert {"comparability", "caveat_zh", "caveat_en"} <= set(frame.columns), name
        assert set(frame["comparability"]) <= {"same", "proxy", "not_comparable"}, name
        graded = frame[frame["comparability"] != "same"]
        assert (graded["caveat_zh"] != "").all() and (graded["caveat_en"] != "").all(), name


def test_only_xincheng_rotation_370_against_the_2021_310_is_paired_and_as_a_proxy():
    pairs = compare.plan_against_result(TABLES)
    assert list(zip(pairs["target_id_plan"], pairs["target_id_result"], pairs["comparability"])) == [
        ("XC21-T005", "XC23F-T031", "proxy")
    ]
    assert "teachers only" in pairs["caveat_en"].iloc[0]


def test_the_pairs_left_out_say_why():
    left_out = compare.plan_against_result_not_comparable(TABLES)
    reasons = {(r.target_id_plan, r.target_id_result): r.comparability_reason for r in left_out.itertuples()}
    assert reasons[("XC21-T005", "XC23F-T024")] == "duplicate"
    assert reasons[("XC21-T005", "XC23F-T032")] == "subset"
    assert reasons[("XC21-T005", "XC23F-T025")] == "basis"
    assert reasons[("XC21-T005", "XC23F-T026")] == "basis"
    assert reasons[("XC21-T052", "XC23F-T008")] == "basis"
    assert "population" in reasons[("XC21-T032", "XC23F-T015")]
    assert len(left_out) == 6


def test_the_audited_unlike_rows_are_never_same():
    table = compare.indicator_comparison(TABLES).set_index("reference_id")
    for reference in ("XC21-T051", "AN23-T021", "XH21-T006", "AN23-T025", "XC21-T003", "XC23F-T026", "XC23F-T024"):
        assert table.at[reference, "comparability"] == "not_comparable", reference
    for reference in ("XC21-T014", "HL23-T009", "XC21-T030"):
        assert table.at[reference, "comparability"] == "proxy", reference
    assert table.at["XC21-T051", "comparability_reason"] == "unit"


def test_no_same_set_mixes_percent_with_percentage_points():
    table = compare.indicator_comparison(TABLES)
    same = table[table["comparability"] == "same"]
    for group, rows in same.groupby("indicator_group"):
        units = {
            u
            if u in ("%", "百分点")
            else ("百分点" if u.startswith("percentage point") else "%" if u.startswith("%") else u)
            for u in rows["unit"]
        }
        assert len(units) == 1, (group, units)


def test_group_grades_count_what_may_stand_side_by_side():
    grades = compare.indicator_group_grades(TABLES).set_index("indicator_group")["comparability"]
    assert grades["myopia_reduction"] == "same"  # HL23-T005 beside B07a, both 百分点
    assert grades["teacher_rotation_share"] == "not_comparable"
    assert grades["new_school_places"] == "not_comparable"
    assert grades["kg_quality_coverage"] == "proxy"


def test_a_report_is_read_on_its_own_commitment_scale_and_can_be_filtered_out():
    levels = compare.commitment_levels(TABLES)
    report = levels[levels["genre_class"] == "report"]
    assert not report.empty and (report["comparability"] == "not_comparable").all()
    assert set(report.loc[report["level"] == 3, "level_meaning_en"]) == {"reports a quantified result (not a target)"}
    plans = compare.only(levels, "plan")
    assert set(plans["genre_class"]) == {"plan"} and (plans["level_meaning_en"] != "").all()


def test_the_two_inconsistent_commitment_cells_follow_the_rule():
    levels = TABLES["commitments"].set_index(["doc_id", "theme_id"])["level"]
    assert levels[("anning_2023_2025_ap", "double_reduction")] == "1"
    assert levels[("xinhuang_2021h2_wp", "teacher_rotation")] == "1"
    assert levels[("hailing_2023_wp", "teacher_rotation")] == "2"


# --- the tables command --------------------------------------------------------------------------


def test_tables_command_writes_one_utf8_csv_per_table_byte_identically(tmp_path, capsys):
    assert main(["tables", "--out", str(tmp_path / "a")]) == 0
    assert main(["tables", "--out", str(tmp_path / "b")]) == 0
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted([f"{n}.csv" for n in SIDE_BY_SIDE] + ["codebook.csv"])
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    pairs = pd.read_csv(tmp_path / "a" / "plan_against_result.csv", encoding="utf-8", dtype=str)
    assert pairs["target_id_plan"].tolist() == ["XC21-T005"]
    assert "区管校聘" in pairs["caveat_en"].iloc[0] or "teachers only" in pairs["caveat_en"].iloc[0]


# --- validation refuses the broken cases ----------------------------------------------------------


def test_a_group_whose_same_members_mix_percent_and_points_is_refused():
    tables = copy_tables()
    set_cell(tables["targets"], "target_id", "XC21-T051", "measure", "change_pp")  # 下降1% claimed as points
    found = messages(indicator_model_problems(tables))
    assert any(
        "indicator_groups.csv" in m and "myopia_reduction" in m and "mix units" in m and "XC21-T051" in m for m in found
    ), found


def test_a_same_as_pair_drawn_twice_is_refused():
    tables = copy_tables()
    set_cell(tables["targets"], "target_id", "XC23F-T024", "relation", "")
    set_cell(tables["targets"], "target_id", "XC23F-T024", "related_target_id", "")
    found = messages(indicator_model_problems(tables))
    assert any("XC23F-T031" in m and "XC23F-T024" in m and "both would be drawn" in m for m in found), found


def test_a_same_as_pair_marked_both_ways_is_refused():
    tables = copy_tables()
    set_cell(tables["targets"], "target_id", "XC23F-T031", "relation", "same_as")
    set_cell(tables["targets"], "target_id", "XC23F-T031", "related_target_id", "XC23F-T024")
    found = messages(indicator_model_problems(tables))
    assert any("column 'relation'" in m and "itself same_as" in m for m in found), found


def test_a_proxy_without_a_reason_is_refused():
    tables = copy_tables()
    set_cell(tables["indicator_groups"], "indicator_group", "kg_quality_coverage", "proxy_reason_en", "")
    found = messages(indicator_model_problems(tables))
    assert any("column 'group_fit'" in m and "kg_quality_coverage" in m and "proxy_reason_en" in m for m in found), (
        found
    )


@pytest.mark.parametrize(
    "value, value_text, expected",
    [
        ("NaN", "85", "not a finite number"),
        ("inf", "85", "not a finite number"),
        ("86", "85", "contradicts value_text '85'"),
    ],
)
def test_a_benchmark_value_that_is_not_finite_or_contradicts_its_text_is_refused(value, value_text, expected):
    benchmarks = TABLES["national_benchmarks"].copy()
    set_cell(benchmarks, "benchmark_id", "B01b", "value", value)
    set_cell(benchmarks, "benchmark_id", "B01b", "value_text", value_text)
    line = int(benchmarks.index[benchmarks["benchmark_id"] == "B01b"][0]) + 2
    found = messages(benchmark_value_problems(benchmarks))
    assert any(f"national_benchmarks.csv, line {line}, column 'value'" in m and expected in m for m in found), found


def test_validation_on_disk_refuses_a_nan_benchmark_and_names_it(project_copy):
    benchmarks = load_table("national_benchmarks", project_copy)
    set_cell(benchmarks, "benchmark_id", "B06", "value", "NaN")
    write_tables({"national_benchmarks": benchmarks}, project_copy)
    line = int(benchmarks.index[benchmarks["benchmark_id"] == "B06"][0]) + 2
    found = messages(validate_project(project_copy, closed_world=False))
    assert any(f"national_benchmarks.csv, line {line}, column 'value'" in m for m in found), found


def test_an_error_in_char_end_only_is_reported_on_char_end(project_copy):
    targets = load_table("targets", project_copy)
    targets.loc[3, "char_end"] = str(int(targets.loc[3, "char_end"]) + 2)
    write_tables({"targets": targets}, project_copy)
    found = messages(validate_project(project_copy, closed_world=False))
    assert any("targets.csv, line 5, column 'char_end'" in m for m in found), found
    assert not any("targets.csv, line 5, column 'char_start'" in m for m in found), found


# --- numeral-free quantity words in the closed world ------------------------------------------------


def test_every_numeral_free_quantity_word_is_a_quantity_or_an_explained_exclusion():
    texts = load_texts(TABLES["documents"])
    missing = uncovered_numbers(TABLES["documents"], texts, TABLES["targets"], TABLES["excluded_numbers"])
    assert missing.empty, missing
    words = {word for text in texts.values() for _, _, word in find_quantity_words(text)}
    assert {"全覆盖", "全部", "所有", "清零", "全員"} <= words  # the finder sees the words, so the check is not empty


def test_uncovered_lists_a_quantity_word_no_row_accounts_for():
    texts = load_texts(TABLES["documents"])
    targets = TABLES["targets"][TABLES["targets"]["target_id"] != "XC21-T056"]
    missing = uncovered_numbers(TABLES["documents"], texts, targets, TABLES["excluded_numbers"])
    assert missing[["text", "suggested_reason"]].values.tolist() == [["全覆盖", "quantity_word"]]


def test_a_quantity_word_must_agree_with_its_value(project_copy):
    targets = load_table("targets", project_copy)
    set_cell(targets, "target_id", "XC21-T056", "value", "90")
    write_tables({"targets": targets}, project_copy)
    found = messages(validate_project(project_copy, closed_world=False))
    assert any("column 'value'" in m and "'全覆盖' reads as 100" in m for m in found), found


def test_the_main_jobs_tables_step_writes_reports_tables(project_copy):
    from analysis.curated import load_tables
    from analysis.tables import write_comparison_tables

    write_comparison_tables(load_tables(project_copy), project_copy / "reports" / "tables", project_copy)
    written = sorted(p.name for p in (project_copy / "reports" / "tables").iterdir())
    assert written == sorted(f"{n}.csv" for n in SIDE_BY_SIDE)
    assert not [
        p for p in (project_copy / "reports" / "tables").iterdir() if p.name.startswith(".")
    ]  # no temp files left
