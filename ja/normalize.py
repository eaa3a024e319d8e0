"""Japanese text normalisation for display, search and metadata extraction.

NFKC does most of the work: full-width digits and letters, half-width kana, ㈱ → (株),
circled numbers, squared era names (㋿ → 令和). What it leaves alone is handled here with
small explicit maps, so that every rule can be read and tested:

* dashes that NFKC keeps (‐ – − ― …) become "-", wave dashes (〜 ∼) become "~" like NFKC's
  own ～ → "~", and the katakana prolonged sound mark ー becomes "-" only between digits
  (OCR and hand-typed phone numbers: 078ー331ー8181);
* 〇 is left as it is: it is a character in ordinary text (〇〇課) and only the number
  parser reads it as zero;
* the spaces Tesseract puts between Japanese characters are removed; spaces between Latin
  words are kept;
* variant kanji (髙 → 高, 﨑 → 崎 …) are folded for search keys only: a name is displayed
  as written.

These functions never modify the raw text: callers store the raw OCR text next to the
normalised one.
"""

from __future__ import annotations

import re
import unicodedata

from ja.legal_forms import expand_legal_form_abbreviations
from ja.variants import fold_variant_kanji

__all__ = ["JAPANESE_CHARS", "join_broken_lines", "normalize_text", "search_key"]

# Character class body (for use inside [...]) of the characters written without spaces
# between them in Japanese: ideographs, kana and Japanese punctuation (、。「」々〆〇 …).
# U+3000 (ideographic space) is not in it: NFKC has already turned it into a space.
JAPANESE_CHARS = (
    "\u3001-\u303f"  # CJK symbols and punctuation
    "\u3040-\u309f"  # hiragana, including the combining voiced sound marks
    "\u30a0-\u30ff"  # katakana, including ・ and ー
    "\u31f0-\u31ff"  # katakana phonetic extensions (small ㇰ …)
    "\u3400-\u4dbf"  # CJK unified ideographs extension A
    "\u4e00-\u9fff"  # CJK unified ideographs
    "\uf900-\ufaff"  # CJK compatibility ideographs (﨑 U+FA11 survives NFKC)
    "\U00020000-\U0003134f"  # CJK extensions B-G (𠮷 …)
)

_DASH = "-"
_WAVE_DASH = "~"
# What NFKC leaves and we still want folded. Everything maps to ASCII, which NFKC keeps,
# so applying the map twice changes nothing.
_AFTER_NFKC = str.maketrans(
    {
        "\u2010": _DASH,  # ‐ hyphen (NFKC also maps the non-breaking hyphen ‑ to it)
        "\u2012": _DASH,  # ‒ figure dash
        "\u2013": _DASH,  # – en dash
        "\u2014": _DASH,  # — em dash
        "\u2015": _DASH,  # ― horizontal bar, the usual Japanese dash
        "\u2043": _DASH,  # ⁃ hyphen bullet
        "\u2212": _DASH,  # − minus sign
        "\u301c": _WAVE_DASH,  # 〜 wave dash (NFKC already maps the full-width ～ to "~")
        "\u223c": _WAVE_DASH,  # ∼ tilde operator, the usual mis-encoding of 〜
        "\u2053": _WAVE_DASH,  # ⁓ swung dash
        "\u200b": "",  # zero-width space
        "\u2060": "",  # word joiner
        "\ufeff": "",  # byte order mark / zero-width no-break space
    }
)

_PROLONGED_SOUND_MARK_BETWEEN_DIGITS = re.compile(r"(?<=[0-9])ー(?=[0-9])")
_LINE_BREAK = re.compile(r"\r\n?")
_HORIZONTAL_SPACE_RUN = re.compile(r"[^\S\n\r\f\v\x1c-\x1e\x85\u2028\u2029]+")
_SPACE_BETWEEN_JAPANESE = re.compile(rf"(?<=[{JAPANESE_CHARS}]) (?=[{JAPANESE_CHARS}])")
_SPACE_AT_LINE_EDGE = re.compile(r"^ +| +$", re.MULTILINE)


def normalize_text(raw: str) -> str:
    """Text for display and search: NFKC, the extra map, and no spaces inside Japanese.

    Line breaks are kept (``\\r\\n`` and ``\\r`` become ``\\n``); runs of other whitespace
    become one space, and spaces at line ends are dropped. Idempotent.
    """
    text = unicodedata.normalize("NFKC", raw).translate(_AFTER_NFKC)
    text = _PROLONGED_SOUND_MARK_BETWEEN_DIGITS.sub(_DASH, text)
    text = _LINE_BREAK.sub("\n", text)
    text = _HORIZONTAL_SPACE_RUN.sub(" ", text)
    text = _SPACE_BETWEEN_JAPANESE.sub("", text)
    text = _SPACE_AT_LINE_EDGE.sub("", text)
    # Removing a space can bring a kana next to a voiced sound mark that NFKC split off
    # (か゛ → か + space + U+3099); composing again turns the pair into が.
    return unicodedata.normalize("NFKC", text)


_SPACE_NEXT_TO_JAPANESE = re.compile(rf" (?=[{JAPANESE_CHARS}])|(?<=[{JAPANESE_CHARS}]) ")


def search_key(text: str) -> str:
    """The form to index and to compare queries against; never shown to a user.

    normalize_text, then legal-form abbreviations written out (so ㈱, （株） and 株式会社 all
    match), no space next to a Japanese character (DX 推進 = DX推進), variant kanji folded,
    and case folded. Idempotent.
    """
    key = expand_legal_form_abbreviations(normalize_text(text))
    key = _SPACE_NEXT_TO_JAPANESE.sub("", key)
    # Case folding can leave combining marks out of canonical order (İ → i + U+0307).
    return unicodedata.normalize("NFKC", fold_variant_kanji(key).casefold())


# A line that ends a sentence or a heading stays a line of its own; the next line may also
# start a list item (・ or 〇 as a bullet).
_SENTENCE_END = "。」』】〕"
_LIST_BULLET = "・〇"
_BREAK_INSIDE_JAPANESE_PHRASE = re.compile(
    rf"(?<=[{JAPANESE_CHARS}])(?<![{_SENTENCE_END}]) *\n"
    rf" *(?=[{JAPANESE_CHARS}])(?![{_LIST_BULLET}])"
)
_BREAK_INSIDE_LATIN_TEXT = re.compile(r"(?<=[A-Za-z0-9,.;:]) *\n *(?=[A-Za-z0-9])")


def join_broken_lines(text: str) -> str:
    """Join phrases the page layout broke across lines.

    Between two Japanese characters the line break is removed (請求\\n書 → 請求書), between
    Latin words it becomes a space. A line ending with 。 or a closing bracket, an empty
    line (paragraph break), a line starting with a bullet (・, 〇), and a break between a
    Japanese and a Latin character are left alone.
    """
    text = _BREAK_INSIDE_JAPANESE_PHRASE.sub("", text)
    return _BREAK_INSIDE_LATIN_TEXT.sub(" ", text)
