"""Retention as data: classes (保存期間), files (簿冊), holds, extensions and their history.

Dates are computed by :mod:`retention.rules` (pure) and stored here so that lists, the
register and the disposition queue read them without recomputing: ``base_expiry`` is the
満了日 of the class from the 起算日 plus every extension; ``effective_expiry`` adds the
holds (None while a hold is open or the start is undecided).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from dms.accounts.models import Department
from dms.documents.models import Document


class DurationUnit(models.TextChoices):
    YEARS = "years", "年"
    MONTHS = "months", "月"  # 1年未満
    DAYS = "days", "日"  # 1年未満
    WHILE_IN_USE = "while_in_use", "常用"
    PERMANENT = "permanent", "永年"


class StartRule(models.TextChoices):
    NEXT_FISCAL_YEAR = "next_fiscal_year", "翌年度4月1日"
    DAY_AFTER_COMPLETION = "day_after_completion", "完結日の翌日"
    NEXT_CALENDAR_YEAR = "next_calendar_year", "翌年1月1日"
    SET_DATE = "set_date", "特定日"
    UNDECIDED = "undecided", "未定(事由発生まで)"


class Action(models.TextChoices):
    TRANSFER = "transfer", "移管"
    DESTROY = "destroy", "廃棄"
    UNDECIDED = "undecided", "未定"


class Medium(models.TextChoices):
    PAPER = "paper", "紙"
    ELECTRONIC = "electronic", "電子"


class HoldType(models.TextChoices):
    AUDIT = "audit", "監査"
    LITIGATION = "litigation", "訴訟"
    APPEAL = "appeal", "審査請求"
    DISCLOSURE = "disclosure", "開示請求"


class RetentionClass(models.Model):
    """One retention period of the city's schedule (30年, 5年, 1年未満, 常用 …)."""

    code = models.SlugField("コード", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50)
    name_en = models.CharField("英語名称", max_length=80, blank=True)
    duration = models.PositiveIntegerField("期間", null=True, blank=True)
    unit = models.CharField("単位", max_length=12, choices=DurationUnit.choices)
    start_rule = models.CharField(
        "起算日の規則", max_length=24, choices=StartRule.choices, default=StartRule.NEXT_FISCAL_YEAR
    )
    action = models.CharField(
        "保存期間満了時の措置", max_length=10, choices=Action.choices, default=Action.UNDECIDED
    )
    registered = models.BooleanField("ファイル管理簿に記載", default=True)
    sort_order = models.PositiveSmallIntegerField("表示順", default=0)
    active = models.BooleanField("有効", default=True)

    class Meta:
        verbose_name = "保存期間"
        verbose_name_plural = "保存期間"
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class RecordFile(models.Model):
    """A 行政文書ファイル (簿冊): documents of one class, and one row of the register."""

    retention_class = models.ForeignKey(
        RetentionClass, on_delete=models.PROTECT, related_name="files", verbose_name="保存期間"
    )
    title = models.CharField("名称(小分類)", max_length=300)
    fiscal_year = models.PositiveSmallIntegerField("年度")
    category_major = models.CharField("大分類", max_length=200, blank=True)
    category_middle = models.CharField("中分類", max_length=200, blank=True)
    creator_post = models.CharField("作成者(職名)", max_length=100, blank=True)
    creator_section = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="作成課",
    )
    medium = models.CharField("媒体", max_length=10, choices=Medium.choices)
    location = models.CharField("保存場所", max_length=200, blank=True)
    custodian = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="record_files", verbose_name="管理者(課)"
    )
    remarks = models.TextField("備考", blank=True)
    # Overrides of the class (blank: the class's own).
    start_rule = models.CharField(
        "起算日の規則", max_length=24, choices=StartRule.choices, blank=True
    )
    action = models.CharField("満了時の措置", max_length=10, choices=Action.choices, blank=True)
    created_on = models.DateField("作成・取得日", default=timezone.localdate)
    completed_on = models.DateField("完結日", null=True, blank=True)
    # A set start date (特定日) or a correction: the rule's date is then replaced.
    start_date_set = models.DateField("起算日(指定)", null=True, blank=True)
    start_date_reason = models.CharField("起算日の理由", max_length=300, blank=True)
    start_date = models.DateField("起算日", null=True, blank=True, editable=False)
    base_expiry = models.DateField("満了日", null=True, blank=True, editable=False)
    effective_expiry = models.DateField("実効満了日", null=True, blank=True, editable=False)
    open_hold = models.BooleanField("保留中", default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # Set by disposition (retention.disposition) when the file is destroyed or transferred.
    closed_at = models.DateTimeField("廃棄・移管日時", null=True, blank=True)

    class Meta:
        verbose_name = "行政文書ファイル"
        verbose_name_plural = "行政文書ファイル"
        ordering = ["-fiscal_year", "id"]
        indexes = [
            models.Index(fields=["custodian", "fiscal_year"]),
            models.Index(fields=["effective_expiry"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rule(self) -> str:
        return self.start_rule or self.retention_class.start_rule

    @property
    def action_at_expiry(self) -> str:
        return self.action or self.retention_class.action


class DocumentRetention(models.Model):
    """A document's retention: in one file (the file's class), or alone with its own."""

    document = models.OneToOneField(
        Document, on_delete=models.PROTECT, related_name="retention", primary_key=True
    )
    record_file = models.ForeignKey(
        RecordFile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name="行政文書ファイル",
    )
    retention_class = models.ForeignKey(
        RetentionClass, on_delete=models.PROTECT, related_name="+", verbose_name="保存期間"
    )
    start_rule = models.CharField(
        "起算日の規則", max_length=24, choices=StartRule.choices, blank=True
    )
    completed_on = models.DateField("完結日", null=True, blank=True)
    start_date_set = models.DateField("起算日(指定)", null=True, blank=True)
    start_date_reason = models.CharField("起算日の理由", max_length=300, blank=True)
    start_date = models.DateField("起算日", null=True, blank=True, editable=False)
    base_expiry = models.DateField("満了日", null=True, blank=True, editable=False)
    effective_expiry = models.DateField("実効満了日", null=True, blank=True, editable=False)
    open_hold = models.BooleanField("保留中", default=False, editable=False)
    # What the store was last set to (retention_check compares the store with the rules).
    lock_until = models.DateField("ロック期限(設定済み)", null=True, blank=True, editable=False)
    lock_legal_hold = models.BooleanField(default=False, editable=False)
    lock_synced_at = models.DateTimeField(null=True, blank=True, editable=False)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    classified_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "文書の保存期間"
        verbose_name_plural = "文書の保存期間"
        indexes = [models.Index(fields=["effective_expiry"])]

    def __str__(self) -> str:
        return f"{self.document_id}: {self.retention_class_id}"


class Hold(models.Model):
    """A hold that extends retention (監査, 訴訟, 審査請求, 開示請求): on a file or document.

    ``event_on`` is the end (監査, 訴訟), the ruling (審査請求) or the disclosure decision
    (開示請求); until it is known the hold is open and nothing expires.
    """

    record_file = models.ForeignKey(
        RecordFile, null=True, blank=True, on_delete=models.PROTECT, related_name="holds"
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="retention_holds"
    )
    hold_type = models.CharField("種別", max_length=12, choices=HoldType.choices)
    reference = models.CharField("番号", max_length=100)
    started_on = models.DateField("開始日")
    event_on = models.DateField("終了・裁決・決定日", null=True, blank=True)
    until = models.DateField("保留期限", null=True, blank=True, editable=False)
    note = models.TextField("備考", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "保留"
        verbose_name_plural = "保留"
        ordering = ["started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(record_file__isnull=False, document__isnull=True)
                | models.Q(record_file__isnull=True, document__isnull=False),
                name="retention_hold_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_hold_type_display()} {self.reference}"

    @property
    def is_open(self) -> bool:
        return self.event_on is None


class Extension(models.Model):
    """An operational extension (延長): the period grows, the register shows the total."""

    record_file = models.ForeignKey(
        RecordFile, null=True, blank=True, on_delete=models.PROTECT, related_name="extensions"
    )
    document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="retention_extensions",
    )
    years = models.PositiveSmallIntegerField("延長年数")
    reason = models.CharField("理由", max_length=300)
    remark = models.TextField("備考", blank=True)  # required from the second extension on
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "延長"
        verbose_name_plural = "延長"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(record_file__isnull=False, document__isnull=True)
                | models.Q(record_file__isnull=True, document__isnull=False),
                name="retention_extension_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"+{self.years}年 {self.reason}"


class StartDateCorrection(models.Model):
    """History of 起算日 corrections (who, why, before and after)."""

    record_file = models.ForeignKey(
        RecordFile, null=True, blank=True, on_delete=models.PROTECT, related_name="corrections"
    )
    document = models.ForeignKey(
        Document, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    before = models.DateField(null=True, blank=True)
    after = models.DateField()
    reason = models.CharField("理由", max_length=300)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    corrected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["corrected_at", "id"]

    def __str__(self) -> str:
        return f"{self.before} → {self.after}"


class CustodyTransfer(models.Model):
    """所管換: a file moved to another custodian section (kept as history)."""

    record_file = models.ForeignKey(
        RecordFile, on_delete=models.PROTECT, related_name="custody_transfers"
    )
    from_section = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    to_section = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    effective_on = models.DateField("所管換日", default=timezone.localdate)
    reason = models.CharField("理由", max_length=300, blank=True)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    moved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["moved_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_section_id} → {self.to_section_id}"
