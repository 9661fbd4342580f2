"""Keyword coding and the agreement statistics reported by `validate --report`."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analysis.coding import agreement_by_theme, cohen_kappa, keyword_coding
from analysis.report import agreement_report_text

THEMES = pd.DataFrame(
    {
        "theme_id": ["overall_goals", "teacher_rotation", "double_reduction"],
        "keywords_zh": ["总体要求", "交流轮岗|区管校聘", "双减|作业|课后服务"],
    }
)


def test_keyword_coding_picks_the_theme_with_most_hits_and_falls_back_to_overall_goals():
    text = "深化区管校聘改革,推进交流轮岗。落实双减。今年天气很好。"
    clauses = pd.DataFrame(
        {
            "doc_id": ["d", "d", "d"],
            "clause_id": ["1", "2", "3"],
            "char_start": [0, 16, 21],
            "char_end": [16, 21, len(text)],
        }
    )
    coded = keyword_coding(clauses, {"d": text}, THEMES)
    assert list(coded["theme_id"]) == ["teacher_rotation", "double_reduction", "overall_goals"]


def test_keyword_coding_reads_traditional_script():
    text = "推進校長教師交流輪崗"
    clauses = pd.DataFrame({"doc_id": ["d"], "clause_id": ["1"], "char_start": [0], "char_end": [len(text)]})
    assert keyword_coding(clauses, {"d": text}, THEMES)["theme_id"].iloc[0] == "teacher_rotation"


def test_kappa_is_one_for_identical_codings_and_zero_for_chance_agreement():
    a = pd.Series(list("aabbcc"))
    assert cohen_kappa(a, a) == pytest.approx(1.0)
    assert cohen_kappa(pd.Series(list("aabb")), pd.Series(list("abab"))) == pytest.approx(0.0)
    assert math.isnan(cohen_kappa(pd.Series(list("aa")), pd.Series(list("aa"))))


def test_kappa_refuses_codings_of_different_lengths():
    with pytest.raises(ValueError, match="same, non-empty set of units"):
        cohen_kappa(pd.Series(list("ab")), pd.Series(list("a")))


def test_agreement_table_has_an_overall_row_and_one_row_per_used_theme():
    table = agreement_by_theme(pd.Series(list("aabb")), pd.Series(list("abbb")), ["a", "b", "z"])
    assert list(table["theme_id"]) == ["(overall)", "a", "b"]
    assert table.loc[0, "kappa"] == pytest.approx(0.5)


def test_agreement_report_gives_alpha_and_kappa_with_intervals_per_theme_for_every_pair_of_readings():
    report = agreement_report_text()
    for pair in ("curated vs second_blind", "curated vs keywords", "second_blind vs keywords"):
        assert f"## {pair}" in report
    for theme in ("teacher_rotation", "kindergarten_coverage", "double_reduction", "(overall)"):
        assert f"| primary_theme:{theme} |" in report
    assert "commitment_level:(overall)" not in report.split("## curated vs keywords")[1]  # keywords code themes only
    assert "ai_model_session" in report and "not by human coders" in report


def test_the_agreement_report_says_in_both_languages_which_reading_the_figures_show():
    report = agreement_report_text()
    shown = report.split("## What the figures and comparisons show")[1]
    assert "Theme coding: Curated reading (AI model sessions, merged)." in shown
    assert "主题编码:整理版编码" in shown and "α = " in shown
