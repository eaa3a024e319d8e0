"""Identifiers printed on documents: 法人番号, インボイス登録番号, 文書番号 and マイナンバー.

Check digits (verified against the ordinances and published numbers):

* 法人番号 (corporate number, 13 digits): the first digit checks the 12-digit base number
  (財務省令第70号 第2条): ``9 − (Σ Pn × Qn mod 9)``, Pn being the n-th digit of the base
  counted from its last digit, Qn = 1 for odd n and 2 for even n. The check digit is
  therefore 1..9 and a corporate number never starts with 0. 国税庁 is 7000012050002.
* 個人番号 (My Number, 12 digits): the last digit checks the first eleven (総務省令第85号
  第5条): ``11 − (Σ Pn × Qn mod 11)``, or 0 when the remainder is 0 or 1; Pn is the n-th
  digit counted from the end of the eleven, Qn = n + 1 for n ≤ 6 and n − 5 for n ≥ 7.
* インボイス登録番号 (invoice registration number): "T" and 13 digits. For a corporation
  the digits are its corporate number; sole proprietors get a number that is neither a
  My Number nor a corporate number, and the National Tax Agency publishes no check-digit
  rule for those, so a T-number whose check digit fails is returned with a lower
  confidence and a note instead of being dropped.

A My Number is sensitive personal data: it is detected so that access can be restricted.
To keep false positives down it must be 12 digits (optionally grouped 4-4-4) standing on
their own, and its check digit must hold, unless a 個人番号/マイナンバー label precedes it
on the line (then an OCR-damaged number is still reported, with a note). Numbers that look
like a timestamp (YYYYMMDDhhmm) or follow TEL/FAX/電話 without a label are ignored.
"""

from __future__ import annotations

import re

from ja.dates import ERA_NAMES
from ja.normalize import normalize_text
from ja.numerals import ORDINARY_DIGITS, ORDINARY_SMALL_UNITS, parse_japanese_number
from ocr.metadata.candidates import (
    Candidate,
    clamp_confidence,
    is_alone_on_line,
    line_before,
)

__all__ = [
    "corporate_number_check_digit",
    "find_corporate_numbers",
    "find_document_numbers",
    "find_individual_numbers",
    "find_invoice_numbers",
    "individual_number_check_digit",
    "is_valid_corporate_number",
    "is_valid_individual_number",
]


def corporate_number_check_digit(base_number: str) -> int:
    """The check digit (first digit) of a corporate number, from its 12-digit base."""
    if not re.fullmatch(r"[0-9]{12}", base_number):
        raise ValueError(f"a corporate base number has 12 digits: {base_number!r}")
    weighted = sum(
        int(digit) * (1 if position % 2 else 2)
        for position, digit in enumerate(reversed(base_number), start=1)
    )
    return 9 - weighted % 9


def is_valid_corporate_number(number: str) -> bool:
    """True for 13 digits whose first digit is the check digit of the other twelve."""
    return bool(re.fullmatch(r"[0-9]{13}", number)) and int(
        number[0]
    ) == corporate_number_check_digit(number[1:])


def individual_number_check_digit(base_number: str) -> int:
    """The check digit (last digit) of a My Number, from its first eleven digits."""
    if not re.fullmatch(r"[0-9]{11}", base_number):
        raise ValueError(f"an individual base number has 11 digits: {base_number!r}")
    weighted = sum(
        int(digit) * (position + 1 if position <= 6 else position - 5)
        for position, digit in enumerate(reversed(base_number), start=1)
    )
    remainder = weighted % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_individual_number(number: str) -> bool:
    """True for 12 digits whose last digit is the check digit of the first eleven."""
    return bool(re.fullmatch(r"[0-9]{12}", number)) and int(
        number[-1]
    ) == individual_number_check_digit(number[:-1])


_THIRTEEN_DIGITS = r"[0-9]{13}|[0-9][- ][0-9]{4}[- ][0-9]{4}[- ][0-9]{4}"
_TWELVE_DIGITS = r"[0-9]{12}|[0-9]{4}(?P<group_separator>[- ])[0-9]{4}(?P=group_separator)[0-9]{4}"
# Not part of a longer number, even one grouped with hyphens or spaces (a card number).
_NUMBER_START = r"(?<![0-9A-Za-z])(?<![0-9][- ])"
_NUMBER_END = r"(?![0-9]|[- ][0-9])"

_CORPORATE_NUMBER = re.compile(rf"{_NUMBER_START}(?P<digits>{_THIRTEEN_DIGITS}){_NUMBER_END}")
_INVOICE_NUMBER = re.compile(rf"(?<![0-9A-Za-z])T[ -]?(?P<digits>{_THIRTEEN_DIGITS}){_NUMBER_END}")
_INDIVIDUAL_NUMBER = re.compile(rf"{_NUMBER_START}(?P<digits>{_TWELVE_DIGITS}){_NUMBER_END}")

_CORPORATE_NUMBER_LABEL = re.compile("法人番号")
_INVOICE_NUMBER_LABEL = re.compile("登録番号|インボイス|適格請求書")
_INDIVIDUAL_NUMBER_LABEL = re.compile("個人番号|マイナンバー|my ?number", re.IGNORECASE)
_PHONE_LABEL = re.compile("TEL|FAX|電話|携帯", re.IGNORECASE)
_TIMESTAMP = re.compile(
    r"(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:[0-2][0-9]|3[01])"  # YYYYMMDD
    r"(?:[01][0-9]|2[0-3])[0-5][0-9]"  # hhmm
)


