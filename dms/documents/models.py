"""Documents, versions and the content-addressed originals behind them.

Room is left for approval and retention without building them: a document can be
*frozen* (after its decision: no new substantive version), *retention-locked* (until a
date: no deletion), and is only ever deleted *logically*. Versions never change their
original once written; only derived data (archive PDF, thumbnail, text) is filled in later
and can be rebuilt from the original.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from dms.accounts.models import Department
from dms.documents.permissions import department_ids_with_authority
from dms.documents.validation import displayable_extra
from ja.fiscal import fiscal_year_of


class DocumentType(models.Model):
    """A configurable list (申請書, 契約書, 請求書, …)."""

    code = models.SlugField("コード", max_length=40, unique=True)
    name = models.CharField("名称", max_length=60)
    name_en = models.CharField("英語名称", max_length=60, blank=True)
    ordering = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "文書種別"
        verbose_name_plural = "文書種別"
        ordering = ["ordering", "code"]

    def __str__(self) -> str:
        return self.name


class Blob(models.Model):
    """One stored original, addressed by its SHA-256: identical uploads share it."""

    sha256 = models.CharField(max_length=64, unique=True)
    key = models.CharField(max_length=255)
    store_version_id = models.CharField(max_length=128, blank=True)
    size = models.BigIntegerField()
    media_type = models.CharField(max_length=100)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.sha256[:12]} ({self.size} bytes)"


class Source(models.TextChoices):
    UPLOAD = "upload", "アップロード"
    SCANNER = "scanner", "スキャナ"
    API = "api", "API"


class Status(models.TextChoices):
    QUEUED = "queued", "処理待ち"
    PROCESSING = "processing", "処理中"
    READY = "ready", "完了"
    FAILED = "failed", "失敗"


class DocumentQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def visible_to(self, user):
        """What ``user`` may see: own and lower departments' documents, shares, or all.

        Records officers and administrators also see logically deleted documents.
        """
        if not user.is_authenticated:
            return self.none()
        if user.sees_everything:
            return self
        department_ids = department_ids_with_authority(user)
        visible = (
            models.Q(department_id__in=department_ids)
            | models.Q(shared_with_users=user)
            | models.Q(shared_with_groups__in=user.groups.all())
        )
        return self.filter(visible).live().distinct()


class Document(models.Model):
    title = models.CharField("件名", max_length=300)
    document_type = models.ForeignKey(
        DocumentType, null=True, blank=True, on_delete=models.PROTECT, verbose_name="文書種別"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="documents", verbose_name="担当課"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_on = models.DateField("作成・取得日", default=timezone.localdate)
    document_number = models.CharField("文書番号", max_length=100, blank=True)
    fiscal_year = models.PositiveSmallIntegerField("年度", editable=False)
    source = models.CharField("取得元", max_length=10, choices=Source.choices)
    status = models.CharField(
        "処理状況", max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField("エラー", blank=True)

    # Typed metadata (電子帳簿保存法: date, amount and counterparty are searchable).
    document_date = models.DateField("文書日付", null=True, blank=True)
    amount = models.BigIntegerField("金額(円)", null=True, blank=True)
    counterparty = models.CharField("取引先", max_length=200, blank=True)
    extra_metadata = models.JSONField("その他の項目", default=dict, blank=True)
    # Fields a person set: extraction never overwrites them.
    metadata_set_by_person = models.JSONField(default=list, blank=True)
    contains_personal_number = models.BooleanField("個人番号を含む", default=False)

    shared_with_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="shared_documents"
    )
    shared_with_groups = models.ManyToManyField(Group, blank=True, related_name="+")

    # Lifecycle states for approval and retention (set by those apps, enforced here).
    frozen_at = models.DateTimeField("凍結日時", null=True, blank=True)
    frozen_reason = models.CharField(max_length=200, blank=True)
    retain_until = models.DateField("保存期限", null=True, blank=True)
    on_hold = models.BooleanField("保留中", default=False)
    deleted_at = models.DateTimeField("削除日時", null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Stored files removed after a disposal decision; the row stays as the tombstone.
    destroyed_at = models.DateTimeField("廃棄日時", null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every change (dms.documents.events): subscribers apply changes in order.
    revision = models.PositiveBigIntegerField(default=0, editable=False)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = "文書"
        verbose_name_plural = "文書"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status"]),
            models.Index(fields=["fiscal_year"]),
            models.Index(fields=["document_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.fiscal_year = fiscal_year_of(self.created_on)
        if not self._state.adding and kwargs.get("update_fields") is None:
            # The revision belongs to events.document_changed alone: an instance loaded
            # before a change must not write its old revision back.
            kwargs["update_fields"] = [
                f.name
                for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "revision"
            ]
        super().save(*args, **kwargs)

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_destroyed(self) -> bool:
        return self.destroyed_at is not None

    @property
    def metadata(self) -> dict:
        # Stored extra values are shown escaped and can never hide a typed field.
        return {
            "document_date": self.document_date.isoformat() if self.document_date else None,
            "amount": self.amount,
            "counterparty": self.counterparty or None,
            **displayable_extra(self.extra_metadata),
        }

    @cached_property
    def latest_version(self) -> Version | None:
        # Taken from prefetched versions when a view prefetched them (detail, upload):
        # one query fewer per response.
        prefetched = getattr(self, "_prefetched_objects_cache", {}).get("versions")
        if prefetched is not None:
            return max(prefetched, key=lambda version: version.number, default=None)
        return self.versions.select_related("blob").order_by("-number").first()


class Version(models.Model):
    """One file of a document. Its original never changes once written."""

    ORIGINAL_FIELDS = ("document_id", "number", "blob_id", "original_filename", "created_by_id")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    blob = models.ForeignKey(Blob, on_delete=models.PROTECT, related_name="versions")
    original_filename = models.CharField(max_length=255)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)
    comment = models.CharField(max_length=300, blank=True)

    # Derived from the original; rebuilt by processing.
    archive_key = models.CharField(max_length=255, blank=True)
    thumbnail_key = models.CharField(max_length=255, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    content = models.TextField(blank=True)  # normalised for search (NFKC, no OCR spaces)
    raw_content = models.TextField(blank=True)  # as read
    language = models.CharField(max_length=8, blank=True)
    pages = models.JSONField(default=list, blank=True)  # per page: source, direction, errors
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["document", "number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            stored = Version.objects.filter(pk=self.pk).values(*self.ORIGINAL_FIELDS).first()
            if stored and any(stored[f] != getattr(self, f) for f in self.ORIGINAL_FIELDS):
                raise ValidationError("版の原本は変更できません。新しい版を登録してください。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("版は削除できません。")

    @property
    def sha256(self) -> str:
        return self.blob.sha256

    @property
    def media_type(self) -> str:
        return self.blob.media_type

    @property
    def size(self) -> int:
        return self.blob.size
