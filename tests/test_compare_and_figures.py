"""Comparison tables and report figures: every region shows up, Chinese renders, output is reproducible."""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import warnings

import pytest
from helpers import add_made_up_region

from analysis import compare, figures
from analysis.corpus import load_texts
from analysis.curated import load_tables
from analysis.fonts import INSTANCE_FAMILY, font_licence_path, register_fonts
from analysis.notebooks import notebook_paths, outputs_present
from analysis.paths import NOTEBOOKS_DIR, PROJECT_ROOT
from analysis.validate import validate_project

TABLES = load_tables()
TEXTS = load_texts(TABLES["documents"])


@pytest.fixture(scope="module")
def built(built_project):
    """The figures of the main job's run on a copy of the data (glyph warnings are errors there)."""
    return [built_project.root / "figures"]


def digests(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def test_every_figure_exists_in_both_languages_as_png_and_pdf(built):
    names = set(digests(built[0]))
    for spec in figures.figure_specs(TABLES, TEXTS):
        assert f"{spec.stem}.csv" in names
        for lang in ("zh", "en"):
            for fmt in ("png", "pdf"):
                assert f"{spec.stem}_{lang}.{fmt}" in names


def test_png_is_300_dpi(built):
    data = (built[0] / "01_corpus_timeline_zh.png").read_bytes()
    chunk = data[data.index(b"pHYs") + 4 : data.index(b"pHYs") + 12]
    pixels_per_metre = int.from_bytes(chunk[:4], "big")
    assert round(pixels_per_metre * 0.0254) == 300


def drawn_svg(stem: str, lang: str) -> str:
    """A figure drawn as SVG text in memory (text kept as text), to read what it says."""
    families = register_fonts(figures.figure_characters(TABLES))
    buffer = io.StringIO()
    figures.draw(stem, TABLES, TEXTS, lang).savefig(buffer, format="svg")
    assert families[0] in buffer.getvalue()
    return buffer.getvalue()


def test_chinese_labels_are_set_in_the_cjk_font():
    assert "学前教育普及普惠" in drawn_svg("05_commitment_levels", "zh")  # a theme name, as text


def test_pdf_embeds_the_font_with_a_unicode_map(built):
    pdf = (built[0] / "03_kindergarten_targets_vs_national_zh.pdf").read_bytes()
    assert re.search(rb"/FontFile[23]?\b", pdf), "font not embedded"
    assert INSTANCE_FAMILY.replace(" ", "").encode() in pdf
    assert b"/ToUnicode" in pdf, "text would not be extractable"
    assert b"CreationDate" not in pdf


def test_each_region_keeps_one_colour_blind_safe_colour():
    colours = figures.region_colours(TABLES)
    assert len(set(colours.values())) == len(colours)
    assert set(colours.values()) <= set(figures.OKABE_ITO)


def test_the_font_licence_is_shipped():
    shipped = (PROJECT_ROOT / "LICENSES" / "OFL-1.1-NotoSansCJK.txt").read_text(encoding="utf-8")
    assert shipped == font_licence_path().read_text(encoding="utf-8")
    assert "SIL Open Font License" in shipped


def test_theme_shares_sum_to_one_per_document():
    shares = compare.theme_text_shares(TABLES)
    assert shares.groupby("doc_id")["share"].sum().round(9).eq(1).all()


def test_indicator_comparison_sets_local_targets_beside_national_benchmarks():
    table = compare.indicator_comparison(TABLES, ["kg_inclusive_coverage"])
    assert {"local", "national"} == set(table["source"])
    national = table[table["source"] == "national"]
    assert {2020, 2025} <= set(national["year"].dropna())


def test_double_reduction_matrix_is_backed_by_quotes_from_the_raw_text():
    matrix = compare.double_reduction_matrix(TABLES)
    present = matrix[matrix["present"]]
    assert not present.empty
    for row in present.itertuples():
        assert row.quote in TEXTS[row.doc_id]


def test_plan_against_result_pairs_a_target_with_an_achievement_of_the_same_region():
    pairs = compare.plan_against_result(TABLES)
    kinds = TABLES["targets"].set_index("target_id")["kind"]
    assert (pairs["target_id_plan"].map(kinds) == "target").all()
    assert (pairs["target_id_result"].map(kinds) == "achievement").all()


def test_a_figure_drawn_again_after_an_edit_in_the_notebook_draws_the_edited_tables():
    """A notebook draws several figures from one state of the tables (worked out once); an edit of a frame in
    place is a new state, drawn exactly as from scratch."""
    stem = "03_kindergarten_targets_vs_national"

    def png(figure) -> bytes:
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=30, metadata={"Software": None})
        return buffer.getvalue()

    tables = {name: frame.copy() for name, frame in TABLES.items()}
    before = png(figures.draw(stem, tables, TEXTS, "en"))
    assert png(figures.draw(stem, tables, TEXTS, "en")) == before
    drawn = figures.spec_by_stem(figures.figure_specs(tables, TEXTS), stem).data
    target = drawn.loc[drawn["drawn"].astype(bool), "reference_id"].iloc[0]
    targets, row = tables["targets"], tables["targets"]["target_id"] == target
    targets.loc[row, "value"] = f"{float(targets.loc[row, 'value'].iloc[0]) / 2:g}"  # edited in place
    after = png(figures.draw(stem, tables, TEXTS, "en"))
    families = register_fonts(figures.figure_characters(tables))
    spec = figures.spec_by_stem(figures.figure_specs(tables, TEXTS), stem)
    fresh = png(spec.draw(figures.make_labels(tables, "en"), figures.region_colours(tables), families))
    assert after == fresh and after != before


