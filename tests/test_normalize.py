"""Normalisation keeps a faithful map back to raw offsets."""

from __future__ import annotations

import random

import pytest

from analysis.corpus import read_raw_text
from analysis.curated import load_table
from analysis.normalize import furniture_line_spans, normalize


def test_traditional_is_converted_to_simplified_with_opencc():
    assert normalize("區管校聘後,全區3400名專任教師").text == "区管校聘后,全区3400名专任教师"


def test_ideographic_full_stop_between_digits_is_a_decimal_point():
    assert normalize("撥款21。66億元").text == "拨款21.66亿元"
    assert normalize("課桌椅1。2萬套").text == "课桌椅1.2万套"


def test_sentence_final_full_stop_is_kept():
    assert normalize("新建3所。2022年").text == "新建3所。2022年"


def test_full_width_digits_letters_and_percent_become_half_width():
    assert normalize("达到９５％，ＡＢ").text == "达到95%,AB"


def test_normalised_span_maps_back_to_the_raw_characters():
    raw = "近三年預算內教育撥款21。66億元,佔區財政"
    nt = normalize(raw)
    start = nt.text.index("21.66亿元")
    raw_start, raw_end = nt.to_raw_span(start, start + len("21.66亿元"))
    assert raw[raw_start:raw_end] == "21。66億元"


def test_dropping_web_furniture_keeps_offsets_into_the_raw_file():
    raw = "您的位置: 首页 >业务工作\n\n1.新建3所幼儿园。\n分享到:\n【打印正文】\n用户登录"
    nt = normalize(raw, drop_furniture=True)
    assert "分享到" not in nt.text and "您的位置" not in nt.text
    start = nt.text.index("3所")
    raw_start, raw_end = nt.to_raw_span(start, start + 2)
    assert raw[raw_start:raw_end] == "3所"


def test_furniture_lines_are_found_in_the_hailing_page():
    raw = read_raw_text("hailing_2023_work_points.txt")
    lines = [raw[s:e].strip() for s, e in furniture_line_spans(normalize(raw).text)]
    assert lines[0].startswith("您的位置")
    assert "分享到:" in lines and "用户登录" in lines


@pytest.mark.parametrize("raw_file", list(load_table("documents")["raw_file"]))
def test_every_normalised_span_of_every_document_maps_back_consistently(raw_file):
    raw = read_raw_text(raw_file)
    nt = normalize(raw)
    rng = random.Random(7)
    for _ in range(200):
        start = rng.randrange(len(nt.text))
        end = min(len(nt.text), start + rng.randrange(1, 30))
        raw_start, raw_end = nt.to_raw_span(start, end)
        # one character of context on each side: "。" reads as a decimal point only between digits
        window_start = max(0, raw_start - 1)
        window = normalize(raw[window_start : raw_end + 1]).text
        offset = raw_start - window_start
        assert window[offset : offset + (end - start)] == nt.text[start:end]
