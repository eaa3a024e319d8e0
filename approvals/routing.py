"""Routes: the rules a route must follow, the route a new case gets, and who a step means.

A new case's route comes from data: the delegation table (専決規程) gives the deciding
level for the matter type and amount, and the route template for that level (the drafting
section's own, else the nearest section above it, else the city default) gives the steps.
A post is resolved to the person who holds it on the day its step opens, so a case that
is open across the April reorganisation reaches the new holder.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Q

from approvals import errors
from approvals.models import (
    CaseKind,
    DecisionLevel,
    DelegationRule,
    MatterType,
    RouteTemplate,
    StepKind,
)
from dms.accounts.models import Department, Post, PostAssignment, PostLevel

# Steps whose one task is a single person's (a 合議 or 供覧 may have several in parallel).
SINGLE_TASK_KINDS = frozenset({StepKind.APPROVAL, StepKind.DECISION})
KIND_JA = dict(StepKind.choices)


@dataclass
class Assignee:
    """Who a task is for: exactly one of a person, a post, a section (its head)."""

    user: object | None = None
    post: Post | None = None
    section: Department | None = None

    def as_fields(self) -> dict:
        return {
            "assignee_user": self.user,
            "assignee_post": self.post,
            "assignee_section": self.section,
        }


@dataclass
class PlannedStep:
    kind: str
    assignees: list[Assignee] = field(default_factory=list)


# --- the rules of a route -------------------------------------------------------------
def validate(kind: str, steps: Sequence[tuple[str, int]]) -> None:
    """Refuse a route that breaks the rules; ``steps`` are (kind, number of tasks) in order.

    A decision route has exactly one 決裁 step; 承認 and 合議 come before it and 供覧 only
    after it. A 供覧 case has no 決裁 and no 合議, and at least one 供覧 step.
    """
    kinds = [step_kind for step_kind, _ in steps]
    for position, (step_kind, tasks) in enumerate(steps, start=1):
        if tasks == 0:
            raise errors.invalid_route(
                f"{position}番目の{KIND_JA[step_kind]}に担当者がいません。",
                f"Step {position} ({step_kind}) has nobody assigned.",
                position=position,
            )
        if step_kind in SINGLE_TASK_KINDS and tasks > 1:
            raise errors.invalid_route(
                f"{position}番目の{KIND_JA[step_kind]}の担当者は一人です。",
                f"Step {position} ({step_kind}) is for exactly one person or post.",
                position=position,
            )
    deciders = kinds.count(StepKind.DECISION)
    if kind == CaseKind.CIRCULATION:
        if deciders or StepKind.CONSULTATION in kinds:
            raise errors.invalid_route(
                "供覧の案件に決裁・合議はありません。",
                "A circulation case has no decision or consultation step.",
            )
        if StepKind.CIRCULATION not in kinds:
            raise errors.invalid_route(
                "供覧先がありません。", "A circulation case needs at least one circulation step."
            )
        return
    if deciders == 0:
        raise errors.invalid_route(
            "決裁者がいません。決裁経路には決裁が一つだけ必要です。",
            "The route has no decision step; it needs exactly one.",
        )
    if deciders > 1:
        raise errors.invalid_route(
            "決裁が二つあります。決裁経路の決裁者は一人だけです。",
            "The route has more than one decision step; it needs exactly one.",
        )
    decision_at = kinds.index(StepKind.DECISION)
    if StepKind.CIRCULATION in kinds[:decision_at]:
        raise errors.invalid_route(
            "供覧は決裁の後に置いてください。", "Circulation steps come after the decision."
        )
    if set(kinds[decision_at + 1 :]) - {StepKind.CIRCULATION}:
        raise errors.invalid_route(
            "決裁の後に置けるのは供覧だけです。",
            "Only circulation steps may follow the decision.",
        )


# --- the route a new case gets --------------------------------------------------------
def decision_level_for(matter_type: MatterType, amount: int | None) -> str:
    """The deciding level the delegation table gives; refused when no line matches."""
    value = amount or 0
    rule = (
        DelegationRule.objects.filter(matter_type=matter_type)
        .filter(Q(amount_from__isnull=True) | Q(amount_from__lte=value))
        .filter(Q(amount_below__isnull=True) | Q(amount_below__gt=value))
        .first()
    )
    if rule is None:
        raise errors.invalid(
            "no_delegation_rule",
            f"専決規程に「{matter_type.name}」(金額 {value:,}円) の決裁区分がありません。",
            f"The delegation table has no line for {matter_type.code} at {value} yen.",
            field="matter_type",
        )
    return rule.decision_level


def template_for(level: str, section: Department) -> RouteTemplate:
    """The section's own template for the level, else the nearest above, else the default."""
    candidates = {
        template.department_id: template
        for template in RouteTemplate.objects.filter(decision_level=level).filter(
            Q(department__isnull=True) | Q(department_id__in=[section.id, *section.ancestor_ids()])
        )
    }
    for department_id in [section.id, *section.ancestor_ids(), None]:
        if department_id in candidates:
            return candidates[department_id]
    raise errors.invalid(
        "no_route_template",
        f"決裁区分「{DecisionLevel(level).label}」の決裁経路テンプレートがありません。",
        f"There is no route template for decision level {level}.",
    )


