import hashlib
import hmac
import json

from django.core.exceptions import ValidationError
from django.db import models

GENESIS = "0" * 64
# How an entry's hash is made. Entries keep the version they were written with, so entries
# from before the key keep verifying as they were; a chain never goes back to plain SHA-256.
PLAIN_SHA256 = 1  # before issue #11: anyone with database access could recompute it
HMAC_SHA256 = 2  # keyed with an audit key from outside the database (dms.audit.keys)


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
    hash_version = models.PositiveSmallIntegerField(default=PLAIN_SHA256)
    key_id = models.CharField(max_length=32, blank=True)  # which audit key (HMAC_SHA256)

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

    def canonical(self) -> bytes:
        names = self.HASHED_FIELDS
        if self.hash_version != PLAIN_SHA256:
            names = (*names, "hash_version", "key_id")
        payload = {name: getattr(self, name) for name in names}
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.encode()

    def compute_hash(self, key: bytes | None = None) -> str:
        """This entry's hash: HMAC-SHA256 with ``key``, or plain SHA-256 for old entries."""
        if self.hash_version == PLAIN_SHA256:
            return hashlib.sha256(self.canonical()).hexdigest()
        if self.hash_version != HMAC_SHA256 or key is None:
            raise ValueError(f"cannot hash entry #{self.sequence}: version or key unknown")
        return hmac.new(key, self.canonical(), hashlib.sha256).hexdigest()


class AuditHead(models.Model):
    """A single row naming the newest entry; locking it serialises appends."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    sequence = models.PositiveBigIntegerField(default=0)
    entry_hash = models.CharField(max_length=64, default=GENESIS)

    def __str__(self) -> str:
        return f"audit head #{self.sequence}"
