"""``GET /api/search/``: full-text search with filters, facets and highlights.

:class:`SearchParams` reads the parameters. Every problem with them is a 400 with a
Japanese ``message`` and an English ``message_en`` (never a 500): ``invalid_parameter``
naming the parameter in ``field``, or a code of its own (the query's syntax errors,
``result_window``, ``missing_query``); an engine that cannot be reached is a 503.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.documents.models import Status
from dms.errors import ApiError, InvalidParameter
from ja.dates import parse_date
from search.backends.base import Filters, SearchRequest, SearchUnavailable
from search.params import (
    BooleanParam,
    ChoiceParam,
    IntegerParam,
    IntegersParam,
    ListParam,
    Param,
    Text,
    TextParam,
)
from search.query import QuerySyntaxError, parse
from search.service import search_documents

logger = logging.getLogger(__name__)

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
RESULT_WINDOW = 10_000  # the engines' max_result_window
SORTS = ("relevance", "date", "date_asc")

# Refusals, Japanese and English (see search.params).
NOT_A_DATE = (
    "{label}は日付(例: 2024-04-01 または 令和6年4月1日)で指定してください。",
    "{name} must be a date such as 2024-04-01.",
)
PAGE_SIZE_RANGE = (
    f"{{label}}は 1〜{MAX_PAGE_SIZE} で指定してください。",
    f"{{name}} must be between 1 and {MAX_PAGE_SIZE}.",
)


class DateParam(Param, serializers.DateField):
    """ISO 8601 or as Japanese documents write dates: 令和6年4月1日, R6.4.1 …"""

    refusals = {"invalid": NOT_A_DATE}

    def to_internal_value(self, data):
        try:
            return dt.date.fromisoformat(data)
        except ValueError:
            parsed = parse_date(data)
        if parsed is None:
            self.fail("invalid")
        return parsed


class StatusesParam(ListParam):
    def __init__(self, **kwargs) -> None:
        super().__init__(child=serializers.ChoiceField(Status.values), **kwargs)

    def refused(self, code: str, data) -> InvalidParameter:
        unknown = ", ".join(value for value in data if value not in Status.values)
        known = ", ".join(Status.values)
        return InvalidParameter(
            self.field_name,
            f"処理状況 {unknown} はありません({known})。",
            f"Unknown status {unknown}; use one of {known}.",
        )


@extend_schema_field(OpenApiTypes.STR)
class QueryParam(serializers.Field):
    """``q`` as its syntax tree (None when blank)."""

    def to_internal_value(self, data):
        try:
            return parse(data)
        except QuerySyntaxError as error:
            # Converted here, the one place it reaches the API: the parser stays plain
            # Python (the backends' tests and the benchmark use it) and does not know
            # which parameter its text came from.
            raise ApiError(error.code, error.message, error.message_en, field="q") from error


class SearchParams(serializers.Serializer):
    """The parameters of ``GET /api/search/``, checked in this order (the first refusal is
    the answer); :meth:`search_request` makes them into a :class:`SearchRequest`. A filter
    parameter's ``source`` is its :class:`Filters` attribute."""

    q = QueryParam(required=False, default=None, help_text='検索語 (AND/OR/NOT, "…")')
    status = StatusesParam(source="statuses", label="処理状況")
    counterparty = TextParam(
        max_length=200,
        label="取引先",
        refusals={
            "max_length": (
                "取引先が長すぎます(最大 200 文字)。",
                "counterparty is too long (200 characters at most).",
            )
        },
    )
    department = IntegersParam(source="departments", label="組織")
    document_type = ListParam(child=Text(), source="document_types")
    fiscal_year = IntegersParam(source="fiscal_years", label="年度", min_value=1, max_value=9999)
    date_from = DateParam(label="文書日付(開始)")
    date_to = DateParam(label="文書日付(終了)")
    amount_min = IntegerParam(label="金額(下限)")
    amount_max = IntegerParam(label="金額(上限)")
    created_from = DateParam(label="作成日(開始)")
    created_to = DateParam(label="作成日(終了)")
    contains_personal_number = BooleanParam(label="個人番号の有無")
    page = IntegerParam(
        label="ページ",
        default=1,
        min_value=1,
        refusals={"min_value": ("ページは 1 以上で指定してください。", "page must be 1 or more.")},
    )
    page_size = IntegerParam(
        label="1ページの件数",
        default=DEFAULT_PAGE_SIZE,
        min_value=1,
        max_value=MAX_PAGE_SIZE,
        refusals={"min_value": PAGE_SIZE_RANGE, "max_value": PAGE_SIZE_RANGE},
    )
    include_deleted = BooleanParam(label="削除済みを含む", default=False)
    sort = ChoiceParam(
        choices=SORTS,
        help_text="検索語があれば relevance、なければ date が既定",
        refusals={
            "invalid_choice": (
                f"並び順は {' / '.join(SORTS)} のいずれかです。",
                f"sort must be one of {', '.join(SORTS)}.",
            )
        },
    )

    def validate(self, attrs: dict) -> dict:
        for name, label, low, high in RANGES:
            if None not in (attrs.get(low), attrs.get(high)) and attrs[low] > attrs[high]:
                raise InvalidParameter(
                    name,
                    f"{label}の範囲が正しくありません(開始が終了より後です)。",
                    f"The {name} range is empty: its start is after its end.",
                )
        if (attrs["page"] - 1) * attrs["page_size"] >= RESULT_WINDOW:
            raise ApiError(
                "result_window",
                f"表示できるのは先頭 {RESULT_WINDOW} 件までです。条件を絞り込んでください。",
                f"Only the first {RESULT_WINDOW} results can be paged; narrow the search.",
                field="page",
            )
        attrs.setdefault("sort", "relevance" if attrs["q"] is not None else "date")
        if attrs["include_deleted"] and not self.context["request"].user.sees_everything:
            raise ApiError(
                "forbidden",
                "削除済み文書の検索は文書管理者だけができます。",
                "Only records officers may search deleted documents.",
                status=403,
            )
        attrs["filters"] = Filters(**{name: attrs.pop(name) for name in FILTERS if name in attrs})
        if attrs["q"] is None and attrs["filters"] == Filters():
            raise ApiError(
                "missing_query",
                "検索語または絞り込み条件を指定してください。",
                "Give a search term (q) or at least one filter.",
                field="q",
            )
        return attrs

    def search_request(self) -> SearchRequest:
        params = self.validated_data
        offset = (params["page"] - 1) * params["page_size"]
        return SearchRequest(
            query=params["q"],
            filters=params["filters"],
            include_deleted=params["include_deleted"],
            sort=params["sort"],
            offset=offset,
            limit=min(params["page_size"], RESULT_WINDOW - offset),
        )


FILTERS = tuple(field.name for field in dataclasses.fields(Filters))
# A range's name in the answer's ``field``, its Japanese name, its two bounds.
RANGES = (
    ("date", "文書日付", "date_from", "date_to"),
    ("amount", "金額", "amount_min", "amount_max"),
    ("created", "作成日", "created_from", "created_to"),
)


class SearchView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[SearchParams], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        params = SearchParams(data=request.query_params, context={"request": request})
        params.is_valid(raise_exception=True)
        try:
            result = search_documents(request.user, params.search_request())
        except SearchUnavailable as exc:
            logger.warning("search engine unavailable: %s", exc)
            raise ApiError(
                "search_unavailable",
                "検索エンジンに接続できません。しばらくしてから再度お試しください。",
                "The search engine cannot be reached. Please try again later.",
                status=503,
            ) from exc
        return Response(
            {
                "count": result.count,
                # False: a lower bound (the index is behind; see search.service)
                "count_exact": result.count_exact,
                "page": params.validated_data["page"],
                "page_size": params.validated_data["page_size"],
                "results": result.results,
                "facets": result.facets,
                "engine": result.engine,
                "analysis": result.analysis,
            }
        )
