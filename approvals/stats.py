"""The numbers the city watches about its decisions (the approvals dashboard).

Per section over a period: the electronic-decision rate (cases decided in Kiroku against
起案文書 documents of the section that went through no case, i.e. were decided on paper)
and the 差戻し rate (submitted cases that were returned at least once). Over the period:
the median time of each step kind (opened → completed) and of a whole case (submitted →
decided), by PostgreSQL's ``percentile_cont`` (in Python on SQLite). Now: the open tasks waiting
longest. A fixed handful of grouped queries, whatever the number of cases or sections.

Only administrators see every section; a department head (holder of a head post today)
sees the departments under the posts held; everyone else is refused.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
)
from django.utils import timezone

from approvals.models import (
    Attachment,
    Case,
    CaseEvent,
    CaseKind,
    CaseState,
    Step,
    StepKind,
    Task,
    TaskState,
)
from dms.accounts.models import Department, PostAssignment, Role
from dms.documents.models import Document
from dms.errors import ApiError
from ja.fiscal import fiscal_year_of, fiscal_year_start

DRAFT_DOCUMENT_TYPE = "draft"  # 起案文書 (dms/documents default document types)


class Median(Aggregate):
    """PostgreSQL's continuous median; works on intervals as on numbers."""

    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _duration(end: str, start: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(end) - F(start), output_field=DurationField())


def _medians_by(queryset, group: str | None, end: str, start: str) -> dict:
    """``{group value: (median of end - start, count)}`` in one query.

    PostgreSQL computes the median itself; the embedded database (SQLite, the quick start's
    default) has no ``percentile_cont``, so there the durations are fetched and the median
    taken here: still one query, fine for the few thousand steps of a period.
    """
    if connection.vendor == "postgresql":
        median = Median(_duration(end, start))
        if group is None:
            row = queryset.aggregate(median=median, n=Count("id"))
            return {None: (row["median"], row["n"])} if row["n"] else {}
        rows = queryset.values(group).annotate(median=median, n=Count("id"))
        return {row[group]: (row["median"], row["n"]) for row in rows}
    durations: dict = {}
    for key, ended, started in queryset.values_list(group or "pk", end, start):
        durations.setdefault(key if group else None, []).append(ended - started)
    return {key: (_median(values), len(values)) for key, values in durations.items()}


def _median(values: list[dt.timedelta]) -> dt.timedelta:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@dataclass
class SectionFigures:
    section_id: int
    section: str
    decided_electronically: int = 0
    decided_on_paper: int = 0
    submitted: int = 0
    returned: int = 0

    @property
    def electronic_rate(self) -> float | None:
        total = self.decided_electronically + self.decided_on_paper
        return round(self.decided_electronically / total, 4) if total else None

    @property
    def return_rate(self) -> float | None:
        return round(self.returned / self.submitted, 4) if self.submitted else None


@dataclass
class Waiting:
    task_id: int
    case_id: int
    case_title: str
    section: str
    step_kind: str
    assignee: str
    holder: str
    since: dt.datetime
    hours: float


@dataclass
class Dashboard:
    date_from: dt.date
    date_to: dt.date
    all_sections: bool
    sections: list[SectionFigures] = field(default_factory=list)
    step_median_hours: dict[str, float | None] = field(default_factory=dict)
    steps_completed: dict[str, int] = field(default_factory=dict)
    case_median_hours: float | None = None
    cases_decided: int = 0
    waiting_longest: list[Waiting] = field(default_factory=list)


def _hours(value: dt.timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 2)


# --- who sees what -----------------------------------------------------------------------
def scope_of(user) -> frozenset[int] | None:
    """The departments whose figures ``user`` sees (None: all); 403 for anyone else."""
    if user.is_authenticated and (user.is_superuser or user.role == Role.ADMINISTRATOR):
        return None
    headed = []
    if user.is_authenticated:
        headed = list(
            PostAssignment.objects.effective_on(timezone.localdate())
            .filter(user=user, post__is_head=True)
            .values_list("post__department_id", flat=True)
        )
    if not headed:
        raise ApiError(
            "dashboard_forbidden",
            "決裁の統計は管理者と所属長のみが閲覧できます。",
            "Only administrators and department heads may see the approvals dashboard.",
            403,
        )
    ids: set[int] = set(headed)
    frontier = set(headed)
    while frontier:  # one query per level of the organisation (局 › 部 › 課: three)
        frontier = (
            set(Department.objects.filter(parent_id__in=frontier).values_list("id", flat=True))
            - ids
        )
        ids |= frontier
    return frozenset(ids)


