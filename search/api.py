"""``GET /api/search/``: full-text search with filters, facets and highlights.

Every problem with the input is a 400 with a Japanese ``message`` and an English
``message_en`` (never a 500); an engine that cannot be reached is a 503.
"""

from __future__ import annotations

import datetime as dt
import logging

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.documents.models import Status
from ja.dates import parse_date
from search.backends.base import Filters, SearchRequest, SearchUnavailable
from search.query import QuerySyntaxError, parse
from search.service import search_documents

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
RESULT_WINDOW = 10_000  # the engines' max_result_window
SORTS = ("relevance", "date", "date_asc")


class BadParameter(Exception):
    def __init__(self, field: str, message: str, message_en: str) -> None:
        super().__init__(message_en)
        self.field, self.message, self.message_en = field, message, message_en


def _bad(error: str, message: str, message_en: str, **extra) -> Response:
    return Response({"error": error, "message": message, "message_en": message_en, **extra}, 400)


def _values(params, name: str) -> list[str]:
    values = []
    for raw in params.getlist(name):
        values += [v.strip() for v in raw.replace("、", ",").split(",") if v.strip()]
    return values


def _ints(params, name: str, label: str) -> tuple[int, ...]:
    try:
        return tuple(int(v) for v in _values(params, name))
    except ValueError:
        raise BadParameter(
            name, f"{label}は整数で指定してください。", f"{name} must be an integer."
        ) from None


def _int(params, name: str, label: str, default: int | None = None) -> int | None:
    raw = params.get(name, "").strip().replace(",", "").replace("円", "").lstrip("¥￥")
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise BadParameter(
            name, f"{label}は整数で指定してください。", f"{name} must be an integer."
        ) from None


def _date(params, name: str, label: str) -> dt.date | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    parsed = parse_date(raw)  # 令和6年4月1日, R6.4.1 …
    if parsed is None:
        raise BadParameter(
            name,
            f"{label}は日付(例: 2024-04-01 または 令和6年4月1日)で指定してください。",
            f"{name} must be a date such as 2024-04-01.",
        )
    return parsed


def _bool(params, name: str, label: str) -> bool | None:
    raw = params.get(name, "").strip().lower()
    if not raw:
        return None
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise BadParameter(
        name, f"{label}は true か false で指定してください。", f"{name} must be true or false."
    )


def _range(name: str, label: str, low, high) -> None:
    if low is not None and high is not None and low > high:
        raise BadParameter(
            name,
            f"{label}の範囲が正しくありません(開始が終了より後です)。",
            f"The {name} range is empty: its start is after its end.",
        )


def parse_filters(params) -> Filters:
    statuses = tuple(_values(params, "status"))
    unknown = [s for s in statuses if s not in Status.values]
    if unknown:
        raise BadParameter(
            "status",
            f"処理状況 {', '.join(unknown)} はありません({', '.join(Status.values)})。",
            f"Unknown status {', '.join(unknown)}; use one of {', '.join(Status.values)}.",
        )
    counterparty = params.get("counterparty", "").strip()
    if len(counterparty) > 200:
        raise BadParameter(
            "counterparty",
            "取引先が長すぎます(最大 200 文字)。",
            "counterparty is too long (200 characters at most).",
        )
    filters = Filters(
        departments=_ints(params, "department", "組織"),
        document_types=tuple(_values(params, "document_type")),
        fiscal_years=_ints(params, "fiscal_year", "年度"),
        statuses=statuses,
        date_from=_date(params, "date_from", "文書日付(開始)"),
        date_to=_date(params, "date_to", "文書日付(終了)"),
        amount_min=_int(params, "amount_min", "金額(下限)"),
        amount_max=_int(params, "amount_max", "金額(上限)"),
        counterparty=counterparty,
        created_from=_date(params, "created_from", "作成日(開始)"),
        created_to=_date(params, "created_to", "作成日(終了)"),
        contains_personal_number=_bool(params, "contains_personal_number", "個人番号の有無"),
    )
    _range("date", "文書日付", filters.date_from, filters.date_to)
    _range("amount", "金額", filters.amount_min, filters.amount_max)
    _range("created", "作成日", filters.created_from, filters.created_to)
    return filters


