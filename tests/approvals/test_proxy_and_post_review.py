"""代決 (proxy decision) and 後閲 (post-review), and a post whose holder changes in the
April reorganisation while a case is open."""

import datetime as dt

import pytest
from django.utils import timezone

from approvals import services
from approvals.errors import ApprovalError
from approvals.models import CaseState, StepKind, TaskState
from approvals.routing import Assignee
from dms.accounts.models import PostAssignment, User
from dms.documents.models import Document
from tests.approvals.conftest import route_of, states_of

pytestmark = pytest.mark.django_db


def refused(call, code, status):
    with pytest.raises(ApprovalError) as caught:
        call()
    assert (caught.value.code, caught.value.status_code) == (code, status), caught.value
    return caught.value


def at_decision(city, **options):
    """A 部長 case waiting for the 総務部長's decision."""
    case = city.case(amount=2_000_000, **options)
    services.submit(case, user=city["drafter"])
    services.approve(case, user=city["kakaricho"])
    services.approve(case, user=city["kacho"])
    return case


def test_proxy_decision_by_the_registered_deputy_while_the_decider_is_absent(city):
    case = at_decision(city)
    city.absent(city["bucho"])
    services.proxy_decide(case, user=city["jicho"], comment="部長出張のため代決")
    assert case.state == CaseState.DECIDED
    assert Document.objects.get(pk=case.body_id).is_frozen
    decision = case.tasks.get(step__kind=StepKind.DECISION)
    assert (decision.state, decision.capacity, decision.acted_by, decision.holder) == (
        TaskState.DECIDED,
        "proxy",
        city["jicho"],
        city["bucho"],
    )
    assert case.events.get(action="proxy_decide").capacity == "proxy"
    # the decider's 後閲 task, done later
    assert decision.post_review and decision.post_review_reason == "proxy"
    refused(lambda: services.post_review(case, user=city["jicho"]), "no_post_review_due", 403)
    services.post_review(case, user=city["bucho"], comment="了")
    decision.refresh_from_db()
    assert decision.post_reviewed_at > decision.acted_at
    assert case.events.get(action="post_review").capacity == "post_review"
    refused(lambda: services.post_review(case, user=city["bucho"]), "no_post_review_due", 403)


def test_proxy_refused_for_someone_who_is_not_a_registered_deputy(city):
    case = at_decision(city)
    city.absent(city["bucho"])
    refused(lambda: services.proxy_decide(case, user=city["kacho"]), "not_a_deputy", 403)


def test_proxy_refused_while_the_decider_is_present(city):
    case = at_decision(city)
    city.absent(city["bucho"], hours_ago=48, hours=-24)  # an absence that is over
    error = refused(lambda: services.proxy_decide(case, user=city["jicho"]), "decider_present", 409)
    assert "不在" in error.message


@pytest.mark.parametrize("flag", ["is_important", "is_unusual", "is_doubtful"])
def test_proxy_refused_on_a_flagged_case(city, flag):
    case = at_decision(city, **{flag: True})
    city.absent(city["bucho"])
    refused(lambda: services.proxy_decide(case, user=city["jicho"]), "flagged_case", 409)
    services.decide(case, user=city["bucho"])  # the decider in person still may


def test_proxy_refused_when_the_consultation_has_not_all_agreed(city):
    case = city.case(amount=2_000_000)
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CONSULTATION,
        position=3,
        assignees=[Assignee(user=city["zaisei_kacho"]), Assignee(user=city["keiri_kacho"])],
    )
    services.submit(case, user=city["drafter"])
    services.approve(case, user=city["kakaricho"])
    services.approve(case, user=city["kacho"])
    services.agree(case, user=city["zaisei_kacho"])
    services.disagree(case, user=city["keiri_kacho"], comment="異議あり")
    city.absent(city["bucho"])
    refused(lambda: services.proxy_decide(case, user=city["jicho"]), "consultation_not_agreed", 409)


def test_proxy_refused_before_the_decision_step(city):
    case = city.case(amount=2_000_000)
    services.submit(case, user=city["drafter"])
    city.absent(city["bucho"])
    refused(lambda: services.proxy_decide(case, user=city["jicho"]), "not_at_decision", 409)


def test_the_deputies_act_in_their_registered_order(city):
    case = at_decision(city)
    city.absent(city["bucho"])
    refused(lambda: services.proxy_decide(case, user=city["jicho2"]), "earlier_deputy", 403)
    city.absent(city["jicho"])
    services.proxy_decide(case, user=city["jicho2"])
    assert case.state == CaseState.DECIDED


