"""The case page's buttons (``allowed_actions``) agree with the services: in a range of
situations, for every person of the test city and every action, an action is listed
exactly when its service accepts it (each try is rolled back)."""

import pytest
from django.db import transaction

from approvals import abilities, services
from approvals.api import ACTION_SERVICES
from approvals.errors import ApprovalError
from approvals.models import Case, StepKind
from approvals.routing import Assignee

pytestmark = pytest.mark.django_db

PEOPLE = [
    "drafter",
    "colleague",
    "kakaricho",
    "kacho",
    "bucho",
    "jicho",
    "jicho2",
    "kyokucho",
    "zaisei_kacho",
    "keiri_kacho",
    "records",
]


class Rollback(Exception):
    pass


def accepted(case_id, action, user) -> bool:
    try:
        with transaction.atomic():
            ACTION_SERVICES[action](
                Case.objects.get(pk=case_id),
                user=user,
                data={"comment": "理由", "to_position": None},
                request=None,
                idempotency_key=None,
            )
            raise Rollback
    except Rollback:
        return True
    except ApprovalError:
        return False


def assert_agree(city, case):
    disagreements = []
    for name in PEOPLE:
        user = city[name]
        listed = set(abilities.allowed_actions(Case.objects.get(pk=case.pk), user))
        for action in abilities.ACTIONS:
            if (action in listed) != accepted(case.pk, action, user):
                disagreements.append((name, action, action in listed))
    assert disagreements == []


def with_steps(city, **options):
    """A 部長 case with a 合議 (財政課) before the decision and a 供覧 (colleague) after."""
    case = city.case(amount=2_000_000, **options)
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CONSULTATION,
        position=3,
        assignees=[Assignee(section=city["zaisei"])],
    )
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CIRCULATION,
        position=5,
        assignees=[Assignee(user=city["colleague"])],
    )
    return case


def test_a_draft(city):
    assert_agree(city, with_steps(city))


def test_just_submitted_and_then_opened(city):
    case = with_steps(city)
    services.submit(case, user=city["drafter"])
    assert_agree(city, case)
    services.record_view(case, user=city["kakaricho"])
    assert_agree(city, case)


def test_at_the_consultation_and_at_the_decision(city):
    case = with_steps(city)
    services.submit(case, user=city["drafter"])
    services.approve(case, user=city["kakaricho"])
    services.approve(case, user=city["kacho"])
    assert_agree(city, case)
    services.disagree(case, user=city["zaisei_kacho"], comment="予算が不足")
    city.absent(city["bucho"])
    assert_agree(city, case)  # 合議 not agreed: no 代決


def test_proxy_possible_then_decided_with_post_review_and_circulation(city):
    case = with_steps(city)
    services.submit(case, user=city["drafter"])
    services.approve(case, user=city["kakaricho"])
    services.approve(case, user=city["kacho"])
    services.agree(case, user=city["zaisei_kacho"])
    city.absent(city["bucho"])
    assert_agree(city, case)
    city.absent(city["jicho"])  # the first deputy is away too: the second decides
    assert_agree(city, case)
    services.proxy_decide(case, user=city["jicho2"])
    assert_agree(city, case)


def test_flagged_and_pulled_up_and_returned(city):
    case = with_steps(city, is_doubtful=True)
    services.submit(case, user=city["drafter"])
    city.absent(city["bucho"])
    assert_agree(city, case)
    services.pull_up(case, user=city["kacho"])
    assert_agree(city, case)
    services.return_case(case, user=city["kacho"], comment="やり直し")
    assert_agree(city, case)
