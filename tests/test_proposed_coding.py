"""A proposed coding to confirm, and a fifth region added end to end from a PDF, timed."""

from __future__ import annotations

import hashlib
import time

import openpyxl
import pytest
from test_pdf_docx_input import make_pdf

from analysis.cli import main
from analysis.curated import load_table, load_tables, write_tables
from analysis.extraction import ReviewError, import_review
from analysis.extraction.proposals import propose_commitments, propose_components
from analysis.validate import validate_project

THEMES = load_table("themes")
COMPONENTS = load_table("components")


def test_levels_follow_the_scale_quantity_measure_mention_absent():
    raw = "一、学前教育\n普惠性幼儿园覆盖率达到92%。\n二、教师\n深化县管校聘改革,建立教师交流轮岗机制。\n三、党建\n加强党的建设。\n"
    candidates = [
        {
            "doc": "x",
            "char_start": raw.index("普惠"),
            "char_end": raw.index("92%") + 3,
            "quote": raw[raw.index("普惠") : raw.index("92%") + 3],
            "theme_id": "kindergarten_coverage",
            "kind": "target",
        }
    ]
    import pandas as pd

    proposed = propose_commitments(raw, "d", 0, len(raw), THEMES, pd.DataFrame(candidates)).set_index("theme_id")
    assert proposed.loc["kindergarten_coverage", "level"] == "3"
    assert proposed.loc["teacher_rotation", "level"] == "2"
    assert proposed.loc["party_building", "level"] == "1"
    assert proposed.loc["double_reduction", "level"] == "0" and proposed.loc["double_reduction", "quote"] == ""
    for _theme, row in proposed.iterrows():
        if row["quote"]:
            assert raw[int(row["char_start"]) : int(row["char_end"])] == row["quote"]
        assert row["notes"].startswith("proposed by the extractor (level ")
    components = propose_components(raw, "d", 0, len(raw), COMPONENTS).set_index("component")
    assert components.loc["managed_hiring", "present"] == "true"
    assert "县管校聘" in components.loc["managed_hiring", "quote"]
    assert (
        components.loc["managed_hiring", "notes"]
        == "proposed by the extractor (the text says 县管校聘); confirm or correct"
    )
    assert components.loc["homework", "present"] == "false"


PLAN_PAGES = [
    [
        "某某县教育局2024年工作要点",
        "2024年,全县教育工作以办好人民满意的教育为目标,扎实推进各项",
        "工作。",
        "一、推进学前教育普及普惠",
        "1.扩大普惠资源。新建公办幼儿园 3 所,普惠性幼儿园覆盖率达到 92%以上。",
        "二、加强教师队伍建设",
        "2.深化县管校聘改革。全年交流轮岗教师不少于 120 名。",
        "- 1 -",
    ],
    ["三、落实“双减”", "3.加强作业管理,课后服务覆盖率达到百分之百。", "- 2 -"],
]


def confirm_everything(path, *, skip_component: str | None = None) -> None:
    """The researcher's part: accept every candidate, exclude every other number, keep the proposed clauses,
    confirm the proposed levels and components (here as proposed; a researcher corrects them first)."""
    workbook = openpyxl.load_workbook(path)
    for name, mark in (
        ("candidates", "accept"),
        ("other_numbers", "exclude"),
        ("commitments", "confirm"),
        ("components", "confirm"),
    ):
        sheet = workbook[name]
        header = [c.value for c in sheet[1]]
        for row in range(2, sheet.max_row + 1):
            if not sheet.cell(row, header.index("doc_id") + 1).value:
                continue
            value = "yes"
            if name == "components" and sheet.cell(row, header.index("component") + 1).value == skip_component:
                value = ""
            sheet.cell(row, header.index(mark) + 1).value = value
            if name == "candidates":
                sheet.cell(row, header.index("indicator_en") + 1).value = "indicator (made up)"
            quote = sheet.cell(row, header.index("quote") + 1).value if "quote" in header else None
            if quote and "quote_en" in header:  # every curated quote carries its English gloss and who wrote it
                sheet.cell(row, header.index("quote_en") + 1).value = "an English gloss (made up for a test)"
                sheet.cell(row, header.index("quote_en_by") + 1).value = "the test reviewer"
    workbook.save(path)


