"""REST API for electronic approval (電子決裁) under ``/api/approvals/``.

Each view validates with a serializer, calls one function of :mod:`approvals.services`
(cases) or :mod:`approvals.rules_admin` (the rules and the organisation data), and answers.
Who may see a case is :mod:`approvals.access` (anyone else: 404, as for a missing case);
what the current user may do on it is :mod:`approvals.abilities`; mail goes out after the
action's transaction through :mod:`approvals.notifications`. The endpoint table for the
web app is ``docs/api-approvals.md``.
"""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import F, Prefetch, Q
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from approvals import abilities, access, notifications, routing, rules_admin, rules_file, services
from approvals.labels import DECISION_LEVEL_EN, STEP_KIND_EN, event_label
from approvals.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseKind,
    CaseState,
    Comment,
    DecisionLevel,
    DelegationRule,
    MatterType,
    RouteTemplate,
    Step,
    StepKind,
    Task,
    TemplateStep,
)
from approvals.routing import Assignee
from approvals.serializers import (
    AbsenceSerializer,
    ActionInputSerializer,
    ActionResultSerializer,
    AttachmentInputSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CaseUpdateSerializer,
    CommentInputSerializer,
    CommentSerializer,
    DelegationRuleSerializer,
    DeputySerializer,
    InboxItemSerializer,
    InboxSerializer,
    MatterTypeSerializer,
    NoteInputSerializer,
    NotificationsSerializer,
    PersonSerializer,
    PostReviewMarkSerializer,
    PostSerializer,
    RouteProposalQuerySerializer,
    RouteProposalSerializer,
    RouteTemplateSerializer,
    RulesImportResultSerializer,
    StepInputSerializer,
)
from dms.accounts.models import Absence, Department, Deputy, Post, PostAssignment, Role, User
from dms.documents import permissions as document_permissions
from dms.documents.models import Document
from dms.errors import ApiError, InvalidParameter, NotFoundError

IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_PARAMETER = OpenApiParameter(
    IDEMPOTENCY_HEADER,
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="同じキーの再送は最初の結果を返し、何も記録しない (max 100 characters)",
)
ADMINISTRATORS_ONLY = ApiError(
    "administrators_only",
    "この設定を変更できるのはシステム管理者だけです。",
    "Only administrators may change this setting.",
    403,
)


def is_administrator(user) -> bool:
    return user.is_superuser or user.role == Role.ADMINISTRATOR


class ReadForStaffWriteForAdministrators(permissions.BasePermission):
    """The rules and the organisation: every signed-in user reads, administrators edit."""

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method in permissions.SAFE_METHODS or is_administrator(request.user):
            return True
        raise ADMINISTRATORS_ONLY


