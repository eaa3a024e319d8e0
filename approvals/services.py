"""Every action on a case (案件), each one function with its checks: the only way to
change a case.

Each action runs in one transaction that first locks the case row (``select_for_update``),
so two people acting at once are served one after the other and the second sees the
first's result (409 with the current state). An action sent with an idempotency key
records its result per case, actor and key; the same key again returns that first result
and changes nothing. Every action appends a :class:`~approvals.models.CaseEvent` and an
entry to the hash-chained audit trail (actor, capacity 本人/代決/後閲, client address,
time in +09:00); a refused action is audited as refused, after its transaction is gone.

On 決裁 (and 代決) the body and every attachment are frozen through
:func:`dms.documents.lifecycle.freeze`, in the same transaction as the decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from approvals import errors, routing
from approvals.errors import ApprovalError
from approvals.models import (
    Attachment,
    Capacity,
    Case,
    CaseEvent,
    CaseKind,
    CaseState,
    Comment,
    IdempotencyRecord,
    MatterType,
    PostReviewReason,
    Step,
    StepKind,
    StepState,
    Task,
    TaskState,
)
from approvals.routing import Assignee
from approvals.signing import flow as signing_flow
from dms.accounts.models import Department, is_absent
from dms.audit import trail
from dms.audit.models import Outcome
from dms.documents import lifecycle, permissions
from dms.documents.models import Document
from dms.errors import ApiError, NotFoundError
from ja.dates import format_wareki

ACTIVE = (TaskState.WAITING, TaskState.PENDING)
STATE_JA = dict(CaseState.choices)


@dataclass
class ActionResult:
    """What an action did: the case afterwards, and the result a retry gets again."""

    case: Case
    result: dict
    replayed: bool = False


# --- the frame every action runs in ---------------------------------------------------
def _run(
    name: str,
    case: Case,
    *,
    user,
    request,
    idempotency_key: str | None,
    work: Callable[[Case, dt.datetime], CaseEvent | None],
) -> ActionResult:
    try:
        with transaction.atomic():
            locked = Case.objects.select_for_update().select_related("body").get(pk=case.pk)
            if idempotency_key:
                first = IdempotencyRecord.objects.filter(
                    case=locked, actor=user, key=idempotency_key
                ).first()
                if first is not None:
                    if first.action != name:
                        raise errors.conflict(
                            locked,
                            "idempotency_key_reused",
                            "この冪等キーは別の操作に使われています。",
                            f"This idempotency key was used for another action ({first.action}).",
                        )
                    return ActionResult(locked, first.result, replayed=True)
            event = work(locked, timezone.now())
            locked.revision += 1
            locked.save()
            result = {
                "action": name,
                "case": locked.pk,
                "state": locked.state,
                "revision": locked.revision,
                "event": event.pk if event else None,
            }
            if idempotency_key:
                IdempotencyRecord.objects.create(
                    case=locked, actor=user, key=idempotency_key, action=name, result=result
                )
    except ApiError as refusal:
        if refusal.status_code in (403, 409, 400):
            trail.record(
                actor=user,
                action=name,
                target=case,
                request=request,
                outcome=Outcome.REFUSED,
                details={"code": refusal.code, "reason": refusal.message},
            )
        raise
    case.__dict__.update(locked.__dict__)  # the caller's instance shows the new state
    return ActionResult(case, result)


def _event(
    case: Case,
    action: str,
    *,
    user,
    request,
    now: dt.datetime,
    capacity: str = Capacity.PRINCIPAL,
    task: Task | None = None,
    comment: str = "",
    details: dict | None = None,
) -> CaseEvent:
    """Append the case's event and the audit entry (the signing work fills the hashes)."""
    event = CaseEvent.objects.create(
        case=case,
        task=task,
        actor=user,
        action=action,
        capacity=capacity,
        comment=comment,
        details=details or {},
        client_address=trail.client_address(request),
        created_at=now,
    )
    step = task.step if task is not None else None
    entry = trail.record(
        actor=user,
        action=action,
        target=case,
        request=request,
        details={
            "capacity": capacity,
            "event": event.pk,
            "step": step.position if step else None,
            "step_kind": step.kind if step else None,
            "task": task.pk if task else None,
            "comment": comment[:1000],
            "pdf_sha256_before": event.pdf_sha256_before,
            "pdf_sha256_after": event.pdf_sha256_after,
            **(details or {}),
        },
    )
    CaseEvent.objects.filter(pk=event.pk).update(audit_sequence=entry.sequence)
    signing_flow.on_event(event)  # a stamped action's signature: pending, then the job
    return event


# --- checks shared by the actions -----------------------------------------------------
def _require_state(case: Case, *states: str) -> None:
    if case.state not in states:
        raise errors.conflict(
            case,
            "state_conflict",
            f"この案件は「{STATE_JA[case.state]}」のため、この操作はできません。",
            f"The case is {case.state}; this action is not possible now.",
        )


