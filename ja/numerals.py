"""Numbers written with kanji, Arabic digits, or a mix of both: read and written.

One parser serves dates and amounts: 四月一日, 二〇二四年, 百二十万円, 1万2千円, 12,345千円 and
the anti-tamper numerals of formal amounts (金壱百弐拾萬円也). The parser is strict (units
must descend: 千 before 百, 億 before 万) so that OCR noise is rejected rather than turned
into a plausible but wrong number. The writers give the forms dates and formal amounts
use: 二十四, 二〇二四, and 大字 (壱萬弐千円) where a stroke added later must not change the sum.
"""

from __future__ import annotations

import re

__all__ = [
    "KANJI_NUMERAL_CHARS",
    "ORDINARY_DIGITS",
    "ORDINARY_SMALL_UNITS",
    "format_kanji_number",
    "format_positional_kanji",
    "parse_japanese_number",
]

# The digits as ordinarily written, 〇 to 九 (index = value).
ORDINARY_DIGITS = "〇一二三四五六七八九"
ORDINARY_SMALL_UNITS = "十百千"

KANJI_DIGITS: dict[str, int] = {
    "〇": 0,
    "零": 0,
    "一": 1,
    "壱": 1,
    "壹": 1,
    "二": 2,
    "弐": 2,
    "貳": 2,
    "三": 3,
    "参": 3,
    "參": 3,
    "四": 4,
    "肆": 4,
    "五": 5,
    "伍": 5,
    "六": 6,
    "陸": 6,
    "七": 7,
    "漆": 7,
    "八": 8,
    "捌": 8,
    "九": 9,
    "玖": 9,
}
# Units below 万 multiply the digit before them and add up inside a group of four digits.
SMALL_UNITS: dict[str, int] = {
    "十": 10,
    "拾": 10,
    "百": 100,
    "佰": 100,
    "陌": 100,
    "千": 1000,
    "阡": 1000,
    "仟": 1000,
}
# Units from 万 up close a group of four digits.
LARGE_UNITS: dict[str, int] = {"万": 10**4, "萬": 10**4, "億": 10**8, "兆": 10**12}

KANJI_NUMERAL_CHARS = "".join([*KANJI_DIGITS, *SMALL_UNITS, *LARGE_UNITS])

_TOKEN = re.compile(rf"[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+|[{KANJI_NUMERAL_CHARS}]")


def _tokens(text: str) -> list[str] | None:
    """Split into Arabic numbers and single kanji; None if anything else is left over."""
    tokens = []
    position = 0
    for match in _TOKEN.finditer(text):
        if match.start() != position:
            return None
        tokens.append(match[0])
        position = match.end()
    return tokens if tokens and position == len(text) else None


def _exceeds(pending: int | None, previous_small_unit: int | None) -> bool:
    """True if the digits after a unit are too many for it: 十 may be followed by 1..9."""
    return (
        pending is not None and previous_small_unit is not None and pending >= previous_small_unit
    )


def parse_japanese_number(text: str) -> int | None:
    """The value of a number written in kanji, Arabic digits or both; None if malformed.

    Accepts positional kanji (二〇二四 = 2024), ordinary kanji with units (二千二十四,
    百二十万), anti-tamper numerals (壱百弐拾萬), Arabic digits with correct comma grouping
    (1,234,567), and Arabic numbers in front of units (1万2千, 12,345千, 1,234百万).
    A large unit (万, 億, 兆) needs a coefficient: "万" alone is rejected, "百万" is 1,000,000.
    """
    tokens = _tokens(text)
    if tokens is None:
        return None

    total = 0  # sum of the closed four-digit groups (…億, …万)
    group = 0  # value of the group being read, below the next large unit
    pending: int | None = None  # digits read but not yet multiplied by a unit
    pending_is_kanji = False
    previous_large_unit: int | None = None
    previous_small_unit: int | None = None

    for token in tokens:
        if token[0].isdigit():
            if pending is not None:  # "12二" or two Arabic numbers side by side
                return None
            pending = int(token.replace(",", ""))
            pending_is_kanji = False
        elif token in KANJI_DIGITS:
            if pending is not None and not pending_is_kanji:
                return None
            # consecutive kanji digits are positional: 二〇二四 → 2024
            pending = KANJI_DIGITS[token] if pending is None else pending * 10 + KANJI_DIGITS[token]
            pending_is_kanji = True
        elif token in SMALL_UNITS:
            unit = SMALL_UNITS[token]
            if previous_small_unit is not None and unit >= previous_small_unit:
                return None  # 十百, 百百
            if pending is not None and pending_is_kanji and pending > 9:
                return None  # 二三百: kanji positional digits do not take units
            group += (1 if pending is None else pending) * unit
            pending = None
            previous_small_unit = unit
        else:
            unit = LARGE_UNITS[token]
            if _exceeds(pending, previous_small_unit):
                return None  # 十二三万
            coefficient = group + (pending or 0)
            if coefficient == 0:
                return None  # 万 on its own, or 〇万
            if previous_large_unit is not None and (
                unit >= previous_large_unit or coefficient * unit >= previous_large_unit
            ):
                return None  # 万億, 1億12345万
            total += coefficient * unit
            group, pending = 0, None
            previous_large_unit, previous_small_unit = unit, None

    if _exceeds(pending, previous_small_unit):
        return None  # 十二三
    return total + group + (pending or 0)


# 大字 as the 戸籍 and commercial rules use them today: 壱弐参 and 拾 (the strokes of 一二三
# and 十 are the ones a forger adds to), 萬 for 万; the other digits stay ordinary.
_DAIJI = str.maketrans({"一": "壱", "二": "弐", "三": "参", "十": "拾", "万": "萬"})
_WRITTEN_LARGE_UNITS = ((10**12, "兆"), (10**8, "億"), (10**4, "万"))


def _group_in_kanji(group: int, *, one_before_units: bool) -> str:
    """1..9999 with 千, 百, 十: 二千二十四; 千 rather than 一千 unless ``one_before_units``."""
    text = ""
    for unit, name in ((1000, "千"), (100, "百"), (10, "十")):
        digit, group = divmod(group, unit)
        if digit:
            text += ("" if digit == 1 and not one_before_units else ORDINARY_DIGITS[digit]) + name
    return text + (ORDINARY_DIGITS[group] if group else "")


def format_kanji_number(number: int, *, daiji: bool = False) -> str:
    """A non-negative integer in kanji with units: 24 → 二十四, 10 → 十, 12000 → 一万二千.

    ``daiji`` writes the anti-tamper form of formal amounts: 10 → 壱拾, 12000 → 壱萬弐千
    (every unit has its digit, so that 拾 cannot be turned into 弐拾). Both read back with
    :func:`parse_japanese_number`.
    """
    if number < 0:
        raise ValueError(f"{number} is negative")
    if number == 0:
        return ORDINARY_DIGITS[0]
    text = ""
    for unit, name in _WRITTEN_LARGE_UNITS:
        coefficient, number = divmod(number, unit)
        if coefficient:
            text += _group_in_kanji(coefficient, one_before_units=daiji) + name  # 一万, not 万
    text += _group_in_kanji(number, one_before_units=daiji)
    return text.translate(_DAIJI) if daiji else text


def format_positional_kanji(number: int) -> str:
    """Digit by digit, as years are often written: 2024 → 二〇二四."""
    if number < 0:
        raise ValueError(f"{number} is negative")
    return "".join(ORDINARY_DIGITS[int(digit)] for digit in str(number))
