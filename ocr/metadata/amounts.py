"""Amounts of money (integer yen) in invoices, contracts and budget tables.

Recognised forms, after normalisation (full-width ￥１，２３４ is already ¥1,234):

* ``¥1,234,567-`` (the trailing dash or ※ is an anti-tamper mark);
* ``1,234,567円``, ``12,345千円``, ``1,234百万円``, ``百二十万円``, ``1万2千円``;
* formal amounts with anti-tamper numerals: ``金壱百弐拾萬円也``, ``金弐億参仟四百萬円``;
* a plain number right after an amount label (``請求金額 1,234,567``): comma-grouped or
  at least three digits, so that ``合計 3件`` is not money;
* under a unit caption (``（単位：千円）``): a plain comma-grouped number with no 円 or ¥
  of its own is in that unit. The caption applies from where it appears to the next
  caption, so that two tables with different units in one text both read correctly.

Rejected as noise: numbers glued to Latin letters or other digits (``83e2000``), decimals,
negative table figures (△1,234), numbers with a leading zero (phone numbers), postal
codes and dates (neither is comma-grouped nor followed by 円), amounts after 数/何
(数万円 is "tens of thousands"), and 万円 with no coefficient. Labels such as 合計,
請求金額, 契約金額 and 税込 raise the confidence; tax lines (消費税額), unit prices and
discounts lower it.
"""

from __future__ import annotations

import re

from ja.normalize import JAPANESE_CHARS, normalize_text
from ja.numerals import KANJI_NUMERAL_CHARS, parse_japanese_number
from ocr.metadata.candidates import Candidate, clamp_confidence, line_after, line_before

__all__ = ["find_amounts", "parse_amount"]

# OCR puts a space after a thousands comma (金17, 154, 500円): still one grouped number.
_COMMA_GROUPED = r"[0-9]{1,3}(?:, ?[0-9]{3})+"
_ARABIC = rf"{_COMMA_GROUPED}|[0-9]+"
_MIXED_NUMBER = (
    rf"[0-9{KANJI_NUMERAL_CHARS}]"
    rf"(?:(?:[0-9,{KANJI_NUMERAL_CHARS}]|(?<=[0-9],) (?=[0-9]{{3}}))*[0-9{KANJI_NUMERAL_CHARS}])?"
)
# Nothing that would make the digits part of a longer token (83e2000, 3.5, 078-331, △12).
_NOT_AFTER = r"(?<![0-9A-Za-z.,\-/△▲数何])"
_NOT_BEFORE = r"(?![0-9A-Za-z]|[.,/\-][0-9])"

# After a yen sign, OCR often reads a thousands comma as a full stop (¥1.234,000), or as
# several (¥2.969,.032, 6.072.,.000円 from a smudged comma): yen have no decimals, so
# 3-digit groups split by up to three of these marks are one grouped number.
_OCR_GROUPED = r"[0-9]{1,3}(?:[.,]{1,3} ?[0-9]{3})+"
_GROUP_MARKS = re.compile(r"[.,]+")
# A backslash is the yen sign in Japanese encodings; not after a path-like character.
_YEN_SIGN_AMOUNT = re.compile(
    rf"(?:¥|(?<![A-Za-z0-9:\\])\\) *(?P<number>{_OCR_GROUPED}|{_ARABIC}){_NOT_BEFORE}"
    r"(?: *(?:-|※|也))?"
)
# 金 opens a formal amount only at the start of a phrase (金壱萬円也, 請求金額 金1,000円), not
# inside a word (料金, 補助金): the negated class also matches at the start of the text.
_KIN = r"(?<![^\s:、。(「額計])(?P<kin>金 *)"
# The same misreading before 円 (金3.276,900円, 5.060.000円) on scanned forms and contracts:
# only whole 3-digit groups, and only without a unit (1.5万円 is not read this way).
_OCR_GROUPED_YEN = re.compile(
    rf"(?:{_KIN}|{_NOT_AFTER})(?P<number>{_OCR_GROUPED}) *円(?P<nari>也)?"
)
_YEN_SUFFIX_AMOUNT = re.compile(
    rf"(?:{_KIN}|{_NOT_AFTER})(?P<number>{_MIXED_NUMBER}) *(?P<unit>百万|千|万|億)? *円"
    r"(?P<nari>也)?"
)
_LABEL = (
    "合計金額|請求金額|ご請求額|請求額|契約金額|見積金額|支払金額|領収金額|予算額|要求額|総額|合計|"
    "税込|金額|小計|税抜"
)
_PLAIN_END = rf"{_NOT_BEFORE}(?![{JAPANESE_CHARS}%])"
_LABELLED_PLAIN_AMOUNT = re.compile(
    rf"(?:{_LABEL})[^0-9\n]{{0,6}}?(?<![0-9A-Za-z.,\-/△▲])"
    rf"(?P<number>(?!0)(?:{_OCR_GROUPED}|[0-9]{{3,}})){_PLAIN_END}"
)
_CAPTIONED_PLAIN_AMOUNT = re.compile(
    rf"(?<![0-9A-Za-z.,\-/△▲¥\\〒])(?P<number>{_COMMA_GROUPED}){_PLAIN_END}"
)
_UNIT_CAPTION = re.compile(r"単位 *:? *(?P<unit>百万円|千円|万円|円)")
_CAPTION_MULTIPLIERS = {"円": 1, "千円": 1_000, "万円": 10_000, "百万円": 1_000_000}