def _require_drafter(case: Case, user) -> None:
    if case.drafter_id != user.pk:
        raise errors.not_drafter()


def _require_comment(comment: str) -> str:
    if not (comment or "").strip():
        raise errors.comment_required()
    return comment.strip()


def _open_step(case: Case) -> Step | None:
    return case.steps.filter(state=StepState.OPEN).order_by("position").first()


def _tasks(step: Step) -> list[Task]:
    return list(
        step.tasks.select_related("assignee_post", "assignee_section", "holder").order_by("id")
    )


def _holds(task: Task, user, day: dt.date) -> bool:
    """Whether ``user`` is the person a pending task is for today. A post is the
    authority: when its holder changes while the step is open (a reorganisation), the
    task passes to the new holder and the former one may no longer act on it."""
    if task.assignee_user_id is not None:
        return task.assignee_user_id == user.pk
    current = routing.holder_of(None, task.assignee_post, task.assignee_section, day)
    if current is None:  # vacant since the step opened: the one it reached keeps it
        return task.holder_id == user.pk
    if current.pk == user.pk:
        task.holder = user
        return True
    return False


def _my_task(case: Case, user, kinds: Sequence[str], now: dt.datetime) -> Task:
    """The user's pending task on the open step, or the reason they cannot act."""
    day = timezone.localdate(now)
    step = _open_step(case)
    tasks = _tasks(step) if step else []
    for task in tasks:
        if task.state == TaskState.PENDING and _holds(task, user, day):
            if step.kind not in kinds:
                raise errors.conflict(
                    case,
                    "wrong_action",
                    f"この段階は{step.get_kind_display()}です。この操作はできません。",
                    f"This step is a {step.kind} step; this action does not apply.",
                )
            return task
    already_done = errors.conflict(
        case,
        "already_done",
        "この段階の処理は済んでいます。",
        "Your part of this step is already done.",
    )
    if any(t.state not in ACTIVE and user.pk in (t.holder_id, t.acted_by_id) for t in tasks):
        raise already_done
    later = Task.objects.filter(case=case, state=TaskState.WAITING).select_related(
        "assignee_post", "assignee_section"
    )
    if any(
        routing.holder_of(t.assignee_user, t.assignee_post, t.assignee_section, day) == user
        for t in later
    ):
        raise errors.not_your_turn()
    if case.tasks.filter(acted_by=user).exists():
        raise already_done
    raise errors.not_on_route()


def _act(task: Task, state: str, *, user, now, capacity=Capacity.PRINCIPAL, comment="") -> None:
    task.state, task.acted_by, task.acted_at = state, user, now
    task.capacity, task.comment = capacity, comment
    task.save()


def _step_finished(step: Step) -> bool:
    return not step.tasks.filter(state__in=ACTIVE).exists()


def _finish_step(step: Step, now: dt.datetime) -> None:
    step.state, step.completed_at = StepState.DONE, now
    step.save(update_fields=["state", "completed_at"])


def _advance(case: Case, *, user, request, now: dt.datetime) -> None:
    """Open the next waiting step; steps whose every task is passed over (後閲) are done at
    once and the next one opens. At the end of the route the case is closed."""
    while True:
        step = case.steps.filter(state=StepState.WAITING).order_by("position").first()
        if step is None:
            if case.state == CaseState.IN_ROUTE and case.kind == CaseKind.CIRCULATION:
                case.state = CaseState.CIRCULATED
            case.closed_at = now
            return
        _open(case, step, user=user, request=request, now=now)
        if step.state == StepState.OPEN:
            return


def _open(case: Case, step: Step, *, user, request, now: dt.datetime) -> None:
    """Resolve each task to the person who holds it today; an absent intermediate
    approver (or one the drafter marked) is passed over for 後閲."""
    day = timezone.localdate(now)
    step.state, step.opened_at = StepState.OPEN, now
    step.save(update_fields=["state", "opened_at"])
    for task in _tasks(step):
        holder = routing.holder_of(
            task.assignee_user, task.assignee_post, task.assignee_section, day
        )
        if holder is None:
            raise errors.conflict(
                case,
                "vacant_post",
                f"「{task.assignee_label}」には{format_wareki(day)}時点の在職者がいません。",
                f"Nobody holds {task.assignee_label} on {day.isoformat()}.",
            )
        task.holder = holder
        task.state = TaskState.PENDING
        if step.kind == StepKind.APPROVAL and (task.post_review or is_absent(holder, now)):
            reason = task.post_review_reason or PostReviewReason.ABSENCE
            task.state, task.post_review, task.post_review_reason = (
                TaskState.SKIPPED,
                True,
                reason,
            )
            _event(
                case,
                "pass_over",
                user=user,
                request=request,
                now=now,
                task=task,
                capacity=Capacity.POST_REVIEW,
                details={"reason": reason, "holder": holder.username},
            )
        task.save()
    if _step_finished(step):
        _finish_step(step, now)


