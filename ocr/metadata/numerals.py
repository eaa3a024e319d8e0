"""Reading numbers written with kanji, Arabic digits, or a mix of both.

One parser serves dates and amounts: 四月一日, 二〇二四年, 百二十万円, 1万2千円, 12,345千円 and
the anti-tamper numerals of formal amounts (金壱百弐拾萬円也). The parser is strict (units
must descend: 千 before 百, 億 before 万) so that OCR noise is rejected rather than turned
into a plausible but wrong number.
"""

from __future__ import annotations

import re

__all__ = ["KANJI_NUMERAL_CHARS", "parse_japanese_number"]

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