def planned_route(template: RouteTemplate, section: Department) -> list[PlannedStep]:
    steps: dict[int, PlannedStep] = {}
    for template_step in template.steps.select_related(
        "assignee_user", "assignee_post", "assignee_section"
    ):
        if template_step.relative_level:
            try:
                post = post_of_level(section, template_step.relative_level)
            except errors.ApprovalError:
                if template_step.optional:
                    continue
                raise
            planned = steps.setdefault(template_step.position, PlannedStep(template_step.kind))
            planned.assignees.append(Assignee(post=post))
        else:
            planned = steps.setdefault(template_step.position, PlannedStep(template_step.kind))
            planned.assignees.append(
                Assignee(
                    user=template_step.assignee_user,
                    post=template_step.assignee_post,
                    section=template_step.assignee_section,
                )
            )
    return [steps[position] for position in sorted(steps)]


def post_of_level(section: Department, level: str) -> Post:
    """The post of ``level`` heading the section or the nearest department above it;
    for the city-wide levels (副市長, 市長) the post without a department."""
    chain = [section.id, *section.ancestor_ids()]
    posts = {
        post.department_id: post
        for post in Post.objects.filter(level=level).filter(
            Q(department_id__in=chain) | Q(department__isnull=True)
        )
    }
    for department_id in [*chain, None]:
        if department_id in posts:
            return posts[department_id]
    raise errors.invalid(
        "no_post",
        f"「{section.name}」に対応する{PostLevel(level).label}の職が登録されていません。",
        f"No {level} post is registered for {section.code} or above it.",
    )


# --- who a task means on a given day --------------------------------------------------
def holder_of(assignee_user, assignee_post, assignee_section, day: dt.date):
    """The person a task is for on ``day``, or None when the post is vacant."""
    if assignee_user is not None:
        return assignee_user
    if assignee_post is None and assignee_section is not None:
        assignee_post = section_head(assignee_section)
    return assignee_post.holder_on(day) if assignee_post is not None else None


def section_head(section: Department) -> Post | None:
    return Post.objects.filter(department=section, is_head=True).first()


def posts_held(user, day: dt.date) -> list[Post]:
    return [
        assignment.post
        for assignment in PostAssignment.objects.effective_on(day)
        .filter(user=user)
        .select_related("post")
    ]


def deputies_on(posts: Iterable[Post], day: dt.date) -> list:
    """The registered deputies (代決者) of ``posts`` as people on ``day``, in order."""
    people = []
    for post in posts:
        for deputy in post.deputies.select_related("user", "deputy_post").order_by("order"):
            person = deputy.person_on(day)
            if person is not None and person not in people:
                people.append(person)
    return people
