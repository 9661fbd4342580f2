"""Bad files and bad paths get a message naming the file (and line), never a traceback, and nothing is
overwritten that the command did not write."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

import pytest
from helpers import tree_digest

from analysis.cli import main
from analysis.curated import table_path
from analysis.extraction.files import PlanReadError, detect_encoding
from analysis.validate import validate_project

PLAN = "测试县教育局2024年工作要点\n1.新建幼儿园3所。\n"


def run(capfd, *argv) -> tuple[int, str]:
    code = main(list(argv))
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err
    return code, captured.out + captured.err


@pytest.fixture
def plan(tmp_path) -> Path:
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------------------------
# outputs never land in data/ or on someone else's file


@pytest.mark.parametrize(
    "option, target",
    [
        ("-o", "data/curated/themes.csv"),
        ("-o", "data/raw/hailing_2023_work_points.txt"),
        ("--review", "data/curated/themes.csv"),
        ("-o", "data/new_candidates.csv"),
    ],
)
def test_extract_refuses_to_write_inside_data(project_copy, plan, capfd, option, target):
    before = tree_digest(project_copy / "data")
    code, text = run(capfd, "--root", str(project_copy), "extract", str(plan), option, str(project_copy / target))
    assert code == 2 and "inside data/" in text and "--force" in text
    assert tree_digest(project_copy / "data") == before


def test_workbook_export_refuses_a_curated_csv_but_writes_its_default_file(project_copy, capfd):
    target = table_path("targets", project_copy)
    before = target.read_bytes()
    code, text = run(capfd, "--root", str(project_copy), "workbook", "export", str(target))
    assert code == 2 and "inside data/" in text
    assert target.read_bytes() == before
    code, text = run(capfd, "--root", str(project_copy), "workbook", "export")
    assert code == 0 and (project_copy / "data/curated/edu_plans_curated.xlsx").is_file()
    code, _ = run(capfd, "--root", str(project_copy), "workbook", "export")  # its own output: replaced
    assert code == 0


def test_outputs_never_replace_a_file_the_command_did_not_write_unless_forced(project_copy, plan, tmp_path, capfd):
    notes = tmp_path / "notes.csv"
    notes.write_text("my,own\nnotes,here\n", encoding="utf-8")
    code, text = run(capfd, "--root", str(project_copy), "extract", str(plan), "-o", str(notes))
    assert code == 2 and "is not a candidates CSV written by this command" in text
    assert notes.read_text(encoding="utf-8") == "my,own\nnotes,here\n"
    code, _ = run(capfd, "--root", str(project_copy), "extract", str(plan), "-o", str(notes), "--force", "--quiet")
    assert code == 0 and notes.read_text(encoding="utf-8").startswith("doc,")
    code, _ = run(capfd, "--root", str(project_copy), "extract", str(plan), "-o", str(notes), "--quiet")
    assert code == 0  # now it is the command's own output
    review = tmp_path / "review.xlsx"
    code, _ = run(capfd, "--root", str(project_copy), "extract", str(plan), "--review", str(review), "--quiet")
    assert code == 0
    code, text = run(capfd, "--root", str(project_copy), "workbook", "export", str(review))
    assert code == 2 and "is not a curated workbook" in text
    code, _ = run(capfd, "--root", str(project_copy), "extract", str(plan), "--review", str(review), "--quiet")
    assert code == 0


def test_an_output_in_a_missing_folder_is_a_message(project_copy, plan, tmp_path, capfd):
    code, text = run(
        capfd, "--root", str(project_copy), "extract", str(plan), "-o", str(tmp_path / "missing_dir/x.csv")
    )
    assert code == 2 and "missing_dir does not exist" in text


# ----------------------------------------------------------------------------------------------
# damaged curated files


def test_a_syntax_error_in_datapackage_json_names_the_file_and_line(project_copy, tmp_path, capfd):
    path = project_copy / "data/curated/datapackage.json"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"resources": [', '"resources": [,', 1), encoding="utf-8")
    code, out = run(capfd, "--root", str(project_copy), "validate")
    assert code == 1 and "data/curated/datapackage.json, line" in out and "not valid JSON" in out
    code, out = run(capfd, "--root", str(project_copy), "workbook", "export", str(tmp_path / "w.xlsx"))
    assert code == 1 and "data/curated/datapackage.json, line" in out


def test_a_csv_cut_inside_a_quoted_field_fails_validation(project_copy):
    path = table_path("targets", project_copy)
    text = path.read_text(encoding="utf-8")
    cut = text.rindex('"', 0, text.rindex('"'))  # inside the last quoted field
    path.write_text(text[: cut + 5], encoding="utf-8")
    problems = [str(p) for p in validate_project(project_copy)]
    label = path.relative_to(project_copy).as_posix()
    assert any(p.startswith(label) and "a quoted field is not closed" in p for p in problems), problems


def test_an_extra_column_is_named(project_copy):
    path = table_path("themes", project_copy)
    lines = path.read_text(encoding="utf-8").split("\n")
    path.write_text(
        "\n".join(line + (",bogus_column" if i == 0 else ",x") if line else line for i, line in enumerate(lines)),
        encoding="utf-8",
    )
    problems = [str(p) for p in validate_project(project_copy)]
    assert any("extra column 'bogus_column'" in p for p in problems), problems


@pytest.mark.parametrize(
    "content, words",
    [
        (lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "is UTF-16"),
        (lambda text: b"\x00" * len(text.encode()), "holds NUL bytes"),
    ],
)
def test_utf16_and_nul_filled_curated_files_are_refused_by_name(project_copy, content, words):
    path = table_path("regions", project_copy)
    path.write_bytes(content(path.read_text(encoding="utf-8")))
    problems = [str(p) for p in validate_project(project_copy)]
    assert problems and problems[0].startswith("data/curated/regions.csv") and words in problems[0], problems


def test_nul_filled_and_utf16_plans_are_refused_and_a_bad_byte_is_located_in_the_file(tmp_path, monkeypatch):
    from analysis.extraction import files as extract

    path = tmp_path / "plan.txt"
    path.write_bytes(b"\x00" * 4096)
    with pytest.raises(PlanReadError, match="holds NUL bytes"):
        detect_encoding(path)
    path.write_bytes(PLAN.encode("utf-16"))
    with pytest.raises(PlanReadError, match="is UTF-16"):
        detect_encoding(path)
    monkeypatch.setattr(extract, "_BLOCK", 16)  # the bad byte lies in a later block
    good = "第一行\n第二行文字很多很多\n".encode()
    path.write_bytes(good + b"\xff\xfe\x81" + "尾巴".encode())
    with pytest.raises(PlanReadError, match=rf"UTF-8 \(bad byte at byte {len(good)} of the file, line 3\)"):
        detect_encoding(path)


def test_a_refused_import_because_data_changed_meanwhile_is_a_message(project_copy, tmp_path, capfd, monkeypatch):
    import openpyxl

    from analysis import workbook
    from analysis.curated import load_table, write_tables

    book = workbook.export_workbook(project_copy, tmp_path / "book.xlsx")
    edited = openpyxl.load_workbook(book)
    sheet = edited["themes"]
    column = [c.value for c in sheet[1]].index("name_en") + 1
    sheet.cell(2, column).value = "Renamed in the workbook"
    edited.save(book)
    planned = workbook.plan_import

    def plan_then_someone_edits(path, root):
        plan = planned(path, root)
        themes = load_table("themes", project_copy)
        themes.loc[1, "name_en"] = "Renamed on disk meanwhile"
        write_tables({"themes": themes}, project_copy)
        return plan

    monkeypatch.setattr(workbook, "plan_import", plan_then_someone_edits)
    code, text = run(capfd, "--root", str(project_copy), "workbook", "import", str(book))
    assert code == 1 and "'themes'" in text and "changed while this import was being checked" in text, text
    assert "Traceback" not in text
    assert load_table("themes", project_copy).loc[1, "name_en"] == "Renamed on disk meanwhile"  # nothing lost


def test_a_copy_without_the_lock_or_transactions_of_the_original_is_made_for_dry_runs(project_copy):
    from analysis import store

    (project_copy / "data/curated/.transactions").mkdir()
    with store.scratch_copy(project_copy) as copy:
        assert not (copy / "data/curated/.transactions").exists()
        assert (copy / "data/raw").resolve() == (project_copy / "data/raw").resolve()
    shutil.rmtree(project_copy / "data/curated/.transactions")
