from rest_framework import serializers

from dms.accounts.models import Department
from dms.audit.models import AuditEntry
from dms.documents import permissions, validation
from dms.documents.models import Document, DocumentType, Version


class VersionSerializer(serializers.ModelSerializer):
    sha256 = serializers.CharField(source="blob.sha256")
    size = serializers.IntegerField(source="blob.size")
    media_type = serializers.CharField(source="blob.media_type")
    created_by = serializers.CharField(source="created_by.username")

    class Meta:
        model = Version
        fields = [
            "number",
            "original_filename",
            "sha256",
            "size",
            "media_type",
            "page_count",
            "created_by",
            "created_at",
            "comment",
            "processed_at",
        ]


class DocumentTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentType
        fields = ["id", "code", "name", "name_en"]


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "name_en", "level", "parent"]


class DocumentListSerializer(serializers.ModelSerializer):
    document_type = serializers.SlugRelatedField(slug_field="code", read_only=True)
    department = serializers.SlugRelatedField(slug_field="code", read_only=True)
    metadata = serializers.DictField(read_only=True)
    deleted = serializers.BooleanField(source="is_deleted", read_only=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "title",
            "status",
            "error",
            "document_type",
            "department",
            "created_on",
            "fiscal_year",
            "document_number",
            "source",
            "metadata",
            "created_at",
            "deleted",
        ]


class DocumentDetailSerializer(DocumentListSerializer):
    page_count = serializers.SerializerMethodField()
    content = serializers.SerializerMethodField()
    versions = VersionSerializer(many=True, read_only=True)
    frozen = serializers.BooleanField(source="is_frozen", read_only=True)
    can_change = serializers.SerializerMethodField()

    class Meta(DocumentListSerializer.Meta):
        fields = [
            *DocumentListSerializer.Meta.fields,
            "page_count",
            "content",
            "versions",
            "contains_personal_number",
            "frozen",
            "retain_until",
            "on_hold",
            "can_change",
        ]

    def get_can_change(self, document) -> bool:
        """Whether the requesting user may edit metadata or add versions now."""
        request = self.context.get("request")
        if request is None or document.is_frozen:
            return False
        return permissions.can_change(request.user, document)

    def get_page_count(self, document) -> int | None:
        latest = document.latest_version
        return latest.page_count if latest else None

    def get_content(self, document) -> str:
        latest = document.latest_version
        return latest.content if latest else ""


class DocumentUpdateSerializer(serializers.Serializer):
    """Metadata a person may edit. Every field given is marked as set by a person."""

    title = serializers.CharField(
        max_length=300, required=False, validators=[validation.plain_text]
    )
    document_type = serializers.SlugRelatedField(
        slug_field="code", queryset=DocumentType.objects.all(), required=False, allow_null=True
    )
    document_number = serializers.CharField(
        max_length=100, required=False, allow_blank=True, validators=[validation.plain_text]
    )
    created_on = serializers.DateField(required=False)
    document_date = serializers.DateField(required=False, allow_null=True)
    amount = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=validation.column_range(Document, "amount")[1],
    )
    counterparty = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[validation.plain_text]
    )
    extra_metadata = serializers.DictField(required=False, validators=[validation.extra_metadata])


class UploadSerializer(serializers.Serializer):
    title = serializers.CharField(
        max_length=300, required=False, allow_blank=True, validators=[validation.plain_text]
    )
    document_type = serializers.SlugRelatedField(
        slug_field="code", queryset=DocumentType.objects.all(), required=False, allow_null=True
    )
    department = serializers.CharField(required=False, help_text="組織コードまたは ID")
    document_date = serializers.DateField(required=False, allow_null=True)


class VersionCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(
        max_length=300, required=False, allow_blank=True, validators=[validation.plain_text]
    )


class ShareSerializer(serializers.Serializer):
    users = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, default=list, max_length=100
    )
    groups = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, default=list, max_length=100
    )


class HistoryEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "sequence",
            "timestamp",
            "actor",
            "action",
            "outcome",
            "client_address",
            "content_sha256",
            "details",
        ]


class RedactedHistoryEntrySerializer(HistoryEntrySerializer):
    """The history as anyone but records officers and administrators sees it."""

    class Meta(HistoryEntrySerializer.Meta):
        fields = [f for f in HistoryEntrySerializer.Meta.fields if f != "client_address"]
