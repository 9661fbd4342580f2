"""Notebooks a researcher reads: findings computed from the data, tables labelled and linked to the evidence."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from analysis import compare
from analysis.curated import load_tables
from analysis.evidence import evidence_link
from analysis.findings import FINDINGS, findings, findings_markdown
from analysis.notebooks import notebook_paths, notebook_title, to_html
from analysis.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from analysis.readable import per_10k_chars, plan_documents, plans_only, readable, readable_frame


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return load_tables(PROJECT_ROOT)


def _copy(tables):
    return {name: frame.copy() for name, frame in tables.items()}


def test_every_notebook_opens_with_its_own_findings():
    stems = [p.stem for p in notebook_paths(NOTEBOOKS_DIR)]
    assert sorted(FINDINGS) == sorted(stems)
    for path in notebook_paths(NOTEBOOKS_DIR):
        code = [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"]
        assert f'show_findings("{path.stem}", tables)' in code[1], (
            f"{path.name}: findings must come right after the setup"
        )


@pytest.mark.parametrize("notebook", sorted(FINDINGS))
def test_findings_are_sentences_in_each_language(tables, notebook):
    zh, en = findings(notebook, tables, "zh"), findings(notebook, tables, "en")
    assert zh and en and len(zh) == len(en)
    assert not any(re.search(r"[A-Za-z]{3,}", s.replace("H2", "")) for s in zh), zh  # no English in Chinese
    assert not any(re.search(r"[\u4e00-\u9fff]", s) for s in en), en  # no Chinese in English
    assert "nan" not in " ".join(zh + en).lower().split()


def test_kindergarten_findings_follow_the_data(tables):
    targets = tables["targets"]
    local = targets[(targets["indicator_group"] == "kg_inclusive_coverage") & (targets["kind"] == "target")]
    sentence = findings("03-kindergarten-coverage", tables, "en")[0]
    assert (
        f"of {len(local)} local targets" in sentence
        and "all are at or above the national 2025 benchmark of 85%" in sentence
    )
    for value in local["value"]:
        assert f"{value}%" in sentence
    changed = _copy(tables)
    row = local.index[0]
    changed["targets"].loc[row, "value"] = "70"  # a target below the national 85% must change the sentence
    after = findings("03-kindergarten-coverage", changed, "en")[0]
    assert f"{len(local) - 1} are at or above" in after and "70%" in after
    assert "中有" in findings("03-kindergarten-coverage", changed, "zh")[0]


def test_corpus_findings_name_the_densest_document(tables):
    overview = compare.corpus_overview(tables)
    densest = overview.loc[overview["quantities_per_10k_chars"].idxmax()]
    sentence = findings("01-corpus-overview", tables, "en")[1]
    assert f"({densest['quantities_per_10k_chars']:.1f} per 10,000 characters)" in sentence


def test_findings_markdown_links_the_evidence_site(tables):
    text = findings_markdown("04-double-reduction", tables)
    assert "](../evidence/zh/index.html)" in text and "](../evidence/en/index.html)" in text


def test_readable_tables_label_columns_blank_missing_values_and_link_ids(tables):
    frame = compare.theme_quantities(tables, "kindergarten_coverage")
    columns = ["doc_id", "target_id", "kind", "indicator_zh", "value", "value_max", "unit", "target_year", "quote"]
    cells = readable_frame(frame, tables, "zh", columns)
    assert list(cells.columns) == ["文件", "编号", "类型", "指标", "数值", "上限", "单位", "目标年", "原文引文"]
    assert not cells.isin(["nan", "NaN", "<NA>", "NaT", "None"]).any().any()
    assert (cells["上限"] == "").sum() == frame["value_max"].isna().sum()
    start = PROJECT_ROOT / "reports" / "notebooks"
    for target_id, quote, cell_id, cell_quote in zip(
        frame["target_id"], frame["quote"], cells["编号"], cells["原文引文"]
    ):
        href = evidence_link(target_id, tables, "zh", start=start)
        assert cell_id == f'<a href="{href}">{target_id}</a>'
        assert cell_quote == f'<a class="quote" href="{href}">{quote}</a>'
    assert "1.0" not in set(cells["数值"])  # whole numbers read as whole numbers


def test_readable_styler_shows_caveats_and_is_reproducible(tables):
    comparison = compare.indicator_comparison(tables, ["kg_inclusive_coverage"])
    first = readable(
        comparison, tables, "en", ["label_en", "reference_id", "value", "comparability", "caveat_en"]
    ).to_html()
    second = readable(
        comparison, tables, "en", ["label_en", "reference_id", "value", "comparability", "caveat_en"]
    ).to_html()
    assert first == second
    if "caveat_en" in comparison.columns and comparison["caveat_en"].astype(bool).any():
        assert "<caption>Comparability: " in first
    assert "_" not in re.sub(r"<[^>]+>", "", first.split("<tbody>")[0].split("</style>")[-1])  # no snake_case labels


def test_counts_per_10k_characters_sit_beside_raw_counts(tables):
    counts = per_10k_chars(compare.target_counts(tables), tables, ["quantities"])
    assert list(counts.columns).index("quantities_per_10k") == list(counts.columns).index("quantities") + 1
    docs = compare.documents_with_regions(tables).set_index("doc_id")["body_chars"]
    row = counts[counts["quantities"] > 0].iloc[0]
    assert row["quantities_per_10k"] == round(row["quantities"] / docs[row["doc_id"]] * 10_000, 1)


def test_plans_only_leaves_out_documents_that_report_results(tables):
    reporting = set(tables["targets"].loc[tables["targets"]["kind"] == "achievement", "doc_id"])
    assert reporting and not reporting & set(plan_documents(tables))
    rows = plans_only(compare.theme_quantities(tables, "teacher_rotation"), tables)
    assert not set(rows["doc_id"]) & reporting and not rows.empty


def test_notebook_html_is_titled_after_the_notebook():
    path = notebook_paths(NOTEBOOKS_DIR)[2]
    notebook = nbformat.read(path, as_version=4)
    title = notebook_title(notebook)
    assert title == notebook.cells[0].source.splitlines()[0].lstrip("# ").strip()
    html = to_html(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# 测试 · A test")]))
    assert "<title>测试 · A test</title>" in html


def test_notebook_html_copies_set_chinese_in_the_evidence_sites_font_subset():
    """Colleagues without CJK fonts open the HTML copies: the text must not fall back to empty boxes."""
    import nbformat

    from analysis.evidence_links import ASSETS, FONT_FILE, SITE_DIR
    from analysis.notebooks import to_html

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# 学前教育普及普惠")]
    page = to_html(notebook, "学前教育普及普惠 · Kindergarten coverage")
    assert "@font-face" in page and f'url("../{SITE_DIR.name}/{ASSETS}/{FONT_FILE}")' in page
    copies = Path("reports") / "notebooks"
    assert (copies / ".." / SITE_DIR.name / ASSETS / FONT_FILE).resolve() == (SITE_DIR / ASSETS / FONT_FILE).resolve()
