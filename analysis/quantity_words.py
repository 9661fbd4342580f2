"""Quantity words without a numeral (全覆盖, 全部, 所有, 清零, 一半, 翻一番) in the closed world.

The rule (curation guide, rule 5a): an occurrence is a quantity when it gives the extent of a
population or amount the sentence names and the state that population is to reach (a plan) or has
reached (a report): 全覆盖, 全部, 所有 and 全员 read as 100 %, 清零 as 0, 一半 as 50 %, 翻一番 as 2 倍.
The row's ``number_text`` is the word itself (清零 keeps its numeral 零). Any other occurrence (the
word inside a name or slogan, restating a number the sentence gives, naming a mechanism) is listed
in ``excluded_numbers.csv`` with its reason. The scanner of numerals (:mod:`analysis.numbers`) does
not see these words; :func:`find_quantity_words` does, and validation checks both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class WordQuantity:
    """What a numeral-free quantity word states."""

    word: str
    value: Decimal
    unit: str


# Word → (value, unit); traditional forms beside simplified ones (the corpus has a traditional text).
QUANTITY_WORDS: dict[str, tuple[Decimal, str]] = {
    "全覆盖": (Decimal(100), "%"),
    "全覆蓋": (Decimal(100), "%"),
    "全部": (Decimal(100), "%"),
    "所有": (Decimal(100), "%"),
    "全员": (Decimal(100), "%"),
    "全員": (Decimal(100), "%"),
    "清零": (Decimal(0), ""),
    "一半": (Decimal(50), "%"),
    "翻一番": (Decimal(2), "倍"),
}

_PATTERN = re.compile("|".join(sorted(map(re.escape, QUANTITY_WORDS), key=len, reverse=True)))


def read_word(text: str) -> WordQuantity | None:
    """The quantity a ``number_text`` states when it is one of the words, else None."""
    if text not in QUANTITY_WORDS:
        return None
    value, unit = QUANTITY_WORDS[text]
    return WordQuantity(text, value, unit)


def find_quantity_words(text: str) -> list[tuple[int, int, str]]:
    """Every occurrence of a quantity word in a raw text, as (start, end, word) code-point spans."""
    return [(m.start(), m.end(), m.group()) for m in _PATTERN.finditer(text)]


__all__ = ["QUANTITY_WORDS", "WordQuantity", "find_quantity_words", "read_word"]
