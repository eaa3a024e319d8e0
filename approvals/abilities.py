"""What the current user may do on a case now: the buttons the case page shows.

The answers come from the services' own checks (``services._my_task`` finds the user's
turn exactly as every route action does; the state and drafter rules are the services'
tables below), so a button is shown only when the action would pass them. 代決 and 引上げ
keep their checks inside their service functions; :func:`_may_proxy_decide` and
:func:`_pull_up_target` follow them line by line, and
``tests/approvals/test_api_abilities.py`` runs every listed action against the service in
a range of situations, so the two cannot drift apart unnoticed. A listed action can still
be refused (an empty route on submit, a vacant post): the refusal then says why.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from approvals import routing, services
from approvals.errors import ApprovalError
from approvals.models import Case, CaseState, StepKind, StepState, TaskState
from dms.accounts.models import is_absent

# The API's action names (URL segments), each with the service it calls.
ACTIONS = (
    "submit",
    "approve",
    "agree",
    "disagree",
    "decide",
    "reject",
    "proxy-decide",
    "post-review",
    "pull-up",
    "return",
    "recall",
    "withdraw",
    "acknowledge",
)
# Which states each drafter action accepts (the services' _require_state arguments).
DRAFTER_STATES = {
    "submit": (CaseState.DRAFT, CaseState.RETURNED),
    "withdraw": (CaseState.DRAFT, CaseState.IN_ROUTE, CaseState.RETURNED),
    "edit": (CaseState.DRAFT, CaseState.RETURNED),
    "edit_route": (CaseState.DRAFT,),
    "attach": (CaseState.DRAFT, CaseState.RETURNED, CaseState.IN_ROUTE, CaseState.DECIDED),
}
# The route actions by the kind of step the user's pending task is on.
TASK_ACTIONS = {
    StepKind.APPROVAL: ("approve", "return"),
    StepKind.CONSULTATION: ("agree", "disagree", "return"),
    StepKind.DECISION: ("decide", "reject", "return"),
    StepKind.CIRCULATION: ("acknowledge",),
}
ALL_KINDS = list(TASK_ACTIONS)


@dataclass
class Abilities:
    actions: list[str] = field(default_factory=list)
    can_edit: bool = False  # title, flags, amount, matter type, body
    can_edit_route: bool = False  # add or remove steps, mark 後閲
    can_attach: bool = False
    can_comment: bool = True  # everyone who sees the case
    can_note: bool = False  # 備考 after the decision (services.add_cover_note)
    return_targets: list[int] = field(default_factory=list)  # earlier step positions


def _my_pending_task(case: Case, user, now: dt.datetime):
    try:
        return services._my_task(case, user, ALL_KINDS, now)
    except ApprovalError:
        return None


def _may_proxy_decide(case: Case, user, now: dt.datetime, open_step) -> bool:
    """services.proxy_decide's checks: a registered deputy, the first one present, the
    decider absent, the case not flagged and its 合議 all agreed."""
    if open_step is None or open_step.kind != StepKind.DECISION or case.flagged:
        return False
    day = timezone.localdate(now)
    task = services._tasks(open_step)[0]
    decider = task.holder
    if decider is None:
        return False
    posts = [task.assignee_post] if task.assignee_post_id else routing.posts_held(decider, day)
    deputies = routing.deputies_on(posts, day)
    if user not in deputies or not is_absent(decider, now):
        return False
    if not services._consultation_agreed(case):
        return False
    first = next((deputy for deputy in deputies if not is_absent(deputy, now)), None)
    return first == user


def _pull_up_target(case: Case, user, now: dt.datetime, open_step):
    """services.pull_up's search: a later 承認 or 決裁 step the user holds, with only 承認
    steps between (never across a 合議)."""
    if open_step is None or open_step.kind != StepKind.APPROVAL:
        return None
    day = timezone.localdate(now)
    for step in case.steps.filter(position__gt=open_step.position).order_by("position"):
        task = services._tasks(step)[0]
        holder = routing.holder_of(
            task.assignee_user, task.assignee_post, task.assignee_section, day
        )
        if step.kind in (StepKind.APPROVAL, StepKind.DECISION) and holder == user:
            return step
        if step.kind != StepKind.APPROVAL:
            return None
    return None


def _may_recall(case: Case, open_step) -> bool:
    """services.recall: nobody on the open step has opened the case or acted yet."""
    if open_step is None:
        return True
    return not any(
        task.opened_at is not None or task.state not in services.ACTIVE
        for task in open_step.tasks.all()
    )


def _post_review_due(case: Case, user) -> bool:
    return (
        case.tasks.filter(holder=user, post_review=True, post_reviewed_at__isnull=True)
        .exclude(state__in=services.ACTIVE)
        .exists()
    )


def abilities(case: Case, user, now: dt.datetime | None = None) -> Abilities:
    """Everything ``user`` may do on ``case`` now (they are assumed to see it)."""
    now = now or timezone.now()
    result = Abilities()
    is_drafter = case.drafter_id == user.pk
    if is_drafter:
        result.can_edit = case.state in DRAFTER_STATES["edit"]
        result.can_edit_route = case.state in DRAFTER_STATES["edit_route"]
        result.can_attach = case.state in DRAFTER_STATES["attach"]
        for action in ("submit", "withdraw"):
            if case.state in DRAFTER_STATES[action]:
                result.actions.append(action)
    open_step = (
        case.steps.filter(state=StepState.OPEN).order_by("position").first()
        if case.state in (CaseState.IN_ROUTE, CaseState.DECIDED)
        else None
    )
    if case.state in (CaseState.IN_ROUTE, CaseState.DECIDED) and open_step is not None:
        task = _my_pending_task(case, user, now)
        if task is not None and task.state == TaskState.PENDING:
            for action in TASK_ACTIONS[task.step.kind]:
                # After the decision only 供覧 is still open (services' acknowledge states).
                if case.state == CaseState.IN_ROUTE or action == "acknowledge":
                    result.actions.append(action)
            if "return" in result.actions:
                result.return_targets = list(
                    case.steps.filter(position__lt=task.step.position)
                    .order_by("position")
                    .values_list("position", flat=True)
                )
    if case.state == CaseState.IN_ROUTE:
        if _may_proxy_decide(case, user, now, open_step):
            result.actions.append("proxy-decide")
        if _pull_up_target(case, user, now, open_step) is not None:
            result.actions.append("pull-up")
        if is_drafter and _may_recall(case, open_step):
            result.actions.append("recall")
    if case.state == CaseState.DECIDED:
        result.can_note = services.may_note(case, user)
    if _post_review_due(case, user):
        result.actions.append("post-review")
    result.actions.sort(key=ACTIONS.index)
    return result


def allowed_actions(case: Case, user, now: dt.datetime | None = None) -> list[str]:
    return abilities(case, user, now).actions
