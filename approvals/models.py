"""The approval model: cases (案件), their routes (決裁経路) and the rules as data.

Only :mod:`approvals.services` changes these rows; everything here is structure and
small read-only helpers. A route is a list of :class:`Step` rows in order; each step has
one or more :class:`Task` rows (one per person, post or section that must act: a 合議 or
供覧 step may have several running in parallel). :class:`CaseEvent` is the case's own
history, one row per action, beside the hash-chained audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from dms.accounts.models import Department, Post, PostLevel
from dms.documents.models import Document


class MatterType(models.Model):
    """A kind of matter (事案の種別) the delegation table (専決規程) knows: 契約, 支出負担行為 …"""

    code = models.SlugField("コード", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    name_en = models.CharField("英語名称", max_length=100, blank=True)

    class Meta:
        verbose_name = "事案種別"
        verbose_name_plural = "事案種別"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class DecisionLevel(models.TextChoices):
    """決裁区分: who decides. 専決 decisions are still issued in the mayor's name."""

    SECTION_CHIEF = PostLevel.SECTION_CHIEF.value, "課長"
    DIVISION_DIRECTOR = PostLevel.DIVISION_DIRECTOR.value, "部長"
    BUREAU_DIRECTOR = PostLevel.BUREAU_DIRECTOR.value, "局長"
    DEPUTY_MAYOR = PostLevel.DEPUTY_MAYOR.value, "副市長"
    MAYOR = PostLevel.MAYOR.value, "市長"


class DelegationRule(models.Model):
    """One line of the delegation table: matter type × amount band → deciding level.

    The band is ``amount_from`` (inclusive) to ``amount_below`` (exclusive); either end
    open when null. A case without an amount falls in the band that contains 0.
    """

    matter_type = models.ForeignKey(
        MatterType, related_name="delegation_rules", on_delete=models.CASCADE
    )
    amount_from = models.BigIntegerField("金額(以上)", null=True, blank=True)
    amount_below = models.BigIntegerField("金額(未満)", null=True, blank=True)
    decision_level = models.CharField("決裁区分", max_length=24, choices=DecisionLevel.choices)

    class Meta:
        verbose_name = "専決規程"
        verbose_name_plural = "専決規程"
        ordering = ["matter_type", "amount_from"]

    def __str__(self) -> str:
        return f"{self.matter_type} {self.amount_from}–{self.amount_below}: {self.decision_level}"


class StepKind(models.TextChoices):
    APPROVAL = "approval", "承認"
    CONSULTATION = "consultation", "合議"
    DECISION = "decision", "決裁"
    CIRCULATION = "circulation", "供覧"


class AssigneeFields(models.Model):
    """Who a step or template step is for: a person, a post, a section (its head), or,
    in a template only, a level relative to the drafting section (its 課長, 部長 …)."""

    assignee_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee_post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    assignee_section = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        abstract = True

    @property
    def assignee_label(self) -> str:
        for value in (self.assignee_post, self.assignee_section, self.assignee_user):
            if value is not None:
                return str(value)
        return ""


