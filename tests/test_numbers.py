"""The number function on every form the plans use, and what it refuses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from analysis.numbers import NotAQuantityError, format_decimal, parse_quantity, scan_numbers


@pytest.mark.parametrize(
    ("text", "value", "value_max", "unit"),
    [
        ("三所", "3", None, "所"),
        ("两个", "2", None, "个"),
        ("十五", "15", None, ""),
        ("二十一", "21", None, ""),
        ("一百二十名", "120", None, "名"),
        ("1.2万套", "12000", None, "套"),
        ("1。2萬套", "12000", None, "套"),
        ("21.66亿元", "2166000000", None, "元"),
        ("21。66億元", "2166000000", None, "元"),
        ("3000万元", "30000000", None, "元"),
        ("16.4亿", "1640000000", None, ""),
        ("50%", "50", None, "%"),
        ("０％", "0", None, "%"),
        ("100%", "100", None, "%"),
        ("2个百分点", "2", None, "百分点"),
        ("1个百分点", "1", None, "百分点"),
        ("1-2所", "1", "2", "所"),
        ("1—2个", "1", "2", "个"),
        ("2~3所", "2", "3", "所"),
        ("5至6所", "5", "6", "所"),
        ("8-10所", "8", "10", "所"),
        ("两三个", "2", "3", "个"),
        ("三五所", "3", "5", "所"),
        ("前5名", "5", None, "名"),
        ("前八名", "8", None, "名"),
        ("1,200人", "1200", None, "人"),
        ("5000人次", "5000", None, "人次"),
        ("4:6", "4", None, ":6"),
        ("0.24", "0.24", None, ""),
    ],
)
def test_quantities_parse_to_exact_values(text, value, value_max, unit):
    quantity = parse_quantity(text)
    assert quantity.value == Decimal(value)
    assert quantity.value_max == (Decimal(value_max) if value_max else None)
    assert quantity.unit == unit


def test_money_keeps_its_original_unit():
    assert parse_quantity("3000万元").unit_original == "万元"
    assert parse_quantity("21.66亿元").unit_original == "亿元"


def test_values_are_exact_decimals_not_floats():
    quantity = parse_quantity("16.4亿")
    assert isinstance(quantity.value, Decimal)
    assert format_decimal(quantity.value) == "1640000000"
    assert format_decimal(parse_quantity("0.1万").value) == "1000"


def test_adjacent_numerals_are_ranges_not_concatenations():
    assert (parse_quantity("两三个").value, parse_quantity("两三个").value_max) == (2, 3)
    assert (parse_quantity("三五所").value, parse_quantity("三五所").value_max) == (3, 5)
    assert parse_quantity("二十三个").value == 23


def test_ranking_is_flagged():
    assert parse_quantity("前5名").is_rank
    assert not parse_quantity("5名").is_rank


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2025年", "year"),
        ("二〇二一年", "year"),
        ("(十二)", "item_number"),
        ("(3)", "item_number"),
        ("“1234”工程", "programme_name"),
        ("5+2", "programme_name"),
        ("十四五", "five_year_plan"),
        ("二十大", "party_congress"),
        ("第一", "ordinal"),
        ("11月7日", "date"),
        ("建党100周年", "not_a_number"),
        ("100周年", "anniversary"),
        ("abc", "not_a_number"),
        ("", "empty"),
    ],
)
def test_what_is_not_a_quantity_is_refused_with_a_reason(text, reason):
    with pytest.raises(NotAQuantityError) as caught:
        parse_quantity(text)
    assert caught.value.reason == reason
    assert "is not a quantity" in str(caught.value)


def test_scanner_separates_quantities_from_years_items_and_names():
    text = "(十二)2021年新建3所幼儿园,实施“1234”工程和“5+2”工程,落实十四五规划,统一招生,一体化建设。"
    found = {(t.text, t.reason) for t in scan_numbers(text)}
    assert ("3所", "quantity") in found
    assert ("十二", "item_number") in found
    assert ("2021年", "year") in found
    assert ("1234", "programme_name") in found
    assert ("十四五", "party_congress_or_plan") in found
    assert not any(t.text.startswith("一") for t in scan_numbers(text))


def test_scanner_offsets_are_code_points():
    text = "𠀀达到95%"  # a character outside the BMP counts as one code point
    token = next(t for t in scan_numbers(text) if t.reason == "quantity")
    assert (token.start, token.end, text[token.start : token.end]) == (3, 6, "95%")


def test_scanner_reads_dates_and_times_as_one_token():
    tokens = scan_numbers("发布时间:2021-06-25 16:08 信息来源")
    assert [(t.text, t.reason) for t in tokens] == [("2021-06-25 16:08", "date")]
