"""Japanese text as the index sees it: normalisation, search folds and bigrams.

Two layers, so that highlights can show the text as written wherever the engine allows:

* :func:`display_text` — what every backend stores and highlights: NFKC, the spaces
  Tesseract puts between Japanese characters removed, letter-spaced headings (請　求　書)
  closed up and phrases broken across a line end joined (``ja.normalize``).
* :func:`fold` — *search folds*, applied before tokenisation in the index and in queries:
  variant kanji (髙 → 高), abbreviated legal forms ((株) → 株式会社), spelling variants from
  ``config/synonyms_ja.txt`` (申し込み → 申込) and kanji numerals inside dates (令和六年度 →
  令和6年度). They are one longest-match replacement table (:func:`fold_rules`). On an engine
  with ``analysis-common`` the table goes inline into the index settings as a ``mapping``
  char filter (offsets are kept, so highlights show the original); on the others (the
  Elasticsearch test distribution, the embedded index) Python applies it to the text
  before it is sent.

Kanji numerals are converted only inside dates (era years, 年度, months, days), not
everywhere: 一般, 四国 and 三重県 are words, and 一 → 1 would break them.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from ja.eras import ERAS
from ja.legal_forms import LEGAL_FORM_ABBREVIATIONS
from ja.normalize import join_broken_lines, normalize_text
from ja.numerals import format_kanji_number, format_positional_kanji
from ja.variants import VARIANT_KANJI

CONFIG_DIR = Path(__file__).resolve().parent / "config"
USER_DICTIONARY = CONFIG_DIR / "userdict_ja.txt"
SYNONYMS = CONFIG_DIR / "synonyms_ja.txt"


def _config_lines(path: Path) -> list[str]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


def user_dictionary_rules() -> list[str]:
    """The kuromoji user dictionary, one CSV rule a line (for ``user_dictionary_rules``)."""
    return [normalize_text(line) for line in _config_lines(USER_DICTIONARY)]


def synonym_groups() -> list[list[str]]:
    """Spelling-variant groups, the indexed (canonical) form first."""
    groups = []
    for line in _config_lines(SYNONYMS):
        forms = [normalize_text(f.strip()) for f in line.split(",") if f.strip()]
        if len(forms) >= 2:
            groups.append(forms)
    return groups


def _date_rules() -> dict[str, str]:
    kanji = format_kanji_number  # 六, 十, 十二, 二十, 三十一: how dates write 1..99
    rules: dict[str, str] = {}
    for era in (era.name for era in ERAS):
        rules[f"{era}元年"] = f"{era}1年"
        for year in range(1, 65):
            rules[f"{era}{kanji(year)}年"] = f"{era}{year}年"
    for year in range(1900, 2100):
        rules[f"{format_positional_kanji(year)}年"] = f"{year}年"
    for month in range(1, 13):
        rules[f"{kanji(month)}月"] = f"{month}月"
        for day in range(1, 32):
            rules[f"{kanji(month)}月{kanji(day)}日"] = f"{month}月{day}日"
    return rules


@functools.cache
def fold_rules() -> tuple[tuple[str, str], ...]:
    """The search folds as (from, to) pairs; longest match wins, left to right.

    Canonical forms of spelling groups map to themselves, so that an alias that is a
    prefix of its canonical form (取扱 of 取扱い) never rewrites the canonical form.
    """
    rules: dict[str, str] = {}
    rules.update(_date_rules())
    for variant, common in VARIANT_KANJI.items():
        rules[variant] = common
    for short, full in LEGAL_FORM_ABBREVIATIONS.items():
        rules[f"({short})"] = full
    for forms in synonym_groups():
        canonical = forms[0]
        rules[canonical] = canonical
        for form in forms[1:]:
            rules.setdefault(form, canonical)
    return tuple(sorted(rules.items()))


@functools.cache
def _fold_pattern() -> tuple[re.Pattern, dict[str, str]]:
    rules = dict(fold_rules())
    keys = sorted(rules, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys)), rules


def fold(text: str) -> str:
    """Apply the search folds (what the ``mapping`` char filter does in the engine)."""
    pattern, rules = _fold_pattern()
    return pattern.sub(lambda m: rules[m[0]], text)


def display_text(raw: str | None) -> str:
    """Normalised text for the index and its highlights (see the module docstring)."""
    if not raw:
        return ""
    return join_broken_lines(normalize_text(raw))


def counterparty_value(value: str) -> str:
    """A counterparty filter ignores the legal form: (株)ABC finds 株式会社ABC."""
    folded = fold(display_text(value))
    for full in sorted(set(LEGAL_FORM_ABBREVIATIONS.values()), key=len, reverse=True):
        folded = folded.replace(full, " ")
    return " ".join(folded.split())


def query_text(raw: str) -> str:
    """A query string in NFKC (ＤＸ → DX, ＡＮＤ → AND, （ → (, 　 → space).

    Unlike indexed text, spaces between Japanese words are kept: in a query they separate
    terms (京都 出張 is two words). Each term is normalised like indexed text later.
    """
    return " ".join(unicodedata.normalize("NFKC", raw).split())


# --- the embedded index's tokenizer -----------------------------------------------------

_CJK = (
    "\u3041-\u309f"  # hiragana
    "\u30a0-\u30ff"  # katakana and ー
    "\u31f0-\u31ff"
    "\u3005\u3006\u3007"  # 々 〆 〇
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
    "\U00020000-\U0003134f"
)
_TOKEN_RUN = re.compile(rf"[{_CJK}]+|[^\W_]+", re.UNICODE)
_CJK_RUN = re.compile(rf"[{_CJK}]+")


def bigrams(text: str, *, query: bool = False) -> list[str]:
    """Tokens of the embedded index: CJK runs as overlapping bigrams, other words whole.

    Indexed text: every CJK run gives its bigrams *and then its last character* (京都市 →
    京都 都市 市), so that a character standing at the end of a run can begin a phrase that
    continues with digits or Latin letters (第 in 本市第1回, 和 in 令和1年). A query run gives
    the same tokens when something follows it in the query, and only its bigrams when it
    ends the query (the text may go on: 京都 must match 京都市). A query that ends in a
    single CJK character is searched as a prefix (see the embedded backend). Latin words
    and numbers are case-folded; everything else separates tokens.
    """
    pieces: list[str] = []
    for match in _TOKEN_RUN.finditer(unicodedata.normalize("NFKC", text).casefold()):
        # A word mixing scripts (DX推進 has no space) is split where the script changes.
        pieces += [part[0] for part in re.finditer(rf"[{_CJK}]+|[^{_CJK}]+", match[0])]
    tokens: list[str] = []
    for position, piece in enumerate(pieces):
        if not _CJK_RUN.fullmatch(piece):
            tokens.append(piece)
            continue
        if len(piece) == 1:
            tokens.append(piece)
            continue
        tokens.extend(piece[i : i + 2] for i in range(len(piece) - 1))
        if not query or position < len(pieces) - 1:
            tokens.append(piece[-1])
    return tokens


def ends_with_single_cjk(text: str) -> bool:
    """True when the last token of a query is one CJK character (searched as a prefix)."""
    pieces = [
        part[0]
        for match in _TOKEN_RUN.finditer(unicodedata.normalize("NFKC", text).casefold())
        for part in re.finditer(rf"[{_CJK}]+|[^{_CJK}]+", match[0])
    ]
    return bool(pieces) and len(pieces[-1]) == 1 and bool(_CJK_RUN.fullmatch(pieces[-1]))


_KANJI_RUN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005]{2,}")


def kanji_heads(text: str) -> list[str]:
    """The first two characters of every run of two or more kanji (the embedded index's
    word-start guess: 京都市 gives 京都, 東京都 gives 東京)."""
    return [match[0][:2] for match in _KANJI_RUN.finditer(text)]
