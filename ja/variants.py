"""Variant (異体字) and old (旧字体) kanji folded to the common form, for search keys only.

A name is displayed as written; only the keys that are indexed and compared fold it.
"""

from __future__ import annotations

__all__ = ["VARIANT_KANJI", "fold_variant_kanji"]

# Kept small on purpose: these are the forms that actually occur in personal and place
# names on municipal documents, where one person may be written either way.
VARIANT_KANJI: dict[str, str] = {
    "髙": "高",  # はしご高
    "﨑": "崎",  # たつさき (U+FA11)
    "嵜": "崎",
    "碕": "崎",
    "德": "徳",
    "邊": "辺",
    "邉": "辺",
    "齋": "斎",
    "齊": "斎",  # strictly the old form of 斉; folded with 齋 as asked for surnames (齊藤)
    "濱": "浜",
    "濵": "浜",
    "櫻": "桜",
    "澤": "沢",
    "廣": "広",
    "國": "国",
    "嶋": "島",
    "嶌": "島",
    "冨": "富",
    "眞": "真",
    "榮": "栄",
    "瀨": "瀬",
    "藏": "蔵",
    "會": "会",
    "惠": "恵",
    "條": "条",
    "萬": "万",  # also the anti-tamper numeral: 金壱萬円 and 金一万円 share a key
    "槗": "橋",
    "𠮷": "吉",  # つちよし (U+20BB7)
}
_FOLD_VARIANT_KANJI = str.maketrans(VARIANT_KANJI)


def fold_variant_kanji(text: str) -> str:
    """髙橋 → 高橋, 﨑 → 崎: every variant in :data:`VARIANT_KANJI` as its common form."""
    return text.translate(_FOLD_VARIANT_KANJI)
