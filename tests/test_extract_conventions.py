"""The extractor codes as the curation guide does, on other layouts too, and loses nothing when a run fails."""

from __future__ import annotations

import tempfile

import openpyxl
import pandas as pd
import pytest
from made_up_plans import LAYOUTS

from analysis.cli import main
from analysis.curated import load_table
from analysis.extraction import ReviewError, extract_text, import_review
from analysis.extraction import command as command_module
from analysis.extraction.ingest import join_broken_lines

THEMES = load_table("themes")


def rows(text: str) -> list[tuple]:
    frame = extract_text(text, "t.txt", THEMES).candidates
    return list(
        frame[["number_text", "value", "unit", "comparator", "indicator", "qualifier"]].itertuples(
            index=False, name=None
        )
    )


@pytest.mark.parametrize(
    ("sentence", "comparator"),
    [
        ("普惠性幼儿园覆盖率达到 95%。", ">="),  # 达到 across a space (text from a PDF)
        ("普惠性幼儿园覆盖率达到95%。", ">="),
        ("巩固率不低于 98%。", ">="),
        ("毛入学率达95%以上。", ">="),
        ("大班额控制在1%以内。", "<="),
        ("力争本科录取率 55%。", ">="),
        ("每天作业时间不超过 90 分钟。", "<="),
    ],
)
def test_comparator_words_map_as_the_curated_rows_map_them(sentence, comparator):
    assert rows(sentence)[0][3] == comparator


def test_approximate_quantities_follow_one_rule_qualifier_kept_comparator_approx_unless_another_cue():
    assert rows("培训教师3万余人。")[0][2:] == ("人", "approx", "培训教师", "余")
    assert rows("新建学校二十多所。")[0][1:4] == ("20", "所", "approx")
    assert rows("在校学生约5000人。")[0][3:] == ("approx", "在校学生", "约")
    decrease = rows("减少外聘教师近300名。")[0]
    assert (decrease[3], decrease[5]) == ("decrease", "近")  # the verb wins, 近 is kept (for the notes)


def test_units_stay_across_a_space_and_indicators_do_not_cross_enumeration_commas():
    assert rows("一等奖 1 所、二等奖 1 所、三等奖 3 所。") == [
        ("1 所", "1", "所", "=", "一等奖", ""),
        ("1 所", "1", "所", "=", "二等奖", ""),
        ("3 所", "3", "所", "=", "三等奖", ""),
    ]


def test_web_furniture_in_a_line_without_breaks_is_cut_by_phrase_not_by_line():
    found = rows("您的位置：首页 > 通知公告完成6所学校标准化建设任务。")
    assert [(r[0], r[1], r[2]) for r in found] == [("6所", "6", "所")]
    assert "首页" not in found[0][4]
    long_line = "您的位置:首页 > 通知公告 " + "完成6所学校标准化建设任务,新增学位900个。" * 30
    assert len(rows(long_line)) == 60
    # a line that is furniture and nothing else is still left out whole
    left = extract_text("您的位置: 首页 >业务工作>第3版\n新建学校2所。", "t.txt", THEMES)
    assert list(left.candidates["number_text"]) == ["2所"]


def test_page_numbers_of_a_pdf_are_page_furniture_not_quantities():
    result = extract_text("新建学校2所。\n- 3 -\n第 4 页\n第 5 页 共 9 页\n1/9\n", "t.txt", THEMES)
    assert list(result.candidates["number_text"]) == ["2所"]
    reasons = dict(zip(result.left_out["text"], result.left_out["reason"]))
    assert (reasons["3"], reasons["9"], reasons["1/9"]) == ("page_furniture",) * 3


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_plans_in_other_layouts_give_every_expected_row_with_its_fields(layout):
    text, expected = LAYOUTS[layout]
    if layout == "pdf_text":
        text = "\n".join(join_broken_lines(text.splitlines())) + "\n"  # what `extract plan.pdf` does to a PDF's text
    frame = extract_text(text, layout, THEMES).candidates
    found = list(
        frame[["number_text", "value", "value_max", "unit", "comparator", "indicator"]].itertuples(
            index=False, name=None
        )
    )
    assert len(found) == len(expected)
    for got, want in zip(found, expected):
        assert got[:5] == want[:5]
        assert want[5] in got[5]


