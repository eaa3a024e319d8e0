"""One error type for the whole API, in Japanese and English.

Every error a client sees has the same body::

    {"error": "<code>", "message": "<日本語>", "message_en": "<English>", ...}

Extra keys say where the fault is: ``field`` (one parameter), or one key per form field
with its messages (serializer validation, which the web app shows beside each control).

Code raises :class:`ApiError` (or a subclass) with both texts; the DRF exception handler
(:func:`api_exception_handler`) renders it, and it also renders DRF's own exceptions,
Django's 404 and the outages of the database and the object store in the same shape.
Messages are written as ja/en pairs at the place that raises them rather than through
gettext catalogues: the API always answers with both, so the web app can switch language
without asking again, and there is no catalogue to keep in step.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, DataError, IntegrityError, InterfaceError
from django.http import Http404
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler

from dms.storage import ObjectNotFound, StoreUnavailable

logger = logging.getLogger(__name__)


class ApiError(drf.APIException):
    """A refusal a person can read: a code, a message in Japanese and English, a status."""

    status_code = 400

    def __init__(
        self, code: str, message: str, message_en: str, status: int | None = None, **extra
    ) -> None:
        super().__init__(detail=message, code=code)
        self.code = code
        self.message = message
        self.message_en = message_en
        if status is not None:
            self.status_code = status
        self.extra = extra

    @property
    def status(self) -> int:
        return self.status_code

    def as_body(self) -> dict:
        return {"error": self.code, "message": self.message, "message_en": self.message_en} | (
            self.extra
        )

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en or self.message}"


class NotFoundError(ApiError):
    status_code = 404

    def __init__(self, message: str = "見つかりません。", message_en: str = "Not found.") -> None:
        super().__init__("not_found", message, message_en)


class InvalidParameter(ApiError):
    """A query parameter or field whose value cannot be used; names the field."""

    def __init__(self, field: str, message: str, message_en: str) -> None:
        super().__init__("invalid_parameter", message, message_en, field=field)


# DRF's own exceptions, by class, as ja/en pairs (their detail text is English only).
_DRF_MESSAGES: dict[type[drf.APIException], tuple[str, str, str]] = {
    drf.NotAuthenticated: ("not_authenticated", "ログインしてください。", "Please sign in."),
    drf.AuthenticationFailed: (
        "authentication_failed",
        "認証に失敗しました。もう一度ログインしてください。",
        "Authentication failed. Please sign in again.",
    ),
    drf.PermissionDenied: ("not_allowed", "この操作の権限がありません。", "You may not do this."),
    drf.NotFound: ("not_found", "見つかりません。", "Not found."),
    drf.MethodNotAllowed: (
        "method_not_allowed",
        "この操作には対応していません。",
        "This method is not allowed here.",
    ),
    drf.NotAcceptable: (
        "not_acceptable",
        "要求された形式では応答できません。",
        "The requested response format is not available.",
    ),
    drf.UnsupportedMediaType: (
        "unsupported_media_type",
        "送信された形式には対応していません。",
        "The request body's media type is not supported.",
    ),
    drf.ParseError: (
        "malformed_request",
        "送信内容を読み取れません。",
        "The request body could not be read.",
    ),
    drf.Throttled: (
        "throttled",
        "操作が多すぎます。しばらくしてから再度お試しください。",
        "Too many requests. Please try again later.",
    ),
}

DATABASE_DOWN = ApiError(
    "database_unavailable",
    "データベースに接続できません。しばらくしてから再度お試しください。",
    "The database cannot be reached. Please try again later.",
    503,
)
# A value or a state the database refused: the request's fault, or a race, not an outage.
# Each is logged, since the input should have been refused before it reached the database.
VALUE_REFUSED = ApiError(
    "invalid_value",
    "値が範囲外か、保存できない形式です。入力内容を確認してください。",
    "A value is out of range or cannot be stored. Please check the input.",
    400,
)
CONFLICT = ApiError(
    "conflict",
    "同時に行われた別の変更と競合しました。画面を更新して再度お試しください。",
    "This conflicts with another change made at the same time. Reload and try again.",
    409,
)
STORED_FILE_MISSING = ApiError(
    "stored_file_missing",
    "保管されているはずのファイルが文書保管庫にありません。管理者に連絡してください。",
    "The stored file is missing from the object store. Please contact the administrator.",
    410,
)
STORE_DOWN = ApiError(
    "object_store_unavailable",
    "文書保管庫に接続できません。しばらくしてから再度お試しください。",
    "The object store cannot be reached. Please try again later.",
    503,
)


def _validation_body(detail) -> dict:
    """Serializer errors: per-field messages beside one summary in both languages."""
    fields = detail if isinstance(detail, dict) else {"non_field_errors": detail}
    texts = [str(text) for messages in fields.values() for text in _flatten(messages)]
    names = ", ".join(str(name) for name in fields)
    return {
        "error": "invalid",
        "message": " ".join(texts) or "入力内容を確認してください。",
        "message_en": f"Some values are not valid: {names}.",
        **fields,
    }


def _flatten(value):
    if isinstance(value, dict):
        for inner in value.values():
            yield from _flatten(inner)
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _flatten(inner)
    else:
        yield value


def error_response(error: ApiError) -> Response:
    response = Response(error.as_body(), status=error.status_code)
    if isinstance(error.extra.get("retry_after"), int):  # a 429 or 503 that knows how long
        response["Retry-After"] = str(error.extra["retry_after"])
    return response


def api_exception_handler(exc, context):
    if isinstance(exc, ApiError):
        return error_response(exc)
    if isinstance(exc, drf.ValidationError):
        return Response(_validation_body(exc.detail), status=400)
    if isinstance(exc, Http404):
        exc = drf.NotFound()
    if isinstance(exc, drf.APIException):
        response = exception_handler(exc, context)  # keeps DRF's headers (Allow, Retry-After)
        code, message, message_en = next(
            (pair for kind, pair in _DRF_MESSAGES.items() if isinstance(exc, kind)),
            ("error", "処理できませんでした。", str(exc.detail)),
        )
        response.data = {"error": code, "message": message, "message_en": message_en}
        return response
    if isinstance(exc, DataError):
        logger.warning("database refused a value: %s", exc)
        return error_response(VALUE_REFUSED)
    if isinstance(exc, IntegrityError):
        logger.warning("database integrity refusal: %s", exc)
        return error_response(CONFLICT)
    # OperationalError, and InterfaceError (a closed connection; no DatabaseError): an outage
    if isinstance(exc, DatabaseError | InterfaceError):
        return error_response(DATABASE_DOWN)
    if isinstance(exc, ObjectNotFound):
        # A recorded object that is gone is data loss, not a client's mistake: say so
        # truthfully, and loudly in the log (the operator must restore it from backup).
        request = context.get("request")
        logger.error(
            "STORED OBJECT MISSING, restore it from backup (%s %s): %s",
            getattr(request, "method", ""),
            getattr(request, "path", ""),
            exc,
        )
        return error_response(STORED_FILE_MISSING)
    if isinstance(exc, StoreUnavailable):
        return error_response(STORE_DOWN)
    return None
