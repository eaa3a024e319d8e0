"""English names beside the models' Japanese labels, for the API (which answers in both).

The models' ``choices`` carry the Japanese labels; the web app switches language without
asking again, so every coded value the API returns comes with ``*_label`` (ja) and
``*_label_en``. One table per coded field, kept beside each other so a new state or action
is named in both languages at once (``tests/approvals/test_api_labels.py`` checks that
every choice has an English name).
"""

from __future__ import annotations

from approvals.models import (
    Capacity,
    CaseKind,
    CaseState,
    DecisionLevel,
    PostReviewReason,
    StepKind,
    StepState,
    TaskState,
)
from dms.accounts.models import PostLevel

CASE_STATE_EN = {
    CaseState.DRAFT: "Draft",
    CaseState.IN_ROUTE: "In circulation",
    CaseState.DECIDED: "Decided",
    CaseState.RETURNED: "Returned",
    CaseState.WITHDRAWN: "Withdrawn",
    CaseState.REJECTED: "Rejected",
    CaseState.CIRCULATED: "Circulated",
}
CASE_KIND_EN = {CaseKind.DECISION: "For decision", CaseKind.CIRCULATION: "For information"}
STEP_KIND_EN = {
    StepKind.APPROVAL: "Approval",
    StepKind.CONSULTATION: "Consultation",
    StepKind.DECISION: "Decision",
    StepKind.CIRCULATION: "Circulation",
}
STEP_STATE_EN = {StepState.WAITING: "Waiting", StepState.OPEN: "Open", StepState.DONE: "Done"}
TASK_STATE_EN = {
    TaskState.WAITING: "Waiting",
    TaskState.PENDING: "Pending",
    TaskState.APPROVED: "Approved",
    TaskState.AGREED: "Agreed",
    TaskState.DISAGREED: "Disagreed",
    TaskState.DECIDED: "Decided",
    TaskState.REJECTED: "Rejected",
    TaskState.ACKNOWLEDGED: "Acknowledged",
    TaskState.RETURNED: "Returned",
    TaskState.SKIPPED: "Passed over (post-review due)",
}
CAPACITY_EN = {
    Capacity.PRINCIPAL: "In person",
    Capacity.PROXY: "Proxy decision",
    Capacity.POST_REVIEW: "Post-review",
}
POST_REVIEW_REASON_EN = {
    PostReviewReason.DRAFTER: "Marked by the drafter",
    PostReviewReason.ABSENCE: "Absent",
    PostReviewReason.PULL_UP: "Pulled up",
    PostReviewReason.PROXY: "Proxy decision",
}
DECISION_LEVEL_EN = {
    DecisionLevel.SECTION_CHIEF: "Section chief",
    DecisionLevel.DIVISION_DIRECTOR: "Division director",
    DecisionLevel.BUREAU_DIRECTOR: "Bureau director",
    DecisionLevel.DEPUTY_MAYOR: "Deputy mayor",
    DecisionLevel.MAYOR: "Mayor",
}
POST_LEVEL_EN = {
    PostLevel.SUBSECTION_CHIEF: "Subsection chief",
    PostLevel.DEPUTY_SECTION_CHIEF: "Deputy section chief",
    PostLevel.SECTION_CHIEF: "Section chief",
    PostLevel.DIVISION_DIRECTOR: "Division director",
    PostLevel.BUREAU_DIRECTOR: "Bureau director",
    PostLevel.DEPUTY_MAYOR: "Deputy mayor",
    PostLevel.MAYOR: "Mayor",
}

# The events a case's timeline shows (CaseEvent.action), and the API's action names.
EVENT_LABELS = {
    "draft": ("起案(下書き作成)", "Drafted"),
    "update_draft": ("下書き修正", "Draft changed"),
    "add_step": ("経路に追加", "Step added"),
    "remove_step": ("経路から削除", "Step removed"),
    "mark_post_review": ("後閲の指定", "Marked for post-review"),
    "add_attachment": ("添付", "Attachment added"),
    "submit": ("起案", "Submitted"),
    "approve": ("承認", "Approved"),
    "agree": ("合議(同意)", "Agreed"),
    "disagree": ("合議(不同意)", "Disagreed"),
    "decide": ("決裁", "Decided"),
    "reject": ("却下", "Rejected"),
    "proxy_decide": ("代決", "Decided by proxy"),
    "post_review": ("後閲", "Post-reviewed"),
    "pull_up": ("引上げ", "Pulled up"),
    "pass_over": ("後閲扱い(不在等)", "Passed over for post-review"),
    "return": ("差戻し", "Returned"),
    "recall": ("引戻し", "Recalled"),
    "withdraw": ("取下げ", "Withdrawn"),
    "acknowledge": ("供覧", "Acknowledged"),
    "comment": ("コメント", "Comment"),
    "note": ("備考", "Note"),
}
SIGNATURE_STATE_LABELS = {
    "": ("", ""),
    "pending": ("署名待ち", "Signature pending"),
    "signed": ("署名済み", "Signed"),
}


def pair(value: str, choices, english: dict) -> tuple[str, str]:
    """(ja, en) for a coded value; unknown values answer with themselves."""
    return dict(choices).get(value, value), english.get(value, value)


def event_label(action: str) -> tuple[str, str]:
    return EVENT_LABELS.get(action, (action, action))