def _digits(text: str) -> str:
    return re.sub(r"[- ]", "", text)


def find_corporate_numbers(text: str) -> list[Candidate[str]]:
    """13-digit corporate numbers. A labelled number (法人番号) whose check digit fails is
    returned with no value and a note; an unlabelled one is ignored."""
    text = normalize_text(text)
    found = []
    for match in _CORPORATE_NUMBER.finditer(text):
        digits = _digits(match["digits"])
        labelled = bool(_CORPORATE_NUMBER_LABEL.search(line_before(text, match.start())))
        if is_valid_corporate_number(digits):
            confidence = 0.95 if labelled else 0.6
            found.append(Candidate(digits, match[0], match.span(), confidence))
        elif labelled:
            note = "check digit does not match (OCR error?)"
            found.append(Candidate(None, match[0], match.span(), 0.0, (note,)))
    return found


def find_invoice_numbers(text: str) -> list[Candidate[str]]:
    """Invoice registration numbers, as "T" and 13 digits."""
    text = normalize_text(text)
    found = []
    for match in _INVOICE_NUMBER.finditer(text):
        digits = _digits(match["digits"])
        labelled = bool(_INVOICE_NUMBER_LABEL.search(line_before(text, match.start())))
        notes: tuple[str, ...] = ()
        if is_valid_corporate_number(digits):
            confidence = 0.95 if labelled else 0.85
        else:
            confidence = 0.6 if labelled else 0.4
            notes = ("not a valid corporate number: a sole proprietor's number, or an OCR error",)
        found.append(Candidate("T" + digits, match[0], match.span(), confidence, notes))
    return found


def find_individual_numbers(text: str) -> list[Candidate[str]]:
    """12-digit individual numbers (マイナンバー); see the module notes for the rules."""
    text = normalize_text(text)
    found = []
    for match in _INDIVIDUAL_NUMBER.finditer(text):
        digits = _digits(match["digits"])
        before = line_before(text, match.start())
        labelled = bool(_INDIVIDUAL_NUMBER_LABEL.search(before))
        if is_valid_individual_number(digits):
            if not labelled and (_PHONE_LABEL.search(before) or _TIMESTAMP.fullmatch(digits)):
                continue
            found.append(Candidate(digits, match[0], match.span(), 0.95 if labelled else 0.6))
        elif labelled:
            note = "labelled as an individual number but the check digit fails (OCR error?)"
            found.append(Candidate(digits, match[0], match.span(), 0.7, (note,)))
    return found


# 文書番号: an issuer (a section's abbreviation, possibly after a fiscal year), 第, a number
# (Arabic or kanji, possibly with a branch number) and 号: 総第45号, 神戸市総務局第123号,
# 令和6年度財第12号, 総第45-2号, 総第45号の2.
_ISSUER_CHAR = "\u4e00-\u9fff\u3400-\u4dbf\u30a1-\u30faー々ヶ"
_DOCUMENT_NUMBER = re.compile(
    rf"(?P<fiscal_year>(?:(?:{ERA_NAMES}) *(?:元|[0-9]{{1,2}})|[0-9]{{4}}) *年度 *)?"
    rf"(?P<issuer>[{_ISSUER_CHAR}]{{1,20}}?) *第 *"
    # Arabic digits may be spaced by OCR (1 2 3)
    rf"(?P<number>[0-9](?: ?[0-9]){{0,5}}|[{ORDINARY_DIGITS}{ORDINARY_SMALL_UNITS}]{{1,8}})"
    r"(?: *- *(?P<branch>[0-9]{1,4}))? *号(?:の(?P<suffix>[0-9]{1,4}))?"
)
# References to articles and to statutes are not the document's own number: 第3条第1項第2号,
# 様式第3号, 地方自治法(昭和22年法律第67号), 神戸市条例第5号.
_NOT_AN_ISSUER = re.compile("(?:条|項|号|款|様式|別記|別表|法律|政令|省令|府令|勅令|条例|規則)$")
_LEADING_LABEL = re.compile("^(?:文書番号|発番|番号|年度|年)+")
_DOCUMENT_NUMBER_LABEL = re.compile("文書番号|番号|発番")


def find_document_numbers(text: str) -> list[Candidate[str]]:
    """Document numbers, normalised: 神戸市総務局第１２３号 → 神戸市総務局第123号,
    総第百二十号 → 総第120号, 令和6年度 財第12号 → 令和6年度財第12号."""
    text = normalize_text(text)
    found = []
    for match in _DOCUMENT_NUMBER.finditer(text):
        issuer = _LEADING_LABEL.sub("", match["issuer"])
        if not issuer or _NOT_AN_ISSUER.search(issuer) or text.startswith("様式", match.end()):
            continue
        number = parse_japanese_number(match["number"].replace(" ", ""))
        if number is None:
            continue
        fiscal_year = re.sub(" ", "", match["fiscal_year"] or "")
        value = f"{fiscal_year}{issuer}第{number}"
        value += f"-{match['branch']}号" if match["branch"] else "号"
        value += f"の{match['suffix']}" if match["suffix"] else ""
        confidence = 0.6
        if _DOCUMENT_NUMBER_LABEL.search(line_before(text, match.start()) + match["issuer"]):
            confidence += 0.3
        if is_alone_on_line(text, match.span()):
            confidence += 0.1  # the number line at the top right of a notice
        found.append(Candidate(value, match[0], match.span(), clamp_confidence(confidence)))
    return found