class SearchView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, description='検索語 (AND/OR/NOT, "…")'),
            OpenApiParameter("page", OpenApiTypes.INT),
            OpenApiParameter("page_size", OpenApiTypes.INT),
            OpenApiParameter("sort", OpenApiTypes.STR, enum=SORTS),
            OpenApiParameter("department", OpenApiTypes.INT, many=True),
            OpenApiParameter("document_type", OpenApiTypes.STR, many=True),
            OpenApiParameter("fiscal_year", OpenApiTypes.INT, many=True),
            OpenApiParameter("status", OpenApiTypes.STR, many=True),
            OpenApiParameter("date_from", OpenApiTypes.DATE),
            OpenApiParameter("date_to", OpenApiTypes.DATE),
            OpenApiParameter("amount_min", OpenApiTypes.INT),
            OpenApiParameter("amount_max", OpenApiTypes.INT),
            OpenApiParameter("counterparty", OpenApiTypes.STR),
            OpenApiParameter("created_from", OpenApiTypes.DATE),
            OpenApiParameter("created_to", OpenApiTypes.DATE),
            OpenApiParameter("contains_personal_number", OpenApiTypes.BOOL),
            OpenApiParameter("include_deleted", OpenApiTypes.BOOL),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        params = request.query_params
        try:
            query = parse(params.get("q"))
        except QuerySyntaxError as exc:
            return _bad(exc.code, exc.message, exc.message_en, field="q")
        try:
            filters = parse_filters(params)
            page = _int(params, "page", "ページ", 1)
            page_size = _int(params, "page_size", "1ページの件数", DEFAULT_PAGE_SIZE)
            include_deleted = bool(_bool(params, "include_deleted", "削除済みを含む"))
        except BadParameter as exc:
            return _bad("invalid_parameter", exc.message, exc.message_en, field=exc.field)
        if page < 1:
            return _bad(
                "invalid_parameter",
                "ページは 1 以上で指定してください。",
                "page must be 1 or more.",
                field="page",
            )
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            return _bad(
                "invalid_parameter",
                f"1ページの件数は 1〜{MAX_PAGE_SIZE} で指定してください。",
                f"page_size must be between 1 and {MAX_PAGE_SIZE}.",
                field="page_size",
            )
        if (page - 1) * page_size >= RESULT_WINDOW:
            return _bad(
                "result_window",
                f"表示できるのは先頭 {RESULT_WINDOW} 件までです。条件を絞り込んでください。",
                f"Only the first {RESULT_WINDOW} results can be paged; narrow the search.",
                field="page",
            )
        sort = params.get("sort", "relevance" if query is not None else "date")
        if sort not in SORTS:
            return _bad(
                "invalid_parameter",
                f"並び順は {' / '.join(SORTS)} のいずれかです。",
                f"sort must be one of {', '.join(SORTS)}.",
                field="sort",
            )
        if include_deleted and not request.user.sees_everything:
            return Response(
                {
                    "error": "forbidden",
                    "message": "削除済み文書の検索は文書管理者だけができます。",
                    "message_en": "Only records officers may search deleted documents.",
                },
                403,
            )
        if query is None and filters == Filters():
            return _bad(
                "missing_query",
                "検索語または絞り込み条件を指定してください。",
                "Give a search term (q) or at least one filter.",
                field="q",
            )
        search_request = SearchRequest(
            query=query,
            filters=filters,
            include_deleted=include_deleted,
            sort=sort,
            offset=(page - 1) * page_size,
            limit=min(page_size, RESULT_WINDOW - (page - 1) * page_size),
        )
        try:
            result = search_documents(request.user, search_request)
        except SearchUnavailable as exc:
            logger.warning("search engine unavailable: %s", exc)
            return Response(
                {
                    "error": "search_unavailable",
                    "message": "検索エンジンに接続できません。しばらくしてから再度お試しください。",
                    "message_en": "The search engine cannot be reached. Please try again later.",
                },
                503,
            )
        return Response(
            {
                "count": result.count,
                "page": page,
                "page_size": page_size,
                "results": result.results,
                "facets": result.facets,
                "engine": result.engine,
                "analysis": result.analysis,
            }
        )
