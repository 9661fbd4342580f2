"""Every report figure meets a journal's figure check, in Chinese and in English.

Each figure is drawn once per language (module fixture) and measured at its final size, from the
data as it is and, for the quantitative figures, from comparison tables in which every value is
graded comparable (the densest layout those figures can meet):
- width 85 mm (one column) or 175 mm (two columns), height at most 230 mm;
- every piece of text at least 7 pt;
- no two text artists overlap, and all text lies inside the canvas;
- language: the Chinese figure holds no Latin letter, the English figure no CJK character
  (ideographs, CJK or full-width punctuation). Digits, %, ≥ ≤ ≈, ·, dashes and arrows are shared by
  both languages and allowed in either.
"""

from __future__ import annotations

import itertools
import re
import warnings

import pandas as pd
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text

from analysis import compare, figures
from analysis.curated import load_tables
from analysis.fonts import register_fonts

TABLES = load_tables()


def graded_registry():
    """The comparison tables with every indicator value graded comparable (every 4th a proxy) and two
    plan–result pairs comparable: the densest layout the indicator figures can meet once grading is done."""
    registry = {name: frame.copy() for name, frame in compare.comparison_tables(TABLES).items()}
    table = registry["indicator_comparison"]
    proxy = [i % 4 == 3 for i in range(len(table))]
    table["comparability"] = ["proxy" if p else "same" for p in proxy]
    table["caveat_zh"] = ["该值的统计对象与指标定义有所不同,作为近似值列出。" if p else "" for p in proxy]
    table["caveat_en"] = [
        "This value counts a slightly different population; shown as a proxy." if p else "" for p in proxy
    ]
    pairs = pd.concat(
        [registry["plan_against_result"], registry["plan_against_result_not_comparable"]], ignore_index=True
    )
    pairs["comparability"] = ["same"] * 2 + list(pairs["comparability"].iloc[2:])
    registry["plan_against_result"] = pairs.iloc[:2].reset_index(drop=True)
    registry["plan_against_result_not_comparable"] = pairs.iloc[2:].reset_index(drop=True)
    return registry


SPECS = figures.figure_specs(TABLES)
GRADED = [
    spec
    for spec in figures.figure_specs(TABLES, registry=graded_registry())
    if spec.stem.startswith(("03_", "05_comparable", "06_"))
]
STEMS = [spec.stem for spec in SPECS] + [f"graded:{spec.stem}" for spec in GRADED]
LANGS = ("zh", "en")
LATIN = re.compile(r"[A-Za-z]")
CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
TOLERANCE_PX = 1.0  # bounding boxes may touch by a pixel (anti-aliasing), not overlap


pytestmark = pytest.mark.xdist_group("figure_standards")  # one worker draws every figure once


@pytest.fixture(scope="module")
def rendered():
    """{(stem, lang): (figure, [(text, bbox, size_pt)])}, every figure drawn once at its print size."""
    graded_text = "".join(graded_registry()["indicator_comparison"]["caveat_zh"])
    # The made-up caveat uses only characters the data already has, so this is the build's font subset, not a
    # second one to cut.
    families = register_fonts(figures.figure_characters(TABLES) + graded_text)
    colours = figures.region_colours(TABLES)
    out = {}
    for lang in LANGS:
        labels = figures.make_labels(TABLES, lang)
        for prefix, specs in (("", SPECS), ("graded:", GRADED)):
            for spec in specs:
                with warnings.catch_warnings():
                    warnings.filterwarnings("error", message=r"Glyph .* missing from font")
                    figure = spec.draw(labels, colours, families)
                    out[(prefix + spec.stem, lang)] = (figure, drawn_texts(figure))
    return out


def drawn_texts(figure):
    """(text, bounding box in pixels, size in pt) of every text the renderer actually draws.

    Text.draw is wrapped while the canvas draws, so tick labels outside the view and other texts
    matplotlib skips are not measured.
    """
    seen = []
    original = Text.draw

    def recording(self, renderer):
        original(self, renderer)
        if self.get_visible() and self.get_text().strip() and self.get_alpha() != 0:
            seen.append((self.get_text(), self.get_window_extent(renderer), self.get_size()))

    Text.draw = recording
    try:
        FigureCanvasAgg(figure).draw()
    finally:
        Text.draw = original
    return seen