def _reset_steps(case: Case, from_position: int = 0) -> None:
    """Steps from ``from_position`` on start again (their history stays in the events)."""
    Step.objects.filter(case=case, position__gte=from_position).update(
        state=StepState.WAITING, opened_at=None, completed_at=None
    )
    tasks = Task.objects.filter(case=case, step__position__gte=from_position)
    tasks.exclude(post_review_reason=PostReviewReason.DRAFTER).update(
        post_review=False, post_review_reason=""
    )
    tasks.update(
        state=TaskState.WAITING,
        holder=None,
        opened_at=None,
        acted_by=None,
        acted_at=None,
        capacity="",
        comment="",
        post_reviewed_at=None,
    )


def _close_open_tasks(case: Case) -> None:
    Task.objects.filter(case=case, state=TaskState.PENDING).update(state=TaskState.WAITING)


def _freeze_documents(case: Case, *, user, request) -> None:
    reason = f"決裁 (案件 {case.pk}: {case.title})"
    for document in case.documents():
        if not document.is_frozen:
            lifecycle.freeze(document, reason=reason, user=user, request=request)


def _consultation_agreed(case: Case) -> bool:
    return (
        not Task.objects.filter(case=case, step__kind=StepKind.CONSULTATION)
        .exclude(state=TaskState.AGREED)
        .exists()
    )


# --- drafting (起案) --------------------------------------------------------------------
def _check_document(document: Document, user, *, field: str) -> None:
    visible = Document.objects.visible_to(user).filter(pk=document.pk).exists()
    if not visible or document.is_deleted:
        raise NotFoundError("文書が見つかりません。", "Document not found.")
    if document.is_frozen:
        raise errors.invalid(
            "document_frozen",
            "決裁済みで凍結された文書は新しい案件に使えません。新しい文書を登録してください。",
            "A document frozen by an earlier decision cannot be put up again; add a new one.",
            field=field,
        )


def draft(
    *,
    user,
    title: str,
    section: Department,
    body: Document,
    matter_type: MatterType,
    kind: str = CaseKind.DECISION,
    amount: int | None = None,
    is_important: bool = False,
    is_unusual: bool = False,
    is_doubtful: bool = False,
    attachments: Sequence[Document] = (),
    cites: Case | None = None,
    request=None,
) -> Case:
    """Start a case (下書き). A decision case gets its route from the delegation table and
    the templates; a 供覧 case starts with none (the drafter adds the circulation)."""
    if not permissions.can_upload_to(user, section):
        raise errors.forbidden(
            "not_in_section",
            "この課の案件は起案できません。",
            "You may not draft cases for this section.",
        )
    if not title.strip():
        raise errors.invalid(
            "title_required", "件名を入力してください。", "A title is required.", field="title"
        )
    if amount is not None and amount < 0:
        raise errors.invalid(
            "invalid_amount", "金額が正しくありません。", "The amount is invalid.", field="amount"
        )
    _check_document(body, user, field="body")
    for document in attachments:
        _check_document(document, user, field="attachments")
    if cites is not None and cites.state != CaseState.REJECTED:
        raise errors.invalid(
            "cites_not_rejected",
            "引用できるのは却下された案件だけです。",
            "Only a rejected case can be cited.",
            field="cites",
        )
    planned: list[routing.PlannedStep] = []
    level = ""
    if kind == CaseKind.DECISION:
        level = routing.decision_level_for(matter_type, amount)
        planned = routing.planned_route(routing.template_for(level, section), section)
    now = timezone.now()
    with transaction.atomic():
        case = Case.objects.create(
            kind=kind,
            title=title.strip(),
            matter_type=matter_type,
            amount=amount,
            is_important=is_important,
            is_unusual=is_unusual,
            is_doubtful=is_doubtful,
            decision_level=level,
            drafter=user,
            section=section,
            body=body,
            cites=cites,
        )
        for position, planned_step in enumerate(planned, start=1):
            _create_step(case, position, planned_step.kind, planned_step.assignees)
        for document in attachments:
            Attachment.objects.create(case=case, document=document, added_by=user)
        _event(
            case,
            "draft",
            user=user,
            request=request,
            now=now,
            details={"decision_level": level, "body": body.pk},
        )
    return case


def _create_step(case, position, kind, assignees, *, added_by_drafter=False) -> Step:
    step = Step.objects.create(
        case=case, position=position, kind=kind, added_by_drafter=added_by_drafter
    )
    for assignee in assignees:
        Task.objects.create(step=step, case=case, **assignee.as_fields())
    return step


def _require_editable_route(case: Case, user) -> None:
    _require_drafter(case, user)
    if case.state != CaseState.DRAFT:
        raise errors.conflict(
            case,
            "route_locked",
            "起案(回付)後は決裁経路を変更できません。",
            "The route cannot be changed after the case was submitted.",
        )


