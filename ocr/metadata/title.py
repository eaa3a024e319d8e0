"""A title proposed from the document itself, for files named scan-0001.pdf.

The 件名 line wins (件名: 道路補修工事に係る見積について); otherwise the first short line
near the top that names a document type (請求書, 見積書, 契約書 …): the heading. Letter-
spaced headings (請 求 書) are joined first. None when neither is found: the caller keeps
the file name, and never replaces a title a person typed.
"""

from __future__ import annotations

import re

from ja.normalize import normalize_text
from ocr.metadata.misreadings import near_word_at_end

__all__ = ["DOCUMENT_TYPE_WORDS", "propose_title"]

DOCUMENT_TYPE_WORDS = (
    "予算要求書",
    "請求書",
    "見積書",
    "御見積書",
    "契約書",
    "申請書",
    "通知書",
    "通知",
    "起案文書",
    "起案用紙",
    "議事録",
    "会議録",
    "届出書",
    "報告書",
    "依頼書",
    "決定書",
    "仕様書",
    "納品書",
    "領収書",
)
_SUBJECT = re.compile(
    r"^ *(?:件 *名|標 *題|題 *名|案 *件 *名) *[:：]? *(?P<subject>\S.{1,98})$", re.M
)
# One character, then (space, one character) at least twice: 請 求 書, 議 事 録.
_LETTER_SPACED = re.compile(r"^ *(?:\S(?: {1,3}\S){2,12}) *$")
_TYPE_WORD = re.compile("|".join(sorted(DOCUMENT_TYPE_WORDS, key=len, reverse=True)))
_SENTENCE = re.compile("[。、]|を送付|ください")
# Where a heading is looked for: the top of the first page.
_HEADING_LINES = 15
_LONGEST_HEADING = 40


def _joined(line: str) -> str:
    line = line.strip()
    if _LETTER_SPACED.match(line):
        return line.replace(" ", "")
    return line


def propose_title(text: str) -> str | None:
    text = normalize_text(text)
    subject = _SUBJECT.search(text)
    if subject:
        return subject["subject"].strip()[:100]
    headings = [
        heading
        for heading in map(_joined, text.splitlines()[:_HEADING_LINES])
        # a heading is the line itself, not a sentence that mentions a 請求書
        if 2 <= len(heading) <= _LONGEST_HEADING and not _SENTENCE.search(heading)
    ]
    for heading in headings:
        if _TYPE_WORD.search(heading):
            return heading
    # A scan's heading with one stroke misread (見策書, 予算要求書 as 予算要水書): the type
    # word ends a heading, so only there (議事次第 is not a misread 議事録).
    for heading in headings:
        repaired = near_word_at_end(heading, DOCUMENT_TYPE_WORDS)
        if repaired is not None:
            return repaired
    return None
