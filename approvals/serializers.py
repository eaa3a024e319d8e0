"""The shapes of the approvals API: what the web app reads and sends.

Read serializers take model rows (loaded by the views with the related rows they need,
so that a list costs a fixed number of queries); every coded value comes with its
Japanese and English label (``approvals.labels``). Write serializers only validate and
resolve ids: the change itself is a service function's.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from approvals import labels
from approvals.models import (
    Capacity,
    Case,
    CaseEvent,
    CaseKind,
    CaseState,
    Comment,
    DecisionLevel,
    DelegationRule,
    MatterType,
    PostReviewReason,
    RouteTemplate,
    Step,
    StepKind,
    StepState,
    Task,
    TaskState,
    TemplateStep,
)
from dms.accounts.models import Absence, Department, Deputy, Post, PostLevel, User
from dms.documents import validation

MAX_AMOUNT = validation.column_range(Case, "amount")[1]


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    display_name = serializers.SerializerMethodField()

    def get_display_name(self, user) -> str:
        return user.display_name or user.username


class SectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class MatterTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = MatterType
        fields = ["id", "code", "name", "name_en"]


@extend_schema_field(OpenApiTypes.STR)
class Label(serializers.Field):
    """The Japanese (or, ``en=True``, English) name of a coded field, read-only."""

    def __init__(self, source: str, choices, english: dict, *, en: bool = False, **kwargs):
        self.choices, self.english, self.en = dict(choices), english, en
        super().__init__(source=source, read_only=True, **kwargs)

    def to_representation(self, value):
        return labels.pair(value, self.choices, self.english)[1 if self.en else 0]


def label_pair(source: str, choices, english: dict) -> tuple[Label, Label]:
    return Label(source, choices, english), Label(source, choices, english, en=True)


# --- cases ------------------------------------------------------------------------------
class TaskSerializer(serializers.ModelSerializer):
    state_label, state_label_en = label_pair("state", TaskState.choices, labels.TASK_STATE_EN)
    capacity_label, capacity_label_en = label_pair("capacity", Capacity.choices, labels.CAPACITY_EN)
    post_review_reason_label, post_review_reason_label_en = label_pair(
        "post_review_reason", PostReviewReason.choices, labels.POST_REVIEW_REASON_EN
    )
    assignee = serializers.SerializerMethodField()
    holder = PersonSerializer(allow_null=True)
    acted_by = PersonSerializer(allow_null=True)
    post_review_due = serializers.BooleanField()

    class Meta:
        model = Task
        fields = [
            "id",
            "assignee",
            "holder",
            "state",
            "state_label",
            "state_label_en",
            "capacity",
            "capacity_label",
            "capacity_label_en",
            "acted_by",
            "acted_at",
            "opened_at",
            "comment",
            "post_review",
            "post_review_reason",
            "post_review_reason_label",
            "post_review_reason_label_en",
            "post_reviewed_at",
            "post_review_due",
        ]

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "type": {"type": "string", "enum": ["user", "post", "section"]},
                "id": {"type": "integer"},
                "label": {"type": "string"},
            },
        }
    )
    def get_assignee(self, task) -> dict:
        return assignee_of(task)


def assignee_of(row) -> dict:
    """Who a task or template step is for: {type, id, label}."""
    if row.assignee_post_id:
        return {"type": "post", "id": row.assignee_post_id, "label": str(row.assignee_post)}
    if row.assignee_section_id:
        return {
            "type": "section",
            "id": row.assignee_section_id,
            "label": f"{row.assignee_section}(課長)",
        }
    if row.assignee_user_id:
        user = row.assignee_user
        return {"type": "user", "id": user.pk, "label": user.display_name or user.username}
    return {"type": "", "id": None, "label": ""}


class StepSerializer(serializers.ModelSerializer):
    kind_label, kind_label_en = label_pair("kind", StepKind.choices, labels.STEP_KIND_EN)
    state_label, state_label_en = label_pair("state", StepState.choices, labels.STEP_STATE_EN)
    tasks = TaskSerializer(many=True)

    class Meta:
        model = Step
        fields = [
            "id",
            "position",
            "kind",
            "kind_label",
            "kind_label_en",
            "state",
            "state_label",
            "state_label_en",
            "added_by_drafter",
            "opened_at",
            "completed_at",
            "tasks",
        ]


class AttachmentSerializer(serializers.Serializer):
    document = serializers.IntegerField(source="document_id")
    title = serializers.CharField(source="document.title")
    status = serializers.CharField(source="document.status")
    frozen = serializers.BooleanField(source="document.is_frozen")
    added_by = PersonSerializer()
    added_at = serializers.DateTimeField()
    after_decision = serializers.BooleanField()


class CommentSerializer(serializers.ModelSerializer):
    author = PersonSerializer()
    step = serializers.IntegerField(source="step.position", allow_null=True, default=None)

    class Meta:
        model = Comment
        fields = ["id", "author", "step", "body", "created_at"]


class EventSerializer(serializers.ModelSerializer):
    actor = PersonSerializer()
    action_label = serializers.SerializerMethodField()
    action_label_en = serializers.SerializerMethodField()
    capacity_label = serializers.SerializerMethodField()
    capacity_label_en = serializers.SerializerMethodField()
    step = serializers.SerializerMethodField()
    signature_state_label = serializers.SerializerMethodField()
    signature_state_label_en = serializers.SerializerMethodField()

    class Meta:
        model = CaseEvent
        fields = [
            "id",
            "action",
            "action_label",
            "action_label_en",
            "actor",
            "capacity",
            "capacity_label",
            "capacity_label_en",
            "task",
            "step",
            "comment",
            "details",
            "created_at",
            "signature_state",
            "signature_state_label",
            "signature_state_label_en",
        ]

    def get_action_label(self, event) -> str:
        return labels.event_label(event.action)[0]

    def get_action_label_en(self, event) -> str:
        return labels.event_label(event.action)[1]

    def get_capacity_label(self, event) -> str:
        return labels.pair(event.capacity, Capacity.choices, labels.CAPACITY_EN)[0]

    def get_capacity_label_en(self, event) -> str:
        return labels.pair(event.capacity, Capacity.choices, labels.CAPACITY_EN)[1]

    def get_step(self, event) -> int | None:
        """The position of the step the event's task is on (None for case-wide events)."""
        return event.task.step.position if event.task_id and event.task else None

    def get_signature_state_label(self, event) -> str:
        return labels.SIGNATURE_STATE_LABELS.get(event.signature_state, ("", ""))[0]

    def get_signature_state_label_en(self, event) -> str:
        return labels.SIGNATURE_STATE_LABELS.get(event.signature_state, ("", ""))[1]


class MatterTypeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


# A plain Serializer on purpose: the inbox and the list build it on every request, and a
# ModelSerializer's field introspection cost more than the rows (benchmarks/approvals_inbox).
class CaseListSerializer(serializers.Serializer):
    """A case as lists and the inbox show it."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    kind_label, kind_label_en = label_pair("kind", CaseKind.choices, labels.CASE_KIND_EN)
    title = serializers.CharField()
    state = serializers.ChoiceField(choices=CaseState.choices)
    state_label, state_label_en = label_pair("state", CaseState.choices, labels.CASE_STATE_EN)
    matter_type = MatterTypeRefSerializer()
    amount = serializers.IntegerField(allow_null=True)
    is_important = serializers.BooleanField()
    is_unusual = serializers.BooleanField()
    is_doubtful = serializers.BooleanField()
    flagged = serializers.BooleanField()
    decision_level = serializers.ChoiceField(choices=DecisionLevel.choices, allow_blank=True)
    decision_level_label, decision_level_label_en = label_pair(
        "decision_level", DecisionLevel.choices, labels.DECISION_LEVEL_EN
    )
    drafter = PersonSerializer()
    section = SectionSerializer()
    revision = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class AllowedSerializer(serializers.Serializer):
    """What the current user may do now (the buttons to show)."""

    actions = serializers.ListField(
        child=serializers.CharField(),
        help_text="POST cases/<id>/actions/<action>/ の action (submit, approve …)",
    )
    can_edit = serializers.BooleanField()
    can_edit_route = serializers.BooleanField()
    can_attach = serializers.BooleanField()
    can_comment = serializers.BooleanField()
    can_note = serializers.BooleanField(help_text="決裁後の備考(文書番号など)を記入できる")
    return_targets = serializers.ListField(
        child=serializers.IntegerField(), help_text="差戻し先にできる前の段階の position"
    )


class BodySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.CharField()
    frozen = serializers.BooleanField(source="is_frozen")


class NoteSerializer(serializers.Serializer):
    """A 備考 after the decision (a ``note`` event), in its line on the cover sheet."""

    id = serializers.IntegerField(source="pk", help_text="事象(CaseEvent)の ID")
    text = serializers.CharField(source="comment")
    line = serializers.SerializerMethodField(help_text="鑑の備考欄の何行目か(0 から)")
    author = PersonSerializer(source="actor")
    created_at = serializers.DateTimeField()
    signature_state = serializers.CharField(help_text="'' 署名なし / pending 署名待ち / signed")

    def get_line(self, event) -> int:
        return int(event.details.get("note_line", 0))


class NoteInputSerializer(serializers.Serializer):
    # The length rule (1–200) is the service's, with its Japanese and English message.
    text = serializers.CharField(
        allow_blank=True,
        max_length=4000,
        validators=[validation.plain_text],
        help_text="備考(1〜200字)",
    )


class CaseDetailSerializer(CaseListSerializer):
    body = BodySerializer()
    cites = serializers.IntegerField(source="cites_id", allow_null=True)
    steps = StepSerializer(many=True)
    attachments = AttachmentSerializer(many=True)
    comments = CommentSerializer(many=True)
    events = EventSerializer(many=True)
    notes = serializers.SerializerMethodField()
    allowed_actions = serializers.SerializerMethodField()
    allowed = serializers.SerializerMethodField()

    def _abilities(self, case):
        return self.context["abilities"]

    @extend_schema_field(NoteSerializer(many=True))
    def get_notes(self, case) -> list[dict]:
        notes = [event for event in case.events.all() if event.action == "note"]
        return NoteSerializer(notes, many=True).data

    def get_allowed_actions(self, case) -> list[str]:
        return list(self._abilities(case).actions)

    @extend_schema_field(AllowedSerializer)
    def get_allowed(self, case) -> dict:
        found = self._abilities(case)
        return AllowedSerializer(
            {
                "actions": found.actions,
                "can_edit": found.can_edit,
                "can_edit_route": found.can_edit_route,
                "can_attach": found.can_attach,
                "can_comment": found.can_comment,
                "can_note": found.can_note,
                "return_targets": found.return_targets,
            }
        ).data


class CaseCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=CaseKind.choices, default=CaseKind.DECISION)
    title = serializers.CharField(max_length=300, validators=[validation.plain_text])
    matter_type = serializers.SlugRelatedField(slug_field="code", queryset=MatterType.objects)
    amount = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_AMOUNT
    )
    is_important = serializers.BooleanField(default=False)
    is_unusual = serializers.BooleanField(default=False)
    is_doubtful = serializers.BooleanField(default=False)
    section = serializers.CharField(
        required=False, help_text="起案課の組織コードまたは ID(所属が一つなら省略可)"
    )
    body = serializers.IntegerField(help_text="本文の文書 ID", min_value=1)
    attachments = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=100
    )
    cites = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="引用する却下案件の ID"
    )


class CaseUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(
        max_length=300, required=False, validators=[validation.plain_text]
    )
    matter_type = serializers.SlugRelatedField(
        slug_field="code", queryset=MatterType.objects, required=False
    )
    amount = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_AMOUNT
    )
    is_important = serializers.BooleanField(required=False)
    is_unusual = serializers.BooleanField(required=False)
    is_doubtful = serializers.BooleanField(required=False)
    body = serializers.IntegerField(required=False, min_value=1, help_text="本文の文書 ID")


class AssigneeInputSerializer(serializers.Serializer):
    """Exactly one of a person, a post or a section (its head)."""

    user = serializers.CharField(required=False, help_text="職員のユーザー名または ID")
    post = serializers.CharField(required=False, help_text="職コードまたは ID")
    section = serializers.CharField(required=False, help_text="組織コードまたは ID")

    def validate(self, attrs):
        given = [name for name in ("user", "post", "section") if attrs.get(name)]
        if len(given) != 1:
            raise serializers.ValidationError(
                "担当者は職員・職・課のいずれか一つで指定してください。"
            )
        return attrs


class StepInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=StepKind.choices)
    position = serializers.IntegerField(min_value=1, max_value=200, help_text="1 = 先頭")
    assignees = AssigneeInputSerializer(many=True, min_length=1, max_length=50)


class PostReviewMarkSerializer(serializers.Serializer):
    on = serializers.BooleanField(default=True)


class AttachmentInputSerializer(serializers.Serializer):
    document = serializers.IntegerField(min_value=1, help_text="添付する文書 ID")


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=4000)
    step = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="段階の position(任意)"
    )


class ActionInputSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    to_position = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="差戻し先の段階 (return のみ; 省略で起案者へ)",
    )


class ActionResultSerializer(serializers.Serializer):
    action = serializers.CharField()
    replayed = serializers.BooleanField(help_text="同じ Idempotency-Key の再送: 何も変えていない")
    event = serializers.IntegerField(allow_null=True)
    case = CaseDetailSerializer()


# --- inbox and notifications ------------------------------------------------------------
class InboxTabSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    label_en = serializers.CharField()
    count = serializers.IntegerField()


class InboxTaskSerializer(serializers.Serializer):
    """The user's task an inbox row is about (none on the drafter's tabs)."""

    id = serializers.IntegerField()
    step = serializers.IntegerField(source="step.position")
    step_kind = serializers.ChoiceField(source="step.kind", choices=StepKind.choices)
    step_opened_at = serializers.DateTimeField(source="step.opened_at", allow_null=True)
    state = serializers.ChoiceField(choices=TaskState.choices)
    state_label, state_label_en = label_pair("state", TaskState.choices, labels.TASK_STATE_EN)
    opened_at = serializers.DateTimeField(allow_null=True)
    post_review_reason = serializers.ChoiceField(choices=PostReviewReason.choices, allow_blank=True)
    post_review_reason_label, post_review_reason_label_en = label_pair(
        "post_review_reason", PostReviewReason.choices, labels.POST_REVIEW_REASON_EN
    )


class InboxItemSerializer(serializers.Serializer):
    case = CaseListSerializer()
    task = InboxTaskSerializer(allow_null=True)


class InboxSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField())
    tabs = InboxTabSerializer(many=True)
    tab = serializers.CharField(allow_null=True, help_text="?tab= で選んだタブ")
    count = serializers.IntegerField(allow_null=True, help_text="選んだタブの件数")
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = InboxItemSerializer(many=True)


class NotificationEventSerializer(serializers.Serializer):
    case = serializers.IntegerField(source="case_id")
    case_title = serializers.CharField(source="case.title")
    action = serializers.CharField()
    action_label = serializers.CharField()
    action_label_en = serializers.CharField()
    actor = PersonSerializer()
    created_at = serializers.DateTimeField()


class NotificationsSerializer(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField())
    actionable = serializers.IntegerField(help_text="承認・合議・後閲・供覧待ちの合計")
    recent = NotificationEventSerializer(many=True, help_text="自分の起案への最近の動き")


# --- route proposal ---------------------------------------------------------------------
class ProposedAssigneeSerializer(serializers.Serializer):
    type = serializers.CharField()
    id = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    holder = PersonSerializer(allow_null=True, help_text="今日の在職者")


class ProposedStepSerializer(serializers.Serializer):
    position = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    kind_label_en = serializers.CharField()
    assignees = ProposedAssigneeSerializer(many=True)


class RouteProposalSerializer(serializers.Serializer):
    decision_level = serializers.CharField()
    decision_level_label = serializers.CharField()
    decision_level_label_en = serializers.CharField()
    template = serializers.DictField(help_text="{id, code, name}")
    steps = ProposedStepSerializer(many=True)


class RouteProposalQuerySerializer(serializers.Serializer):
    matter_type = serializers.SlugRelatedField(slug_field="code", queryset=MatterType.objects)
    amount = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_AMOUNT
    )
    section = serializers.CharField(required=False, help_text="組織コードまたは ID")


# --- rules (専決規程, templates) ----------------------------------------------------------
class DelegationRuleSerializer(serializers.ModelSerializer):
    decision_level_label, decision_level_label_en = label_pair(
        "decision_level", DecisionLevel.choices, labels.DECISION_LEVEL_EN
    )
    matter_type = serializers.SlugRelatedField(slug_field="code", queryset=MatterType.objects)
    amount_from = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_AMOUNT
    )
    amount_below = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_AMOUNT
    )

    class Meta:
        model = DelegationRule
        fields = [
            "id",
            "matter_type",
            "amount_from",
            "amount_below",
            "decision_level",
            "decision_level_label",
            "decision_level_label_en",
        ]


class TemplateStepSerializer(serializers.ModelSerializer):
    kind_label, kind_label_en = label_pair("kind", StepKind.choices, labels.STEP_KIND_EN)
    relative_level = serializers.ChoiceField(
        choices=PostLevel.choices, required=False, allow_blank=True, default=""
    )
    user = serializers.SlugRelatedField(
        source="assignee_user",
        slug_field="username",
        queryset=User.objects.all(),
        required=False,
        allow_null=True,
    )
    post = serializers.SlugRelatedField(
        source="assignee_post",
        slug_field="code",
        queryset=Post.objects.all(),
        required=False,
        allow_null=True,
    )
    section = serializers.SlugRelatedField(
        source="assignee_section",
        slug_field="code",
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
    )
    assignee_label = serializers.SerializerMethodField()

    class Meta:
        model = TemplateStep
        fields = [
            "id",
            "position",
            "kind",
            "kind_label",
            "kind_label_en",
            "relative_level",
            "user",
            "post",
            "section",
            "optional",
            "assignee_label",
        ]
        extra_kwargs = {"position": {"min_value": 1, "max_value": 200}}

    def get_assignee_label(self, step) -> str:
        if step.relative_level:
            return f"起案課の{PostLevel(step.relative_level).label}"
        return assignee_of(step)["label"]

    def validate(self, attrs):
        given = [
            name
            for name in ("relative_level", "assignee_user", "assignee_post", "assignee_section")
            if attrs.get(name)
        ]
        if len(given) != 1:
            raise serializers.ValidationError(
                "relative_level・user・post・section のいずれか一つを指定してください。"
            )
        return attrs


class RouteTemplateSerializer(serializers.ModelSerializer):
    decision_level_label, decision_level_label_en = label_pair(
        "decision_level", DecisionLevel.choices, labels.DECISION_LEVEL_EN
    )
    section = serializers.SlugRelatedField(
        source="department",
        slug_field="code",
        queryset=Department.objects.all(),
        required=False,
        allow_null=True,
        help_text="起案課(省略: 市の標準)",
    )
    steps = TemplateStepSerializer(many=True, min_length=1, max_length=50)

    class Meta:
        model = RouteTemplate
        fields = [
            "id",
            "code",
            "name",
            "decision_level",
            "decision_level_label",
            "decision_level_label_en",
            "section",
            "steps",
        ]
        validators: list = []  # the uniqueness per level and section is the service's refusal


class RulesImportResultSerializer(serializers.Serializer):
    matter_types = serializers.IntegerField()
    delegation = serializers.IntegerField()
    templates = serializers.IntegerField()


# --- organisation: posts, deputies, absences ----------------------------------------------
class PostSerializer(serializers.ModelSerializer):
    level_label, level_label_en = label_pair("level", PostLevel.choices, labels.POST_LEVEL_EN)
    section = SectionSerializer(source="department", allow_null=True)
    holder = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id",
            "code",
            "title",
            "title_en",
            "level",
            "level_label",
            "level_label_en",
            "section",
            "is_head",
            "holder",
        ]

    @extend_schema_field(PersonSerializer(allow_null=True))
    def get_holder(self, post) -> dict | None:
        holder = self.context.get("holders", {}).get(post.pk)
        return PersonSerializer(holder).data if holder else None


class DeputySerializer(serializers.ModelSerializer):
    post = serializers.SlugRelatedField(slug_field="code", queryset=Post.objects.all())
    user = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    deputy_post = serializers.SlugRelatedField(
        slug_field="code", queryset=Post.objects.all(), required=False, allow_null=True
    )
    label = serializers.SerializerMethodField()

    class Meta:
        model = Deputy
        fields = ["id", "post", "order", "user", "deputy_post", "label"]
        validators: list = []  # order per post: refused by the view with a ja/en message

    def get_label(self, deputy) -> str:
        if deputy.user_id:
            return deputy.user.display_name or deputy.user.username
        return str(deputy.deputy_post) if deputy.deputy_post_id else ""

    def validate(self, attrs):
        person = attrs.get("user", getattr(self.instance, "user", None))
        post = attrs.get("deputy_post", getattr(self.instance, "deputy_post", None))
        if (person is None) == (post is None):
            raise serializers.ValidationError(
                "代決者は職員(user)か職(deputy_post)のどちらか一つで指定してください。"
            )
        return attrs


class AbsenceSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.all(),
        required=False,
        help_text="管理者のみ他の職員を指定可(省略: 自分)",
    )
    reason = serializers.CharField(
        max_length=200, required=False, allow_blank=True, validators=[validation.plain_text]
    )

    class Meta:
        model = Absence
        fields = ["id", "user", "starts_at", "ends_at", "reason"]

    def validate(self, attrs):
        starts = attrs.get("starts_at", getattr(self.instance, "starts_at", None))
        ends = attrs.get("ends_at", getattr(self.instance, "ends_at", None))
        if starts and ends and ends <= starts:
            raise serializers.ValidationError({"ends_at": ["終了は開始より後にしてください。"]})
        return attrs