# The amount of the whole transaction, named as such: it beats line items and subtotals
# that only carry a generic 金額 column label.
_TOTAL_LABEL = re.compile(
    "(?<!小)合計|総額|請求金額|ご請求|請求額|契約金額|見積金額|見積額|支払金額|領収金額|"
    "予算額|要求額|税込"
)
_STRONG_LABEL = re.compile("請求|金額|金 *[0-9]")
_WEAK_LABEL = re.compile("小計|税抜|本体")
# The tax line of an invoice, a unit price or a discount is not the transaction amount.
_NOT_THE_TOTAL = re.compile("消費税(?!込)|税額|内税|うち|単価|値引|割引|@")

_DOT_NOTE = ("OCR: '.' read as a thousands separator",)
_BASE_CONFIDENCE = {"formal": 0.75, "yen_sign": 0.6, "yen_suffix": 0.55, "plain": 0.35}


def _confidence(text: str, span: tuple[int, int], kind: str) -> float:
    nearby = line_before(text, span[0], limit=20) + line_after(text, span[1], limit=8)
    confidence = _BASE_CONFIDENCE[kind]
    if _TOTAL_LABEL.search(nearby):
        confidence += 0.35
    elif _STRONG_LABEL.search(nearby):
        confidence += 0.25
    elif _WEAK_LABEL.search(nearby):
        confidence += 0.1
    if _NOT_THE_TOTAL.search(nearby):
        confidence -= 0.3
    return clamp_confidence(confidence)


def _caption_multiplier(captions: list[re.Match[str]], position: int) -> int | None:
    """The unit of the last caption before ``position``; None if there is none."""
    before = [caption for caption in captions if caption.start() < position]
    return _CAPTION_MULTIPLIERS[before[-1]["unit"]] if before else None


def find_amounts(text: str) -> list[Candidate[int]]:
    """Every amount in the text, in text order, as integer yen."""
    text = normalize_text(text)
    captions = list(_UNIT_CAPTION.finditer(text))
    # Character positions already read as an amount, or as a caption (単位:千円 is not ¥1,000).
    taken = {position for caption in captions for position in range(*caption.span())}
    found: list[Candidate[int]] = []

    def add(value: int | None, span: tuple[int, int], kind: str, notes: tuple[str, ...] = ()):
        if value is None or value <= 0 or not taken.isdisjoint(range(*span)):
            return
        taken.update(range(*span))
        confidence = _confidence(text, span, kind)
        found.append(Candidate(value, text[span[0] : span[1]], span, confidence, notes))

    def digits(number: str) -> str:
        return number.replace(" ", "")

    # Most specific forms first: a span taken by one form is not read again by another.
    for match in _OCR_GROUPED_YEN.finditer(text):
        number = digits(match["number"])
        if "." in number:
            kind = "formal" if match["kin"] else "yen_suffix"
            add(parse_japanese_number(_GROUP_MARKS.sub(",", number)), match.span(), kind, _DOT_NOTE)
    for match in _YEN_SUFFIX_AMOUNT.finditer(text):
        number = digits(match["number"]) + (match["unit"] or "")
        add(parse_japanese_number(number), match.span(), "formal" if match["kin"] else "yen_suffix")
    for match in _YEN_SIGN_AMOUNT.finditer(text):
        number = digits(match["number"])
        notes = _DOT_NOTE if "." in number else ()
        add(parse_japanese_number(_GROUP_MARKS.sub(",", number)), match.span(), "yen_sign", notes)
    for pattern in (_LABELLED_PLAIN_AMOUNT, _CAPTIONED_PLAIN_AMOUNT):
        for match in pattern.finditer(text):
            span = match.span("number")
            multiplier = _caption_multiplier(captions, span[0])
            if multiplier is None and pattern is _CAPTIONED_PLAIN_AMOUNT:
                continue  # a bare comma-grouped number is money only under a caption
            number = digits(match["number"])
            notes = _DOT_NOTE if "." in number else ()
            value = parse_japanese_number(_GROUP_MARKS.sub(",", number))
            if value is not None and multiplier is not None:
                add(value * multiplier, span, "plain", (*notes, f"unit caption: ×{multiplier:,}"))
            else:
                add(value, span, "plain", notes)
    return sorted(found, key=lambda candidate: candidate.span)


def parse_amount(text: str) -> int | None:
    """The amount written in ``text`` (nothing else around it) in yen, or None."""
    whole = normalize_text(text).strip()
    candidates = find_amounts(whole)
    if len(candidates) == 1 and candidates[0].text == whole:
        return candidates[0].value
    return None