def test_the_drafter_marks_an_intermediate_approver_for_post_review(city):
    case = city.case(amount=2_000_000)
    refused(
        lambda: services.mark_post_review(case, user=city["drafter"], position=3),
        "invalid_route",
        400,
    )
    services.mark_post_review(case, user=city["drafter"], position=1)
    services.submit(case, user=city["drafter"])
    assert states_of(case) == [TaskState.SKIPPED, TaskState.PENDING, TaskState.WAITING]
    services.approve(case, user=city["kacho"])
    services.decide(case, user=city["bucho"])
    skipped = case.tasks.get(step__position=1)
    assert skipped.post_review_reason == "drafter" and skipped.holder == city["kakaricho"]
    services.post_review(case, user=city["kakaricho"])
    skipped.refresh_from_db()
    assert skipped.post_reviewed_at is not None and skipped.state == TaskState.SKIPPED


def test_an_absent_intermediate_approver_is_passed_over_for_post_review(city):
    city.absent(city["kakaricho"])
    case = city.case(amount=2_000_000)
    services.submit(case, user=city["drafter"])
    assert states_of(case) == [TaskState.SKIPPED, TaskState.PENDING, TaskState.WAITING]
    assert case.tasks.get(step__position=1).post_review_reason == "absence"
    assert case.events.get(action="pass_over").capacity == "post_review"


def test_an_absent_decider_is_not_passed_over(city):
    city.absent(city["bucho"])
    case = at_decision(city)
    assert states_of(case)[-1] == TaskState.PENDING


def test_a_higher_approver_pulls_the_case_up(city):
    case = city.case(amount=2_000_000)
    services.submit(case, user=city["drafter"])
    refused(lambda: services.pull_up(case, user=city["outsider"]), "cannot_pull_up", 403)
    services.pull_up(case, user=city["bucho"])  # 引上げ past 係長 and 課長
    assert states_of(case) == [TaskState.SKIPPED, TaskState.SKIPPED, TaskState.PENDING]
    assert set(
        case.tasks.filter(state=TaskState.SKIPPED).values_list("post_review_reason", flat=True)
    ) == {"pull_up"}
    services.decide(case, user=city["bucho"])
    services.post_review(case, user=city["kakaricho"])
    services.post_review(case, user=city["kacho"])
    assert not case.tasks.filter(post_review=True, post_reviewed_at__isnull=True).exists()


def test_a_case_is_never_pulled_up_across_a_consultation(city):
    case = city.case(amount=2_000_000)
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CONSULTATION,
        position=2,
        assignees=[Assignee(user=city["zaisei_kacho"])],
    )
    services.submit(case, user=city["drafter"])
    refused(lambda: services.pull_up(case, user=city["bucho"]), "cannot_pull_up", 403)


def test_a_post_reassigned_on_april_1_while_the_case_is_open(city):
    """The 文書課長 changes from today: the open case reaches the new holder, because a
    post is resolved when its step opens, not when the case was drafted."""
    case = city.case(amount=2_000_000)
    services.submit(case, user=city["drafter"])
    assert route_of(case)[1] == ("approval", ["文書課長"])  # not resolved yet
    today = timezone.localdate()
    new_kacho = User.objects.create_user("hayashi", role="approver")
    new_kacho.departments.add(city["bunsho"])
    PostAssignment.objects.filter(post__code="bunsho-kacho").update(
        valid_until=today - dt.timedelta(days=1)
    )
    PostAssignment.objects.create(post=city.post("bunsho-kacho"), user=new_kacho, valid_from=today)
    services.approve(case, user=city["kakaricho"])
    assert case.tasks.get(step__position=2).holder == new_kacho
    refused(lambda: services.approve(case, user=city["kacho"]), "not_on_route", 403)
    services.approve(case, user=new_kacho)
    services.decide(case, user=city["bucho"])


def test_an_open_step_passes_to_the_new_holder_of_its_post(city):
    case = city.case(amount=2_000_000)
    services.submit(case, user=city["drafter"])
    services.approve(case, user=city["kakaricho"])  # 課長's step opens for yamada
    today = timezone.localdate()
    successor = User.objects.create_user("hayashi", role="approver")
    PostAssignment.objects.filter(post__code="bunsho-kacho").update(
        valid_until=today - dt.timedelta(days=1)
    )
    PostAssignment.objects.create(post=city.post("bunsho-kacho"), user=successor, valid_from=today)
    refused(lambda: services.approve(case, user=city["kacho"]), "not_on_route", 403)
    services.approve(case, user=successor)
    assert case.tasks.get(step__position=2).acted_by == successor


def test_a_vacant_post_is_a_clear_refusal(city):
    case = city.case(amount=2_000_000)
    services.submit(case, user=city["drafter"])
    PostAssignment.objects.filter(post__code="bunsho-kacho").delete()
    error = refused(lambda: services.approve(case, user=city["kakaricho"]), "vacant_post", 409)
    assert "文書課長" in error.message and "令和" in error.message
    assert states_of(case)[0] == TaskState.PENDING  # nothing changed
