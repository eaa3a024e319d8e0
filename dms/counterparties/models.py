"""The registry of known counterparties, matching rules, and each document's extracted values.

Matching follows paperless-ngx (any / all / literal / regular expression / fuzzy / auto per
object), with the Japanese rules on top: names compare by their folded key (㈱, （株）,
株式会社 alike), and a 法人番号 or T番号 on the page wins over any name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ja.legal_forms import counterparty_key


class Algorithm(models.TextChoices):
    NONE = "none", "なし"
    ANY = "any", "いずれかの語"
    ALL = "all", "すべての語"
    LITERAL = "literal", "完全一致"
    REGEX = "regex", "正規表現"
    FUZZY = "fuzzy", "あいまい一致"
    AUTO = "auto", "自動(過去の割り当てから学習)"


class KnownCounterparty(models.Model):
    name = models.CharField("名称", max_length=200)
    key = models.CharField("正規化名称", max_length=200, db_index=True, editable=False)
    corporate_number = models.CharField("法人番号", max_length=13, blank=True, db_index=True)
    invoice_number = models.CharField(
        "適格請求書発行事業者登録番号", max_length=14, blank=True, db_index=True
    )
    aliases = models.JSONField("別名", default=list, blank=True)
    algorithm = models.CharField(
        "照合方法", max_length=8, choices=Algorithm.choices, default=Algorithm.NONE
    )
    match = models.CharField("照合する語", max_length=256, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "取引先"
        verbose_name_plural = "取引先"
        ordering = ["key", "id"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.key = counterparty_key(self.name)
        super().save(*args, **kwargs)


class DocumentTypeRule(models.Model):
    """How a document type is recognised from the text (paperless-ngx's per-object match)."""

    document_type = models.OneToOneField(
        "documents.DocumentType", on_delete=models.CASCADE, related_name="match_rule"
    )
    algorithm = models.CharField(
        "照合方法", max_length=8, choices=Algorithm.choices, default=Algorithm.AUTO
    )
    match = models.CharField("照合する語", max_length=256, blank=True)

    class Meta:
        verbose_name = "文書種別の照合規則"
        verbose_name_plural = "文書種別の照合規則"

    def __str__(self) -> str:
        return f"{self.document_type}: {self.get_algorithm_display()} {self.match}"


class Field(models.TextChoices):
    DOCUMENT_DATE = "document_date", "文書日付"
    AMOUNT = "amount", "金額"
    COUNTERPARTY = "counterparty", "取引先"
    TITLE = "title", "件名"
    DOCUMENT_TYPE = "document_type", "文書種別"


class Source(models.TextChoices):
    IDENTIFIER = "identifier", "登録番号・法人番号の一致"
    RULE = "rule", "照合規則"
    REGISTRY = "registry", "登録済み取引先の一致"
    REGISTRY_FUZZY = "registry_fuzzy", "登録済み取引先への近似一致"
    EXTRACTED = "extracted", "本文から抽出"
    LEARNED = "learned", "過去の割り当てから学習"
    PERSON = "person", "職員が入力"
    NONE = "none", "見つからず"


class ExtractedValue(models.Model):
    """What extraction proposed for one field of a document, why, and whether a person
    confirmed it; the document page shows it beside the field."""

    document = models.ForeignKey(
        "documents.Document", on_delete=models.CASCADE, related_name="extracted_values"
    )
    field = models.CharField(max_length=16, choices=Field.choices)
    value = models.JSONField(null=True)  # JSON-ready: ISO dates, integers, strings
    read_as = models.CharField("読み取った文字列", max_length=300, blank=True)
    source = models.CharField(max_length=16, choices=Source.choices)
    detail = models.CharField("根拠", max_length=300, blank=True)
    line = models.PositiveIntegerField("行", null=True, blank=True)
    confirmed = models.BooleanField("確認済み", default=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["document", "field"], name="one_value_per_field")
        ]
        ordering = ["document", "field"]

    def __str__(self) -> str:
        return f"{self.document_id} {self.field}: {self.value}"
