"""A second coder's blind workbook: export, fill, import as a reading, agreement with intervals per theme."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from helpers import tree_digest

from analysis.agreement import krippendorff_alpha
from analysis.cli import main
from analysis.coding_workbook import sample_clauses
from analysis.corpus import load_texts
from analysis.curated import load_tables
from analysis.readings import agreement_table


def _column(sheet, name: str) -> int:
    return [c.value for c in sheet[1]].index(name) + 1


def _fill(path, codes: dict[tuple[str, str], str], flip_every: int = 4) -> dict[tuple[str, str], str]:
    """Fill the primary theme of every row as a made-up coder would: the curated theme, but every
    ``flip_every``-th clause read as overall_goals. Returns what was entered."""
    book = openpyxl.load_workbook(path)
    sheet = book["clauses"]
    doc, clause, primary, notes = (_column(sheet, c) for c in ("doc_id", "clause_id", "primary_theme", "notes"))
    entered = {}
    for number in range(2, sheet.max_row + 1):
        key = (sheet.cell(number, doc).value, sheet.cell(number, clause).value)
        theme = "overall_goals" if number % flip_every == 0 else codes[key]
        sheet.cell(number, primary).value = theme
        sheet.cell(number, notes).value = f"made-up coder, row {number}"
        entered[key] = theme
    book.save(path)
    return entered


def test_a_made_up_coder_exports_fills_imports_and_gets_alpha_and_kappa_with_intervals_per_theme(project_copy, capsys):
    out = project_copy / "blind.xlsx"
    assert (
        main(
            [
                "--root",
                str(project_copy),
                "coding",
                "export",
                "--coder",
                "Test Coder",
                "--sample",
                "40",
                "--seed",
                "3",
                "--stratify",
                "doc",
                str(out),
            ]
        )
        == 0
    )
    tables = load_tables(project_copy)
    book = openpyxl.load_workbook(out)
    sheet = book["clauses"]
    header = [c.value for c in sheet[1]]
    assert "theme_id" not in header and "secondary_theme_ids" not in header
    assert all(sheet.cell(r, _column(sheet, "primary_theme")).value in (None, "") for r in range(2, sheet.max_row + 1))
    assert sheet.max_row - 1 == 40 and sheet.data_validations.dataValidation  # a drop-down for the theme
    assert {"README", "clauses", "codebook"} <= set(book.sheetnames)
    values = list(book["codebook"].values)
    codebook = pd.DataFrame(values[1:], columns=values[0])
    assert list(codebook["theme_id"]) == list(tables["themes"]["theme_id"]) and codebook["definition"].all()

    curated = dict(zip(zip(tables["clauses"]["doc_id"], tables["clauses"]["clause_id"]), tables["clauses"]["theme_id"]))
    entered = _fill(out, curated)
    before = tree_digest(project_copy / "data")
    assert main(["--root", str(project_copy), "coding", "import", str(out), "--dry-run"]) == 0
    assert tree_digest(project_copy / "data") == before
    assert main(["--root", str(project_copy), "coding", "import", str(out)]) == 0
    assert "reading blind_test_coder (coder Test Coder): 40 clauses coded" in capsys.readouterr().out

    tables = load_tables(project_copy)
    reading = tables["readings"].set_index("reading_id").loc["blind_test_coder"]
    assert reading["coder_kind"] == "person" and reading["blind"] == "true"
    assert "seed 3, stratified by doc" in reading["scope"]
    table = agreement_table(tables, load_texts(tables["documents"], project_copy))
    pair = table[(table["reading_a"] == "curated") & (table["reading_b"] == "blind_test_coder")]
    overall = pair[(pair["scope"] == "primary_theme:(overall)")].set_index("measure")
    keys = list(entered)
    expected = krippendorff_alpha([[curated[k] for k in keys], [entered[k] for k in keys]])
    assert overall.loc["alpha", "value"] == pytest.approx(expected)
    assert overall.loc["alpha", "n_units"] == 40 and 0 < overall.loc["alpha", "value"] < 1
    for measure in ("alpha", "kappa"):
        assert overall.loc[measure, "ci_low"] <= overall.loc[measure, "value"] <= overall.loc[measure, "ci_high"]
    per_theme = pair[pair["scope"] == "primary_theme:overall_goals"].set_index("measure")
    assert {"alpha", "kappa", "prevalence_a", "prevalence_b"} <= set(per_theme.index)
    assert per_theme.loc["prevalence_b", "value"] > per_theme.loc["prevalence_a", "value"]  # the coder's bias shows

    assert main(["--root", str(project_copy), "coding", "agreement"]) == 0
    report = (project_copy / "reports" / "coding_agreement.md").read_text(encoding="utf-8")
    assert "## curated vs blind_test_coder" in report


def test_a_workbook_with_mistakes_is_refused_with_sheet_row_and_column_and_nothing_is_written(project_copy, capsys):
    out = project_copy / "blind.xlsx"
    assert main(["--root", str(project_copy), "coding", "export", "--coder", "T", "--sample", "6", str(out)]) == 0
    tables = load_tables(project_copy)
    curated = dict(zip(zip(tables["clauses"]["doc_id"], tables["clauses"]["clause_id"]), tables["clauses"]["theme_id"]))
    _fill(out, curated, flip_every=1000)
    book = openpyxl.load_workbook(out)
    sheet = book["clauses"]
    sheet.cell(2, _column(sheet, "primary_theme")).value = "no_such_theme"
    sheet.cell(3, _column(sheet, "secondary_themes")).value = sheet.cell(3, _column(sheet, "primary_theme")).value
    sheet.cell(4, _column(sheet, "primary_theme")).value = None
    sheet.delete_rows(7)
    book.save(out)
    before = tree_digest(project_copy / "data")
    assert main(["--root", str(project_copy), "coding", "import", str(out)]) == 1
    err = capsys.readouterr().err
    assert "sheet 'clauses', row 2, column 'primary_theme': 'no_such_theme' is not a theme_id" in err
    assert "sheet 'clauses', row 3, column 'secondary_themes'" in err and "already the primary theme" in err
    assert "sheet 'clauses', row 4, column 'primary_theme': empty" in err
    assert "1 clause(s) of the export are missing" in err and "nothing written" in err
    assert "Traceback" not in err
    assert tree_digest(project_copy / "data") == before


def test_a_stratified_sample_is_reproducible_and_proportional_per_document():
    clauses = load_tables()["clauses"]
    first = sample_clauses(clauses, 40, seed=5, stratify="doc")
    assert first.equals(sample_clauses(clauses, 40, seed=5, stratify="doc"))
    assert not first.equals(sample_clauses(clauses, 40, seed=6, stratify="doc"))
    share = clauses["doc_id"].value_counts() * 40 / len(clauses)
    got = first["doc_id"].value_counts().reindex(share.index)
    assert len(first) == 40 and ((got - share).abs() < 1).all()


def test_examples_in_the_codebook_never_come_from_a_clause_to_be_coded(project_copy):
    out = project_copy / "all.xlsx"
    assert main(["--root", str(project_copy), "coding", "export", "--coder", "T", str(out)]) == 0
    codebook = list(openpyxl.load_workbook(out)["codebook"].values)
    assert all(row[-1] == "(none outside the clauses to code)" for row in codebook[1:])
