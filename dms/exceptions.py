"""API errors people can read: a backend that is down answers 503 with a clear message."""

from django.db import DatabaseError
from rest_framework.response import Response
from rest_framework.views import exception_handler

from dms.storage import StoreUnavailable


def api_exception_handler(exc, context):
    response = exception_handler(exc, context)
    if response is not None:
        return response
    if isinstance(exc, DatabaseError):
        return Response(
            {
                "error": "database_unavailable",
                "message": "データベースに接続できません。しばらくしてから再度お試しください。",
                "message_en": "The database cannot be reached. Please try again later.",
            },
            status=503,
        )
    if isinstance(exc, StoreUnavailable):
        return Response(
            {
                "error": "object_store_unavailable",
                "message": "文書保管庫に接続できません。しばらくしてから再度お試しください。",
                "message_en": "The object store cannot be reached. Please try again later.",
            },
            status=503,
        )
    return None