# --- the figures -------------------------------------------------------------------------
def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """From the start of the current fiscal year (4/1) to today."""
    today = today or timezone.localdate()
    return fiscal_year_start(fiscal_year_of(today)), today


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def _in_scope(queryset, scope, field_name):
    return queryset if scope is None else queryset.filter(**{f"{field_name}__in": scope})


def dashboard(user, date_from: dt.date, date_to: dt.date, *, waiting_limit: int = 10) -> Dashboard:
    scope = scope_of(user)
    start, end = _bounds(date_from, date_to)
    board = Dashboard(date_from=date_from, date_to=date_to, all_sections=scope is None)
    sections: dict[int, SectionFigures] = {}

    def figures(section_id: int) -> SectionFigures:
        return sections.setdefault(section_id, SectionFigures(section_id, ""))

    cases = _in_scope(Case.objects.all(), scope, "section_id")
    # 供覧 cases inform, they decide nothing: the rates are about decisions only.
    decided = cases.filter(
        kind=CaseKind.DECISION, state=CaseState.DECIDED, decided_at__gte=start, decided_at__lt=end
    )
    for row in decided.values("section_id").annotate(n=Count("id")):
        figures(row["section_id"]).decided_electronically = row["n"]

    in_a_case = Q(Exists(Case.objects.filter(body_id=OuterRef("pk")))) | Q(
        Exists(Attachment.objects.filter(document_id=OuterRef("pk")))
    )
    paper = (
        _in_scope(Document.objects.all(), scope, "department_id")
        .filter(
            document_type__code=DRAFT_DOCUMENT_TYPE,
            deleted_at__isnull=True,
            created_on__gte=date_from,
            created_on__lte=date_to,
        )
        .exclude(in_a_case)
    )
    for row in paper.values("department_id").annotate(n=Count("id")):
        figures(row["department_id"]).decided_on_paper = row["n"]

    returned = CaseEvent.objects.filter(case=OuterRef("pk"), action="return")
    submitted = cases.filter(submitted_at__gte=start, submitted_at__lt=end)
    for row in submitted.values("section_id").annotate(
        n=Count("id"), returned=Count("id", filter=Q(Exists(returned)))
    ):
        entry = figures(row["section_id"])
        entry.submitted, entry.returned = row["n"], row["returned"]

    names = dict(Department.objects.filter(pk__in=sections).values_list("id", "name"))
    for entry in sections.values():
        entry.section = names.get(entry.section_id, "")
    board.sections = sorted(sections.values(), key=lambda s: (s.section, s.section_id))

    steps = _in_scope(Step.objects.all(), scope, "case__section_id").filter(
        completed_at__gte=start, completed_at__lt=end, opened_at__isnull=False
    )
    medians = {kind: None for kind in StepKind.values}
    counts = dict.fromkeys(StepKind.values, 0)
    for kind, (median, n) in _medians_by(steps, "kind", "completed_at", "opened_at").items():
        medians[kind], counts[kind] = _hours(median), n
    board.step_median_hours, board.steps_completed = medians, counts

    whole = _medians_by(
        decided.filter(submitted_at__isnull=False), None, "decided_at", "submitted_at"
    )
    median, board.cases_decided = whole.get(None, (None, 0))
    board.case_median_hours = _hours(median)

    now = timezone.now()
    open_tasks = (
        _in_scope(Task.objects.all(), scope, "case__section_id")
        .filter(state=TaskState.PENDING, case__state=CaseState.IN_ROUTE)
        .select_related(
            "case__section", "step", "holder", "assignee_post", "assignee_section", "assignee_user"
        )
        .order_by(F("step__opened_at").asc(nulls_last=True), "id")[:waiting_limit]
    )
    for task in open_tasks:
        since = task.step.opened_at or task.case.submitted_at or now
        board.waiting_longest.append(
            Waiting(
                task_id=task.pk,
                case_id=task.case_id,
                case_title=task.case.title,
                section=str(task.case.section),
                step_kind=task.step.kind,
                assignee=task.assignee_label,
                holder=(task.holder.display_name or task.holder.username) if task.holder else "",
                since=since,
                hours=_hours(now - since) or 0.0,
            )
        )
    return board
