"""Who signs with which key, how their stamp looks, and each signed revision."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ja.dates import DateStyle


class SigningAuthority(models.Model):
    """Kiroku's own issuing CA for staff certificates (its key stays in the token)."""

    key_label = models.CharField(max_length=100, unique=True)
    certificate_pem = models.TextField()
    next_serial = models.PositiveBigIntegerField(default=2)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key_label


class SigningIdentity(models.Model):
    """A person's signing key (by its PKCS#11 label, never the key) and certificate."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="signing_identity"
    )
    key_label = models.CharField(max_length=100, unique=True)
    certificate_pem = models.TextField()
    serial = models.CharField(max_length=64)
    issuer = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.user} {self.key_label}"


class StampPreference(models.Model):
    """How a person's stamp looks: the date style and 日付印 or 認印 (surname only)."""

    DATE_STYLES = [
        (DateStyle.ERA_LETTER.value, "R6.4.1"),
        (DateStyle.ERA_YEAR.value, "6.4.1"),
        (DateStyle.WESTERN_DOTTED.value, "2024.4.1"),
    ]

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="stamp_preference"
    )
    date_style = models.CharField(
        max_length=20, choices=DATE_STYLES, default=DateStyle.ERA_LETTER.value
    )
    personal_seal = models.BooleanField("認印", default=False)

    def __str__(self) -> str:
        return f"{self.user} {self.date_style}"


class DecisionRevision(models.Model):
    """One stored revision of a case's decision PDF: 0 is the unsigned build at submit,
    each later one adds one incremental signature (or the LTV data after the decision)."""

    case = models.ForeignKey(
        "approvals.Case", on_delete=models.CASCADE, related_name="decision_revisions"
    )
    index = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    object_key = models.CharField(max_length=300)
    version_id = models.CharField(max_length=200, blank=True)
    event = models.ForeignKey(
        "approvals.CaseEvent", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task = models.ForeignKey(
        "approvals.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=12)  # build, signature, note (備考), ltv
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["case", "index"]
        constraints = [
            models.UniqueConstraint(fields=["case", "index"], name="decision_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.index}"
