"""Legal forms of organisations (株式会社, 一般社団法人 …) and their abbreviations.

Invoices and contracts write the same company as 株式会社ABC, ㈱ABC or ABC（株）; after NFKC
the abbreviations all read "(株)", and :func:`expand_legal_form_abbreviations` writes them
out so that the three forms compare equal.
"""

from __future__ import annotations

import re

__all__ = [
    "LEGAL_FORMS",
    "LEGAL_FORM_ABBREVIATIONS",
    "counterparty_key",
    "expand_legal_form_abbreviations",
]

# Abbreviated legal forms as they look after NFKC (㈱ and （株） both become "(株)").
LEGAL_FORM_ABBREVIATIONS: dict[str, str] = {
    "株": "株式会社",
    "有": "有限会社",
    "同": "合同会社",
    "資": "合資会社",
    "名": "合名会社",
    "社": "社団法人",
    "財": "財団法人",
    "一社": "一般社団法人",
    "一財": "一般財団法人",
    "公社": "公益社団法人",
    "公財": "公益財団法人",
    "特非": "特定非営利活動法人",
    "社福": "社会福祉法人",
    "医": "医療法人",
    "学": "学校法人",
    "協": "協同組合",
    "独": "独立行政法人",
}

# Legal forms written out, as they stand before or after an organisation's name.
LEGAL_FORMS: tuple[str, ...] = (
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "一般社団法人",
    "一般財団法人",
    "公益社団法人",
    "公益財団法人",
    "特定非営利活動法人",
    "NPO法人",
    "社会福祉法人",
    "医療法人社団",
    "医療法人財団",
    "医療法人",
    "学校法人",
    "宗教法人",
    "地方独立行政法人",
    "独立行政法人",
    "国立大学法人",
    "有限責任事業組合",
    "協同組合",
)

_ABBREVIATED_LEGAL_FORM = re.compile(
    r"\( *(" + "|".join(sorted(LEGAL_FORM_ABBREVIATIONS, key=len, reverse=True)) + r") *\)"
)


def expand_legal_form_abbreviations(text: str) -> str:
    """Write abbreviated legal forms out in full: "ABC(株)" → "ABC株式会社".

    Expects normalised text (㈱ and （株） already turned into "(株)" by NFKC).
    """
    return _ABBREVIATED_LEGAL_FORM.sub(lambda m: LEGAL_FORM_ABBREVIATIONS[m[1]], text)


_LEGAL_FORM_WORDS = re.compile("|".join(sorted(LEGAL_FORMS, key=len, reverse=True)))
_NOT_IN_KEY = re.compile(r"[\s・.,'\-]")


def counterparty_key(name: str) -> str:
    """The key two spellings of one organisation share: ㈱ABC, (株)ＡＢＣ, ABC株式会社 and
    株式会社 ABC all give "ABC". Legal forms, spaces and separators are dropped and Latin
    letters upper-cased, so a registry can match a name however an invoice wrote it.
    """
    from ja.normalize import normalize_text  # normalize imports nothing from here

    text = expand_legal_form_abbreviations(normalize_text(name))
    return _NOT_IN_KEY.sub("", _LEGAL_FORM_WORDS.sub("", text)).upper()
