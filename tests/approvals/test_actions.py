"""The actions on a case's route, allowed and refused: 起案, 承認, 合議, 決裁 (freezing its
documents), 供覧, 差戻し, 引戻し, 取下げ, 却下, comments, audit and idempotent retries."""

import io

import pytest

from approvals import services
from approvals.errors import ApprovalError
from approvals.models import CaseEvent, CaseState, StepKind, TaskState
from approvals.routing import Assignee
from dms.audit import trail
from dms.audit.models import AuditEntry, Outcome
from dms.documents import ingest, lifecycle
from dms.documents.lifecycle import LifecycleError
from dms.documents.models import Document
from tests.approvals.conftest import states_of
from tests.documents.conftest import pdf_bytes

pytestmark = pytest.mark.django_db


def refused(call, code, status):
    with pytest.raises(ApprovalError) as caught:
        call()
    assert (caught.value.code, caught.value.status_code) == (code, status), caught.value
    assert caught.value.message and caught.value.message_en
    return caught.value


@pytest.fixture
def submitted(city):
    """A 部長 case: 係長 → 課長 → 部長(決裁), submitted."""
    case = city.case(amount=2_000_000)
    services.submit(case, user=city["drafter"])
    return case


def test_a_whole_route_from_submit_to_decision(city, submitted):
    case = submitted
    assert case.state == CaseState.IN_ROUTE and case.submitted_at
    assert states_of(case) == ["pending", "waiting", "waiting"]
    services.approve(case, user=city["kakaricho"], comment="確認しました")
    services.approve(case, user=city["kacho"])
    assert states_of(case) == ["approved", "approved", "pending"]
    services.decide(case, user=city["bucho"])
    assert case.state == CaseState.DECIDED and case.decided_at and case.closed_at
    assert states_of(case) == ["approved", "approved", "decided"]
    actions = list(case.events.values_list("action", "actor__username", "capacity"))
    assert actions == [
        ("draft", "tanaka", "principal"),
        ("submit", "tanaka", "principal"),
        ("approve", "kimura", "principal"),
        ("approve", "yamada", "principal"),
        ("decide", "sato", "principal"),
    ]


def test_every_action_is_in_the_audit_trail_with_capacity_and_client_address(city, submitted):
    class Request:
        META = {"REMOTE_ADDR": "10.1.2.3"}

    services.approve(submitted, user=city["kakaricho"], request=Request())
    entry = AuditEntry.objects.filter(action="approve", target_type="case").get()
    assert entry.actor == "kimura" and entry.client_address == "10.1.2.3"
    assert entry.timestamp.endswith("+09:00")
    assert entry.details["capacity"] == "principal" and entry.details["step"] == 1
    # the place the signing work fills in: hash of the signed PDF before and after
    assert {"pdf_sha256_before", "pdf_sha256_after"} <= entry.details.keys()
    event = CaseEvent.objects.get(action="approve")
    assert event.audit_sequence == entry.sequence and event.client_address == "10.1.2.3"
    assert trail.verify() == []


def test_decision_freezes_the_body_and_every_attachment(city):
    attachment = city.document("見積書")
    case = city.case(attachments=[attachment])
    services.submit(case, user=city["drafter"])
    services.approve(case, user=city["kakaricho"])
    services.decide(case, user=city["kacho"])
    for document in (case.body, attachment):
        document = Document.objects.get(pk=document.pk)
        assert document.is_frozen and "決裁" in document.frozen_reason
        # dms itself now refuses a new version and a content edit
        stored = ingest.store_original(io.BytesIO(pdf_bytes(2)), filename="改訂.pdf")
        with pytest.raises(LifecycleError) as caught:
            lifecycle.add_version(document, stored, user=city["drafter"])
        assert caught.value.code == "frozen"
        with pytest.raises(LifecycleError, match="frozen"):
            lifecycle.change_metadata(document, {"amount": 1}, user=city["drafter"])


def test_attachments_may_be_added_after_the_decision_and_are_frozen_never_removed(city):
    case = city.case()
    services.submit(case, user=city["drafter"])
    services.approve(case, user=city["kakaricho"])
    services.decide(case, user=city["kacho"])
    late = city.document("契約書(写)")
    services.add_attachment(case, user=city["drafter"], document=late)
    attachment = case.attachments.get()
    assert attachment.after_decision and Document.objects.get(pk=late.pk).is_frozen
    with pytest.raises(Exception, match="never removed"):
        attachment.delete()