CASES = [(stem, lang) for stem in STEMS for lang in LANGS]


@pytest.mark.parametrize(("stem", "lang"), CASES)
def test_figure_is_one_or_two_columns_wide_and_at_most_230_mm_tall(rendered, stem, lang):
    width, height = (size * 25.4 for size in rendered[(stem, lang)][0].get_size_inches())
    assert round(width, 1) in (figures.SINGLE_COLUMN_MM, figures.DOUBLE_COLUMN_MM), (
        f"{stem}_{lang} is {width:.1f} mm wide"
    )
    assert height <= figures.MAX_HEIGHT_MM + 0.01, f"{stem}_{lang} is {height:.1f} mm tall"


@pytest.mark.parametrize(("stem", "lang"), CASES)
def test_no_text_is_smaller_than_7_pt_at_print_size(rendered, stem, lang):
    small = [(text, size) for text, _, size in rendered[(stem, lang)][1] if size < figures.MIN_TEXT_PT]
    assert not small, f"{stem}_{lang}: text below 7 pt: {small[:5]}"


@pytest.mark.parametrize(("stem", "lang"), CASES)
def test_text_stays_inside_the_canvas(rendered, stem, lang):
    figure, texts = rendered[(stem, lang)]
    width, height = figure.bbox.width, figure.bbox.height
    outside = [
        text
        for text, box, _ in texts
        if box.x0 < -TOLERANCE_PX
        or box.y0 < -TOLERANCE_PX
        or box.x1 > width + TOLERANCE_PX
        or box.y1 > height + TOLERANCE_PX
    ]
    assert not outside, f"{stem}_{lang}: text clipped at the edge: {outside[:5]}"


def overlapping(texts):
    """Pairs of texts whose bounding boxes overlap by more than the tolerance in both directions."""
    pairs = []
    for (a, box_a, _), (b, box_b, _) in itertools.combinations(texts, 2):
        dx = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        dy = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        if dx > TOLERANCE_PX and dy > TOLERANCE_PX:
            pairs.append((a, b))
    return pairs


@pytest.mark.parametrize(("stem", "lang"), CASES)
def test_no_two_texts_overlap(rendered, stem, lang):
    pairs = overlapping(rendered[(stem, lang)][1])
    assert not pairs, f"{stem}_{lang}: overlapping text: {pairs[:5]}"


@pytest.mark.parametrize(("stem", "lang"), CASES)
def test_text_is_in_the_figure_s_language_only(rendered, stem, lang):
    pattern = LATIN if lang == "zh" else CJK
    leaks = [text for text, _, _ in rendered[(stem, lang)][1] if pattern.search(text)]
    assert not leaks, f"{stem}_{lang}: {'Latin letters' if lang == 'zh' else 'CJK characters'} in {leaks[:5]}"


def test_the_overlap_check_catches_overlapping_labels():
    from matplotlib.figure import Figure

    figure = Figure(figsize=(3, 2))
    figure.text(0.1, 0.5, "label one", fontsize=8)
    figure.text(0.12, 0.5, "label two", fontsize=8)
    assert overlapping(drawn_texts(figure)) == [("label one", "label two")]


def test_the_language_rule_flags_english_in_chinese_and_chinese_in_english():
    assert LATIN.search("2021年 reports") and not LATIN.search("≥95%(2021年)· 百分点")
    assert CJK.search("370 名") and CJK.search("target\uff082021\uff09") and not CJK.search("≥ 95% (2021) · –")


