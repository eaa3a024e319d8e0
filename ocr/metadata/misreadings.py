"""Tesseract's usual misreadings of the few words extraction leans on, put right.

On degraded scans the Japanese model reads one stroke wrong in words that decide a field:
工務店 as 上務店, 株式会社 as 株式会視, 見積書 as 見策書, 予算要求書 as 予算要水書, and the
enclosed ㈱ as 帆; or it adds a character inside a word (デヘータ, デデータ). A known word
with exactly one character different or added, in the place where that word
is expected (a heading, the end or start of a party's name), is taken as that word.
Never across the whole text: 合同会議 is a meeting, not a 合同会社, and a one-character
difference in a short word is a different word (請求 / 請水 is left alone).
"""

from __future__ import annotations

from ja.legal_forms import LEGAL_FORMS

__all__ = ["REAL_NEIGHBOURS", "TRADE_WORDS", "near_word_at_end", "repair_name"]

# Words that end a company's name (株式会社湊川工務店, 東洋建設株式会社): with the legal forms,
# the words a one-character misreading is put right in. Three characters or more only.
TRADE_WORDS: tuple[str, ...] = (
    "工務店",
    "製作所",
    "事務所",
    "研究所",
    "不動産",
    "建設工業",
    "土木工業",
    "設計事務所",
    "システムズ",
    "システム",
    "サービス",
    "コンサルタント",
    "エンジニアリング",
    "テクノロジー",
    "ソリューションズ",
    "ネットワーク",
    "データ",
    "印刷所",
    "測量設計",
    "電気工事",
)
_SHORTEST = 3
# Real words one character away from a word above: never "repaired".
REAL_NEIGHBOURS = frozenset(
    {
        *("申込書", "請求者", "報告者", "届出者", "通知表", "決議書", "議事次", "見積者", "契約者"),
        *("合同会議", "合同会館", "事務局", "研究会", "研究室", "製作者", "工務課"),
    }
)
_KNOWN = frozenset((*LEGAL_FORMS, *TRADE_WORDS))
_LEGAL_FORMS_LONGEST_FIRST = sorted(LEGAL_FORMS, key=len, reverse=True)
_NAME_WORDS = tuple(
    sorted((w for w in (*LEGAL_FORMS, *TRADE_WORDS) if len(w) >= _SHORTEST), key=len, reverse=True)
)


def _one_apart(seen: str, word: str) -> bool:
    """Same length, exactly one character different."""
    return len(seen) == len(word) and sum(a != b for a, b in zip(seen, word, strict=True)) == 1


def _one_inserted(seen: str, word: str) -> bool:
    """``word`` with one character more after its first (デヘータ, デデータ for データ).
    Checked before a substitution: デヘータ read as ヘ → デ would leave デデータ."""
    return (
        len(seen) == len(word) + 1
        and seen[0] == word[0]
        and any(seen[:i] + seen[i + 1 :] == word for i in range(1, len(seen)))
    )


def _misread(seen: str, word: str) -> bool:
    # 合同会社 is one character from 合資会社 and 合名会社: a word of the lists is itself.
    return seen not in REAL_NEIGHBOURS and seen not in _KNOWN and _one_apart(seen, word)


def near_word_at_end(text: str, words: tuple[str, ...]) -> str | None:
    """``text`` with one of ``words`` (three characters or more) that ends it misread by one
    character put right (御見策書 → 御見積書); None if no word ends it so."""
    text = text.rstrip()
    for word in sorted(words, key=len, reverse=True):
        if len(word) >= _SHORTEST and len(text) >= len(word) and _misread(text[-len(word) :], word):
            return text[: -len(word)] + word
    return None


def repair_name(name: str) -> tuple[str, str | None]:
    """``name`` with a misread legal form or trade word at its end or start put right, and
    a note saying what was changed (None when nothing was). A trade word is also looked
    for just before a legal form that ends the name (さくら虐務店株式会社)."""
    known_end = max((len(k) for k in _KNOWN if name.endswith(k)), default=0)
    for word in _NAME_WORDS:
        size = len(word)
        if len(name) <= size:
            continue
        seen = name[-size - 1 :]
        # システムズ is a word of its own, not システム with ズ added
        if len(name) > size + 1 and known_end <= size and _one_inserted(seen, word):
            return name[: -size - 1] + word, f"OCR misreading: {seen} → {word}"
        if _misread(name[-size:], word):
            return name[:-size] + word, f"OCR misreading: {name[-size:]} → {word}"
        if word in LEGAL_FORMS and _misread(name[:size], word):
            return word + name[size:], f"OCR misreading: {name[:size]} → {word}"
    form = next((f for f in _LEGAL_FORMS_LONGEST_FIRST if name.endswith(f)), None)
    if form is not None and len(name) > len(form):
        stem, note = repair_name(name[: -len(form)])
        if note is not None:
            return stem + form, note
    return name, None
