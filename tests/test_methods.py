"""The methods appendix states the package's own figures, in each language, and prints with the project font."""

from __future__ import annotations

import re
import subprocess

import pandas as pd
import pytest
from helpers import add_made_up_region

from analysis.compare import corpus_overview, quantified_commitments
from analysis.corpus import load_texts
from analysis.curated import load_tables
from analysis.methods import methods_facts, methods_markdown, write_methods
from analysis.readings import agreement_table


@pytest.fixture(scope="module")
def facts():
    return methods_facts()


@pytest.fixture(scope="module")
def pages(facts):
    return {lang: methods_markdown(facts, lang) for lang in ("zh", "en")}


def table_rows(markdown: str, first_header: str) -> list[list[str]]:
    """The body rows of the Markdown table whose header starts with ``first_header``."""
    lines = markdown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip())[1:-1]])
    return rows


def test_the_corpus_table_states_the_package_figures():
    tables = load_tables()
    overview = corpus_overview(tables)
    markdown = methods_markdown(methods_facts(tables=tables), "en")
    rows = table_rows(markdown, "Region")
    assert len(rows) == len(overview)
    for row, (_, doc) in zip(rows, overview.iterrows()):
        assert row[0] == doc["region_en"]
        assert [int(x) for x in row[6:9]] == [doc["body_chars"], doc["clauses"], doc["quantities"]]
    assert f"{overview['body_chars'].sum()} characters of body text" in markdown


def test_levels_agreement_and_checks_are_the_computed_ones(pages):
    tables = load_tables()
    en = pages["en"]
    levels = tables["commitments"]["level"].astype(int).value_counts()
    shown = pd.DataFrame(table_rows(en, "Level"), columns=["level", "genre_class", "meaning", "pairs"])
    assert shown.astype({"level": int, "pairs": int}).groupby("level")["pairs"].sum().tolist() == [
        levels.get(v, 0) for v in range(4)
    ]
    scale = tables["commitment_scale"]
    assert set(shown["meaning"]) == set(scale["meaning_en"])
    agreement = agreement_table(tables, load_texts(tables["documents"]))
    overall = agreement[agreement["scope"] == "primary_theme:(overall)"]
    shown = table_rows(en, "Reading A")
    kappas = overall[overall["measure"] == "kappa"]
    assert sorted(float(r[4]) for r in shown if r[3] == "Cohen's kappa") == sorted(round(v, 3) for v in kappas["value"])
    quantified = quantified_commitments(tables)
    assert sum(int(r[2]) for r in table_rows(en, "Kind of measure")) == len(quantified)
    assert f"the {len(tables['targets'])} quantities" in en
    assert "**passed**" in en and "**通过**" in pages["zh"]
    kinds = tables["readings"]["coder_kind"].value_counts()
    ai, human = kinds.get("ai_model_session", 0), kinds.get("human", 0)
    assert (
        f"{ai} were made by AI model sessions, {human} by human coders and {len(tables['readings']) - ai - human} by a program"
        in en
    )
    assert ("No human coder took part" in en) == (human == 0)


def test_a_fifth_region_is_in_the_appendix_without_a_code_change(project_copy):
    add_made_up_region(project_copy)
    markdown = methods_markdown(methods_facts(project_copy), "en")
    rows = table_rows(markdown, "Region")
    assert len(rows) == 6 and any(r[0] == "Test County" for r in rows)
    assert "6 texts from 5 regions" in markdown


def test_the_chinese_page_has_no_english_prose(pages):
    zh = re.sub(r"`[^`]*`", "", pages["zh"])  # identifiers (columns, tables, commands) stay in code spans
    zh = re.sub(r"[A-Z0-9]+-T\d{3}|Krippendorff|Cohen|SHA-256|analysis \d+\.\d+\.\d+", "", zh)
    assert re.findall(r"[A-Za-z]{2,}", zh) == []


def test_both_pages_name_the_share_bases_and_the_sampling_limits(pages):
    assert "primary_plus_secondary" in pages["en"] and "1/k" in pages["en"]
    assert "只计主题" in pages["zh"] and "每个1/k" in pages["zh"]
    assert "convenience sample" in pages["en"] and "便利样本" in pages["zh"]
    assert "abridged public release" in pages["en"] and "此件删减公开" in pages["zh"]


@pytest.mark.slow
def test_the_pdf_embeds_only_the_project_font_and_its_text_extracts(tmp_path, built_project):
    written = write_methods(tmp_path, languages=("zh",))
    pdf = next(p for p in written if p.suffix == ".pdf")
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(
        "NotoSansCJKSC" in line and "CID TrueType" in line and " yes yes yes " in line for line in fonts
    )
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    overview = corpus_overview(load_tables())
    assert "方法附录" in text and "便利样本" in text
    assert str(overview["body_chars"].sum()) in text
    # The same data gives the same bytes when printed again, elsewhere: the main job printed it in another copy.
    assert (built_project.root / "reports" / pdf.name).read_bytes() == pdf.read_bytes()


def test_the_codebook_section_counts_each_component_from_the_codes(pages):
    tables = load_tables()
    present = tables["document_components"].query("present == 'true'").groupby("component").size()
    rows = table_rows(pages["en"], "Theme | Component")
    names = dict(zip(tables["components"]["name_en"], tables["components"]["component"]))
    assert {names[r[1]]: int(r[3]) for r in rows} == {
        c: int(present.get(c, 0)) for c in tables["components"]["component"]
    }