def test_every_figure_has_its_data_with_ids_quotes_and_offsets():
    for spec in SPECS:
        columns = set(spec.data.columns)
        assert not spec.data.empty or spec.stem == "06_plan_against_result", spec.stem
        assert "doc_id" in columns or "target_id_plan" in columns, spec.stem
        if spec.stem in ("03_kindergarten_targets_vs_national", "05_comparable_indicators"):
            assert {"reference_id", "quote", "char_start", "char_end", "comparability", "drawn"} <= columns
        if spec.stem.startswith(("02_", "04_")):
            assert {"component", "present", "quote", "char_start"} <= columns


def test_documents_appear_in_one_order_with_results_reports_last():
    order = figures.document_order(TABLES)
    reports = figures.results_reports(TABLES)
    assert reports, "the corpus has a results report"
    assert order[-len(reports) :] == [d for d in order if d in reports]
    for lang in LANGS:
        assert list(figures.make_labels(TABLES, lang).documents) == order


CODED = (
    "02_teacher_rotation_mechanisms",
    "04_double_reduction_components",
    "05_theme_text_shares",
    "05_commitment_levels",
)


@pytest.mark.parametrize("lang", LANGS)
def test_coded_figures_say_ai_sessions_coded_them_and_none_says_hand_coded(rendered, lang):
    who = "人工智能阅读会话" if lang == "zh" else "AI reading sessions"
    for stem in CODED:
        assert any(who in text for text, _, _ in rendered[(stem, lang)][1]), stem
    for (stem, language), (_, texts) in rendered.items():
        if language == lang:
            assert not any(re.search(r"人工编码|hand-coded|by hand", text) for text, _, _ in texts), stem


@pytest.mark.parametrize("lang", LANGS)
def test_each_kind_of_figure_has_its_own_note_not_one_boilerplate(rendered, lang):
    stems = [
        "01_corpus_timeline",
        "02_teacher_rotation_mechanisms",
        "03_kindergarten_targets_vs_national",
        "05_theme_text_shares",
        "05_commitment_levels",
        "05_quantity_counts",
        "06_plan_against_result",
    ]
    notes = [rendered[(stem, lang)][0]._supxlabel.get_text() for stem in stems]
    assert all(notes) and len(set(notes)) == len(notes)


def test_figures_readme_lists_every_figure_with_its_width():
    from analysis.paths import PROJECT_ROOT

    readme = (PROJECT_ROOT / "figures" / "README.md").read_text(encoding="utf-8")
    for spec in SPECS:
        assert f"| `{spec.stem}` | {spec.width_mm:g} mm |" in readme, f"figures/README.md does not list {spec.stem}"
    assert figures.figures_readme(SPECS).splitlines()[0] == readme.splitlines()[0]


def test_every_unit_a_quantity_carries_has_a_chinese_and_an_english_name():
    units = TABLES["units"].set_index("unit")
    missing = sorted(set(TABLES["targets"]["unit"]) - set(units.index))
    assert not missing, f"data/curated/units.csv lacks {missing}"
    assert not any(CJK.search(name) for name in units["name_en"]), "an English unit name holds Chinese"


def test_documents_and_benchmarks_have_labels_in_both_languages():
    documents, bench = TABLES["documents"], TABLES["national_benchmarks"]
    assert not any(LATIN.search(v) for v in documents["period_label_zh"]) and not any(
        CJK.search(v) for v in documents["period_label_en"]
    )
    assert not any(LATIN.search(v) for v in bench["short_label_zh"]) and not any(
        CJK.search(v) for v in bench["short_label_en"]
    )


def test_coded_figures_quote_the_curated_reading_s_own_description_when_the_data_has_one():
    tables = dict(TABLES)
    tables["readings"] = pd.DataFrame(
        {
            "reading_id": ["curated", "second"],
            "is_curated": ["true", "false"],
            "label_zh": ["整理版编码(人工智能模型会话)", "盲读"],
            "label_en": ["Curated reading (AI model sessions)", "Blind"],
        }
    )
    assert figures.make_labels(tables, "zh").coded_by == "编码:整理版编码(人工智能模型会话)。"
    assert figures.make_labels(tables, "en").coded_by == "Coding: Curated reading (AI model sessions)."
