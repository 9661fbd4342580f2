"""The disagreement sheet and an adjudicated reading that records how each disagreement was settled."""

from __future__ import annotations

import openpyxl
from helpers import tree_digest

from analysis.cli import main
from analysis.corpus import load_texts
from analysis.curated import load_tables
from analysis.readings import reading_codes


def _decide(path, pair, how="read the clause again"):
    book = openpyxl.load_workbook(path)
    sheet = book["disagreements"]
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) + 1 for name in header}
    decided = 0
    for number in range(2, sheet.max_row + 1):
        if (sheet.cell(number, col["reading_a"]).value, sheet.cell(number, col["reading_b"]).value) == pair:
            sheet.cell(number, col["decision"]).value = "b"
            sheet.cell(number, col["how"]).value = how
            decided += 1
    book.save(path)
    return decided


def test_an_adjudicated_reading_keeps_agreed_codes_and_says_how_each_disagreement_was_settled(project_copy, capsys):
    assert main(["--root", str(project_copy), "coding", "agreement"]) == 0
    sheet = project_copy / "reports" / "coding_disagreements.xlsx"
    assert _decide(sheet, ("curated", "second_blind")) == 1
    assert main(["--root", str(project_copy), "coding", "adjudicate", str(sheet), "--by", "A. Judge"]) == 0
    tables = load_tables(project_copy)
    reading = tables["readings"].set_index("reading_id").loc["adjudicated_curated_second_blind"]
    assert reading["coder_kind"] == "adjudication" and reading["adjudicates"] == "curated;second_blind"
    codes = reading_codes(tables, "adjudicated_curated_second_blind", load_texts(tables["documents"], project_copy))
    settled = codes[codes["notes"] != ""]
    assert len(settled) == 1
    row = settled.iloc[0]
    assert (row["doc_id"], row["unit_id"], row["value"]) == ("hailing_2023_wp", "16", "teacher_rotation")
    assert "curated said teacher_staffing_pay, second_blind said teacher_rotation; chose second_blind" in row["notes"]
    assert "how: read the clause again" in row["notes"]
    assert (codes["variable"] == "primary_theme").sum() == 61


def test_an_undecided_or_unexplained_disagreement_is_refused_and_nothing_is_written(project_copy, capsys):
    assert main(["--root", str(project_copy), "coding", "agreement"]) == 0
    sheet = project_copy / "reports" / "coding_disagreements.xlsx"
    _decide(sheet, ("second_blind", "keywords"), how="")
    before = tree_digest(project_copy / "data")
    assert main(["--root", str(project_copy), "coding", "adjudicate", str(sheet), "--by", "A. Judge"]) == 1
    err = capsys.readouterr().err
    assert "sheet 'disagreements', row" in err and "column 'how': say how the disagreement was settled" in err
    assert tree_digest(project_copy / "data") == before
