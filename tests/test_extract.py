"""The target extractor: what it finds, what it leaves alone, its files, and the review loop end to end."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from helpers import tree_digest

from analysis.cli import main
from analysis.corpus import read_raw_text
from analysis.curated import load_table, load_tables, write_tables
from analysis.extraction import (
    CANDIDATE_COLUMNS,
    ReviewError,
    extract_file,
    extract_text,
    guess_comparator,
    import_review,
    item_spans,
    iter_text_chunks,
    propose_clauses,
    split_chunks,
)
from analysis.paths import RAW_DIR
from analysis.validate import validate_project

THEMES = load_table("themes")


def candidates(text: str) -> list[tuple[str, str, str, str, str]]:
    """(number_text, value, value_max, unit, comparator) of each candidate in ``text``."""
    frame = extract_text(text, "t.txt", THEMES).candidates
    return list(frame[["number_text", "value", "value_max", "unit", "comparator"]].itertuples(index=False, name=None))


def left_out(text: str) -> dict[str, str]:
    frame = extract_text(text, "t.txt", THEMES).left_out
    return dict(zip(frame["text"], frame["reason"]))


# ---------------------------------------------------------------------------------------------
# What it must get right


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("新建幼儿园3所。", ("3所", "3", "", "所", "=")),
        ("新建三所公办幼儿园。", ("三所", "3", "", "所", "=")),
        ("培养骨干教师一百二十名。", ("一百二十名", "120", "", "名", "=")),
        ("普惠性幼儿园覆盖率达到９５％以上。", ("９５％", "95", "", "%", ">=")),
        ("投入建设资金1。5亿元。", ("1。5亿元", "150000000", "", "元", "=")),
        ("添置课桌椅1．2万套。", ("1．2万套", "12000", "", "套", "=")),
        ("设立专项奖励资金30万元。", ("30万元", "300000", "", "元", "=")),
        ("优质学位占比提高2个百分点。", ("2个百分点", "2", "", "百分点", "increase")),
        ("近视率比上年下降1个百分点。", ("1个百分点", "1", "", "百分点", "decrease")),
        ("创建特色学校1-2所。", ("1-2所", "1", "2", "所", "=")),
        ("组建1—2个名师工作室。", ("1—2个", "1", "2", "个", "=")),
        ("培育2~3所示范校。", ("2~3所", "2", "3", "所", "=")),
        ("督导中小学5至6所。", ("5至6所", "5", "6", "所", "=")),
        ("毕业率达70%以上。", ("70%", "70", "", "%", ">=")),
        ("新增学位不少于4500个。", ("4500个", "4500", "", "个", ">=")),
        ("巩固率不低于98%。", ("98%", "98", "", "%", ">=")),
        ("力争本科录取率55%。", ("55%", "55", "", "%", ">=")),
        ("班额控制在45人以内。", ("45人", "45", "", "人", "<=")),
        ("每天作业时间不超过90分钟。", ("90分钟", "90", "", "分钟", "<=")),
        ("中高级岗位比例提高10%。", ("10%", "10", "", "%", "increase")),
        ("教学质量进入全市前5名。", ("前5名", "5", "", "名", "rank_top")),
        ("综合实力迈入全市前八名。", ("前八名", "8", "", "名", "rank_top")),
    ],
)
def test_quantities_are_found_with_exact_values_units_and_comparators(sentence, expected):
    assert candidates(sentence) == [expected]


def test_several_quantities_in_one_sentence_are_separate_candidates_sharing_words():
    found = candidates("建成标准化考点14个、标准化考场367个,校际差异系数分别下降18和29个百分点。")
    assert [(c[0], c[1], c[3], c[4]) for c in found] == [
        ("14个", "14", "个", "="),
        ("367个", "367", "个", "="),
        ("18", "18", "百分点", "decrease"),
        ("29个百分点", "29", "百分点", "decrease"),
    ]


@pytest.mark.parametrize(
    ("sentence", "number", "reason"),
    [
        ("2023年新建幼儿园。", "2023年", "year"),
        ("于9月1日开学。", "9", "date"),
        ("实施2023—2025年行动。", "2023—2025年", "year"),
        ("(三)推进学前教育。", "三", "item_number"),
        ("二、加强队伍建设。", "二", "item_number"),
        ("根据教基〔2020〕1号文件。", "1", "document_number"),
        ("实施“1234”工程。", "1234", "programme_name"),
        ("推行“5+2”模式。", "5", "programme_name"),
        ("落实“十四五”规划。", "十四五", "party_congress_or_plan"),
        ("学习党的二十大精神。", "二十", "party_congress_or_plan"),
        ("坚决做到“两个维护”。", "两个", "programme_name"),
        ("树牢四个意识。", "四个", "slogan"),
        ("选拔一批骨干教师。", "一批", "indefinite"),
        ("办好每一所学校。", "一所", "indefinite"),
        ("推行一校一策。", "一校", "slogan"),
        ("完善三级督查机制。", "三级", "structure_name"),
        ("创建省一级幼儿园。", "一级", "rank_name"),
        ("开展师德、信息技术、新教师三项培训。", "三项", "list_count"),
        ("实现一年有起色、两年有成效、三年大发展。", "一年", "slogan"),
        ("近三年交流教师。", "三年", "time_window"),
        ("开展0—3岁婴幼儿照护。", "0—3岁", "age_band"),
        ("建设5G网络。", "5", "other"),
        ("专栏3:重大工程。", "3", "item_number"),
        ("全面推进十五年免费教育。", "十五年", "structure_name"),
        ("新建九年一贯制学校。", "九年", "structure_name"),
        ("庆祝建党100周年。", "100周年", "anniversary"),
    ],
)
def test_what_is_not_a_target_quantity_is_left_out_with_its_reason(sentence, number, reason):
    assert candidates(sentence) == []
    assert left_out(sentence)[number] == reason


def test_a_traditional_text_is_matched_in_simplified_but_quoted_in_its_own_characters():
    raw = "說明\n近三年預算內教育撥款21。66億元,佔區財政經常性收入27%。"
    frame = extract_text(raw, "f.txt", THEMES, offset=100).candidates
    assert list(frame["number_text"]) == ["21。66億元", "27%"]
    assert list(frame["value"]) == ["2166000000", "27"]
    for row in frame.itertuples():
        assert raw[row.char_start - 100 : row.char_end - 100] == row.quote
        assert raw[row.number_start - 100 : row.number_end - 100] == row.number_text


def test_a_plan_is_guessed_as_targets_and_a_report_as_achievements():
    plan = extract_text("到2025年,力争新建学校8所。", "p.txt", THEMES).candidates
    report = extract_text("近年来累计新建了学校38所,先后交流教师1944名。" * 2, "r.txt", THEMES).candidates
    assert set(plan["kind"]) == {"target"}
    assert set(report["kind"]) == {"achievement"}
    assert extract_text("现有公办幼儿园4所。", "b.txt", THEMES).candidates["kind"].tolist() == ["baseline"]


def test_from_and_to_levels_and_stock_counts_are_told_apart():
    frame = extract_text(
        "全县共有中小学56所。普惠性幼儿园覆盖率由85%提高到90%。教师学历达标率100%。", "t.txt", THEMES
    ).candidates
    assert frame[["number_text", "comparator", "kind"]].values.tolist() == [
        ["56所", "=", "baseline"],
        ["85%", "=", "baseline"],
        ["90%", ">=", "target"],
        ["100%", "=", "target"],
    ]
    assert frame.loc[2, "indicator"] == "普惠性幼儿园覆盖率"  # the level after 提高到 measures the same thing


def test_indicator_and_theme_are_guessed_from_the_words_around_the_number():
    frame = extract_text("三、学前教育\n普惠性幼儿园覆盖率达到90%以上。", "t.txt", THEMES).candidates
    assert frame.loc[0, "indicator"] == "普惠性幼儿园覆盖率"
    assert frame.loc[0, "theme_id"] == "kindergarten_coverage"
    assert frame.loc[0, "clause"].startswith("普惠性幼儿园覆盖率")


def test_comparator_cues_nearest_the_number_win():
    assert guess_comparator("增加学位不少于", "", False) == ">="
    assert guess_comparator("提高到", "", False) == ">="
    assert guess_comparator("减少外聘教师近", "", False) == "decrease"
    assert guess_comparator("達到", "", False) == "="  # 達 is traditional: cues are matched on simplified text
    assert guess_comparator("达到", "", False, achievement=True) == "="


# ---------------------------------------------------------------------------------------------
# Offsets, chunks and files


@pytest.mark.parametrize("raw_file", list(load_table("documents")["raw_file"]))
def test_every_quote_and_number_stands_at_its_offsets_in_the_raw_file(raw_file):
    raw = read_raw_text(raw_file)
    for _, result in extract_file(RAW_DIR / raw_file, raw_file, THEMES):
        for row in result.candidates.itertuples():
            assert raw[row.char_start : row.char_end] == row.quote
            assert raw[row.number_start : row.number_end] == row.number_text
            assert row.char_start <= row.number_start < row.number_end <= row.char_end
            assert raw[row.clause_start : row.clause_end].strip().startswith(row.clause.rstrip("…"))
        for row in result.left_out.itertuples():
            assert raw[row.char_start : row.char_end] == row.text


def test_small_chunks_give_the_same_candidates_as_one_pass(tmp_path):
    raw = read_raw_text("anning_2023-2025_action_plan.txt")
    path = tmp_path / "plan.txt"
    path.write_text(raw, encoding="utf-8")
    whole = extract_text(raw, "plan.txt", THEMES).candidates
    chunks = [result.candidates for _, result in extract_file(path, "plan.txt", THEMES, chunk_chars=700)]
    assert len(chunks) > 5
    pieces = pd.concat(chunks, ignore_index=True)
    columns = ["char_start", "char_end", "number_text", "value", "unit", "comparator", "kind"]
    assert pieces[columns].equals(whole[columns])


def test_chunks_are_cut_at_line_ends_and_rebuild_the_text(tmp_path):
    text = "".join(f"第{i}行,新建学校{i}所。\n" for i in range(500)) + "没有换行的最后一行"
    path = tmp_path / "long.txt"
    path.write_text(text, encoding="utf-8")
    chunks = list(iter_text_chunks(path, "utf-8", max_chars=1000))
    assert "".join(chunk for _, chunk in chunks) == text
    assert all(chunk.endswith("\n") for _, chunk in chunks[:-1])
    assert [offset for offset, _ in chunks] == [sum(len(c) for _, c in chunks[:i]) for i in range(len(chunks))]
    assert split_chunks("甲。乙。丙。丁", 4) == [(0, 4), (4, 7)]


def test_items_tile_the_text_and_clauses_tile_the_body():
    raw = read_raw_text("hailing_2023_work_points.txt")
    spans = item_spans(raw)
    assert spans[0][0] == 0 and spans[-1][1] == len(raw)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    proposed = propose_clauses(raw, "d", 26, 5824, THEMES)
    assert proposed["char_start"].iloc[0] == 26 and proposed["char_end"].iloc[-1] == 5824
    assert (proposed["char_start"].iloc[1:].values == proposed["char_end"].iloc[:-1].values).all()
    assert proposed["clause_id"].is_unique
    assert {"title", "heading", "item"} <= set(proposed["clause_type"])


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "analysis", *args], capture_output=True, text=True, cwd=cwd or "/", check=False
    )


def test_cli_prints_csv_to_stdout_and_reads_gbk_and_bom_files_saying_so(tmp_path):
    text = "县教育局工作计划\n新建幼儿园3所,普惠性幼儿园覆盖率达到90%以上。\n"
    (tmp_path / "gbk.txt").write_bytes(text.encode("gbk"))
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    for name, said in (("gbk.txt", "GBK"), ("bom.txt", "BOM")):
        result = run_cli("extract", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        assert said in result.stderr
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert list(rows[0]) == list(CANDIDATE_COLUMNS)
        assert [(r["doc"], r["number_text"], r["value"]) for r in rows] == [
            (str(tmp_path / name), "3所", "3"),
            (str(tmp_path / name), "90%", "90"),
        ]
        for row in rows:  # offsets index the decoded text (the BOM is not a character of it)
            assert text[int(row["char_start"]) : int(row["char_end"])] == row["quote"]


def test_cli_walks_a_folder_on_several_processes_in_a_stable_order(tmp_path):
    folder = tmp_path / "plans"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.txt").write_text("新建学校2所。\n", encoding="utf-8")
    (folder / "sub" / "a.txt").write_text("新增学位900个。\n", encoding="utf-8")
    (folder / "notes.md").write_text("新建学校5所。\n", encoding="utf-8")
    out_parallel, out_serial = tmp_path / "p.csv", tmp_path / "s.csv"
    assert main(["extract", str(folder), "-o", str(out_parallel), "--jobs", "2"]) == 0
    assert main(["extract", str(folder), "-o", str(out_serial), "--jobs", "1"]) == 0
    frame = pd.read_csv(out_parallel, dtype=str, keep_default_na=False)
    assert list(frame["doc"]) == [str(folder / "b.txt"), str(folder / "sub" / "a.txt")]
    assert list(frame["value"]) == ["2", "900"]
    assert out_parallel.read_bytes() == out_serial.read_bytes()


def test_cli_names_a_missing_file():
    result = run_cli("extract", "/no/such/plan.txt")
    assert result.returncode == 1
    assert "/no/such/plan.txt" in result.stderr


# ---------------------------------------------------------------------------------------------
# Adding a region, end to end, in a temporary copy of the project

PLAN = """某某县教育局2024年工作要点

