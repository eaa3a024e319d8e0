"""Every coded value the approvals API returns has a Japanese and an English name."""

import re
from pathlib import Path

import pytest

from approvals import labels
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

SERVICES = (Path(__file__).resolve().parents[2] / "approvals" / "services.py").read_text()


@pytest.mark.parametrize(
    ("choices", "english"),
    [
        (CaseState, labels.CASE_STATE_EN),
        (CaseKind, labels.CASE_KIND_EN),
        (StepKind, labels.STEP_KIND_EN),
        (StepState, labels.STEP_STATE_EN),
        (TaskState, labels.TASK_STATE_EN),
        (Capacity, labels.CAPACITY_EN),
        (PostReviewReason, labels.POST_REVIEW_REASON_EN),
        (DecisionLevel, labels.DECISION_LEVEL_EN),
        (PostLevel, labels.POST_LEVEL_EN),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
def test_every_choice_has_an_english_name(choices, english):
    assert set(choices.values) == set(english)
    assert all(name.isascii() and name for name in english.values())


def test_every_event_the_services_record_has_a_name_in_both_languages():
    recorded = set(re.findall(r'_event\(\s*case,\s*"(\w+)"', SERVICES))
    recorded |= set(re.findall(r'_run\(\s*"(\w+)"', SERVICES))
    recorded |= set(re.findall(r'_route_action\(\s*"(\w+)"', SERVICES))
    assert {"submit", "approve", "decide", "pass_over", "pull_up"} <= recorded  # found them
    assert recorded <= set(labels.EVENT_LABELS), recorded - set(labels.EVENT_LABELS)
    for ja, en in labels.EVENT_LABELS.values():
        assert re.search(r"[ぁ-んァ-ヶ一-龠]", ja) and en.isascii()