def test_acting_out_of_turn_is_refused(city, submitted):
    error = refused(lambda: services.decide(submitted, user=city["bucho"]), "not_your_turn", 403)
    assert "順番" in error.message
    refused(lambda: services.approve(submitted, user=city["kacho"]), "not_your_turn", 403)
    refused(lambda: services.approve(submitted, user=city["outsider"]), "not_on_route", 403)
    refused(lambda: services.decide(submitted, user=city["kakaricho"]), "wrong_action", 409)
    services.approve(submitted, user=city["kakaricho"])
    error = refused(
        lambda: services.approve(submitted, user=city["kakaricho"]), "already_done", 409
    )
    assert error.extra == {"case_state": "in_route", "case_revision": submitted.revision}
    # refusals are audited too
    assert AuditEntry.objects.filter(outcome=Outcome.REFUSED, target_type="case").count() == 5


def test_nothing_can_be_done_to_a_decided_case(city):
    case = city.case()
    services.submit(case, user=city["drafter"])
    services.approve(case, user=city["kakaricho"])
    services.decide(case, user=city["kacho"])
    refused(lambda: services.decide(case, user=city["kacho"]), "state_conflict", 409)
    refused(lambda: services.withdraw(case, user=city["drafter"]), "state_conflict", 409)
    refused(lambda: services.recall(case, user=city["drafter"]), "state_conflict", 409)
    refused(
        lambda: services.return_case(case, user=city["kacho"], comment="x"), "state_conflict", 409
    )


def test_only_the_drafter_submits_and_only_a_draft(city):
    case = city.case()
    refused(lambda: services.submit(case, user=city["kacho"]), "not_drafter", 403)
    services.submit(case, user=city["drafter"])
    refused(lambda: services.submit(case, user=city["drafter"]), "state_conflict", 409)


def test_parallel_consultation_with_one_disagreement(city):
    case = city.case(amount=2_000_000)
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CONSULTATION,
        position=3,
        assignees=[Assignee(section=city["zaisei"]), Assignee(post=city.post("keiri-kacho"))],
    )
    services.submit(case, user=city["drafter"])
    services.approve(case, user=city["kakaricho"])
    services.approve(case, user=city["kacho"])
    consultation = case.steps.get(position=3)
    assert list(consultation.tasks.values_list("state", "holder__username")) == [
        ("pending", "ito"),
        ("pending", "kato"),
    ]
    # either may answer first; a disagreement needs a reason
    refused(
        lambda: services.disagree(case, user=city["keiri_kacho"], comment=" "),
        "comment_required",
        400,
    )
    services.disagree(case, user=city["keiri_kacho"], comment="予算の裏付けが不明")
    assert case.steps.get(position=3).state == "open"  # waits for 財政課
    refused(lambda: services.decide(case, user=city["bucho"]), "not_your_turn", 403)
    services.agree(case, user=city["zaisei_kacho"])
    assert case.steps.get(position=3).state == "done"
    # the decider sees the disagreement and may still decide in person (not by proxy)
    services.decide(case, user=city["bucho"])
    assert case.state == CaseState.DECIDED


def test_approve_on_a_consultation_step_is_the_wrong_action(city):
    case = city.case()
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CONSULTATION,
        position=1,
        assignees=[Assignee(user=city["zaisei_kacho"])],
    )
    services.submit(case, user=city["drafter"])
    refused(lambda: services.approve(case, user=city["zaisei_kacho"]), "wrong_action", 409)
    services.agree(case, user=city["zaisei_kacho"])


def test_circulation_after_the_decision(city):
    case = city.case()
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CIRCULATION,
        position=3,
        assignees=[Assignee(user=city["colleague"]), Assignee(user=city["bucho"])],
    )
    services.submit(case, user=city["drafter"])
    refused(lambda: services.acknowledge(case, user=city["colleague"]), "not_your_turn", 403)
    services.approve(case, user=city["kakaricho"])
    services.decide(case, user=city["kacho"])
    assert case.state == CaseState.DECIDED and case.closed_at is None
    services.acknowledge(case, user=city["colleague"])
    services.acknowledge(case, user=city["bucho"])
    case.refresh_from_db()
    assert case.state == CaseState.DECIDED and case.closed_at is not None


def test_return_to_the_drafter_needs_a_comment_and_allows_resubmitting(city, submitted):
    services.approve(submitted, user=city["kakaricho"])
    refused(
        lambda: services.return_case(submitted, user=city["kacho"], comment=""),
        "comment_required",
        400,
    )
    services.return_case(submitted, user=city["kacho"], comment="金額の根拠を添付してください")
    assert submitted.state == CaseState.RETURNED
    assert states_of(submitted) == ["waiting"] * 3
    assert submitted.events.get(action="return").comment == "金額の根拠を添付してください"
    refused(lambda: services.approve(submitted, user=city["kakaricho"]), "state_conflict", 409)
    services.add_attachment(submitted, user=city["drafter"], document=city.document("根拠資料"))
    services.submit(submitted, user=city["drafter"])
    assert states_of(submitted) == ["pending", "waiting", "waiting"]


