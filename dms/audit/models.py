import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import models

GENESIS = "0" * 64


class Outcome(models.TextChoices):
    DONE = "done", "実行"
    REFUSED = "refused", "拒否"


class AuditEntry(models.Model):
    """One recorded action. Never updated or deleted; ``verify_audit`` checks the chain."""

    sequence = models.PositiveBigIntegerField(unique=True)
    timestamp = models.CharField(max_length=40)  # ISO 8601 in JST, exactly as hashed
    actor_id = models.BigIntegerField(null=True)
    actor = models.CharField(max_length=150)  # username, kept even if the user goes
    action = models.CharField(max_length=40)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.DONE)
    target_type = models.CharField(max_length=40)
    target_id = models.CharField(max_length=64)
    document_id = models.BigIntegerField(null=True, db_index=True)
    client_address = models.CharField(max_length=64, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    details = models.JSONField(default=dict)
    previous_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    HASHED_FIELDS = (
        "sequence",
        "timestamp",
        "actor_id",
        "actor",
        "action",
        "outcome",
        "target_type",
        "target_id",
        "document_id",
        "client_address",
        "content_sha256",
        "details",
        "previous_hash",
    )

    class Meta:
        ordering = ["sequence"]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.timestamp} {self.actor} {self.action} {self.target_type}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError("監査証跡は変更できません (audit entries are append-only).")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("監査証跡は削除できません (audit entries are append-only).")

    def compute_hash(self) -> str:
        payload = {name: getattr(self, name) for name in self.HASHED_FIELDS}
        canonical = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class AuditHead(models.Model):
    """A single row naming the newest entry; locking it serialises appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"audit head #{self.sequence}"
