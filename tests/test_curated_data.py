"""Data validation as tests: the curated tables keep the promises the analysis relies on."""

from __future__ import annotations

from analysis.corpus import load_texts, sha256_file
from analysis.curated import load_tables
from analysis.paths import RAW_DIR
from analysis.validate import schema_problems, uncovered_numbers

TABLES = load_tables()


def test_raw_files_match_the_manifest_hashes():
    for row in TABLES["documents"].itertuples():
        assert sha256_file(RAW_DIR / row.raw_file) == row.sha256, f"data/raw/{row.raw_file} changed"


def test_every_raw_file_is_in_the_manifest():
    listed = set(TABLES["documents"]["raw_file"])
    assert {p.name for p in RAW_DIR.iterdir() if p.is_file()} == listed


def test_frictionless_validates_the_data_package():
    assert schema_problems() == []


def test_every_number_in_every_raw_text_is_curated_or_excluded():
    texts = load_texts(TABLES["documents"])
    missing = uncovered_numbers(TABLES["documents"], texts, TABLES["targets"], TABLES["excluded_numbers"])
    assert missing.empty, missing.to_string()


def test_every_document_has_clauses_targets_and_commitments():
    for doc_id in TABLES["documents"]["doc_id"]:
        assert (TABLES["clauses"]["doc_id"] == doc_id).any()
        assert (TABLES["targets"]["doc_id"] == doc_id).any()
        assert (TABLES["commitments"]["doc_id"] == doc_id).sum() == len(TABLES["themes"]) - 1


def test_the_feature_reports_achievements_and_the_plans_do_not():
    targets = TABLES["targets"].merge(TABLES["documents"][["doc_id", "genre"]], on="doc_id")
    reports = targets["genre"] == "news_report_of_results"
    assert set(targets.loc[reports, "kind"]) == {"achievement"}
    assert "achievement" not in set(targets.loc[~reports, "kind"])


def test_level_three_commitments_have_a_quantity_of_that_theme():
    quantified = set(zip(TABLES["targets"]["doc_id"], TABLES["targets"]["theme_id"]))
    for row in TABLES["commitments"].itertuples():
        if row.level == "3":
            assert (row.doc_id, row.theme_id) in quantified, (row.doc_id, row.theme_id)
