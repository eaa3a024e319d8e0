"""``GET /api/approvals/dashboard/``: the figures of :mod:`approvals.stats` as JSON."""

from __future__ import annotations

import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import stats
from approvals.labels import STEP_KIND_EN
from approvals.models import StepKind
from dms.errors import InvalidParameter

STEP_KIND_JA = dict(StepKind.choices)
MAX_WAITING = 50


class SectionFiguresSerializer(serializers.Serializer):
    section_id = serializers.IntegerField()
    section = serializers.CharField()
    decided_electronically = serializers.IntegerField(help_text="期間内に電子決裁された案件数")
    decided_on_paper = serializers.IntegerField(
        help_text="期間内に作成され、どの案件にも含まれない起案文書の数（紙決裁）"
    )
    electronic_rate = serializers.FloatField(allow_null=True, help_text="電子決裁率 (0–1)")
    submitted = serializers.IntegerField(help_text="期間内に起案された案件数")
    returned = serializers.IntegerField(help_text="うち差戻しのあった案件数")
    return_rate = serializers.FloatField(allow_null=True, help_text="差戻し率 (0–1)")


class StepMedianSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=StepKind.choices)
    label = serializers.CharField()
    label_en = serializers.CharField()
    median_hours = serializers.FloatField(allow_null=True)
    completed = serializers.IntegerField()


class WaitingSerializer(serializers.Serializer):
    task_id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    case_title = serializers.CharField()
    section = serializers.CharField()
    step_kind = serializers.ChoiceField(choices=StepKind.choices)
    assignee = serializers.CharField()
    holder = serializers.CharField()
    since = serializers.DateTimeField()
    hours = serializers.FloatField(help_text="待ち時間（時間）")


class DashboardSerializer(serializers.Serializer):
    date_from = serializers.DateField()
    date_to = serializers.DateField()
    all_sections = serializers.BooleanField(help_text="全課（管理者）か、所属長の所管のみか")
    sections = SectionFiguresSerializer(many=True)
    steps = StepMedianSerializer(many=True)
    case_median_hours = serializers.FloatField(
        allow_null=True, help_text="起案から決裁までの時間の中央値（時間）"
    )
    cases_decided = serializers.IntegerField()
    waiting_longest = WaitingSerializer(many=True)


def _date(request, name: str, default: dt.date) -> dt.date:
    raw = request.query_params.get(name)
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidParameter(
            name, f"{name} は YYYY-MM-DD 形式の日付です。", f"{name} must be a YYYY-MM-DD date."
        ) from None


def _limit(request) -> int:
    raw = request.query_params.get("limit") or "10"
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_WAITING:
        raise InvalidParameter(
            "limit",
            f"limit は 1 から {MAX_WAITING} までの整数です。",
            f"limit is a whole number from 1 to {MAX_WAITING}.",
        )
    return int(raw)


class DashboardView(APIView):
    """決裁の統計: administrators see every section, department heads their own."""

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="期間の初日（既定: 年度初め）"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="期間の末日（既定: 今日）"),
            OpenApiParameter("limit", OpenApiTypes.INT, description="滞留案件の件数 (1–50)"),
        ],
        responses=DashboardSerializer,
    )
    def get(self, request):
        first, last = stats.default_period()
        date_from, date_to = _date(request, "from", first), _date(request, "to", last)
        if date_from > date_to:
            raise InvalidParameter("from", "期間の初日が末日より後です。", "from is after to.")
        board = stats.dashboard(request.user, date_from, date_to, waiting_limit=_limit(request))
        body = {
            "date_from": board.date_from,
            "date_to": board.date_to,
            "all_sections": board.all_sections,
            "sections": [
                {**vars(s), "electronic_rate": s.electronic_rate, "return_rate": s.return_rate}
                for s in board.sections
            ],
            "steps": [
                {
                    "kind": kind,
                    "label": STEP_KIND_JA[kind],
                    "label_en": STEP_KIND_EN.get(kind, kind),
                    "median_hours": board.step_median_hours[kind],
                    "completed": board.steps_completed[kind],
                }
                for kind in StepKind.values
            ],
            "case_median_hours": board.case_median_hours,
            "cases_decided": board.cases_decided,
            "waiting_longest": [vars(w) for w in board.waiting_longest],
        }
        return Response(DashboardSerializer(body).data)
