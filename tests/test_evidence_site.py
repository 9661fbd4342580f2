"""The evidence site: every curated number one click from its sentence, checked in a real headless Chromium."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import copy_of_built
from helpers import tree_digest

from analysis.curated import load_tables
from analysis.evidence import (
    Span,
    add_evidence_links,
    build_site,
    evidence_link,
    figure_page,
    render_spans,
    site_root,
)
from analysis.paths import PROJECT_ROOT

CHROME_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1280,1600",
]


pytestmark = pytest.mark.xdist_group("evidence_site")  # one worker starts Chromium once


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return load_tables(PROJECT_ROOT)


@pytest.fixture(scope="module")
def site(built_project) -> Path:
    """The site the main job built on a copy of this checkout's data."""
    return built_project.root / "reports" / "evidence"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    binary, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not binary or not driver_path:
        pytest.fail("Debian packages chromium and chromium-driver are needed: run scripts/system_packages.sh")
    options = Options()
    options.binary_location = binary
    for flag in CHROME_FLAGS + [f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


# ---------------------------------------------------------------------------------------------------
# Spans and links (no browser)


def test_spans_keep_the_text_and_split_only_partial_overlaps():
    text = "甲乙丙丁戊己庚"
    html = render_spans(
        text,
        [
            Span(0, 7, 0, "span", (("class", "c"),)),
            Span(1, 4, 1, "mark", (("data-q", "A"),), (("id", "A"),)),
            Span(1, 4, 1, "mark", (("data-q", "B"),), (("id", "B"),)),
            Span(3, 6, 1, "mark", (("data-q", "C"),), (("id", "C"),)),
        ],
    )
    assert re.sub(r"<[^>]+>", "", html) == text
    # A and B cover the same characters: they nest and stay whole; C starts inside them and is split
    assert '<mark id="A" data-q="A"><mark id="B" data-q="B">乙丙' in html
    assert html.count('id="C"') == 1 and html.count('data-q="C"') == 2
    assert html.endswith("</span>")


def test_spans_escape_markup_in_the_text():
    html = render_spans("a<b>&c", [Span(1, 4, 0, "span", ())])
    assert html == "a<span>&lt;b&gt;</span>&amp;c"


def test_evidence_link_from_a_folder_outside_the_site(tables):
    row = tables["targets"].iloc[0]
    link = evidence_link(row["target_id"], tables, "en", start=PROJECT_ROOT / "figures")
    assert link == f"../reports/evidence/en/{row['doc_id']}.html#{row['target_id']}"
    assert (PROJECT_ROOT / "figures" / link.split("#")[0]).resolve() == (
        PROJECT_ROOT / "reports" / "evidence" / "en" / f"{row['doc_id']}.html"
    ).resolve()
    bench = tables["national_benchmarks"]["benchmark_id"].iloc[0]
    assert evidence_link(bench, tables) == f"benchmarks.html#{bench}"
    with pytest.raises(KeyError, match="NO-SUCH-ID"):
        evidence_link("NO-SUCH-ID", tables)


def test_add_evidence_links_puts_a_link_beside_each_id_column(tables):
    from analysis import compare

    pairs = compare.plan_against_result(tables)
    linked = add_evidence_links(pairs, tables, "zh", start=PROJECT_ROOT / "reports" / "tables")
    for plan, link in zip(linked["target_id_plan"], linked["evidence_target_id_plan"]):
        assert link.startswith("../evidence/zh/") and link.endswith(f"#{plan}")
    assert len(linked) == len(pairs)


# ---------------------------------------------------------------------------------------------------
# The built site (files)


@pytest.mark.slow
def test_site_is_byte_identical_on_rebuild(built_project, site, tmp_path, tables):
    again = copy_of_built(built_project, tmp_path / "project")
    shutil.rmtree(site_root(again))
    build_site(again, tables=tables)  # another copy of the project: the same bytes
    assert tree_digest(site_root(again)) == tree_digest(site)


@pytest.mark.slow
def test_site_needs_no_server_cdn_script_or_external_font(site):
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html, page
        for tag, attr in re.findall(r"<(link|img|iframe|source)\b[^>]*\b(?:href|src)=\"([^\"]+)\"", html):
            assert not re.match(r"[a-z]+:", attr), f"{page.name} loads {attr}"
            assert (page.parent / attr).resolve().is_file() or tag == "img", f"{page.name}: {attr} missing"
    css = (site / "assets" / "site.css").read_text(encoding="utf-8")
    fonts = re.findall(r"url\(\"([^\"]+)\"\)", css)
    assert fonts and all((site / "assets" / f).is_file() for f in fonts)
    assert "http" not in css and (site / "assets" / "OFL.txt").is_file()


@pytest.mark.slow
def test_every_figure_page_links_each_of_its_ids(site, tables):
    from analysis.corpus import load_texts
    from analysis.evidence import ID_COLUMNS, figure_tables

    for stem, frame in figure_tables(tables, load_texts(tables["documents"], PROJECT_ROOT)).items():
        for lang in ("zh", "en"):
            html = (site / lang / figure_page(stem)).read_text(encoding="utf-8")
            for column in ID_COLUMNS:
                if column in frame.columns:
                    for cell in frame[column]:
                        for ref in cell if isinstance(cell, list) else [cell]:
                            if isinstance(ref, str) and ref:
                                assert f'#{ref}"' in html, f"{lang}/{figure_page(stem)} does not link {ref}"
            if "_anchor" in frame.columns:
                for anchor in frame.loc[frame["quote"].astype(str) != "", "_anchor"]:
                    assert f'href="{anchor}"' in html


# ---------------------------------------------------------------------------------------------------
# In the browser


def _quote_texts(driver) -> dict[str, dict]:
    """Per quantity id on the open page: how many elements carry the id, the id element's text, all fragments' text."""
    return driver.execute_script("""
        const out = {};
        for (const el of document.querySelectorAll('mark[data-q]')) {
            const id = el.dataset.q;
            out[id] = out[id] || {fragments: ''};
            out[id].fragments += el.textContent;
        }
        for (const id of Object.keys(out)) {
            const all = document.querySelectorAll('[id="' + id + '"]');
            out[id].count = all.length;
            out[id].anchor = all.length ? all[0].textContent : null;
        }
        return out;""")


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_target_has_exactly_one_anchor_whose_text_is_its_quote(site, browser, tables, lang):
    from analysis.corpus import load_texts

    texts = load_texts(tables["documents"], PROJECT_ROOT)
    targets = tables["targets"]
    seen, split = set(), []
    for doc_id, rows in targets.groupby("doc_id"):
        browser.get((site / lang / f"{doc_id}.html").as_uri())
        found = _quote_texts(browser)
        raw = browser.execute_script("return document.querySelector('.raw').textContent;")
        assert raw == texts[doc_id], f"{doc_id}: the page does not show the raw text exactly"
        for row in rows.itertuples():
            entry = found.get(row.target_id)
            assert entry is not None, f"{row.target_id} has no highlighted element"
            assert entry["count"] == 1, f"{row.target_id} has {entry['count']} anchors"
            assert entry["fragments"] == row.quote, row.target_id
            if entry["anchor"] != row.quote:
                split.append(row.target_id)
            seen.add(row.target_id)
    assert seen == set(targets["target_id"])
    # only a quote that partly overlaps another quote is drawn in pieces; all others are one element
    overlapping = set()
    for _, rows in targets.groupby("doc_id"):
        spans = [(int(r.char_start), int(r.char_end), r.target_id) for r in rows.itertuples()]
        for a in spans:
            for b in spans:
                if a[0] < b[0] < a[1] < b[1]:
                    overlapping.add(b[2])
    assert set(split) <= overlapping
    assert len(split) <= len(overlapping)


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_figure_link_leads_to_the_highlighted_quote(site, browser, tables, lang):
    from selenium.webdriver.common.by import By

    quotes = dict(zip(tables["targets"]["target_id"], tables["targets"]["quote"]))
    benchmarks = dict(zip(tables["national_benchmarks"]["benchmark_id"], tables["national_benchmarks"]["quote"]))
    page = (site / lang / figure_page("03_kindergarten_targets_vs_national")).as_uri()
    browser.get(page)
    hrefs = [a.get_attribute("href") for a in browser.find_elements(By.CSS_SELECTOR, "td a[href*='#']")]
    assert len(hrefs) >= 4
    first = browser.find_elements(By.CSS_SELECTOR, "td a[href*='#']")[0]
    first.click()  # a real click, from the figure page to the document
    assert browser.current_url == hrefs[0]
    checked = 0
    for href in hrefs:
        browser.get(href)
        ref = href.rsplit("#", 1)[1]
        target = browser.execute_script("const t = document.querySelector(':target'); return t ? t.textContent : null;")
        expected = quotes.get(ref, benchmarks.get(ref))
        assert target == expected, f"{href}: highlighted {target!r}, curated {expected!r}"
        checked += 1
    assert checked == len(hrefs)
    focused = browser.execute_script("return document.title;")
    assert focused  # the document page has a title naming the document


@pytest.mark.slow
def test_quantity_fields_show_on_focus_without_javascript(site, browser, tables):
    from selenium.webdriver.common.by import By

    row = tables["targets"].iloc[0]
    browser.get((site / "en" / f"{row['doc_id']}.html").as_uri())
    mark = browser.find_element(By.ID, row["target_id"])
    tip = mark.get_attribute("data-tip")
    assert f"Value: {row['value']}" in tip and mark.get_attribute("tabindex") == "0"
    browser.execute_script("arguments[0].focus();", mark)
    shown = browser.execute_script("return getComputedStyle(arguments[0], '::after').content;", mark)
    assert row["value"] in shown
    # the printable list repeats the fields
    assert browser.find_element(By.ID, f"row-{row['target_id']}").text.count(row["value"]) >= 1


def test_comparison_table_csvs_link_each_id_to_its_evidence(tmp_path, tables):
    import csv

    from analysis.tables import write_comparison_tables

    out = tmp_path / "reports" / "tables"
    written = write_comparison_tables(tables, out, tmp_path)
    rows = list(csv.DictReader((out / "indicator_comparison.csv").open(encoding="utf-8")))
    assert rows and written
    for row in rows:
        link = row["evidence_reference_id"]
        assert link.endswith(f"#{row['reference_id']}") and link.startswith("../evidence/zh/")
        page = (out / link.split("#")[0]).resolve()
        assert page.parent == (tmp_path / "reports" / "evidence" / "zh").resolve()


@pytest.mark.slow
def test_chinese_pages_carry_no_english_and_english_pages_no_chinese_labels(site):
    """Outside the source material (raw text, quotes, policy titles, links), a page speaks one language."""
    from lxml import html

    for lang, foreign in (("zh", r"\b[A-Za-z]{4,}\b"), ("en", r"[\u4e00-\u9fff]")):
        for page in sorted((site / lang).glob("*.html")):
            body = html.fromstring(page.read_bytes()).find("body")
            source = (
                './/div[contains(@class,"raw")]|.//*[contains(@class,"quote")]|.//*[contains(@class,"bq")]|'
                './/code|.//a[starts-with(@href,"http")]|.//*[@lang]'
            )
            for element in body.xpath(source):
                if element.getparent() is not None:
                    element.drop_tree()
            if lang == "en":  # units, titles and names written in Chinese are data, not labels
                for cell in body.xpath(".//td|.//dd|.//h1|.//p[@class='meta']|.//a|.//strong|.//p"):
                    cell.text = "" if cell.text is None else cell.text
                labels = " ".join(body.xpath(".//th/text()|.//h2/text()|.//nav//text()|.//dt/text()"))
                assert not re.search(foreign, labels), f"{page.name}: Chinese in English labels: {labels[:200]}"
            else:
                words = re.findall(foreign, body.text_content())
                assert not words, f"{lang}/{page.name}: English words {sorted(set(words))[:10]}"


def test_evidence_command_names_a_missing_raw_file_and_writes_nothing(project_copy, capsys):
    from analysis.cli import main

    (project_copy / "data" / "raw" / "hailing_2023_work_points.txt").unlink()
    assert main(["--root", str(project_copy), "evidence"]) == 1
    err = capsys.readouterr().err
    assert "data/raw/hailing_2023_work_points.txt" in err and "missing" in err
    assert not (project_copy / "reports" / "evidence").exists()


def test_chinese_in_a_notebook_copy_renders_in_the_project_font_in_headings_captions_and_tables(
    site, browser, tmp_path
):
    """On a machine without CJK fonts (as here), the HTML copy of a notebook sets every Chinese character, in a
    heading as in a table, in the evidence site's font subset, not in a fallback that draws empty boxes."""
    import nbformat

    from analysis.evidence_links import ASSETS, FONT_FILE, SITE_DIR
    from analysis.notebooks import to_html
    from analysis.readable import stable

    (tmp_path / SITE_DIR.name / ASSETS).mkdir(parents=True)
    shutil.copyfile(site / ASSETS / FONT_FILE, tmp_path / SITE_DIR.name / ASSETS / FONT_FILE)
    table = stable(pd.DataFrame({"份额": ["4.2%"]}, index=["义务教育"]).style.set_caption("各主题占正文比例"))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_markdown_cell("# 全部主题 · All themes\n\n各主题占文件正文的比例"),
        nbformat.v4.new_code_cell(
            "table",
            outputs=[nbformat.v4.new_output("execute_result", {"text/html": table.to_html()}, execution_count=1)],
        ),
    ]
    page = tmp_path / "notebooks" / "page.html"
    page.parent.mkdir()
    page.write_text(to_html(notebook, "全部主题"), encoding="utf-8")
    browser.get(page.as_uri())
    browser.execute_script("return document.fonts.ready.then(() => true)")
    root = browser.execute_cdp_cmd("DOM.getDocument", {})["root"]["nodeId"]
    browser.execute_cdp_cmd("CSS.enable", {})
    for selector in ("h1", "p", "caption", "th.row_heading", "th.col_heading"):
        node = browser.execute_cdp_cmd("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        assert node, selector
        fonts = browser.execute_cdp_cmd("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        cjk = [f["familyName"] for f in fonts if "CJK" in f["familyName"] or "subset" in f["familyName"].lower()]
        assert cjk, f"{selector}: Chinese set in {[f['familyName'] for f in fonts]}"