def test_a_fifth_made_up_region_appears_in_every_table_and_figure(tmp_path):
    shutil.copytree(PROJECT_ROOT / "data", tmp_path / "data", ignore=shutil.ignore_patterns("_staging", "*.xlsx"))
    doc_id = add_made_up_region(tmp_path)
    assert validate_project(tmp_path) == []
    tables = load_tables(tmp_path)
    texts = load_texts(tables["documents"], tmp_path)
    for frame in (
        compare.corpus_overview(tables),
        compare.theme_text_shares(tables),
        compare.commitment_levels(tables),
        compare.target_counts(tables),
        compare.double_reduction_matrix(tables),
        compare.teacher_rotation_mechanisms(tables),
        compare.indicator_comparison(tables).rename(columns={"doc_id": "doc_id"}),
    ):
        assert doc_id in set(frame["doc_id"]), frame.columns.tolist()
    families = register_fonts(figures.figure_characters(tables), tmp_path)
    labels = figures.make_labels(tables, "zh")
    colours = figures.region_colours(tables)
    assert "testcounty_demo" in colours
    for spec in figures.figure_specs(tables, texts):
        stem, draw = spec.stem, spec.draw
        if stem == "06_plan_against_result":
            continue  # pairs plan and report of one region; the made-up region has no report
        assert doc_id in set(spec.data["doc_id"]), stem  # its values are in the figure's data CSV
        if "drawn" in spec.data and not spec.data.loc[spec.data["doc_id"] == doc_id, "drawn"].any():
            continue  # not (yet) graded comparable: listed in the CSV, not drawn
        buffer = io.StringIO()
        with warnings.catch_warnings():
            warnings.filterwarnings("error", message=r"Glyph .* missing from font")
            draw(labels, colours, families).savefig(buffer, format="svg")
        assert "测试县" in buffer.getvalue(), stem


def test_notebooks_in_git_carry_no_outputs():
    import nbformat

    paths = notebook_paths(NOTEBOOKS_DIR)
    assert len(paths) >= 6
    for path in paths:
        assert not outputs_present(nbformat.read(path, as_version=4)), f"{path.name}: strip its outputs"


def test_notebooks_run_top_to_bottom_in_a_fresh_kernel_from_another_directory(built_project):
    """The main job ran every numbered notebook in a fresh kernel, in the project copy it built (not this
    checkout), and kept each executed copy, every code cell run in order without an error, and its HTML
    rendering with the figures in it."""
    import nbformat

    made = built_project.root / "reports" / "notebooks"
    for path in notebook_paths(NOTEBOOKS_DIR):
        executed = nbformat.read(made / path.name, as_version=4)
        code = [cell for cell in executed.cells if cell.cell_type == "code"]
        assert [cell.execution_count for cell in code] == list(range(1, len(code) + 1)), path.name
        assert not [o for cell in code for o in cell.outputs if o.output_type == "error"], path.name
        assert "data:image/png;base64" in (made / path.with_suffix(".html").name).read_text(encoding="utf-8")
