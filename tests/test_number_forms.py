"""The quantity forms of other counties' plans: each parses exactly or is refused with its reason."""

from __future__ import annotations

from decimal import Decimal

import pytest

from analysis.cli import main
from analysis.numbers import NotAQuantityError, format_decimal, parse_quantity, scan_numbers


@pytest.mark.parametrize(
    ("text", "value", "value_max", "unit", "unit_original", "qualifier"),
    [
        # percent and permille ranges, any dash or tilde, 至/到
        ("60%~70%", "60", "70", "%", "%", ""),
        ("60%～70%", "60", "70", "%", "%", ""),
        ("60%—70%", "60", "70", "%", "%", ""),
        ("60%-70%", "60", "70", "%", "%", ""),
        ("60%–70%", "60", "70", "%", "%", ""),
        ("60%至70%", "60", "70", "%", "%", ""),
        ("60%到70%", "60", "70", "%", "%", ""),
        ("60-70%", "60", "70", "%", "%", ""),
        ("3‰~5‰", "3", "5", "‰", "‰", ""),
        # Chinese percentages and permille
        ("百分之八十", "80", None, "%", "%", ""),
        ("百分之百", "100", None, "%", "%", ""),
        ("百分之九十五点五", "95.5", None, "%", "%", ""),
        ("百分之80", "80", None, "%", "%", ""),
        ("千分之三", "3", None, "‰", "‰", ""),
        # approximate counts: the number as written, the qualifier kept
        ("3万余人", "30000", None, "人", "万人", "余"),
        ("二十余所", "20", None, "所", "所", "余"),
        ("十余所", "10", None, "所", "所", "余"),
        ("30多所", "30", None, "所", "所", "多"),
        ("100余名", "100", None, "名", "名", "余"),
        # fractions: numerator as the value, /denominator as the unit (exact, no 0.333…)
        ("三分之一", "1", None, "/3", "分之", ""),
        ("五分之二", "2", None, "/5", "分之", ""),
        ("1/3", "1", None, "/3", "/", ""),
        # doubling
        ("翻一番", "2", None, "倍", "翻番", ""),
        ("翻两番", "4", None, "倍", "翻番", ""),
        ("1.5倍", "1.5", None, "倍", "倍", ""),
        ("一点五倍", "1.5", None, "倍", "倍", ""),
        # a space (or a thin or no-break space) between number and unit
        ("1 所", "1", None, "所", "所", ""),
        ("95 %", "95", None, "%", "%", ""),
        ("3\u2009万元", "30000", None, "元", "万元", ""),
        ("120\u00a0名", "120", None, "名", "名", ""),
    ],
)
def test_each_form_parses_to_exact_decimals(text, value, value_max, unit, unit_original, qualifier):
    quantity = parse_quantity(text)
    assert quantity.value == Decimal(value)
    assert quantity.value_max == (Decimal(value_max) if value_max else None)
    assert (quantity.unit, quantity.unit_original, quantity.qualifier) == (unit, unit_original, qualifier)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("٣所", "foreign_digits"),  # Arabic-Indic three
        ("३०%", "foreign_digits"),  # Devanagari thirty
        ("60%~70‰", "not_a_number"),  # a range must keep its unit
        ("1-2余所", "not_a_number"),  # an approximate range is not read
        ("三分之五", "not_a_number"),  # numerator above the denominator
        ("2025 年", "year"),
        ("1" * 61, "too_many_digits"),
    ],
)
def test_refusals_keep_their_reason(text, reason):
    with pytest.raises(NotAQuantityError) as caught:
        parse_quantity(text)
    assert caught.value.reason == reason


def test_values_beyond_28_significant_digits_are_not_rounded(capsys):
    digits = "123456789012345678901234567890123.5"
    quantity = parse_quantity(digits + "亿元")
    assert format_decimal(quantity.value) == "12345678901234567890123456789012350000000"
    assert format_decimal(Decimal("1234567890123456789012345678901234567")) == "1234567890123456789012345678901234567"
    assert main(["parse", "1234567890123456789012345678901234.25万"]) == 0
    assert "value=12345678901234567890123456789012342500\t" in capsys.readouterr().out


def scanned(text: str) -> list[tuple[str, str, str]]:
    return [(t.text, t.reason, format_decimal(t.quantity.value) if t.quantity else "") for t in scan_numbers(text)]


def test_the_scanner_finds_each_form_as_one_number():
    assert scanned("合格率60%—70%,达标率百分之八十,培训3万余人,新建二十余所,约三分之一,经费翻一番。") == [
        ("60%—70%", "quantity", "60"),
        ("百分之八十", "quantity", "80"),
        ("3万余人", "quantity", "30000"),
        ("二十余所", "quantity", "20"),
        ("三分之一", "quantity", "1"),
        ("翻一番", "quantity", "2"),
    ]
    # 三分之一 was read as 3 分 before; 1/3 is a fraction, a date written with a slash is not
    assert scanned("占1/3以上") == [("1/3", "quantity", "1")]
    assert [t.reason for t in scan_numbers("2021/9/1")][0] == "year"
    assert scanned("一等奖 1 所") == [("1 所", "quantity", "1")]


def test_digits_of_other_scripts_are_found_and_refused_never_read_as_numbers():
    tokens = scan_numbers("新建٣所学校,培训३०名教师")
    assert [(t.text, t.reason, t.quantity) for t in tokens] == [
        ("٣", "foreign_digits", None),
        ("३०", "foreign_digits", None),
    ]
