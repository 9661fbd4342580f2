"""Readings as data: who coded what, the migrated second reading, and the description figures show."""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import pytest

from analysis.corpus import load_texts
from analysis.curated import frame_to_csv_text, load_tables
from analysis.readings import (
    curated_reading_id,
    legacy_second_reading,
    reading_codes,
    reading_description,
)

# sha256 of data/curated/second_reading.csv at commit 5484ef3, the last one that held it
SECOND_READING_SHA256 = "0ad5d30221aaf4ef40c26947c5137e6aae970d6a9408925b9c747426d513853f"


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def test_the_second_reading_moved_into_reading_codes_without_changing_a_byte(tables):
    legacy = legacy_second_reading(tables["reading_codes"])
    assert hashlib.sha256(frame_to_csv_text(legacy).encode("utf-8")).hexdigest() == SECOND_READING_SHA256


def test_readings_say_truthfully_who_coded_and_exactly_one_is_curated(tables):
    readings = tables["readings"].set_index("reading_id")
    assert curated_reading_id(tables["readings"]) == "curated"
    assert readings.loc["curated", "coder_kind"] == "ai_model_session"
    assert readings.loc["second_blind", "coder_kind"] == "ai_model_session"
    assert readings.loc["second_blind", "blind"] == "true"
    assert readings.loc["keywords", "coder_kind"] == "automatic"
    assert not readings["method"].str.contains("hand-coded", case=False).any()


def test_every_reading_comes_back_in_the_same_long_form(tables):
    texts = load_texts(tables["documents"])
    curated = reading_codes(tables, "curated", texts)
    assert set(curated["variable"]) == {"primary_theme", "secondary_themes", "commitment_level", "component_present"}
    assert (curated["variable"] == "primary_theme").sum() == len(tables["clauses"])
    assert (curated["variable"] == "commitment_level").sum() == len(tables["commitments"])
    keywords = reading_codes(tables, "keywords", texts)
    assert set(keywords["variable"]) == {"primary_theme"} and len(keywords) == len(tables["clauses"])
    second = reading_codes(tables, "second_blind", texts)
    assert set(second["doc_id"]) == {"hailing_2023_wp", "xinhuang_2021h2_wp"}


def test_the_description_names_the_reading_and_its_alpha_with_interval_in_each_language(tables):
    agreement = pd.DataFrame(
        [
            {
                "reading_a": "curated",
                "reading_b": "second_blind",
                "scope": "primary_theme:(overall)",
                "measure": "alpha",
                "value": 0.9822,
                "ci_low": 0.9449,
                "ci_high": 1.0,
                "n_units": 61,
            }
        ]
    )
    en = reading_description(lang="en", tables=tables, agreement=agreement)
    zh = reading_description(lang="zh", tables=tables, agreement=agreement)
    assert "Curated reading (AI model sessions, merged)" in en and "α = 0.98 (95% CI 0.94–1.00, 61 clauses)" in en
    assert "整理版编码" in zh and "α = 0.98" in zh and "61 个条款" in zh
    assert not re.search(r"[\u4e00-\u9fff]", en)
    assert not re.search(r"[A-Za-z]", zh.replace("α", ""))


def test_validation_names_file_line_and_column_of_a_bad_stored_code(project_copy):
    from analysis.curated import write_tables
    from analysis.validate import validate_project

    tables = load_tables(project_copy)
    codes = tables["reading_codes"].copy()
    codes.loc[0, "value"] = "no_such_theme"
    codes.loc[1, "unit_id"] = "no_such_clause"
    readings = tables["readings"].copy()
    readings.loc[readings["reading_id"] == "second_blind", "is_curated"] = "true"
    write_tables({"reading_codes": codes, "readings": readings}, project_copy)
    problems = [str(p) for p in validate_project(project_copy, closed_world=False)]
    region = tables["documents"].set_index("doc_id").loc[codes.loc[0, "doc_id"], "region_id"]
    assert (
        f"data/curated/regions/{region}/reading_codes.csv, line 2, column 'value': "
        "'no_such_theme' is not a theme_id of themes.csv" in problems
    ), problems
    assert any("reading_codes.csv, line 3, column 'unit_id': no clause 'no_such_clause'" in p for p in problems)
    assert any("readings.csv, column 'is_curated': exactly one reading must be curated, found 2" in p for p in problems)


def test_the_agreement_reports_are_the_same_bytes_every_run_with_ordinary_file_modes(project_copy):
    import os
    import stat

    from analysis.report import write_agreement_reports

    first = {p.name: p.read_bytes() for p in write_agreement_reports(project_copy)}
    second = write_agreement_reports(project_copy)
    assert {p.name: p.read_bytes() for p in second} == first
    mask = os.umask(0)
    os.umask(mask)
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o666 & ~mask for p in second)
    header = first["coding_agreement.csv"].decode("utf-8").splitlines()[0]
    assert header == "reading_a,reading_b,scope,measure,value,ci_low,ci_high,n_units"