def test_the_summary_does_not_claim_zero_numbers_left_out_when_it_did_not_look(tmp_path, capsys):
    plan = tmp_path / "plan.txt"
    plan.write_text("2024年新建学校2所。\n", encoding="utf-8")
    assert main(["extract", str(plan), "-o", str(tmp_path / "c.csv"), "--quiet"]) == 0
    said = capsys.readouterr().err
    assert "0 numbers left out" not in said and "--review lists them" in said
    assert (
        main(["extract", str(plan), "-o", str(tmp_path / "c.csv"), "--review", str(tmp_path / "r.xlsx"), "--quiet"])
        == 0
    )
    assert "1 numbers left out" in capsys.readouterr().err


def test_a_failed_or_interrupted_run_leaves_no_temporary_files_and_keeps_the_existing_output(
    tmp_path, monkeypatch, capsys
):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    good, bad = tmp_path / "a.txt", tmp_path / "b.txt"
    good.write_text("新建学校2所。\n" * 1000, encoding="utf-8")
    bad.write_bytes(b"\xff\xfe\x00bad")
    output = tmp_path / "c.csv"
    output.write_text("earlier results\n", encoding="utf-8")
    assert (
        main(["extract", str(good), str(bad), "-o", str(output), "--jobs", "1", "--quiet", "--force"]) == 1
    )  # --force: c.csv is not this command's output
    assert "b.txt" in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == "earlier results\n"
    assert list(temp.iterdir()) == [] and sorted(p.name for p in tmp_path.iterdir()) == [
        "a.txt",
        "b.txt",
        "c.csv",
        "tmp",
    ]

    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) > 1:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    original = command_module.extract_file
    monkeypatch.setattr(command_module, "extract_file", interrupted)
    third = tmp_path / "d.txt"
    third.write_text("新增学位900个。\n", encoding="utf-8")
    assert main(["extract", str(good), str(third), "-o", str(output), "--jobs", "1", "--quiet", "--force"]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert output.read_text(encoding="utf-8") == "earlier results\n"
    assert list(temp.iterdir()) == []
    # a successful run replaces it, with the mode a plain write gives
    monkeypatch.setattr(command_module, "extract_file", original)
    assert main(["extract", str(good), "-o", str(output), "--quiet", "--force"]) == 0
    assert output.read_text(encoding="utf-8").startswith("doc,char_start")
    assert output.stat().st_mode & 0o044 == 0o044  # readable by group and others under the usual umask 022


def test_a_missing_output_folder_is_a_message(tmp_path, capsys):
    plan = tmp_path / "plan.txt"
    plan.write_text("新建学校2所。\n", encoding="utf-8")
    assert (
        main(["extract", str(plan), "-o", str(tmp_path / "missing" / "c.csv")]) == 2
    )  # a bad output path is a usage error, refused before any work
    assert "does not exist" in capsys.readouterr().err


def test_re_importing_a_corrected_review_workbook_refuses_naming_the_rows(project_copy):
    from test_extract import extract_made_up_plan, fill_review

    root = project_copy
    review = extract_made_up_plan(root)
    fill_review(review, reject={})
    import_review(review, root)
    before = load_table("targets", root)
    workbook = openpyxl.load_workbook(review)
    sheet = workbook["candidates"]
    header = [c.value for c in sheet[1]]
    sheet.cell(2, header.index("indicator_en") + 1).value = "new public kindergartens (corrected)"
    workbook.save(review)
    with pytest.raises(ReviewError) as caught:
        import_review(review, root)
    assert any(
        "sheet 'candidates', row 2: already in targets.csv as MOUXIAN2024WP-T001" in p and "indicator_en" in p
        for p in caught.value.problems
    )
    pd.testing.assert_frame_equal(load_table("targets", root), before)


def test_digits_of_other_scripts_are_left_out_with_their_own_reason_never_proposed():
    result = extract_text("新建٣所学校,新增学位900个。", "t.txt", THEMES)
    assert list(result.candidates["number_text"]) == ["900个"]
    assert dict(zip(result.left_out["text"], result.left_out["reason"])) == {"٣": "foreign_digits"}


def test_re_importing_an_exclusion_with_another_reason_refuses_naming_the_row(project_copy):
    from test_extract import extract_made_up_plan, fill_review

    root = project_copy
    review = extract_made_up_plan(root)
    fill_review(review, reject={})
    import_review(review, root)
    workbook = openpyxl.load_workbook(review)
    sheet = workbook["other_numbers"]
    header = [c.value for c in sheet[1]]
    sheet.cell(2, header.index("reason") + 1).value = "other"
    workbook.save(review)
    with pytest.raises(ReviewError) as caught:
        import_review(review, root)
    assert any(
        p.startswith("sheet 'other_numbers', row 2:") and "already in excluded_numbers.csv with reason" in p
        for p in caught.value.problems
    )
