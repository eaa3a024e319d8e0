"""Retention's REST API under ``/api/retention/``: classes, files (the register fields),
classification of documents (single and bulk), holds, extensions, 起算日 corrections and
所管換. Reads follow visibility (officers all, staff their sections' files, others 404);
every change goes through :mod:`retention.services`, which refuses non-officers.
"""

from __future__ import annotations

import django_filters
from django.db import transaction
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dms.accounts.models import Department
from dms.documents.models import Document
from retention import rules, services
from retention.models import (
    Action,
    DocumentRetention,
    Extension,
    Hold,
    HoldType,
    Medium,
    RecordFile,
    RetentionClass,
)


# --- serializers --------------------------------------------------------------------------
class RetentionClassSerializer(serializers.ModelSerializer):
    class Meta:
        model = RetentionClass
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "duration",
            "unit",
            "start_rule",
            "action",
            "registered",
            "sort_order",
            "active",
        ]


class HoldSerializer(serializers.ModelSerializer):
    hold_type_display = serializers.CharField(source="get_hold_type_display", read_only=True)

    class Meta:
        model = Hold
        fields = [
            "id",
            "record_file",
            "document",
            "hold_type",
            "hold_type_display",
            "reference",
            "started_on",
            "event_on",
            "until",
            "note",
            "created_at",
        ]
        read_only_fields = ["until", "created_at"]


class ExtensionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Extension
        fields = ["id", "record_file", "document", "years", "reason", "remark", "created_at"]
        read_only_fields = ["created_at"]


class RecordFileSerializer(serializers.ModelSerializer):
    retention_class = serializers.SlugRelatedField(
        slug_field="code", queryset=RetentionClass.objects.all()
    )
    custodian = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    creator_section = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), required=False, allow_null=True
    )
    period = serializers.SerializerMethodField()
    action_at_expiry = serializers.CharField(read_only=True)
    start_date_display = serializers.SerializerMethodField()
    expiry_display = serializers.SerializerMethodField()
    document_count = serializers.SerializerMethodField()

    class Meta:
        model = RecordFile
        fields = [
            "id",
            "retention_class",
            "title",
            "fiscal_year",
            "category_major",
            "category_middle",
            "creator_post",
            "creator_section",
            "medium",
            "location",
            "custodian",
            "remarks",
            "start_rule",
            "action",
            "action_at_expiry",
            "created_on",
            "completed_on",
            "start_date",
            "start_date_display",
            "base_expiry",
            "effective_expiry",
            "expiry_display",
            "open_hold",
            "period",
            "document_count",
            "closed_at",
        ]
        read_only_fields = ["closed_at"]

    def get_period(self, record_file) -> str:
        cls = record_file.retention_class
        years = [e.years for e in record_file.extensions.all()]
        return rules.period_text(cls.duration, cls.unit, years)

    def get_start_date_display(self, record_file) -> str:
        return rules.show(record_file.start_date)

    def get_expiry_display(self, record_file) -> str:
        return rules.show(record_file.effective_expiry)

    def get_document_count(self, record_file) -> int:
        return record_file.documents.count()


class RecordFileDetailSerializer(RecordFileSerializer):
    holds = HoldSerializer(many=True, read_only=True)
    extensions = ExtensionSerializer(many=True, read_only=True)
    corrections = serializers.SerializerMethodField()
    custody_transfers = serializers.SerializerMethodField()
    documents = serializers.SerializerMethodField()

    class Meta(RecordFileSerializer.Meta):
        fields = [
            *RecordFileSerializer.Meta.fields,
            "holds",
            "extensions",
            "corrections",
            "custody_transfers",
            "documents",
        ]

    def get_corrections(self, record_file) -> list[dict]:
        return [
            {
                "before": c.before,
                "after": c.after,
                "reason": c.reason,
                "by": c.corrected_by.username,
                "at": c.corrected_at,
            }
            for c in record_file.corrections.select_related("corrected_by")
        ]

    def get_custody_transfers(self, record_file) -> list[dict]:
        return [
            {
                "from": m.from_section.code,
                "to": m.to_section.code,
                "effective_on": m.effective_on,
                "reason": m.reason,
                "by": m.moved_by.username,
            }
            for m in record_file.custody_transfers.select_related(
                "from_section", "to_section", "moved_by"
            )
        ]

    def get_documents(self, record_file) -> list[dict]:
        return list(record_file.documents.values("document_id", "document__title"))


class DocumentRetentionSerializer(serializers.ModelSerializer):
    retention_class = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = DocumentRetention
        fields = [
            "document",
            "record_file",
            "retention_class",
            "start_date",
            "base_expiry",
            "effective_expiry",
            "open_hold",
            "lock_until",
            "lock_legal_hold",
            "lock_synced_at",
        ]


