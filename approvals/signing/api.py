"""The signing endpoints under ``/api/approvals/``: the verification report, the latest
decision PDF and the preview of the stamp a person's next action would place.

Visibility is that of the case (:func:`approvals.access.visible_case`): 404 for others.
"""

from __future__ import annotations

import subprocess

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import access
from approvals.models import Capacity
from approvals.pdf.layout import StampFacts
from approvals.signing import flow, keys
from approvals.signing.models import StampPreference
from approvals.signing.stamp import render_stamp_png
from approvals.signing.verification import verify_case
from dms.errors import ApiError, InvalidParameter, NotFoundError
from ja.dates import DateStyle


class SignatureSerializer(serializers.Serializer):
    field_name = serializers.CharField()
    signer = serializers.CharField(help_text="証明書の名義")
    signer_name = serializers.CharField(help_text="署名した職員（文書タイムスタンプは TSA）")
    action = serializers.CharField(required=False)
    capacity = serializers.CharField(help_text="principal 本人 / proxy 代決 / post_review 後閲")
    capacity_label = serializers.CharField()
    capacity_label_en = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True, help_text="署名者の申告時刻")
    timestamp_at = serializers.DateTimeField(allow_null=True, help_text="タイムスタンプの時刻")
    timestamp_authority = serializers.CharField()
    intact = serializers.BooleanField(help_text="署名後に署名範囲が改変されていない")
    valid = serializers.BooleanField()
    trusted = serializers.BooleanField(help_text="証明書が信頼する認証局に連なる")
    whole_file = serializers.BooleanField(help_text="ファイル全体を覆う（最後の改訂）")
    coverage = serializers.CharField()
    document_timestamp = serializers.BooleanField()


class PendingSerializer(serializers.Serializer):
    event = serializers.IntegerField()
    action = serializers.CharField()
    capacity = serializers.CharField()
    capacity_label = serializers.CharField()
    capacity_label_en = serializers.CharField()
    signer_name = serializers.CharField()
    acted_at = serializers.DateTimeField()


class VerificationSerializer(serializers.Serializer):
    case = serializers.IntegerField()
    revision = serializers.IntegerField(allow_null=True, help_text="検証した改訂の番号")
    sha256 = serializers.CharField(allow_null=True)
    revisions = serializers.IntegerField()
    signatures = SignatureSerializer(many=True)
    pending = PendingSerializer(many=True, help_text="記録済みで署名待ちの操作（経路順）")
    all_valid = serializers.BooleanField()


class VerificationView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["approvals"],
        summary="決裁文書PDFの署名検証",
        responses={200: VerificationSerializer},
    )
    def get(self, request, id: int):
        case = access.visible_case(request.user, id)
        return Response(verify_case(case))


class DecisionPdfView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["approvals"],
        summary="決裁文書PDF（最新の改訂）",
        responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request, id: int):
        case = access.visible_case(request.user, id)
        revision = flow.latest_revision(case)
        if revision is None:
            raise NotFoundError(
                "この案件の決裁文書PDFはまだありません。",
                "This case has no decision PDF yet.",
            )
        response = HttpResponse(flow.read_revision(revision), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="decision-{case.pk}.pdf"'
        response["X-Kiroku-Revision"] = str(revision.index)
        response["X-Kiroku-SHA256"] = revision.sha256
        return response


CAPACITY_OF = {"proxy_decide": Capacity.PROXY, "post_review": Capacity.POST_REVIEW}


def preview_facts(user, action: str) -> StampFacts:
    """The stamp ``user`` would place now with ``action`` (as the signer will draw it)."""
    pref = StampPreference.objects.filter(user=user).first()
    now = timezone.localtime()
    return StampFacts(
        section_name=keys.section_name(user),
        surname=keys.surname(user),
        day=now.date(),
        date_style=DateStyle(pref.date_style) if pref else DateStyle.ERA_LETTER,
        personal_seal=bool(pref and pref.personal_seal),
        capacity=CAPACITY_OF.get(action, Capacity.PRINCIPAL),
        action=action,
        acted_at=now,
    )


class StampPreviewView(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["approvals"],
        summary="次の操作で押される日付印のプレビュー (PNG)",
        parameters=[
            OpenApiParameter("action", str, enum=list(flow.STAMPED), required=True),
        ],
        responses={(200, "image/png"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request, id: int):
        access.visible_case(request.user, id)
        action = request.query_params.get("action", "")
        if action not in flow.STAMPED:
            raise InvalidParameter(
                "action",
                f"action は {', '.join(flow.STAMPED)} のいずれかです。",
                f"action must be one of {', '.join(flow.STAMPED)}.",
            )
        try:
            png = render_stamp_png(preview_facts(request.user, action))
        except (OSError, subprocess.SubprocessError) as exc:  # no poppler: text shown instead
            raise ApiError(
                "stamp_preview_unavailable",
                "日付印のプレビューを作成できません。",
                "The stamp preview cannot be drawn.",
                status=503,
            ) from exc
        response = HttpResponse(png, content_type="image/png")
        response["Cache-Control"] = "private, max-age=60"
        return response


class StampPreferenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = StampPreference
        fields = ["date_style", "personal_seal"]


class StampPreferenceView(APIView):
    """The requesting person's own stamp: date style (R6.4.1 / 6.4.1 / 2024.4.1) and
    日付印 or 認印 (surname only). Defaults until set: R6.4.1, 日付印."""

    permission_classes = [IsAuthenticated]

    def _current(self, user) -> StampPreference:
        return StampPreference.objects.filter(user=user).first() or StampPreference(user=user)

    @extend_schema(
        tags=["approvals"], summary="自分の印影の設定", responses=StampPreferenceSerializer
    )
    def get(self, request):
        return Response(StampPreferenceSerializer(self._current(request.user)).data)

    @extend_schema(
        tags=["approvals"],
        summary="自分の印影の設定を変更",
        request=StampPreferenceSerializer,
        responses=StampPreferenceSerializer,
    )
    def put(self, request):
        serializer = StampPreferenceSerializer(
            self._current(request.user), data=request.data, partial=True
        )
        serializer.is_valid(raise_exception=True)
        serializer.save(user=request.user)
        return Response(serializer.data)
