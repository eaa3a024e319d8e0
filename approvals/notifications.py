"""E-mail when something waits for someone: a task opens for a person, a case is returned
to its drafter, a case is decided (and, for the drafter, rejected).

Sent through Django's mail settings (``EMAIL_*``; tests use the locmem backend), after
the action's transaction has committed, so a rolled-back action never mails and a mail
server that is down never fails an action: a failure is logged and the action stands.
The subject and body are Japanese first with an English part, as every answer of the API.
Which mails an action causes is read back, right after it, from the data the action
wrote (the tasks its step opened carry the action's own time), not from the request.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from approvals.models import CaseEvent, CaseState, StepKind, Task, TaskState

logger = logging.getLogger(__name__)

# The actions after which a step may have opened (the route moved on).
MOVES_ON = {
    "submit",
    "approve",
    "agree",
    "disagree",
    "decide",
    "proxy_decide",
    "acknowledge",
    "pull_up",
    "return",
}
TASK_WORDS = {
    StepKind.APPROVAL: ("承認", "approval"),
    StepKind.CONSULTATION: ("合議", "consultation"),
    StepKind.DECISION: ("決裁", "decision"),
    StepKind.CIRCULATION: ("供覧", "circulation (for information)"),
}


@dataclass
class Mail:
    to: str
    subject: str
    body: str


def _name(user) -> str:
    return user.display_name or user.username


def _case_url(case) -> str:
    base = getattr(settings, "KIROKU_BASE_URL", "").rstrip("/")
    return f"{base}/approvals/cases/{case.pk}"


def _footer(case) -> str:
    return (
        f"\n案件 / Case: {case.title} (No. {case.pk})\n{_case_url(case)}\n\n"
        "-- \nKiroku 記録 電子決裁 / electronic approval\n"
    )


def _task_opened(task: Task) -> Mail:
    case = task.case
    ja, en = TASK_WORDS[task.step.kind]
    return Mail(
        to=task.holder.email,
        subject=f"[Kiroku] {ja}依頼: {case.title} / Request for {en}",
        body=(
            f"{_name(task.holder)} 様\n\n"
            f"{_name(case.drafter)}さんの起案「{case.title}」が{ja}を待っています。\n"
            f"決裁箱からご確認ください。\n\n"
            f'The case "{case.title}" drafted by {_name(case.drafter)} '
            f"is waiting for your {en}.\n" + _footer(case)
        ),
    )


def _returned(event: CaseEvent) -> Mail:
    case = event.case
    return Mail(
        to=case.drafter.email,
        subject=f"[Kiroku] 差戻し: {case.title} / Returned to you",
        body=(
            f"{_name(case.drafter)} 様\n\n"
            f"起案「{case.title}」が{_name(event.actor)}さんから差し戻されました。\n"
            f"理由: {event.comment}\n\n"
            f'Your case "{case.title}" was returned by {_name(event.actor)}.\n'
            f"Reason: {event.comment}\n" + _footer(case)
        ),
    )


def _closed(event: CaseEvent) -> Mail:
    case = event.case
    if case.state == CaseState.REJECTED:
        ja, en = "却下されました", "was rejected"
    elif event.action == "proxy_decide":
        ja, en = f"{_name(event.actor)}さんの代決により決裁されました", "was decided by proxy"
    else:
        ja, en = "決裁されました", "was decided"
    word_ja = "却下" if case.state == CaseState.REJECTED else "決裁"
    word_en = "Rejected" if case.state == CaseState.REJECTED else "Decided"
    return Mail(
        to=case.drafter.email,
        subject=f"[Kiroku] {word_ja}: {case.title} / {word_en}",
        body=(
            f"{_name(case.drafter)} 様\n\n起案「{case.title}」は{ja}。\n"
            + (f"コメント: {event.comment}\n" if event.comment else "")
            + f'\nYour case "{case.title}" {en}.\n'
            + (f"Comment: {event.comment}\n" if event.comment else "")
            + _footer(case)
        ),
    )


def mails_for(event: CaseEvent) -> list[Mail]:
    """The mails one recorded action causes (people without an address get none)."""
    mails = []
    case = event.case
    if event.action in MOVES_ON:
        opened = (
            Task.objects.filter(
                case=case, state=TaskState.PENDING, step__opened_at=event.created_at
            )
            .select_related("holder", "step", "case__drafter")
            .order_by("step__position", "id")
        )
        mails += [_task_opened(task) for task in opened if task.holder_id]
    if event.action == "return" and case.state == CaseState.RETURNED:
        mails.append(_returned(event))
    if event.action in ("decide", "proxy_decide", "reject"):
        mails.append(_closed(event))
    return [mail for mail in mails if mail.to]


def prepare(event_id: int) -> list[Mail]:
    """The mails of one event, read right after its action (never raises)."""
    try:
        event = CaseEvent.objects.select_related("case__drafter", "actor").get(pk=event_id)
        return mails_for(event)
    except Exception:  # a mail must never undo or fail an action
        logger.exception("approval mail: could not prepare the mails of event %s", event_id)
        return []


def send(mails: list[Mail], event_id: int | None = None) -> int:
    """Send each mail on its own; a failure is logged, never raised."""
    sent = 0
    for mail in mails:
        try:
            sent += send_mail(mail.subject, mail.body, None, [mail.to], fail_silently=False)
        except Exception:
            logger.exception("approval mail to %s for event %s failed", mail.to, event_id)
    return sent


def after_action(event_id: int | None) -> None:
    """Called by the API right after an action: who is to hear of it is read now (the
    tasks that opened are still open), the mails go out once the current transaction (if
    any) has committed."""
    if event_id is None:
        return
    mails = prepare(event_id)
    if mails:
        transaction.on_commit(lambda: send(mails, event_id))