class ClassifySerializer(serializers.Serializer):
    document_ids = serializers.ListField(
        child=serializers.IntegerField(), min_length=1, max_length=500
    )
    record_file = serializers.IntegerField(required=False, allow_null=True)
    retention_class = serializers.SlugRelatedField(
        slug_field="code", queryset=RetentionClass.objects.all(), required=False, allow_null=True
    )


class EndHoldSerializer(serializers.Serializer):
    event_on = serializers.DateField()


class CorrectionSerializer(serializers.Serializer):
    record_file = serializers.IntegerField(required=False, allow_null=True)
    document = serializers.IntegerField(required=False, allow_null=True)
    start_date = serializers.DateField()
    reason = serializers.CharField(max_length=300)


class CustodySerializer(serializers.Serializer):
    file_ids = serializers.ListField(child=serializers.IntegerField(), min_length=1)
    to_section = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
    effective_on = serializers.DateField(required=False)


# --- filters ------------------------------------------------------------------------------
class RecordFileFilter(django_filters.FilterSet):
    fiscal_year = django_filters.NumberFilter()
    retention_class = django_filters.CharFilter(field_name="retention_class__code")
    custodian = django_filters.CharFilter(field_name="custodian__code")
    medium = django_filters.ChoiceFilter(choices=Medium.choices)
    open_hold = django_filters.BooleanFilter()
    expires_before = django_filters.DateFilter(field_name="effective_expiry", lookup_expr="lte")
    # The records dashboard's "expiring this fiscal year": a window, and only files kept.
    expires_after = django_filters.DateFilter(field_name="effective_expiry", lookup_expr="gte")
    closed = django_filters.BooleanFilter(
        field_name="closed_at", lookup_expr="isnull", exclude=True
    )
    action = django_filters.ChoiceFilter(choices=Action.choices)
    title = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = RecordFile
        fields = ["fiscal_year", "retention_class", "custodian", "medium", "open_hold"]


class HoldFilter(django_filters.FilterSet):
    hold_type = django_filters.ChoiceFilter(choices=HoldType.choices)
    open = django_filters.BooleanFilter(field_name="event_on", lookup_expr="isnull")
    record_file = django_filters.NumberFilter()
    document = django_filters.NumberFilter()

    class Meta:
        model = Hold
        fields = ["hold_type", "record_file", "document"]


# --- helpers ------------------------------------------------------------------------------
def _visible_file(user, pk) -> RecordFile:
    return get_object_or_404(services.visible_files(user), pk=pk)


def _visible_document(user, pk) -> Document:
    return get_object_or_404(Document.objects.visible_to(user), pk=pk)


def _target(request, data) -> dict:
    """The hold's or extension's target, each visible to the user (else 404)."""
    user = request.user
    record_file = data.get("record_file")
    document = data.get("document")
    return {
        "record_file": _visible_file(user, getattr(record_file, "pk", record_file))
        if record_file
        else None,
        "document": _visible_document(user, getattr(document, "pk", document))
        if document
        else None,
    }


# --- views --------------------------------------------------------------------------------
class RetentionClassViewSet(viewsets.ModelViewSet):
    serializer_class = RetentionClassSerializer
    queryset = RetentionClass.objects.all()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer):
        services.require_officer(self.request.user)
        serializer.save()

    def perform_update(self, serializer):
        services.require_officer(self.request.user)
        if serializer.instance.files.exists() and {"duration", "unit", "start_rule"} & set(
            serializer.validated_data
        ):
            raise services.RetentionRefused(
                "class_in_use",
                "使用中の保存期間の期間・起算日の規則は変更できません。",
                "The period or start rule of a class in use cannot change.",
            )
        serializer.save()