def test_return_to_an_earlier_step(city, submitted):
    services.approve(submitted, user=city["kakaricho"])
    services.approve(submitted, user=city["kacho"])
    refused(
        lambda: services.return_case(
            submitted, user=city["bucho"], comment="再確認", to_position=3
        ),
        "invalid_return_target",
        400,
    )
    services.return_case(submitted, user=city["bucho"], comment="課長は再確認を", to_position=2)
    assert submitted.state == CaseState.IN_ROUTE
    assert states_of(submitted) == ["approved", "pending", "waiting"]
    services.approve(submitted, user=city["kacho"])
    services.decide(submitted, user=city["bucho"])


def test_recall_until_the_next_approver_opens_the_case(city, submitted):
    services.recall(submitted, user=city["drafter"])
    assert submitted.state == CaseState.DRAFT and states_of(submitted) == ["waiting"] * 3
    services.submit(submitted, user=city["drafter"])
    services.approve(submitted, user=city["kakaricho"])
    # the 課長 has not opened it yet: still recallable; someone else viewing changes nothing
    assert services.record_view(submitted, user=city["colleague"]) is False
    assert services.record_view(submitted, user=city["kacho"]) is True
    assert services.record_view(submitted, user=city["kacho"]) is False  # first view only
    error = refused(lambda: services.recall(submitted, user=city["drafter"]), "already_opened", 409)
    assert "閲覧" in error.message
    refused(lambda: services.recall(submitted, user=city["kacho"]), "not_drafter", 403)


def test_withdraw(city, submitted):
    refused(lambda: services.withdraw(submitted, user=city["kacho"]), "not_drafter", 403)
    services.withdraw(submitted, user=city["drafter"], comment="事業中止のため")
    assert submitted.state == CaseState.WITHDRAWN and submitted.closed_at
    assert not submitted.tasks.filter(state=TaskState.PENDING).exists()
    refused(lambda: services.approve(submitted, user=city["kakaricho"]), "state_conflict", 409)


def test_reject_by_the_decider_and_a_new_case_citing_it(city):
    case = city.case()
    services.submit(case, user=city["drafter"])
    refused(
        lambda: services.reject(case, user=city["kakaricho"], comment="不可"), "wrong_action", 409
    )
    services.approve(case, user=city["kakaricho"])
    refused(lambda: services.reject(case, user=city["kacho"], comment=""), "comment_required", 400)
    services.reject(case, user=city["kacho"], comment="必要性が認められない")
    assert case.state == CaseState.REJECTED
    assert not Document.objects.get(pk=case.body_id).is_frozen
    again = city.case(title="庁用備品の購入について(再)", cites=case)
    assert again.cites == case
    with pytest.raises(ApprovalError, match="cites_not_rejected"):
        city.case(cites=again)


def test_a_frozen_document_cannot_be_put_up_again(city):
    case = city.case()
    services.submit(case, user=city["drafter"])
    services.approve(case, user=city["kakaricho"])
    services.decide(case, user=city["kacho"])
    with pytest.raises(ApprovalError, match="document_frozen"):
        city.case(body=Document.objects.get(pk=case.body_id))


def test_drafting_needs_the_section_and_a_visible_body(city):
    from dms.errors import NotFoundError

    with pytest.raises(ApprovalError, match="not_in_section"):
        city.case(
            user=city["outsider"],
            body=city.document(user=city["outsider"], department=city["zaisei"]),
        )
    foreign = city.document(user=city["outsider"], department=city["zaisei"])
    with pytest.raises(NotFoundError):
        city.case(body=foreign)


def test_the_same_idempotency_key_returns_the_first_result(city, submitted):
    first = services.approve(submitted, user=city["kakaricho"], idempotency_key="k-1")
    again = services.approve(submitted, user=city["kakaricho"], idempotency_key="k-1")
    assert again.replayed and again.result == first.result
    assert submitted.events.filter(action="approve").count() == 1
    assert AuditEntry.objects.filter(action="approve").count() == 1
    # the key belongs to that action: reusing it for another one is refused
    refused(
        lambda: services.comment(
            submitted, user=city["kakaricho"], body="x", idempotency_key="k-1"
        ),
        "idempotency_key_reused",
        409,
    )
    # a new key is a new request: the approval is already done
    refused(
        lambda: services.approve(submitted, user=city["kakaricho"], idempotency_key="k-2"),
        "already_done",
        409,
    )


def test_comments_thread_on_the_case(city, submitted):
    services.comment(submitted, user=city["kacho"], body="契約方法を確認したい", position=2)
    services.comment(submitted, user=city["drafter"], body="随意契約の理由を追記します")
    thread = list(submitted.comments.values_list("author__username", "step__position"))
    assert thread == [("yamada", 2), ("tanaka", None)]
    from dms.errors import NotFoundError

    with pytest.raises(NotFoundError):
        services.comment(submitted, user=city["outsider"], body="見えないはず")
