"""English glosses of every quote and the sources of every document, as validation enforces them."""

from __future__ import annotations

from analysis.curated import load_table, load_tables, write_tables
from analysis.provenance import GLOSSED_TABLES, NOT_RECORDED
from analysis.validate import validate_project

CJK = r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]"


def test_every_quote_has_an_english_gloss_with_its_provenance():
    tables = load_tables()
    for name in GLOSSED_TABLES:
        quoted = tables[name][tables[name]["quote"] != ""]
        assert len(quoted) and (quoted["quote_en"].str.strip() != "").all(), name
        assert (quoted["quote_en_by"].str.strip() != "").all(), name
        assert set(quoted["quote_en_reviewed"]) <= {"true", "false"}, name
        # a gloss is an addition, never the quote rewritten: Chinese quotes keep their Chinese
        chinese = quoted[~quoted["quote"].map(str.isascii)]
        assert (chinese["quote_en"] != chinese["quote"]).all(), name
        assert not chinese["quote_en"].str.contains(CJK).any(), name  # English outputs carry no Chinese


def test_the_glosses_are_marked_unreviewed_machine_translations_until_a_human_checks_them():
    targets = load_table("targets")
    machine = targets["quote_en_by"].str.contains("AI model session")
    assert machine.all()
    assert (targets.loc[machine, "quote_en_reviewed"] == "false").all()


def test_a_missing_gloss_is_reported_by_file_line_and_column(project_copy):
    targets = load_table("targets", project_copy)
    targets.loc[3, "quote_en"] = ""
    write_tables({"targets": targets}, project_copy)
    problems = [str(p) for p in validate_project(project_copy)]
    region = load_table("documents", project_copy).set_index("doc_id").loc[targets.loc[3, "doc_id"], "region_id"]
    line = (
        2
        + int(
            (
                targets.loc[:3, "doc_id"].map(load_table("documents", project_copy).set_index("doc_id")["region_id"])
                == region
            ).sum()
        )
        - 1
    )
    expected = (
        f"data/curated/regions/{region}/targets.csv, line {line}, column 'quote_en': the quote has no English gloss"
    )
    assert expected in problems, problems


def test_documents_say_where_they_came_from_or_that_nothing_records_it():
    documents = load_table("documents")
    for column in ("source_url", "accessed", "document_number", "publication_status"):
        assert (documents[column].str.strip() != "").all(), column
    status = documents.set_index("doc_id")["publication_status"]
    assert (status != NOT_RECORDED).sum() >= 1
    assert set(status) <= {"web_page", "abridged_public_release", "third_party_repost", NOT_RECORDED}


def test_publication_evidence_must_stand_in_the_raw_text(project_copy):
    documents = load_table("documents", project_copy)
    row = documents.index[documents["publication_status"] == "abridged_public_release"][0]
    documents.loc[row, "publication_evidence"] = "(此件全文公开)"
    write_tables({"documents": documents}, project_copy)
    problems = [str(p) for p in validate_project(project_copy)]
    assert any(f"line {row + 2}, column 'publication_evidence'" in p and "does not occur" in p for p in problems)