def add_step(
    case: Case,
    *,
    user,
    kind: str,
    position: int,
    assignees: Sequence[Assignee],
    request=None,
    idempotency_key=None,
) -> ActionResult:
    """Insert a step at ``position`` (1 = first) before submitting."""

    def work(case: Case, now):
        _require_editable_route(case, user)
        steps = list(case.steps.order_by("position").values_list("kind", flat=True))
        if not 1 <= position <= len(steps) + 1:
            raise errors.invalid_route(
                "経路の位置が正しくありません。", "The position is outside the route."
            )
        if any((a.user is None) + (a.post is None) + (a.section is None) != 2 for a in assignees):
            raise errors.invalid_route(
                "担当者は職員・職・課のいずれか一つで指定してください。",
                "Each assignee is exactly one of a person, a post or a section.",
            )
        proposed = [(k, 1) for k in steps]
        proposed.insert(position - 1, (kind, len(assignees)))
        if case.kind == CaseKind.DECISION or kind in (StepKind.DECISION, StepKind.CONSULTATION):
            routing.validate(case.kind, proposed)
        for step in case.steps.filter(position__gte=position).order_by("-position"):
            step.position += 1  # from the end, so that no two steps share a position
            step.save(update_fields=["position"])
        step = _create_step(case, position, kind, assignees, added_by_drafter=True)
        return _event(
            case,
            "add_step",
            user=user,
            request=request,
            now=now,
            details={
                "position": position,
                "kind": kind,
                "assignees": len(assignees),
                "id": step.pk,
            },
        )

    return _run(
        "add_step", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


def remove_step(case: Case, *, user, position: int, request=None, idempotency_key=None):
    """Remove a step the drafter added; the template's steps (and the decider) stay."""

    def work(case: Case, now):
        _require_editable_route(case, user)
        step = case.steps.filter(position=position).first()
        if step is None:
            raise errors.invalid_route("その段階はありません。", "There is no such step.")
        if step.kind == StepKind.DECISION or not step.added_by_drafter:
            raise errors.forbidden(
                "step_not_removable",
                "テンプレート(専決規程)による段階は削除できません。後閲の指定はできます。",
                "Steps from the template cannot be removed; they can be marked for 後閲.",
            )
        step.delete()
        for later in case.steps.filter(position__gt=position).order_by("position"):
            later.position -= 1
            later.save(update_fields=["position"])
        return _event(
            case,
            "remove_step",
            user=user,
            request=request,
            now=now,
            details={"position": position, "kind": step.kind},
        )

    return _run(
        "remove_step", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


def mark_post_review(
    case: Case, *, user, position: int, on: bool = True, request=None, idempotency_key=None
):
    """The drafter marks an intermediate approval step for 後閲: it is passed over when it
    opens, and its approver reviews later."""

    def work(case: Case, now):
        _require_editable_route(case, user)
        step = case.steps.filter(position=position).first()
        if step is None or step.kind != StepKind.APPROVAL:
            raise errors.invalid_route(
                "後閲にできるのは中間の承認だけです。",
                "Only an intermediate approval step can be marked for 後閲.",
            )
        step.tasks.update(post_review=on, post_review_reason=PostReviewReason.DRAFTER if on else "")
        return _event(
            case,
            "mark_post_review",
            user=user,
            request=request,
            now=now,
            details={"position": position, "on": on},
        )

    return _run(
        "mark_post_review",
        case,
        user=user,
        request=request,
        idempotency_key=idempotency_key,
        work=work,
    )


def update_draft(case: Case, *, user, changes: dict, request=None, idempotency_key=None):
    """Change a draft's title, flags, amount, matter type or body. A new deciding level
    gives a new route from the template (steps the drafter added are dropped)."""
    allowed = {
        "title",
        "amount",
        "matter_type",
        "body",
        "is_important",
        "is_unusual",
        "is_doubtful",
    }

    def work(case: Case, now):
        _require_drafter(case, user)
        _require_state(case, CaseState.DRAFT, CaseState.RETURNED)
        unknown = set(changes) - allowed
        if unknown:
            raise errors.invalid(
                "unknown_field",
                "変更できない項目です。",
                f"Not changeable: {', '.join(sorted(unknown))}.",
            )
        if "body" in changes:
            _check_document(changes["body"], user, field="body")
        for name, value in changes.items():
            setattr(case, name, value)
        details = {"fields": sorted(changes)}
        if case.kind == CaseKind.DECISION and {"amount", "matter_type"} & set(changes):
            level = routing.decision_level_for(case.matter_type, case.amount)
            if level != case.decision_level:
                if case.state != CaseState.DRAFT:
                    raise errors.conflict(
                        case,
                        "route_locked",
                        "決裁区分が変わるため、取下げて起案し直してください。",
                        "The deciding level changes: withdraw and draft the case again.",
                    )
                planned = routing.planned_route(
                    routing.template_for(level, case.section), case.section
                )
                case.steps.all().delete()
                for position, planned_step in enumerate(planned, start=1):
                    _create_step(case, position, planned_step.kind, planned_step.assignees)
                details["decision_level"] = [case.decision_level, level]
                case.decision_level = level
        return _event(case, "update_draft", user=user, request=request, now=now, details=details)

    return _run(
        "update_draft", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


def add_attachment(case: Case, *, user, document: Document, request=None, idempotency_key=None):
    """Attach a document; after the decision it is frozen at once (never removed)."""

    def work(case: Case, now):
        _require_drafter(case, user)
        _require_state(
            case, CaseState.DRAFT, CaseState.RETURNED, CaseState.IN_ROUTE, CaseState.DECIDED
        )
        _check_document(document, user, field="document")
        if document.pk == case.body_id or case.attachments.filter(document=document).exists():
            raise errors.conflict(
                case,
                "already_attached",
                "すでに添付されています。",
                "This document is already part of the case.",
            )
        after = case.state == CaseState.DECIDED
        Attachment.objects.create(
            case=case, document=document, added_by=user, added_at=now, after_decision=after
        )
        if after:
            lifecycle.freeze(
                document, reason=f"決裁後の添付 (案件 {case.pk})", user=user, request=request
            )
        return _event(
            case,
            "add_attachment",
            user=user,
            request=request,
            now=now,
            details={"document": document.pk, "after_decision": after},
        )

    return _run(
        "add_attachment",
        case,
        user=user,
        request=request,
        idempotency_key=idempotency_key,
        work=work,
    )


# --- the route's actions --------------------------------------------------------------
def submit(case: Case, *, user, request=None, idempotency_key=None) -> ActionResult:
    """起案: put the case on its route (again, after 差戻し); the first step opens."""

    def work(case: Case, now):
        _require_drafter(case, user)
        _require_state(case, CaseState.DRAFT, CaseState.RETURNED)
        steps = list(case.steps.order_by("position"))
        routing.validate(case.kind, [(s.kind, s.tasks.count()) for s in steps])
        for document in case.documents():
            if document.is_deleted:
                raise errors.conflict(
                    case,
                    "document_deleted",
                    f"文書「{document.title}」は削除されています。",
                    f"Document {document.pk} has been deleted.",
                )
        _reset_steps(case)
        case.state, case.submitted_at = CaseState.IN_ROUTE, now
        event = _event(case, "submit", user=user, request=request, now=now)
        _advance(case, user=user, request=request, now=now)
        signing_flow.on_submit(case, event)  # revision 0 of the decision PDF
        return event

    return _run(
        "submit", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


def _route_action(
    name: str,
    case: Case,
    *,
    user,
    kinds: Sequence[str],
    new_state: str,
    comment: str,
    request,
    idempotency_key,
    states: Sequence[str] = (CaseState.IN_ROUTE,),
) -> ActionResult:
    """承認, 合議 (同意/不同意), 供覧: the user's task on the open step is done; when the
    step's every task is, the next step opens."""

    def work(case: Case, now):
        _require_state(case, *states)
        task = _my_task(case, user, kinds, now)
        _act(task, new_state, user=user, now=now, comment=comment)
        event = _event(case, name, user=user, request=request, now=now, task=task, comment=comment)
        if _step_finished(task.step):
            _finish_step(task.step, now)
            _advance(case, user=user, request=request, now=now)
        return event

    return _run(name, case, user=user, request=request, idempotency_key=idempotency_key, work=work)


def approve(case: Case, *, user, comment: str = "", request=None, idempotency_key=None):
    """承認: an intermediate approver approves; the route moves on."""
    return _route_action(
        "approve",
        case,
        user=user,
        kinds=[StepKind.APPROVAL],
        new_state=TaskState.APPROVED,
        comment=comment,
        request=request,
        idempotency_key=idempotency_key,
    )


def agree(case: Case, *, user, comment: str = "", request=None, idempotency_key=None):
    """合議 同意. The step is done when every consulted party has answered."""
    return _route_action(
        "agree",
        case,
        user=user,
        kinds=[StepKind.CONSULTATION],
        new_state=TaskState.AGREED,
        comment=comment,
        request=request,
        idempotency_key=idempotency_key,
    )


def disagree(case: Case, *, user, comment: str, request=None, idempotency_key=None):
    """合議 不同意 (with a reason). The route goes on to the decider, who sees it; such a
    case can no longer be decided by a deputy (合議が整わない)."""
    comment = _require_comment(comment)
    return _route_action(
        "disagree",
        case,
        user=user,
        kinds=[StepKind.CONSULTATION],
        new_state=TaskState.DISAGREED,
        comment=comment,
        request=request,
        idempotency_key=idempotency_key,
    )


def acknowledge(case: Case, *, user, comment: str = "", request=None, idempotency_key=None):
    """供覧: the reader has seen it (after the decision, or on a 供覧 case)."""
    return _route_action(
        "acknowledge",
        case,
        user=user,
        kinds=[StepKind.CIRCULATION],
        new_state=TaskState.ACKNOWLEDGED,
        comment=comment,
        request=request,
        idempotency_key=idempotency_key,
        states=(CaseState.IN_ROUTE, CaseState.DECIDED),
    )


def _decided(case: Case, task: Task, *, user, request, now) -> None:
    _finish_step(task.step, now)
    case.state, case.decided_at = CaseState.DECIDED, now
    _freeze_documents(case, user=user, request=request)
    _advance(case, user=user, request=request, now=now)


def decide(case: Case, *, user, comment: str = "", request=None, idempotency_key=None):
    """決裁 by the decider: the case is decided and its documents frozen."""

    def work(case: Case, now):
        _require_state(case, CaseState.IN_ROUTE)
        task = _my_task(case, user, [StepKind.DECISION], now)
        _act(task, TaskState.DECIDED, user=user, now=now, comment=comment)
        event = _event(
            case, "decide", user=user, request=request, now=now, task=task, comment=comment
        )
        _decided(case, task, user=user, request=request, now=now)
        return event

    return _run(
        "decide", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


def reject(case: Case, *, user, comment: str, request=None, idempotency_key=None):
    """却下 (廃案) by the decider, with a reason; a new case may cite it."""
    comment = _require_comment(comment)

    def work(case: Case, now):
        _require_state(case, CaseState.IN_ROUTE)
        task = _my_task(case, user, [StepKind.DECISION], now)
        _act(task, TaskState.REJECTED, user=user, now=now, comment=comment)
        event = _event(
            case, "reject", user=user, request=request, now=now, task=task, comment=comment
        )
        _finish_step(task.step, now)
        _close_open_tasks(case)
        case.state, case.closed_at = CaseState.REJECTED, now
        return event

    return _run(
        "reject", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


def proxy_decide(case: Case, *, user, comment: str = "", request=None, idempotency_key=None):
    """代決: a registered deputy decides while the decider is registered absent; never a
    case flagged 重要・異例・疑義 or whose 合議 has not all agreed. The decider gets a 後閲."""

    def work(case: Case, now):
        _require_state(case, CaseState.IN_ROUTE)
        day = timezone.localdate(now)
        step = _open_step(case)
        if step is None or step.kind != StepKind.DECISION:
            raise errors.conflict(
                case,
                "not_at_decision",
                "まだ決裁の段階ではありません。",
                "The case has not reached its decision step.",
            )
        task = _tasks(step)[0]
        decider = task.holder
        posts = [task.assignee_post] if task.assignee_post_id else routing.posts_held(decider, day)
        deputies = routing.deputies_on(posts, day)
        if user not in deputies:
            raise errors.forbidden(
                "not_a_deputy",
                "この決裁者の代決者として登録されていません。",
                "You are not a registered deputy of this decider.",
            )
        if not is_absent(decider, now):
            raise errors.conflict(
                case,
                "decider_present",
                "決裁者が不在ではないため代決できません。",
                "The decider is not registered absent; no proxy decision.",
            )
        if case.flagged:
            raise errors.conflict(
                case,
                "flagged_case",
                "重要・異例・疑義のある案件は代決できません。",
                "A case flagged important, unusual or doubtful cannot be decided by proxy.",
            )
        if not _consultation_agreed(case):
            raise errors.conflict(
                case,
                "consultation_not_agreed",
                "合議が整っていない案件は代決できません。",
                "The consultation has not all agreed; no proxy decision.",
            )
        first = next((d for d in deputies if not is_absent(d, now)), None)
        if first != user:
            raise errors.forbidden(
                "earlier_deputy",
                f"上位の代決者({first})が在席しています。",
                f"An earlier deputy ({first}) is present and decides first.",
            )
        _act(task, TaskState.DECIDED, user=user, now=now, capacity=Capacity.PROXY, comment=comment)
        task.post_review, task.post_review_reason = True, PostReviewReason.PROXY
        task.save(update_fields=["post_review", "post_review_reason"])
        event = _event(
            case,
            "proxy_decide",
            user=user,
            request=request,
            now=now,
            task=task,
            capacity=Capacity.PROXY,
            comment=comment,
            details={"decider": decider.username},
        )
        _decided(case, task, user=user, request=request, now=now)
        return event

    return _run(
        "proxy_decide", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


def post_review(case: Case, *, user, comment: str = "", request=None, idempotency_key=None):
    """後閲: a passed-over approver (or the decider after 代決) reviews afterwards."""

    def work(case: Case, now):
        due = [
            task
            for task in case.tasks.filter(post_review=True, post_reviewed_at__isnull=True)
            .exclude(state__in=ACTIVE)
            .select_related("step", "assignee_post", "assignee_section")
            .order_by("step__position")
            if task.holder_id == user.pk
        ]
        if not due:
            raise errors.forbidden(
                "no_post_review_due",
                "この案件にあなたの後閲はありません。",
                "You have no post-review (後閲) due on this case.",
            )
        task = due[0]
        task.post_reviewed_at = now
        task.save(update_fields=["post_reviewed_at", "holder"])
        return _event(
            case,
            "post_review",
            user=user,
            request=request,
            now=now,
            task=task,
            capacity=Capacity.POST_REVIEW,
            comment=comment,
        )

    return _run(
        "post_review", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


def pull_up(case: Case, *, user, request=None, idempotency_key=None):
    """引上げ: a later approver (or the decider) takes the case before the intermediate
    approvals are done; those are passed over for 後閲. Never across a 合議."""

    def work(case: Case, now):
        _require_state(case, CaseState.IN_ROUTE)
        day = timezone.localdate(now)
        current = _open_step(case)
        if current is None or current.kind != StepKind.APPROVAL:
            raise errors.conflict(
                case,
                "cannot_pull_up",
                "引上げできるのは承認の段階だけです。",
                "Only a case waiting at an approval step can be pulled up.",
            )
        skipped, target = [current], None
        for step in case.steps.filter(position__gt=current.position).order_by("position"):
            task = _tasks(step)[0]
            if (
                step.kind in (StepKind.APPROVAL, StepKind.DECISION)
                and routing.holder_of(
                    task.assignee_user, task.assignee_post, task.assignee_section, day
                )
                == user
            ):
                target = step
                break
            if step.kind != StepKind.APPROVAL:
                break
            skipped.append(step)
        if target is None:
            raise errors.forbidden(
                "cannot_pull_up",
                "引上げできるのは後の承認者・決裁者だけです(合議は越えられません)。",
                "Only a later approver or the decider can pull the case up, "
                "and never across a consultation.",
            )
        for step in skipped:
            for task in _tasks(step):
                if task.state not in ACTIVE:
                    continue
                task.holder = task.holder or routing.holder_of(
                    task.assignee_user, task.assignee_post, task.assignee_section, day
                )
                task.state, task.post_review = TaskState.SKIPPED, True
                task.post_review_reason = PostReviewReason.PULL_UP
                task.save()
            step.opened_at = step.opened_at or now
            step.save(update_fields=["opened_at"])
            _finish_step(step, now)
        event = _event(
            case,
            "pull_up",
            user=user,
            request=request,
            now=now,
            details={"skipped": [s.position for s in skipped]},
        )
        _advance(case, user=user, request=request, now=now)
        return event

    return _run(
        "pull_up", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


def return_case(
    case: Case,
    *,
    user,
    comment: str,
    to_position: int | None = None,
    request=None,
    idempotency_key=None,
):
    """差戻し: back to the drafter (``to_position`` None) or to an earlier step, with a
    reason. The steps from there on start again."""
    comment = _require_comment(comment)

    def work(case: Case, now):
        _require_state(case, CaseState.IN_ROUTE)
        task = _my_task(
            case, user, [StepKind.APPROVAL, StepKind.CONSULTATION, StepKind.DECISION], now
        )
        details = {"to": "drafter" if to_position is None else to_position}
        if to_position is not None:
            target = case.steps.filter(position=to_position).first()
            if target is None or to_position >= task.step.position:
                raise errors.invalid(
                    "invalid_return_target",
                    "差戻し先は前の段階か起案者です。",
                    "A case is returned to an earlier step or to the drafter.",
                )
        _act(task, TaskState.RETURNED, user=user, now=now, comment=comment)
        event = _event(
            case,
            "return",
            user=user,
            request=request,
            now=now,
            task=task,
            comment=comment,
            details=details,
        )
        if to_position is None:
            _reset_steps(case)
            case.state = CaseState.RETURNED
        else:
            _reset_steps(case, to_position)
            _advance(case, user=user, request=request, now=now)
        return event

    return _run(
        "return", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


def recall(case: Case, *, user, request=None, idempotency_key=None):
    """引戻し: the drafter takes the case back as a draft, until the approver it waits for
    has opened it."""

    def work(case: Case, now):
        _require_drafter(case, user)
        _require_state(case, CaseState.IN_ROUTE)
        step = _open_step(case)
        if (
            step is not None
            and step.tasks.filter(Q(opened_at__isnull=False) | ~Q(state__in=ACTIVE)).exists()
        ):
            raise errors.conflict(
                case,
                "already_opened",
                "次の承認者がすでに閲覧したため引戻しできません。差戻しを依頼してください。",
                "The next approver has already opened the case; it cannot be "
                "recalled. Ask for it to be returned.",
            )
        _reset_steps(case)
        case.state, case.submitted_at = CaseState.DRAFT, None
        return _event(case, "recall", user=user, request=request, now=now)

    return _run(
        "recall", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


def withdraw(case: Case, *, user, comment: str = "", request=None, idempotency_key=None):
    """取下げ: the drafter ends the case before its decision."""

    def work(case: Case, now):
        _require_drafter(case, user)
        _require_state(case, CaseState.DRAFT, CaseState.IN_ROUTE, CaseState.RETURNED)
        _close_open_tasks(case)
        case.state, case.closed_at = CaseState.WITHDRAWN, now
        return _event(case, "withdraw", user=user, request=request, now=now, comment=comment)

    return _run(
        "withdraw", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


# --- reading and talking --------------------------------------------------------------
def record_view(case: Case, *, user, request=None) -> bool:
    """The user opened the case: the first view of an assigned task is recorded (引戻し
    is no longer possible then). Returns whether it was the first."""
    now = timezone.now()
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        step = _open_step(case)
        if step is None:
            return False
        day = timezone.localdate(now)
        mine = [
            t
            for t in _tasks(step)
            if t.state == TaskState.PENDING and t.opened_at is None and _holds(t, user, day)
        ]
        for task in mine:
            task.opened_at = now
            task.save(update_fields=["opened_at", "holder"])
            trail.record(
                actor=user,
                action="open",
                target=case,
                request=request,
                details={"task": task.pk, "step": step.position},
            )
    return bool(mine)


def comment(
    case: Case, *, user, body: str, position: int | None = None, request=None, idempotency_key=None
) -> ActionResult:
    """A comment in the case's thread, by anyone who can see the case."""
    from approvals.access import visible_cases

    if not visible_cases(user).filter(pk=case.pk).exists():
        raise NotFoundError("案件が見つかりません。", "Case not found.")
    text = _require_comment(body)

    def work(case: Case, now):
        step = case.steps.filter(position=position).first() if position else None
        Comment.objects.create(case=case, step=step, author=user, body=text, created_at=now)
        return _event(
            case,
            "comment",
            user=user,
            request=request,
            now=now,
            comment=text,
            details={"step": position},
        )

    return _run(
        "comment", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


NOTE_MAX_LENGTH = 200


def may_note(case: Case, user) -> bool:
    """備考 may be written by the drafting section, the decider (or the deputy who
    decided), records officers and administrators."""
    if user.sees_everything or case.drafter_id == user.pk:
        return True
    if user.departments.filter(pk=case.section_id).exists():
        return True
    return (
        case.tasks.filter(step__kind=StepKind.DECISION)
        .filter(Q(acted_by=user) | Q(holder=user))
        .exists()
    )


def note_capacity(case: Case) -> int:
    """How many 備考 lines the cover sheet has: from the stored layout when the decision
    PDF exists, else the number every cover sheet is drawn with."""
    from approvals.pdf.cover import NOTE_LINES
    from approvals.pdf.decision import note_boxes

    try:
        return len(note_boxes(case))
    except ApiError:  # no decision PDF (signing off, or not built yet)
        return NOTE_LINES


def add_cover_note(
    case: Case, user, text: str, idempotency_key: str | None = None, *, request=None
) -> ActionResult:
    """備考 after the decision (文書番号 …): recorded as a ``note`` event in the next free
    備考 line; with signing on, the job adds it to the cover sheet as a new signed
    revision (:mod:`approvals.signing.flow`), never touching the decided content."""
    from approvals.access import visible_cases

    if not visible_cases(user).filter(pk=case.pk).exists():
        raise NotFoundError("案件が見つかりません。", "Case not found.")
    text = " ".join((text or "").split())  # one line in the 備考 box
    if not text:
        raise errors.invalid(
            "note_required", "備考を入力してください。", "The note is empty.", field="text"
        )
    if len(text) > NOTE_MAX_LENGTH:
        raise errors.invalid(
            "note_too_long",
            f"備考は{NOTE_MAX_LENGTH}文字以内で入力してください。",
            f"A note has at most {NOTE_MAX_LENGTH} characters.",
            field="text",
        )

    def work(case: Case, now):
        if case.state != CaseState.DECIDED:
            raise errors.conflict(
                case,
                "not_decided",
                "備考は決裁後にのみ記入できます。",
                "Notes can be added only after the decision.",
            )
        if not may_note(case, user):
            raise errors.forbidden(
                "note_not_allowed",
                "備考を記入できるのは起案課の職員、決裁者、文書管理担当者、管理者です。",
                "Only the drafting section, the decider, records officers and "
                "administrators may add notes.",
            )
        used = case.events.filter(action="note").count()
        if used >= note_capacity(case):
            raise errors.conflict(
                case,
                "notes_full",
                "鑑の備考欄はすべて使用済みです。これ以上記入できません。",
                "Every 備考 line on the cover sheet is used; no more notes can be added.",
            )
        return _event(
            case,
            "note",
            user=user,
            request=request,
            now=now,
            comment=text,
            details={"note_line": used, "text": text},
        )

    return _run(
        "note", case, user=user, request=request, idempotency_key=idempotency_key, work=work
    )


def next_position(case: Case) -> int:
    return (case.steps.aggregate(last=Max("position"))["last"] or 0) + 1


__all__ = [
    "ActionResult",
    "ApprovalError",
    "acknowledge",
    "add_attachment",
    "add_cover_note",
    "add_step",
    "agree",
    "approve",
    "comment",
    "decide",
    "disagree",
    "draft",
    "mark_post_review",
    "post_review",
    "proxy_decide",
    "pull_up",
    "recall",
    "record_view",
    "reject",
    "remove_step",
    "return_case",
    "submit",
    "update_draft",
    "withdraw",
]
