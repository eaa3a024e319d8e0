"""Disposition: proposals (廃棄・移管の決定), their decision, and tombstones.

A proposal names files and a method; its decision is an approvals Case (matter type
``disposal``). Nothing listens for the case: the destruction job reads the case's state
when it runs (see :func:`retention.disposition.services.decision_state`), so a decided case
with a job that crashed is simply picked up again.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from retention.models import RecordFile


class Method(models.TextChoices):
    DESTROY = "destroy", "廃棄"
    TRANSFER = "transfer", "移管"


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", "決定待ち"
    APPROVED = "approved", "決定済"
    REJECTED = "rejected", "不承認"
    EXECUTING = "executing", "実施中"
    AWAITING_RECEIPT = "awaiting_receipt", "受領待ち"
    DONE = "done", "完了"


class ItemState(models.TextChoices):
    PENDING = "pending", "未実施"
    REFUSED = "refused", "実施不可"
    DONE = "done", "完了"


class Proposal(models.Model):
    method = models.CharField("措置", max_length=10, choices=Method.choices)
    state = models.CharField(
        "状態", max_length=20, choices=ProposalState.choices, default=ProposalState.PROPOSED
    )
    reason = models.TextField("理由", blank=True)
    case = models.ForeignKey(
        "approvals.Case",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="廃棄決定の案件",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    package_key = models.CharField("移管パッケージ", max_length=400, blank=True)
    received_at = models.DateTimeField("受領日時", null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "廃棄・移管の決定"
        verbose_name_plural = "廃棄・移管の決定"
        ordering = ["-proposed_at", "-id"]
        indexes = [models.Index(fields=["state"])]

    def __str__(self) -> str:
        return f"{self.get_method_display()} #{self.pk}"

    @property
    def reference(self) -> str:
        """The decision's reference, as the tombstone and the register quote it."""
        return f"case:{self.case_id}" if self.case_id else f"proposal:{self.pk}"


class ProposalItem(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="items")
    record_file = models.ForeignKey(
        RecordFile, on_delete=models.PROTECT, related_name="disposition_items"
    )
    state = models.CharField(max_length=10, choices=ItemState.choices, default=ItemState.PENDING)
    refusal = models.CharField("実施できない理由", max_length=300, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "record_file"], name="disposition_item_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id}: {self.record_file_id}"


class Tombstone(models.Model):
    """What remains of a destroyed or transferred file: its register row and hashes."""

    record_file = models.OneToOneField(
        RecordFile, on_delete=models.PROTECT, related_name="tombstone", primary_key=True
    )
    method = models.CharField("措置", max_length=10, choices=Method.choices)
    register_row = models.JSONField("ファイル管理簿の行")
    # [{"document": id, "title": …, "version": n, "sha256": …}, …]
    hashes = models.JSONField("SHA-256", default=list)
    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="tombstones")
    decision_reference = models.CharField("決定の参照", max_length=100)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True)
    executed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "廃棄記録"
        verbose_name_plural = "廃棄記録"
        ordering = ["-executed_at"]

    def __str__(self) -> str:
        return f"{self.get_method_display()} {self.record_file_id}"