def idempotency_key(request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if len(key) > 100:
        raise InvalidParameter(
            IDEMPOTENCY_HEADER,
            "Idempotency-Key は100文字以内にしてください。",
            "The Idempotency-Key header is at most 100 characters.",
        )
    return key or None


def _document(document_id: int) -> Document:
    """The document by id; visibility and state are the service's checks (404 there too)."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        raise NotFoundError("文書が見つかりません。", "Document not found.")
    return document


def _department(wanted) -> Department | None:
    lookup = {"pk": wanted} if str(wanted).isdigit() else {"code": wanted}
    return Department.objects.filter(**lookup).first()


def _drafting_section(user, wanted) -> Department:
    """The section named, or the user's only department."""
    if wanted:
        section = _department(wanted)
        if section is None:
            raise InvalidParameter("section", "起案課が見つかりません。", "No such section.")
        return section
    mine = document_permissions.own_departments(user)
    if len(mine) != 1:
        raise InvalidParameter(
            "section",
            "起案課を指定してください。",
            "Name the drafting section (you belong to more than one, or none).",
        )
    return mine[0]


def _person(wanted) -> User | None:
    lookup = {"pk": wanted} if str(wanted).isdigit() else {"username": wanted}
    return User.objects.filter(is_active=True, **lookup).first()


def _post(wanted) -> Post | None:
    lookup = {"pk": wanted} if str(wanted).isdigit() else {"code": wanted}
    return Post.objects.filter(**lookup).first()


def _assignees(entries: list[dict]) -> list[Assignee]:
    """Names or ids to people, posts and sections; one refusal naming what is unknown."""
    found = []
    for index, entry in enumerate(entries):
        if entry.get("user"):
            assignee = Assignee(user=_person(entry["user"]))
            missing = assignee.user is None
        elif entry.get("post"):
            assignee = Assignee(post=_post(entry["post"]))
            missing = assignee.post is None
        else:
            assignee = Assignee(section=_department(entry["section"]))
            missing = assignee.section is None
        if missing:
            raise InvalidParameter(
                f"assignees[{index}]",
                f"{index + 1}人目の担当者が見つかりません。",
                f"Assignee {index + 1} was not found.",
            )
        found.append(assignee)
    return found


# --- loading a case for its page ----------------------------------------------------------
PERSON = ("holder", "acted_by", "assignee_user", "assignee_post", "assignee_section")
CASE_ROW = ("matter_type", "drafter", "section")  # what a list row shows beside the case


def case_for_page(pk: int) -> Case:
    """The case with everything its page shows, in a fixed number of queries."""
    return (
        Case.objects.select_related("matter_type", "drafter", "section", "body")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=Step.objects.order_by("position").prefetch_related(
                    Prefetch("tasks", queryset=Task.objects.select_related(*PERSON).order_by("id"))
                ),
            ),
            Prefetch(
                "attachments", queryset=Attachment.objects.select_related("document", "added_by")
            ),
            Prefetch("comments", queryset=Comment.objects.select_related("author", "step")),
            Prefetch(
                "events",
                queryset=CaseEvent.objects.select_related("actor", "task__step").order_by(
                    "created_at", "id"
                ),
            ),
        )
        .get(pk=pk)
    )


def case_detail(case: Case, request) -> dict:
    found = abilities.abilities(case, request.user)
    loaded = case_for_page(case.pk)
    return CaseDetailSerializer(loaded, context={"request": request, "abilities": found}).data


# --- cases ----------------------------------------------------------------------------------
class CaseFilter(django_filters.FilterSet):
    state = django_filters.MultipleChoiceFilter(choices=CaseState.choices)
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices)
    q = django_filters.CharFilter(field_name="title", lookup_expr="icontains", max_length=200)
    box = django_filters.ChoiceFilter(
        choices=[(tab, labels[0]) for tab, labels in access.INBOX_TABS.items()],
        method="in_box",
        help_text="決裁箱のタブ (approval, consultation, post_review, circulation, drafting, "
        "returned)",
    )
    matter_type = django_filters.CharFilter(field_name="matter_type__code")
    section = django_filters.CharFilter(field_name="section__code")
    mine = django_filters.BooleanFilter(method="drafted_by_me", help_text="自分の起案だけ")

    class Meta:
        model = Case
        fields: list[str] = []

    def in_box(self, cases, name, tab):
        """The cases of one inbox tab: the inbox's own rule decides (access.tab_of)."""
        ids = access.inbox_index(self.request.user).ids[tab]
        if tab in access.DRAFTER_TABS.values():
            return cases.filter(pk__in=ids)
        return cases.filter(pk__in=Task.objects.filter(pk__in=ids).values("case_id"))

    def drafted_by_me(self, cases, name, value):
        return cases.filter(drafter=self.request.user) if value else cases


class CaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """案件: list, draft, read (records the view), change a draft, route, attach, comment, act."""

    filter_backends = [DjangoFilterBackend]
    filterset_class = CaseFilter
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Case.objects.none()
        return access.visible_cases(self.request.user).select_related(*CASE_ROW)

    def get_serializer_class(self):
        return CaseListSerializer if self.action == "list" else CaseDetailSerializer

    def _case(self) -> Case:
        return access.visible_case(self.request.user, self._pk())

    def _pk(self) -> int:
        raw = self.kwargs["pk"]
        if not str(raw).isdigit() or int(raw) > 2**63 - 1:
            raise NotFoundError("案件が見つかりません。", "Case not found.")
        return int(raw)

    def _answer(self, case: Case, http_status=200) -> Response:
        return Response(case_detail(case, self.request), status=http_status)

    def retrieve(self, request, *args, **kwargs):
        case = self._case()
        services.record_view(case, user=request.user, request=request)
        return self._answer(case)

    @extend_schema(request=CaseCreateSerializer, responses={201: CaseDetailSerializer})
    def create(self, request, *args, **kwargs):
        given = CaseCreateSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        cites = data.get("cites")
        case = services.draft(
            user=request.user,
            kind=data["kind"],
            title=data["title"],
            matter_type=data["matter_type"],
            amount=data.get("amount"),
            is_important=data["is_important"],
            is_unusual=data["is_unusual"],
            is_doubtful=data["is_doubtful"],
            section=_drafting_section(request.user, data.get("section")),
            body=_document(data["body"]),
            attachments=[_document(pk) for pk in data["attachments"]],
            cites=access.visible_case(request.user, cites) if cites else None,
            request=request,
        )
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(
        request=CaseUpdateSerializer,
        responses=CaseDetailSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    def partial_update(self, request, *args, **kwargs):
        case = self._case()
        given = CaseUpdateSerializer(data=request.data, partial=True)
        given.is_valid(raise_exception=True)
        changes = dict(given.validated_data)
        if "body" in changes:
            changes["body"] = _document(changes["body"])
        services.update_draft(
            case,
            user=request.user,
            changes=changes,
            request=request,
            idempotency_key=idempotency_key(request),
        )
        return self._answer(case)

    # --- the route before submitting ------------------------------------------------------
    @extend_schema(
        request=StepInputSerializer,
        responses=CaseDetailSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def steps(self, request, pk=None):
        """Insert a step (承認・合議・決裁・供覧) at ``position`` before submitting."""
        case = self._case()
        given = StepInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        services.add_step(
            case,
            user=request.user,
            kind=data["kind"],
            position=data["position"],
            assignees=_assignees(data["assignees"]),
            request=request,
            idempotency_key=idempotency_key(request),
        )
        return self._answer(case)

    @extend_schema(request=None, responses=CaseDetailSerializer, parameters=[IDEMPOTENCY_PARAMETER])
    @action(detail=True, methods=["delete"], url_path=r"steps/(?P<position>\d{1,4})")
    def remove_step(self, request, pk=None, position=None):
        """Remove a step the drafter added (template steps stay; mark them for 後閲)."""
        case = self._case()
        services.remove_step(
            case,
            user=request.user,
            position=int(position),
            request=request,
            idempotency_key=idempotency_key(request),
        )
        return self._answer(case)

    @extend_schema(
        request=PostReviewMarkSerializer,
        responses=CaseDetailSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @action(detail=True, methods=["post"], url_path=r"steps/(?P<position>\d{1,4})/post-review")
    def mark_post_review(self, request, pk=None, position=None):
        """Mark (``on``: true) or unmark an intermediate approval step for 後閲."""
        case = self._case()
        given = PostReviewMarkSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.mark_post_review(
            case,
            user=request.user,
            position=int(position),
            on=given.validated_data["on"],
            request=request,
            idempotency_key=idempotency_key(request),
        )
        return self._answer(case)

    @extend_schema(
        request=AttachmentInputSerializer,
        responses=CaseDetailSerializer,
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @action(detail=True, methods=["post"])
    def attachments(self, request, pk=None):
        """Attach an existing document (upload it first through /api/documents/)."""
        case = self._case()
        given = AttachmentInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.add_attachment(
            case,
            user=request.user,
            document=_document(given.validated_data["document"]),
            request=request,
            idempotency_key=idempotency_key(request),
        )
        return self._answer(case)

    @extend_schema(
        methods=["GET"], request=None, responses=CommentSerializer(many=True), parameters=[]
    )
    @extend_schema(
        methods=["POST"],
        request=CommentInputSerializer,
        responses={201: CommentSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
    )
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        """The case's comment thread; anyone who sees the case may write."""
        case = self._case()
        if request.method == "GET":
            thread = case.comments.select_related("author", "step")
            return Response(CommentSerializer(thread, many=True).data)
        given = CommentInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        result = services.comment(
            case,
            user=request.user,
            body=given.validated_data["body"],
            position=given.validated_data.get("step"),
            request=request,
            idempotency_key=idempotency_key(request),
        )
        written = (
            Comment.objects.select_related("author", "step")
            .filter(case=case, author=request.user)
            .order_by("-created_at", "-id")
        )
        if result.result.get("event"):
            event = CaseEvent.objects.get(pk=result.result["event"])
            written = written.filter(created_at=event.created_at)
        return Response(CommentSerializer(written.first()).data, status=201)

    @extend_schema(
        request=NoteInputSerializer,
        responses={201: CaseDetailSerializer},
        parameters=[IDEMPOTENCY_PARAMETER],
        summary="決裁後の備考(文書番号など)を鑑に記入",
    )
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        """備考 after the decision (e.g. the notice number 文書番号): recorded with who and
        when, and, with signing on, signed into the next 備考 line of the cover sheet as a
        new revision. Refused before the decision (409), when every line is used (409),
        for anyone but the drafting section, the decider, records officers and
        administrators (403), and for anyone who cannot see the case (404)."""
        case = self._case()
        given = NoteInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        services.add_cover_note(
            case,
            request.user,
            given.validated_data["text"],
            idempotency_key(request),
            request=request,
        )
        return self._answer(case, status.HTTP_201_CREATED)

    # --- the actions ------------------------------------------------------------------------
    @extend_schema(
        request=ActionInputSerializer,
        responses=ActionResultSerializer,
        parameters=[
            IDEMPOTENCY_PARAMETER,
            OpenApiParameter(
                "action_name",
                OpenApiTypes.STR,
                OpenApiParameter.PATH,
                enum=list(abilities.ACTIONS),
                description="submit, approve, agree, disagree, decide, reject, proxy-decide, "
                "post-review, pull-up, return, recall, withdraw, acknowledge",
            ),
        ],
    )
    @action(detail=True, methods=["post"], url_path=r"actions/(?P<action_name>[a-z-]{1,40})")
    def act(self, request, pk=None, action_name=None):
        """One action on the route; ``return`` needs a comment (and ``to_position`` to send
        the case back to an earlier step instead of the drafter)."""
        service = ACTION_SERVICES.get(action_name)
        if service is None:
            raise NotFoundError("その操作はありません。", f"There is no action {action_name!r}.")
        case = self._case()
        given = ActionInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        result = service(
            case,
            user=request.user,
            data=given.validated_data,
            request=request,
            idempotency_key=idempotency_key(request),
        )
        if not result.replayed:
            notifications.after_action(result.result.get("event"))
        body = {
            "action": action_name,
            "replayed": result.replayed,
            "event": result.result.get("event"),
            "case": case_detail(case, request),
        }
        return Response(body)


def _with_comment(service):
    def call(case, *, user, data, request, idempotency_key):
        return service(
            case,
            user=user,
            comment=data["comment"],
            request=request,
            idempotency_key=idempotency_key,
        )

    return call


def _without_comment(service):
    def call(case, *, user, data, request, idempotency_key):
        return service(case, user=user, request=request, idempotency_key=idempotency_key)

    return call


def _return(case, *, user, data, request, idempotency_key):
    return services.return_case(
        case,
        user=user,
        comment=data["comment"],
        to_position=data.get("to_position"),
        request=request,
        idempotency_key=idempotency_key,
    )


ACTION_SERVICES = {
    "submit": _without_comment(services.submit),
    "approve": _with_comment(services.approve),
    "agree": _with_comment(services.agree),
    "disagree": _with_comment(services.disagree),
    "decide": _with_comment(services.decide),
    "reject": _with_comment(services.reject),
    "proxy-decide": _with_comment(services.proxy_decide),
    "post-review": _with_comment(services.post_review),
    "pull-up": _without_comment(services.pull_up),
    "return": _return,
    "recall": _without_comment(services.recall),
    "withdraw": _with_comment(services.withdraw),
    "acknowledge": _with_comment(services.acknowledge),
}
assert set(ACTION_SERVICES) == set(abilities.ACTIONS)


# --- inbox and notifications ----------------------------------------------------------------
def _inbox_tabs(counts: dict[str, int]) -> list[dict]:
    return [
        {"key": tab, "label": ja, "label_en": en, "count": counts[tab]}
        for tab, (ja, en) in access.INBOX_TABS.items()
    ]


class InboxView(APIView):
    """決裁箱: the count of every tab, and with ``?tab=`` that tab's rows, oldest first."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "tab",
                OpenApiTypes.STR,
                enum=list(access.INBOX_TABS),
                required=False,
                description="承認待ち approval / 合議待ち consultation / 後閲待ち post_review / "
                "供覧 circulation / 起案中 drafting / 差戻し returned",
            ),
            OpenApiParameter("page", OpenApiTypes.INT, required=False),
        ],
        responses=InboxSerializer,
    )
    def get(self, request):
        tab = request.query_params.get("tab") or None
        if tab is not None and tab not in access.INBOX_TABS:
            raise InvalidParameter(
                "tab",
                "tab は approval, consultation, post_review, circulation, drafting, returned "
                "のいずれかです。",
                "tab is one of approval, consultation, post_review, circulation, drafting, "
                "returned.",
            )
        index = access.inbox_index(request.user)
        body = {
            "counts": index.counts,
            "tabs": _inbox_tabs(index.counts),
            "tab": tab,
            "count": None,
            "next": None,
            "previous": None,
            "results": [],
        }
        if tab is not None:
            paginator = PageNumberPagination()
            page = paginator.paginate_queryset(index.ids[tab], request, view=self)
            body |= {
                "count": paginator.page.paginator.count,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": InboxItemSerializer(_inbox_rows(tab, page), many=True).data,
            }
        return Response(body)


def _inbox_rows(tab: str, ids: list[int]) -> list[dict]:
    """One page of a tab, loaded alone in one query, in the inbox's order."""
    if tab in access.DRAFTER_TABS.values():
        cases = Case.objects.select_related(*CASE_ROW).in_bulk(ids)
        return [{"case": cases[pk], "task": None} for pk in ids]
    tasks = Task.objects.select_related("step", *(f"case__{name}" for name in CASE_ROW)).in_bulk(
        ids
    )
    return [{"case": tasks[pk].case, "task": tasks[pk]} for pk in ids]


RECENT_DAYS = 14
RECENT_EVENTS = 10
# What the drafter wants to hear about their own cases.
DRAFTER_NEWS = ("approve", "agree", "disagree", "decide", "proxy_decide", "reject", "return")


class NotificationsView(APIView):
    """In-app notifications: the inbox counts for the header badge, and the latest moves on
    the user's own drafts (approved, returned, decided …) in the last two weeks."""

    @extend_schema(responses=NotificationsSerializer)
    def get(self, request):
        counts = access.inbox_index(request.user).counts
        since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
        recent = (
            CaseEvent.objects.filter(
                case__drafter=request.user, action__in=DRAFTER_NEWS, created_at__gte=since
            )
            .exclude(actor=request.user)
            .select_related("actor", "case")
            .order_by("-created_at", "-id")[:RECENT_EVENTS]
        )
        body = {
            "counts": counts,
            "actionable": sum(
                counts[tab] for tab in ("approval", "consultation", "post_review", "circulation")
            ),
            "recent": [
                {
                    "case_id": event.case_id,
                    "case": event.case,
                    "action": event.action,
                    "action_label": event_label(event.action)[0],
                    "action_label_en": event_label(event.action)[1],
                    "actor": event.actor,
                    "created_at": event.created_at,
                }
                for event in recent
            ],
        }
        return Response(NotificationsSerializer(body).data)


# --- the route a new case would get -----------------------------------------------------------
def _proposed_assignee(assignee: Assignee, day) -> dict:
    holder = routing.holder_of(assignee.user, assignee.post, assignee.section, day)
    if assignee.post is not None:
        kind, pk, label = "post", assignee.post.pk, str(assignee.post)
    elif assignee.section is not None:
        kind, pk, label = "section", assignee.section.pk, f"{assignee.section}(課長)"
    else:
        user = assignee.user
        kind, pk, label = "user", user.pk, user.display_name or user.username
    return {
        "type": kind,
        "id": pk,
        "label": label,
        "holder": PersonSerializer(holder).data if holder else None,
    }


class RouteProposalView(APIView):
    """The deciding level (専決規程) and the template's route for the 起案 form."""

    @extend_schema(parameters=[RouteProposalQuerySerializer], responses=RouteProposalSerializer)
    def get(self, request):
        given = RouteProposalQuerySerializer(data=request.query_params)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        section = _drafting_section(request.user, data.get("section"))
        level = routing.decision_level_for(data["matter_type"], data.get("amount"))
        template = routing.template_for(level, section)
        day = timezone.localdate()
        steps = [
            {
                "position": position,
                "kind": planned.kind,
                "kind_label": StepKind(planned.kind).label,
                "kind_label_en": STEP_KIND_EN[planned.kind],
                "assignees": [_proposed_assignee(a, day) for a in planned.assignees],
            }
            for position, planned in enumerate(routing.planned_route(template, section), start=1)
        ]
        return Response(
            {
                "decision_level": level,
                "decision_level_label": DecisionLevel(level).label,
                "decision_level_label_en": DECISION_LEVEL_EN[level],
                "template": {"id": template.pk, "code": template.code, "name": template.name},
                "steps": steps,
            }
        )


# --- the rules: matter types, the delegation table, route templates ---------------------------
class RulesViewSet(viewsets.ModelViewSet):
    """Read for every signed-in user; administrators edit (through rules_admin)."""

    permission_classes = [ReadForStaffWriteForAdministrators]
    pagination_class = None
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def perform_create(self, serializer):
        serializer.instance = rules_admin.save(
            self.queryset.model,
            None,
            serializer.validated_data,
            user=self.request.user,
            request=self.request,
        )

    def perform_update(self, serializer):
        serializer.instance = rules_admin.save(
            self.queryset.model,
            serializer.instance,
            serializer.validated_data,
            user=self.request.user,
            request=self.request,
        )

    def perform_destroy(self, instance):
        rules_admin.delete(instance, user=self.request.user, request=self.request)


class MatterTypeViewSet(RulesViewSet):
    """事案種別."""

    queryset = MatterType.objects.all()
    serializer_class = MatterTypeSerializer


class DelegationRuleViewSet(RulesViewSet):
    """専決規程: matter type × amount band → deciding level. ``?matter_type=`` filters."""

    # Open lower ends first, as the table is read (PostgreSQL puts nulls last otherwise).
    queryset = DelegationRule.objects.select_related("matter_type").order_by(
        "matter_type__code", F("amount_from").asc(nulls_first=True)
    )
    serializer_class = DelegationRuleSerializer

    def get_queryset(self):
        rules = super().get_queryset()
        wanted = self.request.query_params.get("matter_type")
        return rules.filter(matter_type__code=wanted) if wanted else rules


class RouteTemplateViewSet(RulesViewSet):
    """決裁経路テンプレート with their steps (a write replaces the steps as a whole)."""

    queryset = RouteTemplate.objects.select_related("department").prefetch_related(
        Prefetch(
            "steps",
            queryset=TemplateStep.objects.select_related(
                "assignee_user", "assignee_post", "assignee_section"
            ),
        )
    )
    serializer_class = RouteTemplateSerializer


class RulesFileView(APIView):
    """The whole rule set in the rules file format (approvals/rules_file.py): GET exports
    it, POST (administrators) replaces the delegation table and templates with it."""

    permission_classes = [ReadForStaffWriteForAdministrators]

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request):
        return Response(rules_file.dump())

    @extend_schema(request=OpenApiTypes.OBJECT, responses=RulesImportResultSerializer)
    def post(self, request):
        return Response(rules_admin.import_rules(request.data, user=request.user, request=request))


# --- the organisation: posts, deputies, absences ----------------------------------------------
class PostViewSet(viewsets.ReadOnlyModelViewSet):
    """職 (for picking assignees), with today's holder. ``?q=`` title or code, ``?section=``
    code, ``?level=``."""

    serializer_class = PostSerializer

    def get_queryset(self):
        posts = Post.objects.select_related("department").order_by("code")
        params = self.request.query_params
        if params.get("q"):
            posts = posts.filter(Q(title__icontains=params["q"]) | Q(code__icontains=params["q"]))
        if params.get("section"):
            posts = posts.filter(department__code=params["section"])
        if params.get("level"):
            posts = posts.filter(level=params["level"])
        return posts

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=False),
            OpenApiParameter("section", OpenApiTypes.STR, required=False),
            OpenApiParameter("level", OpenApiTypes.STR, required=False),
        ]
    )
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = self.get_serializer(page, many=True, context=self._holders(page))
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        post = self.get_object()
        return Response(PostSerializer(post, context=self._holders([post])).data)

    def _holders(self, posts) -> dict:
        """Today's holder of each post shown, in one query."""
        assignments = (
            PostAssignment.objects.effective_on(timezone.localdate())
            .filter(post__in=posts)
            .select_related("user")
            .order_by("valid_from")  # the latest assignment wins, as Post.holder_on
        )
        return {"request": self.request, "holders": {a.post_id: a.user for a in assignments}}


class PersonListSerializer(PersonSerializer):
    departments = serializers.SerializerMethodField()

    def get_departments(self, user) -> list[str]:
        return [department.code for department in user.departments.all()]  # prefetched


class PeopleViewSet(viewsets.ReadOnlyModelViewSet):
    """Active staff, for picking a person as an assignee. ``?q=`` name, ``?section=`` code."""

    serializer_class = PersonListSerializer

    def get_queryset(self):
        people = (
            User.objects.filter(is_active=True).prefetch_related("departments").order_by("username")
        )
        params = self.request.query_params
        if params.get("q"):
            people = people.filter(
                Q(username__icontains=params["q"]) | Q(display_name__icontains=params["q"])
            )
        if params.get("section"):
            people = people.filter(departments__code=params["section"])
        return people

    @extend_schema(
        parameters=[
            OpenApiParameter("q", OpenApiTypes.STR, required=False),
            OpenApiParameter("section", OpenApiTypes.STR, required=False),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class DeputyViewSet(RulesViewSet):
    """代決者 per post, in order (administrators edit). ``?post=`` code filters."""

    queryset = Deputy.objects.select_related("post", "user", "deputy_post")
    serializer_class = DeputySerializer

    def get_queryset(self):
        deputies = super().get_queryset()
        wanted = self.request.query_params.get("post")
        return deputies.filter(post__code=wanted) if wanted else deputies


class AbsenceViewSet(viewsets.ModelViewSet):
    """不在: each person registers their own; administrators anyone's (``user``)."""

    serializer_class = AbsenceSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Absence.objects.none()
        absences = Absence.objects.select_related("user").order_by("starts_at", "id")
        user = self.request.user
        if not is_administrator(user):
            return absences.filter(user=user)
        wanted = self.request.query_params.get("user")
        return absences.filter(user__username=wanted) if wanted else absences

    def perform_create(self, serializer):
        serializer.instance = rules_admin.save_absence(
            None, serializer.validated_data, user=self.request.user, request=self.request
        )

    def perform_update(self, serializer):
        serializer.instance = rules_admin.save_absence(
            serializer.instance,
            serializer.validated_data,
            user=self.request.user,
            request=self.request,
        )

    def perform_destroy(self, instance):
        rules_admin.delete(instance, user=self.request.user, request=self.request)
