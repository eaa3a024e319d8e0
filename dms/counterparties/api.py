"""The counterparty registry (list, create, edit, merge, aliases) and a document's extracted
values (list, confirm, correct)."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from dms.counterparties import services
from dms.counterparties.models import ExtractedValue, Field, KnownCounterparty
from dms.counterparties.serializers import (
    ExtractedValueCorrectionSerializer,
    ExtractedValueSerializer,
    KnownCounterpartySerializer,
    MergeSerializer,
)
from dms.documents.models import Document
from dms.documents.serializers import DocumentUpdateSerializer
from dms.errors import ApiError
from ja.legal_forms import counterparty_key


class KnownCounterpartyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = KnownCounterpartySerializer

    def get_queryset(self):
        entries = KnownCounterparty.objects.all()
        query = self.request.query_params.get("q")
        if query:
            entries = entries.filter(
                Q(key__contains=counterparty_key(query))
                | Q(name__contains=query)
                | Q(invoice_number__contains=query)
            )
        return entries

    def perform_create(self, serializer):
        _refuse_duplicate(serializer.validated_data["name"])
        serializer.save()

    def perform_update(self, serializer):
        if "name" in serializer.validated_data:
            _refuse_duplicate(serializer.validated_data["name"], serializer.instance.pk)
        serializer.save()

    @extend_schema(request=MergeSerializer, responses=KnownCounterpartySerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Fold the listed duplicates into this entry (names become aliases). Records
        officers and administrators only: merging deletes entries every department uses."""
        if not request.user.sees_everything:
            raise ApiError(
                "not_allowed",
                "取引先の統合は文書管理者のみ行えます。",
                "Only records officers may merge counterparties.",
                status=403,
            )
        target = self.get_object()
        serializer = MergeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ids = serializer.validated_data["merge_ids"]
        others = list(KnownCounterparty.objects.filter(pk__in=ids).exclude(pk=target.pk))
        if not others:
            raise ApiError(
                "nothing_to_merge",
                "統合する取引先が見つかりません。",
                "No counterparty to merge was found.",
                field="merge_ids",
            )
        return Response(KnownCounterpartySerializer(services.merge(target, others)).data)


def _refuse_duplicate(name: str, pk: int | None = None) -> None:
    """One entry per folded name: a second one would split the documents between them."""
    if KnownCounterparty.objects.filter(key=counterparty_key(name)).exclude(pk=pk).exists():
        raise ApiError(
            "counterparty_exists",
            f"{name} は登録済みです (同じ名称の取引先があります)。",
            f"{name} is already registered (a counterparty with the same name exists).",
            status=409,
            field="name",
        )


def _document(request, document_id) -> Document:
    return get_object_or_404(Document.objects.visible_to(request.user), pk=document_id)


def _field(name: str) -> str:
    if name not in Field.values:
        raise ApiError(
            "unknown_field",
            "この項目は確認・訂正できません。",
            "This field cannot be confirmed or corrected.",
            status=404,
        )
    return name


class ExtractedValueList(APIView):
    @extend_schema(responses=ExtractedValueSerializer(many=True))
    def get(self, request, document_id):
        values = ExtractedValue.objects.filter(document=_document(request, document_id))
        return Response(ExtractedValueSerializer(values, many=True).data)


class ConfirmExtractedValue(APIView):
    @extend_schema(request=None, responses=ExtractedValueSerializer)
    def post(self, request, document_id, field):
        extracted = services.confirm(
            _document(request, document_id), _field(field), user=request.user, request=request
        )
        return Response(ExtractedValueSerializer(extracted).data)


class CorrectExtractedValue(APIView):
    @extend_schema(request=ExtractedValueCorrectionSerializer, responses=ExtractedValueSerializer)
    def post(self, request, document_id, field):
        field = _field(field)
        document = _document(request, document_id)
        body = ExtractedValueCorrectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        # the document's own validation of the field (types, ranges, plain text, type codes)
        check = DocumentUpdateSerializer(data={field: body.validated_data["value"]}, partial=True)
        check.is_valid(raise_exception=True)
        value = check.validated_data[field]
        extracted = services.correct(document, field, value, user=request.user, request=request)
        return Response(ExtractedValueSerializer(extracted).data, status=status.HTTP_200_OK)
