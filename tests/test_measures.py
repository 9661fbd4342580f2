"""Theme shares on both bases, and level-3 commitments shown with the size and kind of their quantities."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.compare import (
    PRIMARY_ONLY,
    PRIMARY_PLUS_SECONDARY,
    clause_theme_weights,
    comparison_tables,
    quantified_commitments,
    theme_shares,
    theme_text_shares,
    theme_text_shares_by_basis,
)
from analysis.curated import load_tables


@pytest.fixture(scope="module")
def tables():
    return load_tables()


def test_primary_only_shares_equal_the_existing_theme_text_shares(tables):
    ours = theme_shares(tables, PRIMARY_ONLY).set_index(["doc_id", "theme_id"])["share"]
    theirs = theme_text_shares(tables).set_index(["doc_id", "theme_id"])["share"]
    pd.testing.assert_series_equal(ours.sort_index(), theirs.sort_index(), check_names=False)


def test_secondary_themes_get_an_equal_split_of_their_clause(tables):
    weights = clause_theme_weights(tables, PRIMARY_PLUS_SECONDARY)
    clause = tables["clauses"].query("secondary_theme_ids.str.count(';') == 2").iloc[0]
    mine = weights[(weights["doc_id"] == clause["doc_id"]) & (weights["clause_id"] == clause["clause_id"])]
    length = int(clause["char_end"]) - int(clause["char_start"])
    assert len(mine) == 4 and mine["weight"].tolist() == [0.25] * 4
    assert mine["chars"].sum() == pytest.approx(length)
    assert weights.groupby(["doc_id", "clause_id"])["weight"].sum().round(12).eq(1).all()


def test_both_bases_sum_to_one_per_document_and_name_their_basis(tables):
    both = theme_text_shares_by_basis(tables)
    assert set(both["share_basis"]) == {PRIMARY_ONLY, PRIMARY_PLUS_SECONDARY}
    sums = both.groupby(["share_basis", "doc_id"])["share"].sum()
    assert sums.round(9).eq(1).all()
    assert (theme_text_shares(tables)["share_basis"] == PRIMARY_ONLY).all()


def test_a_theme_named_only_as_secondary_gets_a_share_on_the_second_basis(tables):
    clauses = tables["clauses"]
    secondary = clauses["secondary_theme_ids"].str.split(";").explode()
    primary_pairs = set(zip(clauses["doc_id"], clauses["theme_id"]))
    only_secondary = [
        (d, t) for d, t in zip(clauses.loc[secondary.index, "doc_id"], secondary) if t and (d, t) not in primary_pairs
    ]
    assert only_secondary, "the data has a theme named only as a secondary theme"
    doc_id, theme_id = only_secondary[0]
    shares = theme_text_shares_by_basis(tables).set_index(["share_basis", "doc_id", "theme_id"])["share"]
    assert shares[(PRIMARY_ONLY, doc_id, theme_id)] == 0
    assert shares[(PRIMARY_PLUS_SECONDARY, doc_id, theme_id)] > 0


def test_level_three_cells_show_the_size_and_kind_of_their_quantities(tables):
    quantified = quantified_commitments(tables)
    levels = tables["commitments"]
    assert len(quantified.groupby(["doc_id", "theme_id"])) == (levels["level"] == "3").sum()
    assert quantified["value"].notna().all()
    kg = quantified[quantified["theme_id"] == "kindergarten_coverage"]
    assert {"count", "share"} <= set(kg["measure_kind"])  # a count of kindergartens beside a coverage share
    curated = tables["targets"].set_index("target_id")["measure"]
    assert (quantified["measure_kind"] == quantified["target_id"].map(curated)).all()
    assert set(quantified.loc[quantified["comparator"] == "rank_top", "measure_kind"]) == {"rank"}


def test_the_registry_carries_both_share_bases_and_the_quantified_levels(tables):
    registry = comparison_tables(tables)
    assert {"theme_text_shares_by_basis", "quantified_commitments"} <= set(registry)
    assert {"comparability", "caveat_zh", "caveat_en"} <= set(registry["theme_text_shares_by_basis"].columns)
