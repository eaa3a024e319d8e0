"""Kept for the callers that still import normalisation from here (``ocr.extract``).

The rules are ``ja.normalize``'s; new code imports them from there.
"""

from ja.normalize import JAPANESE_CHARS, normalize_text

__all__ = ["JAPANESE_CHARS", "normalize_text"]