class RecordFileViewSet(viewsets.ModelViewSet):
    filter_backends = [DjangoFilterBackend]
    filterset_class = RecordFileFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RecordFile.objects.none()
        return services.visible_files(self.request.user).prefetch_related("extensions")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return RecordFileDetailSerializer
        return RecordFileSerializer

    def perform_create(self, serializer):
        serializer.instance = services.create_file(
            serializer.validated_data, user=self.request.user, request=self.request
        )

    def perform_update(self, serializer):
        serializer.instance = services.update_file(
            serializer.instance,
            serializer.validated_data,
            user=self.request.user,
            request=self.request,
        )

    def perform_destroy(self, instance):
        services.require_officer(self.request.user)
        if instance.documents.exists() or instance.holds.exists():
            raise services.RetentionRefused(
                "file_not_empty",
                "文書または保留のあるファイルは削除できません。",
                "A file with documents or holds cannot be deleted.",
            )
        with transaction.atomic():
            instance.extensions.all().delete()
            instance.corrections.all().delete()
            instance.custody_transfers.all().delete()
            instance.delete()

    @extend_schema(request=ClassifySerializer, responses=DocumentRetentionSerializer(many=True))
    @action(detail=True, methods=["post"])
    def classify(self, request, pk=None):
        """Put documents into this file (bulk: all or nothing)."""
        record_file = self.get_object()
        body = ClassifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        documents = [
            _visible_document(request.user, pk) for pk in body.validated_data["document_ids"]
        ]
        entries = services.classify_many(
            documents,
            record_file=record_file,
            retention_class=body.validated_data.get("retention_class"),
            user=request.user,
            request=request,
        )
        return Response(DocumentRetentionSerializer(entries, many=True).data)

    @extend_schema(request=CustodySerializer, responses=RecordFileSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="transfer-custody")
    def transfer_custody(self, request):
        """所管換: move files to another custodian section (history kept)."""
        body = CustodySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        files = [_visible_file(request.user, pk) for pk in body.validated_data["file_ids"]]
        services.transfer_custody(
            files,
            body.validated_data["to_section"],
            reason=body.validated_data.get("reason", ""),
            effective_on=body.validated_data.get("effective_on"),
            user=request.user,
            request=request,
        )
        moved = RecordFile.objects.filter(pk__in=[f.pk for f in files])
        return Response(RecordFileSerializer(moved, many=True).data)


class DocumentRetentionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A document's retention (``/api/retention/documents/<document id>/``)."""

    serializer_class = DocumentRetentionSerializer
    lookup_field = "document"
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DocumentRetention.objects.none()
        visible = Document.objects.visible_to(self.request.user).values("pk")
        return DocumentRetention.objects.filter(document__in=visible)

    @extend_schema(request=ClassifySerializer, responses=DocumentRetentionSerializer(many=True))
    @action(detail=False, methods=["post"])
    def classify(self, request):
        """Classify documents (bulk): into a file, or each alone with a class."""
        body = ClassifySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        documents = [_visible_document(request.user, pk) for pk in data["document_ids"]]
        record_file = (
            _visible_file(request.user, data["record_file"]) if data.get("record_file") else None
        )
        entries = services.classify_many(
            documents,
            record_file=record_file,
            retention_class=data.get("retention_class"),
            user=request.user,
            request=request,
        )
        return Response(DocumentRetentionSerializer(entries, many=True).data)

    @extend_schema(request=CorrectionSerializer, responses=DocumentRetentionSerializer)
    @action(detail=False, methods=["post"], url_path="correct-start-date")
    def correct_start_date(self, request):
        """Correct the 起算日 of a file or a standalone document, with a reason."""
        body = CorrectionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        correction = services.correct_start_date(
            **_target(request, data),
            start_date=data["start_date"],
            reason=data["reason"],
            user=request.user,
            request=request,
        )
        return Response(
            {"before": correction.before, "after": correction.after, "reason": correction.reason},
            status=status.HTTP_201_CREATED,
        )


class HoldViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = HoldSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = HoldFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Hold.objects.none()
        user = self.request.user
        files = services.visible_files(user).values("pk")
        documents = Document.objects.visible_to(user).values("pk")
        return Hold.objects.filter(record_file__in=files) | Hold.objects.filter(
            document__in=documents
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.add_hold(
            **_target(self.request, data),
            hold_type=data["hold_type"],
            reference=data["reference"],
            started_on=data["started_on"],
            event_on=data.get("event_on"),
            note=data.get("note", ""),
            user=self.request.user,
            request=self.request,
        )

    @extend_schema(request=EndHoldSerializer, responses=HoldSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """The end (監査, 訴訟), ruling (審査請求) or disclosure decision (開示請求)."""
        body = EndHoldSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        hold = services.end_hold(
            self.get_object(), body.validated_data["event_on"], user=request.user, request=request
        )
        return Response(HoldSerializer(hold).data)


class ExtensionViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ExtensionSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Extension.objects.none()
        user = self.request.user
        files = services.visible_files(user).values("pk")
        documents = Document.objects.visible_to(user).values("pk")
        return Extension.objects.filter(record_file__in=files) | Extension.objects.filter(
            document__in=documents
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.extend(
            **_target(self.request, data),
            years=data["years"],
            reason=data["reason"],
            remark=data.get("remark", ""),
            user=self.request.user,
            request=self.request,
        )