class RouteTemplate(models.Model):
    """The route a new case gets for a decision level, per section (none: the city default)."""

    code = models.SlugField("コード", max_length=60, unique=True)
    name = models.CharField("名称", max_length=100)
    decision_level = models.CharField("決裁区分", max_length=24, choices=DecisionLevel.choices)
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="route_templates",
        verbose_name="起案課",
    )

    class Meta:
        verbose_name = "決裁経路テンプレート"
        verbose_name_plural = "決裁経路テンプレート"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["decision_level", "department"], name="one_template_per_level_and_section"
            ),
            models.UniqueConstraint(
                fields=["decision_level"],
                condition=models.Q(department__isnull=True),
                name="one_default_template_per_level",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TemplateStep(AssigneeFields):
    template = models.ForeignKey(RouteTemplate, related_name="steps", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField("順序")
    kind = models.CharField("種別", max_length=16, choices=StepKind.choices)
    # The drafting section's own post of this level, or the nearest above it.
    relative_level = models.CharField(
        "起案課からみた職位", max_length=24, choices=PostLevel.choices, blank=True
    )
    # Left out where the drafting section has no such post (not every 課 has a 係長).
    optional = models.BooleanField("該当職がなければ省略", default=False)

    class Meta:
        # Rows sharing a position form one parallel step (合議 or 供覧 with several).
        ordering = ["template", "position", "id"]

    def __str__(self) -> str:
        return f"{self.template} #{self.position} {self.get_kind_display()}"


class CaseKind(models.TextChoices):
    DECISION = "decision", "起案(決裁)"
    CIRCULATION = "circulation", "供覧"


class CaseState(models.TextChoices):
    DRAFT = "draft", "下書き"
    IN_ROUTE = "in_route", "回付中"
    DECIDED = "decided", "決裁済"
    RETURNED = "returned", "差戻し"
    WITHDRAWN = "withdrawn", "取下げ"
    REJECTED = "rejected", "却下"
    CIRCULATED = "circulated", "供覧済"


OPEN_CASE_STATES = (CaseState.DRAFT, CaseState.IN_ROUTE, CaseState.RETURNED)


class Case(models.Model):
    """案件: one matter put up for decision (or, ``kind=circulation``, for information)."""

    kind = models.CharField("種類", max_length=12, choices=CaseKind.choices)
    title = models.CharField("件名", max_length=300)
    matter_type = models.ForeignKey(
        MatterType, on_delete=models.PROTECT, related_name="cases", verbose_name="事案種別"
    )
    amount = models.BigIntegerField("金額(円)", null=True, blank=True)
    is_important = models.BooleanField("重要", default=False)
    is_unusual = models.BooleanField("異例", default=False)
    is_doubtful = models.BooleanField("疑義", default=False)
    decision_level = models.CharField(
        "決裁区分", max_length=24, choices=DecisionLevel.choices, blank=True
    )
    drafter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="drafted_cases"
    )
    section = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="cases", verbose_name="起案課"
    )
    body = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="+", verbose_name="本文"
    )
    cites = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cited_by",
        verbose_name="引用する却下案件",
    )
    state = models.CharField(
        "状態", max_length=12, choices=CaseState.choices, default=CaseState.DRAFT
    )
    # Bumped by every action: a client shows it, and a 409 answer carries it.
    revision = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField("起案日時", null=True, blank=True)
    decided_at = models.DateTimeField("決裁日時", null=True, blank=True)
    closed_at = models.DateTimeField("完結日時", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "案件"
        verbose_name_plural = "案件"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["drafter", "state"]),
            models.Index(fields=["section", "state"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def flagged(self) -> bool:
        """重要・異例・疑義: such a case is never decided by a deputy."""
        return self.is_important or self.is_unusual or self.is_doubtful

    def documents(self) -> list[Document]:
        return [self.body, *(a.document for a in self.attachments.select_related("document"))]


class Attachment(models.Model):
    """A document attached to a case; added at any time, never removed or replaced."""

    case = models.ForeignKey(Case, related_name="attachments", on_delete=models.PROTECT)
    document = models.ForeignKey(Document, related_name="+", on_delete=models.PROTECT)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    after_decision = models.BooleanField("決裁後の追加", default=False)

    class Meta:
        verbose_name = "添付文書"
        verbose_name_plural = "添付文書"
        ordering = ["case", "added_at", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "document"], name="attachment_once")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.document_id}"

    def delete(self, *args, **kwargs):
        raise ValidationError("添付文書は削除できません (attachments are never removed).")


class StepState(models.TextChoices):
    WAITING = "waiting", "未着"
    OPEN = "open", "処理中"
    DONE = "done", "完了"


