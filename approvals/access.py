"""Who may see a case, and each person's inbox (決裁箱).

A case is visible to its drafter, to its drafting section and the departments above it
(as documents are), to everyone on its route (the people and resolved post holders of
its tasks, whoever acted), to the registered deputies of a decider while the decision is
pending, and to records officers and administrators. Anyone else gets 404, exactly as
for a case that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from approvals.models import Case, CaseState, StepKind, Task, TaskState
from dms.accounts.models import Deputy, PostAssignment
from dms.documents.permissions import department_ids_with_authority
from dms.errors import NotFoundError


def _deputy_of(user, day) -> tuple[list[int], list[int]]:
    """The posts ``user`` deputises for on ``day``, and the people holding them."""
    held = PostAssignment.objects.effective_on(day).filter(user=user).values("post_id")
    post_ids = list(
        Deputy.objects.filter(Q(user=user) | Q(deputy_post_id__in=held)).values_list(
            "post_id", flat=True
        )
    )
    holder_ids = list(
        PostAssignment.objects.effective_on(day)
        .filter(post_id__in=post_ids)
        .values_list("user_id", flat=True)
    )
    return post_ids, holder_ids


def visible_cases(user, queryset: QuerySet[Case] | None = None) -> QuerySet[Case]:
    cases = Case.objects.all() if queryset is None else queryset
    if not user.is_authenticated:
        return cases.none()
    if user.sees_everything:
        return cases
    on_route = Task.objects.filter(case=OuterRef("pk")).filter(
        Q(holder=user) | Q(acted_by=user) | Q(assignee_user=user)
    )
    visible = (
        Q(drafter=user) | Q(section_id__in=department_ids_with_authority(user)) | Exists(on_route)
    )
    post_ids, holder_ids = _deputy_of(user, timezone.localdate())
    if post_ids:
        deciding = Task.objects.filter(
            case=OuterRef("pk"), state=TaskState.PENDING, step__kind=StepKind.DECISION
        ).filter(Q(assignee_post_id__in=post_ids) | Q(holder_id__in=holder_ids))
        visible |= Exists(deciding)
    return cases.filter(visible)


def visible_case(user, pk) -> Case:
    """The case, if ``user`` may see it; otherwise 404, as if it did not exist."""
    case = visible_cases(user).filter(pk=pk).select_related("section", "drafter", "body").first()
    if case is None:
        raise NotFoundError("案件が見つかりません。", "Case not found.")
    return case


INBOX_TABS = {
    "approval": ("承認待ち", "To approve"),
    "consultation": ("合議待ち", "To consult"),
    "post_review": ("後閲待ち", "To post-review"),
    "circulation": ("供覧", "To read"),
    "drafting": ("起案中", "Drafts"),
    "returned": ("差戻し", "Returned"),
}


@dataclass
class Inbox:
    """Each tab's tasks (or, for the drafter's tabs, cases), oldest first."""

    tabs: dict[str, list] = field(default_factory=lambda: {tab: [] for tab in INBOX_TABS})

    @property
    def counts(self) -> dict[str, int]:
        return {tab: len(items) for tab, items in self.tabs.items()}


@dataclass
class InboxIndex:
    """Each tab's row ids, oldest first: task ids, or case ids on the drafter's tabs
    (``drafting``, ``returned``). Built from ids alone, for the counts and for a page."""

    ids: dict[str, list[int]] = field(default_factory=lambda: {tab: [] for tab in INBOX_TABS})

    @property
    def counts(self) -> dict[str, int]:
        return {tab: len(ids) for tab, ids in self.ids.items()}


DRAFTER_TABS = {CaseState.DRAFT: "drafting", CaseState.RETURNED: "returned"}


def tab_of(task_state: str, step_kind: str) -> str:
    """The tab a due task belongs in: one rule for the inbox, its counts and its pages."""
    if task_state != TaskState.PENDING:
        return "post_review"
    if step_kind == StepKind.CONSULTATION:
        return "consultation"
    if step_kind == StepKind.CIRCULATION:
        return "circulation"
    return "approval"  # 承認 and 決裁


def _due_tasks(user) -> QuerySet[Task]:
    """The user's open tasks and their 後閲 still to do, oldest step first."""
    due = Q(state=TaskState.PENDING) | Q(
        post_review=True,
        post_reviewed_at__isnull=True,
        state__in=[TaskState.SKIPPED, TaskState.DECIDED],
    )
    return Task.objects.filter(holder=user).filter(due).order_by("step__opened_at", "id")


def _own_open_drafts(user) -> QuerySet[Case]:
    return Case.objects.filter(drafter=user, state__in=list(DRAFTER_TABS)).order_by(
        "updated_at", "id"
    )


def inbox(user) -> Inbox:
    """Two queries: the user's open and 後閲 tasks, and the user's own drafts."""
    box = Inbox()
    for task in _due_tasks(user).select_related("case", "step"):
        box.tabs[tab_of(task.state, task.step.kind)].append(task)
    for case in _own_open_drafts(user):
        box.tabs[DRAFTER_TABS[case.state]].append(case)
    return box


def inbox_index(user) -> InboxIndex:
    """The inbox as ids only (two small queries, no rows built): the API's counts and the
    page of one tab, whose rows are then loaded alone."""
    index = InboxIndex()
    for task_id, state, kind in _due_tasks(user).values_list("id", "state", "step__kind"):
        index.ids[tab_of(state, kind)].append(task_id)
    for case_id, state in _own_open_drafts(user).values_list("id", "state"):
        index.ids[DRAFTER_TABS[state]].append(case_id)
    return index
