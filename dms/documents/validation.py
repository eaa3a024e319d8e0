"""What a person may write into a document's fields, and how stored values are shown.

Free text (title, counterparty, document number, a version's comment) must be Unicode
text a database, an index and a JSON renderer all accept: no lone surrogates (JSON can
carry ``"\\ud800"``; PostgreSQL refuses it, SQLite stores it and every later response
fails to encode) and no control characters other than tab and line breaks.

``extra_metadata`` is a flat object of plain values (text, numbers, booleans), bounded in
size, whose keys never shadow the typed fields shown beside it in ``Document.metadata``.
Nested objects and lists are refused: nothing reads them, and a flat object is what the
web app can show and edit. :func:`displayable_extra` is the safety net for values stored
before these rules (or by hand): they are shown escaped, never a 500.
"""

from __future__ import annotations

import math
import unicodedata

from rest_framework import serializers

# Shown in Document.metadata from typed columns; an extra key of the same name would hide them.
TYPED_METADATA_FIELDS = ("document_date", "amount", "counterparty")

MAX_EXTRA_KEYS = 50
MAX_EXTRA_KEY_CHARS = 64
MAX_EXTRA_TEXT_CHARS = 2000
# Numbers a JavaScript client reads exactly (the web app is one), and that every database
# stores in a JSON document.
MAX_EXTRA_INTEGER = 2**53 - 1

_ALLOWED_CONTROLS = frozenset("\t\n\r")


def column_range(model, field_name: str) -> tuple[int, int]:
    """The values an integer column holds (the database's range for its type): input is
    checked against it before a query, so a huge number is a 400 and not a database error."""
    from django.db import connection

    field = model._meta.get_field(field_name)
    return connection.ops.integer_field_range(field.get_internal_type())


def unsafe_character(text: str) -> str | None:
    """The first character of ``text`` no stored text may hold, or None."""
    for char in text:
        category = unicodedata.category(char)
        if category == "Cs" or (category == "Cc" and char not in _ALLOWED_CONTROLS):
            return char
    return None


def _describe(char: str) -> str:
    return f"U+{ord(char):04X}"


def plain_text(value: str) -> str:
    """DRF validator for free-text fields."""
    char = unsafe_character(value)
    if char is not None:
        raise serializers.ValidationError(
            f"使用できない文字 ({_describe(char)}) が含まれています。"
            f" / Contains a character that cannot be stored ({_describe(char)})."
        )
    return value


def _reserved(key: str) -> bool:
    folded = unicodedata.normalize("NFKC", key).casefold().strip()
    return folded in TYPED_METADATA_FIELDS


def _value_problem(value) -> tuple[str, str] | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        if abs(value) > MAX_EXTRA_INTEGER:
            return (
                f"数値は ±{MAX_EXTRA_INTEGER} の範囲で指定してください。",
                f"Numbers must be within ±{MAX_EXTRA_INTEGER}.",
            )
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return ("数値が正しくありません。", "Numbers must be finite.")
        return None
    if isinstance(value, str):
        if len(value) > MAX_EXTRA_TEXT_CHARS:
            return (
                f"値は {MAX_EXTRA_TEXT_CHARS} 文字以内にしてください。",
                f"Values may have at most {MAX_EXTRA_TEXT_CHARS} characters.",
            )
        char = unsafe_character(value)
        if char is not None:
            return (
                f"使用できない文字 ({_describe(char)}) が含まれています。",
                f"Contains a character that cannot be stored ({_describe(char)}).",
            )
        return None
    return (
        "値は文字列・数値・真偽値のいずれかにしてください(入れ子や一覧は使えません)。",
        "Values must be text, a number or true/false (no nested objects or lists).",
    )


def _key_problem(key: str) -> tuple[str, str] | None:
    if not key.strip() or len(key) > MAX_EXTRA_KEY_CHARS:
        return (
            f"項目名は 1〜{MAX_EXTRA_KEY_CHARS} 文字にしてください。",
            f"Keys must have 1 to {MAX_EXTRA_KEY_CHARS} characters.",
        )
    char = unsafe_character(key)
    if char is not None:
        return (
            f"項目名に使用できない文字 ({_describe(char)}) が含まれています。",
            f"A key contains a character that cannot be stored ({_describe(char)}).",
        )
    if _reserved(key):
        return (
            f"項目名「{key}」は専用の欄があるため使えません。",
            f"The key {key!r} is reserved for a field of its own.",
        )
    return None


def extra_metadata(value) -> dict:
    """DRF validator of ``extra_metadata``: refuses with one message per bad key."""
    if not isinstance(value, dict):
        raise serializers.ValidationError("オブジェクトで指定してください。 / Must be an object.")
    if len(value) > MAX_EXTRA_KEYS:
        raise serializers.ValidationError(
            f"項目は {MAX_EXTRA_KEYS} 個までです。 / At most {MAX_EXTRA_KEYS} keys."
        )
    problems = {}
    for key, item in value.items():
        problem = _key_problem(key) or _value_problem(item)
        if problem is not None:
            # The key itself may be what is wrong with it: name it by its position.
            name = key if unsafe_character(key) is None else f"#{len(problems) + 1}"
            problems[name[:MAX_EXTRA_KEY_CHARS]] = " / ".join(problem)
    if problems:
        raise serializers.ValidationError(problems)
    return value


def _escaped(text: str) -> str:
    """Text with lone surrogates and control characters written as visible escapes."""
    if unsafe_character(text) is None:
        return text
    return "".join(
        char.encode("unicode_escape").decode("ascii") if unsafe_character(char) else char
        for char in text
    )


def _displayable_value(value):
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return _escaped(value)
    return _escaped(repr(value))  # nested data stored before the rules: shown as text


def displayable_extra(extra) -> dict:
    """Stored ``extra_metadata`` as the API shows it: every key and value safe to render,
    reserved keys left out (the typed field is shown instead)."""
    if not isinstance(extra, dict):
        return {}
    return {
        _escaped(str(key)): _displayable_value(value)
        for key, value in extra.items()
        if not _reserved(str(key))
    }