class Step(models.Model):
    """One step of a case's route; it is done when all its tasks are."""

    case = models.ForeignKey(Case, related_name="steps", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField("順序")
    kind = models.CharField("種別", max_length=16, choices=StepKind.choices)
    state = models.CharField(max_length=8, choices=StepState.choices, default=StepState.WAITING)
    # Steps the drafter added may be removed again before submitting; template steps not.
    added_by_drafter = models.BooleanField(default=False)
    opened_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["case", "position"]
        constraints = [models.UniqueConstraint(fields=["case", "position"], name="step_unique")]

    def __str__(self) -> str:
        return f"{self.case_id}#{self.position} {self.get_kind_display()}"


class TaskState(models.TextChoices):
    WAITING = "waiting", "未着"
    PENDING = "pending", "処理待ち"
    APPROVED = "approved", "承認"
    AGREED = "agreed", "合議(同意)"
    DISAGREED = "disagreed", "合議(不同意)"
    DECIDED = "decided", "決裁"
    REJECTED = "rejected", "却下"
    ACKNOWLEDGED = "acknowledged", "供覧済"
    RETURNED = "returned", "差戻し"
    SKIPPED = "skipped", "後閲(未閲)"  # passed over; a 後閲 is due


class Capacity(models.TextChoices):
    """In what capacity someone acted (the stamp and the audit trail show it)."""

    PRINCIPAL = "principal", "本人"
    PROXY = "proxy", "代決"
    POST_REVIEW = "post_review", "後閲"


class PostReviewReason(models.TextChoices):
    DRAFTER = "drafter", "起案者の指定"
    ABSENCE = "absence", "不在"
    PULL_UP = "pull_up", "引上げ"
    PROXY = "proxy", "代決"


class Task(AssigneeFields):
    """What one person (or the holder of a post) must do on a step."""

    step = models.ForeignKey(Step, related_name="tasks", on_delete=models.CASCADE)
    case = models.ForeignKey(Case, related_name="tasks", on_delete=models.CASCADE)
    state = models.CharField(max_length=12, choices=TaskState.choices, default=TaskState.WAITING)
    # Resolved when the step opens: the person, or the holder of the post that day.
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="approval_tasks",
    )
    opened_at = models.DateTimeField("閲覧日時", null=True, blank=True)  # first view
    acted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    capacity = models.CharField(max_length=12, choices=Capacity.choices, blank=True)
    acted_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    # 後閲: marked before submit, set from the absence calendar, by 引上げ or after 代決.
    post_review = models.BooleanField("後閲", default=False)
    post_review_reason = models.CharField(
        max_length=10, choices=PostReviewReason.choices, blank=True
    )
    post_reviewed_at = models.DateTimeField("後閲日時", null=True, blank=True)

    class Meta:
        ordering = ["step", "id"]
        indexes = [
            models.Index(fields=["holder", "state"]),
            models.Index(
                fields=["holder"],
                condition=models.Q(post_review=True, post_reviewed_at__isnull=True),
                name="task_post_review_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} {self.assignee_label} {self.state}"

    @property
    def post_review_due(self) -> bool:
        return (
            self.post_review
            and self.post_reviewed_at is None
            and self.state
            not in (
                TaskState.WAITING,
                TaskState.PENDING,
            )
        )


class CaseEvent(models.Model):
    """One action on a case, in order: the case's history and the stamp's source.

    ``pdf_sha256_before``/``_after`` are left for the signing work: the decision PDF's
    hash before and after the action's signature (``signature_state`` says if pending).
    """

    case = models.ForeignKey(Case, related_name="events", on_delete=models.CASCADE)
    task = models.ForeignKey(
        Task, null=True, blank=True, related_name="events", on_delete=models.SET_NULL
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=24)
    capacity = models.CharField(max_length=12, choices=Capacity.choices)
    comment = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    client_address = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    audit_sequence = models.PositiveBigIntegerField(null=True, blank=True)
    pdf_sha256_before = models.CharField(max_length=64, blank=True)
    pdf_sha256_after = models.CharField(max_length=64, blank=True)
    signature_state = models.CharField(max_length=12, blank=True)  # "", pending, signed

    class Meta:
        ordering = ["case", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.actor_id}"


class Comment(models.Model):
    """A comment in the case's thread (on a step, or on the case)."""

    case = models.ForeignKey(Case, related_name="comments", on_delete=models.CASCADE)
    step = models.ForeignKey(
        Step, null=True, blank=True, related_name="comments", on_delete=models.SET_NULL
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.author_id}: {self.body[:30]}"


class IdempotencyRecord(models.Model):
    """The first result of an action sent with an idempotency key (per case and actor)."""

    case = models.ForeignKey(Case, related_name="+", on_delete=models.CASCADE)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    action = models.CharField(max_length=24)
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "actor", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.actor_id} {self.key}"