2024年是实施“十四五”规划的关键之年。全县教育工作以办好人民满意的教育为目标,扎实推进各项工作。

一、推进学前教育普及普惠

1.扩大普惠资源。新建公办幼儿园3所,新增学位900个,普惠性幼儿园覆盖率达到92%以上。

2.提升保教质量。实施“1234”工程,创建省级示范幼儿园1-2所。

二、加强教师队伍建设

3.深化县管校聘改革。全年交流轮岗教师不少于120名,骨干教师交流比例不低于20%。

4.落实教师培训。安排教师培训经费500万元,教师培训覆盖率达到100%。

三、推进义务教育优质均衡

5.巩固控辍保学成果。义务教育巩固率保持在99%以上,学生近视率比上年下降1个百分点。
"""


def add_manifest_rows(root: Path, raw_file: str, text: str) -> None:
    """Step 1 of the curation guide: the raw file, its manifest row and its region."""
    (root / "data" / "raw" / raw_file).write_text(text, encoding="utf-8")
    tables = load_tables(root)
    regions = tables["regions"]
    regions.loc[len(regions)] = {
        "region_id": "mouxian_test",
        "name_zh": "某某县",
        "name_en": "Mouxian (made up)",
        "province_zh": "某省",
        "province_en": "Some Province",
        "prefecture_zh": "某市",
        "prefecture_en": "Some City",
        "admin_level_zh": "县",
        "admin_level_en": "county",
    }
    documents = tables["documents"]
    row = {c: "" for c in documents.columns}
    row.update(
        doc_id="mouxian_2024_wp",
        region_id="mouxian_test",
        raw_file=raw_file,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        char_count=str(len(text)),
        body_char_start="0",
        body_char_end=str(len(text)),
        issuer_zh="某某县教育局",
        issuer_en="Mouxian Education Bureau",
        title_zh="某某县教育局2024年工作要点",
        title_en="Mouxian: 2024 work points (made up for a test)",
        genre="annual_work_points",
        genre_zh="年度工作要点",
        genre_class="plan",
        period_start_year="2024",
        period_end_year="2024",
        period_label="2024",
        script="simplified",
        source_url="not recorded",
        accessed="not recorded",
        document_number="not recorded",
        publication_status="not recorded",
    )
    documents.loc[len(documents)] = row
    write_tables({"regions": regions}, root)
    write_tables({"documents": documents}, root)


def fill_review(path: Path, reject: dict[str, str], indicator_en: str = "indicator") -> None:
    """The researcher's part, with openpyxl: accept every candidate but those in ``reject`` (number text →
    exclusion reason), give each an English indicator, and exclude every other number."""
    workbook = openpyxl.load_workbook(path)
    for name, _mark in (("candidates", "accept"), ("other_numbers", "exclude")):
        sheet = workbook[name]
        header = [c.value for c in sheet[1]]
        col = {h: i + 1 for i, h in enumerate(header)}
        for row in range(2, sheet.max_row + 1):
            if not sheet.cell(row, col["doc_id"]).value:
                continue
            if name == "candidates":
                number = sheet.cell(row, col["number_text"]).value
                sheet.cell(row, col["accept"]).value = "no" if number in reject else "yes"
                sheet.cell(row, col["exclude_reason"]).value = reject.get(number)
                sheet.cell(row, col["indicator_en"]).value = indicator_en
                sheet.cell(row, col["quote_en"]).value = "an English gloss"
                sheet.cell(row, col["quote_en_by"]).value = "the test reviewer"
            else:
                sheet.cell(row, col["exclude"]).value = "yes"
    workbook.save(path)


def extract_made_up_plan(root):
    """Put the made-up plan and its manifest rows into a project copy, extract it: c.csv and review.xlsx."""
    raw_file = "mouxian_2024_work_points.txt"
    add_manifest_rows(root, raw_file, PLAN)
    review = root / "review.xlsx"
    assert (
        main(
            [
                "--root",
                str(root),
                "extract",
                str(root / "data/raw" / raw_file),
                "-o",
                str(root / "c.csv"),
                "--review",
                str(review),
            ]
        )
        == 0
    )
    return review


def test_adding_a_region_end_to_end_with_the_extractor_doing_the_finding(project_copy):
    root = project_copy
    review = extract_made_up_plan(root)
    found = pd.read_csv(root / "c.csv", dtype=str, keep_default_na=False)
    assert list(found["number_text"]) == [
        "3所",
        "900个",
        "92%",
        "1-2所",
        "120名",
        "20%",
        "500万元",
        "100%",
        "99%",
        "1个百分点",
    ]
    # review: accept all but the training coverage, which the researcher excludes
    fill_review(review, reject={"100%": "other"})
    # import: clauses proposed for the new document, the accepted targets, the exclusions
    assert main(["--root", str(root), "extract", "--import", str(review)]) == 0
    tables = load_tables(root)
    targets = tables["targets"][tables["targets"]["doc_id"] == "mouxian_2024_wp"]
    assert len(targets) == 9
    assert targets["target_id"].tolist()[:2] == ["MOUXIAN2024WP-T001", "MOUXIAN2024WP-T002"]
    money = targets[targets["number_text"] == "500万元"].iloc[0]
    assert (money["value"], money["unit"], money["unit_original"]) == ("5000000", "元", "万元")
    assert targets.set_index("number_text").loc["92%", "comparator"] == ">="
    assert targets.set_index("number_text").loc["92%", "target_year"] == "2024"
    excluded = tables["excluded_numbers"][tables["excluded_numbers"]["doc_id"] == "mouxian_2024_wp"]
    assert {"2024年", "十四五", "1234", "100%"} <= set(excluded["text"])
    clauses = tables["clauses"][tables["clauses"]["doc_id"] == "mouxian_2024_wp"]
    assert clauses["clause_id"].tolist() == ["title", "pre", "h1", "1", "2", "h2", "3", "4", "h3", "5"]
    # importing the same workbook again adds nothing
    assert main(["--root", str(root), "extract", "--import", str(review)]) == 0
    assert len(load_table("targets", root)) == len(tables["targets"])
    # code its clauses: the researcher corrects a keyword-coded theme
    clauses_all = tables["clauses"]
    heading = (clauses_all["doc_id"] == "mouxian_2024_wp") & (clauses_all["clause_id"] == "h2")
    clauses_all.loc[heading, "theme_id"] = "teacher_rotation"
    write_tables({"clauses": clauses_all}, root)
    # the commitment levels (and any other document × code table) are coded by hand; here: none yet
    commitments = tables["commitments"]
    for theme in THEMES["theme_id"]:
        if theme != "web_furniture":
            commitments.loc[len(commitments)] = {c: "" for c in commitments.columns} | {
                "doc_id": "mouxian_2024_wp",
                "theme_id": theme,
                "level": "0",
            }
    write_tables({"commitments": commitments}, root)
    if "document_components" in tables:
        coded = tables["document_components"]
        for component in tables["components"]["component"]:
            coded.loc[len(coded)] = {c: "" for c in coded.columns} | {
                "doc_id": "mouxian_2024_wp",
                "component": component,
                "present": "false",
            }
        write_tables({"document_components": coded}, root)
    # validate: everything, the closed world of the new text included
    assert validate_project(root) == []


def test_a_failed_import_changes_nothing_and_names_sheet_row_and_column(project_copy, capsys):
    root = project_copy
    review = extract_made_up_plan(root)
    fill_review(review, reject={})
    workbook = openpyxl.load_workbook(review)
    sheet = workbook["candidates"]
    header = [c.value for c in sheet[1]]
    sheet.cell(3, header.index("value") + 1).value = "901"  # the quote says 900个
    workbook.save(review)
    before = tree_digest(root / "data")
    with pytest.raises(ReviewError) as caught:
        import_review(review, root)
    assert any("sheet 'candidates', row 3, column 'value'" in p and "900" in p for p in caught.value.problems)
    assert tree_digest(root / "data") == before
    capsys.readouterr()
    assert main(["--root", str(root), "extract", "--import", str(review)]) == 1
    assert "nothing written" in capsys.readouterr().err
    assert tree_digest(root / "data") == before


def test_an_import_needs_a_doc_id_and_says_where(project_copy):
    root = project_copy
    path = root / "plan.txt"  # not in the manifest: doc_id stays empty
    path.write_text(PLAN, encoding="utf-8")
    review = root / "review.xlsx"
    assert main(["--root", str(root), "extract", str(path), "-o", str(root / "c.csv"), "--review", str(review)]) == 0
    workbook = openpyxl.load_workbook(review)
    assert workbook["clauses"].max_row <= 2  # no clauses proposed for a file outside the manifest
    sheet = workbook["candidates"]
    sheet.cell(2, 1).value = "yes"
    workbook.save(review)
    before = tree_digest(root / "data")
    with pytest.raises(ReviewError, match=r"sheet 'candidates', row 2, column 'doc_id'"):
        import_review(review, root)
    assert tree_digest(root / "data") == before


def test_a_dry_run_reports_and_writes_nothing(project_copy, capsys):
    root = project_copy
    add_manifest_rows(root, "mouxian_2024_work_points.txt", PLAN)
    review = root / "review.xlsx"
    assert (
        main(
            [
                "--root",
                str(root),
                "extract",
                str(root / "data/raw/mouxian_2024_work_points.txt"),
                "-o",
                str(root / "c.csv"),
                "--review",
                str(review),
            ]
        )
        == 0
    )
    fill_review(review, reject={})
    before = tree_digest(root / "data")
    capsys.readouterr()
    assert main(["--root", str(root), "extract", "--import", str(review), "--dry-run"]) == 0
    said = capsys.readouterr().out
    assert "targets: 10 row(s) to add" in said and "dry run" in said
    assert tree_digest(root / "data") == before
