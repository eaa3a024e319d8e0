"""Ways people and printers write numbers, dates and amounts, to feed the parsers with.

Only the product's own display formats live in ``ja``; these are the many variants a
scanned document can contain, written independently of the parsers they test.
"""

from __future__ import annotations

from datetime import date

from ja.eras import to_wareki

ORDINARY_DIGITS = "〇一二三四五六七八九"
ANTI_TAMPER_DIGITS = "〇壱弐参肆伍陸漆捌玖"
LARGE_UNITS = ((10**12, "兆"), (10**8, "億"), (10**4, "万"), (1, ""))
SQUARED_ERAS = {"明治": "㍾", "大正": "㍽", "昭和": "㍼", "平成": "㍻", "令和": "㋿"}


def full_width(text: str) -> str:
    """ASCII letters, digits and punctuation as their full-width forms (１，２３４)."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def positional_kanji(number: int) -> str:
    """Digit by digit, as years are often written: 2024 → 二〇二四."""
    return "".join(ORDINARY_DIGITS[int(d)] for d in str(number))


def _group_in_kanji(group: int, digits: str, units: tuple[str, str, str], one_before_units: bool):
    thousand_unit, hundred_unit, ten_unit = units
    text = ""
    for value, unit in ((1000, thousand_unit), (100, hundred_unit), (10, ten_unit)):
        digit = group // value % 10
        if digit:
            text += ("" if digit == 1 and not one_before_units else digits[digit]) + unit
    if group % 10:
        text += digits[group % 10]
    return text


def kanji_numeral(
    number: int,
    *,
    anti_tamper: bool = False,
    hundred: str = "百",
    thousand: str = "千",
    myriad: str = "万",
) -> str:
    """Kanji with units: 1200000 → 百二十万, or with anti-tamper numerals (``anti_tamper``)
    壱百弐拾萬 when given hundred="百", myriad="萬". Anti-tamper numerals always write the
    壱 in front of a unit (壱拾), ordinary ones leave it out (十, 百, 千)."""
    if number == 0:
        return "〇"
    digits = ANTI_TAMPER_DIGITS if anti_tamper else ORDINARY_DIGITS
    units = (thousand, hundred, "拾" if anti_tamper else "十")
    text = ""
    for value, unit in LARGE_UNITS:
        group = number // value % 10_000
        if group:
            unit = myriad if unit == "万" else unit
            text += _group_in_kanji(group, digits, units, one_before_units=anti_tamper) + unit
    return text


def arabic_with_large_units(number: int) -> str:
    """Arabic digits in groups of four with kanji units: 12345678 → 1234万5678."""
    return "".join(
        f"{number // value % 10_000}{unit}"
        for value, unit in LARGE_UNITS
        if number // value % 10_000
    )


def wareki_variants(day: date) -> list[str]:
    """The same date as it appears on Japanese documents."""
    wareki = to_wareki(day)
    era, letter = wareki.era.name, wareki.era.letter
    year, month, dd = wareki.year, wareki.month, wareki.day
    kanji_year = "元" if year == 1 else kanji_numeral(year)
    long_form = f"{era}{year}年{month}月{dd}日"
    return [
        long_form,
        f"{era}{kanji_year}年{kanji_numeral(month)}月{kanji_numeral(dd)}日",
        full_width(long_form),
        f"{SQUARED_ERAS[era]}{year}年{month}月{dd}日",
        "　".join(long_form),  # letter-spaced with ideographic spaces
        " ".join(long_form),  # Tesseract's spaces between characters
        f"{letter}{year}.{month}.{dd}",
        f"{letter}.{year}.{month}.{dd}",
        f"{letter}{year}/{month}/{dd}",
        f"{letter}{year:02d}.{month:02d}.{dd:02d}",
        full_width(f"{letter}{year}.{month}.{dd}"),
        f"{era}{year}.{month}.{dd}",
    ]


def western_variants(day: date) -> list[str]:
    y, m, d = day.year, day.month, day.day
    return [
        f"{y}年{m}月{d}日",
        f"{positional_kanji(y)}年{kanji_numeral(m)}月{kanji_numeral(d)}日",
        f"{kanji_numeral(y)}年{kanji_numeral(m)}月{kanji_numeral(d)}日",
        f"{y}/{m}/{d}",
        day.isoformat(),
        f"{y}.{m}.{d}",
        full_width(f"{y}年{m}月{d}日"),
    ]


def amount_variants(yen: int) -> list[str]:
    """The same amount as printed on invoices, contracts and receipts."""
    return [
        f"¥{yen:,}-",
        full_width(f"¥{yen:,}-").replace("¥", "￥"),
        f"¥{yen:,}",
        f"{yen:,}円",
        f"{yen}円",
        full_width(f"{yen:,}円"),
        f"{kanji_numeral(yen)}円",
        f"{arabic_with_large_units(yen)}円",
        f"金{yen:,}円也",
        f"金{kanji_numeral(yen, anti_tamper=True, hundred='百', myriad='萬')}円也",
        f"金{kanji_numeral(yen, anti_tamper=True, hundred='佰', thousand='阡', myriad='萬')}円",
        f"金{kanji_numeral(yen, anti_tamper=True, hundred='陌', thousand='仟')}円也",
    ]