@pytest.mark.slow
def test_a_fifth_region_from_a_pdf_to_a_validated_project_timed(project_copy, capsys):
    root = project_copy
    times = {}
    clock = time.perf_counter()
    pdf = make_pdf(root / "mouxian_2024_work_points.pdf", PLAN_PAGES)
    # 1. convert: the PDF's text becomes data/raw/…txt, the original is kept beside it
    assert main(["--root", str(root), "extract", str(pdf), "-o", str(root / "first.csv"), "--quiet"]) == 0
    said = capsys.readouterr().err
    times["1 convert the PDF (extract plan.pdf)"] = time.perf_counter() - clock
    raw_text = (root / "data/raw/mouxian_2024_work_points.txt").read_text(encoding="utf-8")
    assert "扎实推进各项工作。" in raw_text  # the line broken by the page layout is joined
    # 2. by hand: the region and the manifest row, with the values the command printed
    clock = time.perf_counter()
    tables = load_tables(root)
    regions, documents = tables["regions"], tables["documents"]
    regions.loc[len(regions)] = {c: "" for c in regions.columns} | dict(
        region_id="mouxian_demo",
        name_zh="某某县",
        name_en="Mouxian (made up)",
        province_zh="某省",
        province_en="Some Province",
        prefecture_zh="某市",
        prefecture_en="Some City",
        admin_level_zh="县",
        admin_level_en="county",
    )
    sha = hashlib.sha256(raw_text.encode("utf-8")).hexdigest()
    original_sha = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert f"sha256={sha}" in said and f"original_sha256={original_sha}" in said
    documents.loc[len(documents)] = {c: "" for c in documents.columns} | dict(
        doc_id="mouxian_2024_wp",
        region_id="mouxian_demo",
        raw_file="mouxian_2024_work_points.txt",
        sha256=sha,
        char_count=str(len(raw_text)),
        body_char_start="0",
        body_char_end=str(len(raw_text)),
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
        original_file="mouxian_2024_work_points.pdf",
        original_sha256=original_sha,
        notes="made up for a test",
    )
    write_tables({"regions": regions, "documents": documents}, root)
    times["2 manifest and region rows (by hand; here by code)"] = time.perf_counter() - clock
    # 3. extract again with the manifest row: the review workbook proposes clauses, levels and components
    clock = time.perf_counter()
    review = root / "review.xlsx"
    assert (
        main(["--root", str(root), "extract", str(pdf), "-o", str(root / "c.csv"), "--review", str(review), "--quiet"])
        == 0
    )
    times["3 extract with --review"] = time.perf_counter() - clock
    workbook = openpyxl.load_workbook(review)
    assert {"candidates", "other_numbers", "clauses", "commitments", "components"} <= set(workbook.sheetnames)
    levels = {r[2]: r[3] for r in workbook["commitments"].iter_rows(min_row=2, values_only=True)}
    assert levels["kindergarten_coverage"] == "3" and levels["double_reduction"] == "3"
    # 4. review (by hand): confirm; a component left unconfirmed keeps the project from validating
    clock = time.perf_counter()
    confirm_everything(review, skip_component="homework")
    times["4 review the workbook (by hand; here by code)"] = time.perf_counter() - clock
    clock = time.perf_counter()
    assert main(["--root", str(root), "extract", "--import", str(review)]) == 0
    problems = validate_project(root)
    assert [p.column for p in problems] == ["component"] and "homework" in str(problems[0])
    # confirming the last one completes the reading
    confirm_everything(review)
    with pytest.raises(ReviewError, match="already coded"):  # what is stored is never overwritten by an import
        import_review(review, root)
    confirm_everything(review)
    workbook = openpyxl.load_workbook(review)
    sheet = workbook["components"]
    header = [c.value for c in sheet[1]]
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, header.index("component") + 1).value != "homework":
            sheet.cell(row, header.index("confirm") + 1).value = "no"
    for name in ("commitments", "candidates", "other_numbers", "clauses"):
        sheet = workbook[name]
        header = [c.value for c in sheet[1]]
        column = (
            header.index(
                {"commitments": "confirm", "candidates": "accept", "other_numbers": "exclude", "clauses": "import"}[
                    name
                ]
            )
            + 1
        )
        for row in range(2, sheet.max_row + 1):
            sheet.cell(row, column).value = "no"
    workbook.save(review)
    assert main(["--root", str(root), "extract", "--import", str(review)]) == 0
    times["5 import and validate"] = time.perf_counter() - clock
    # 5. every table validates, the fifth region's closed world included
    assert validate_project(root) == []
    tables = load_tables(root)
    targets = tables["targets"][tables["targets"]["doc_id"] == "mouxian_2024_wp"]
    assert list(targets["number_text"]) == ["3 所", "92%", "120 名", "百分之百"]
    assert list(targets["comparator"]) == ["=", ">=", ">=", ">="]
    coded = tables["document_components"]
    assert coded[(coded["doc_id"] == "mouxian_2024_wp") & (coded["component"] == "managed_hiring")][
        "present"
    ].tolist() == ["true"]
    assert all("confirmed in review" in n for n in tables["commitments"].query("doc_id == 'mouxian_2024_wp'")["notes"])
    print("\nadding a region from a PDF, seconds per step:")
    for step, seconds in times.items():
        print(f"  {step:55s} {seconds:6.2f}")


def test_columns_added_to_targets_csv_appear_in_the_review_sheet_and_are_imported(project_copy):
    """Engineers add columns to the schema (measure, basis …): the review sheet carries every column of
    targets.csv, so a researcher can fill them in, and the import keeps what was filled in."""
    from test_extract import extract_made_up_plan, fill_review

    from analysis.extraction.review import plan_review_import, read_review

    root = project_copy
    review = extract_made_up_plan(root)
    workbook = openpyxl.load_workbook(review)
    header = [c.value for c in workbook["candidates"][1]]
    assert "indicator_group" in header  # a column of targets.csv the fixed review columns do not name
    fill_review(review, reject={})
    workbook = openpyxl.load_workbook(review)
    sheet = workbook["candidates"]
    sheet.cell(2, header.index("indicator_group") + 1).value = "kg_new_public"
    workbook.save(review)
    tables = load_tables(root)
    plan = plan_review_import(read_review(review), tables)
    assert plan.problems == []
    assert plan.added["targets"]["indicator_group"].tolist()[0] == "kg_new_public"
