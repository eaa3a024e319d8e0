"""The cases API end to end: draft, read, change, route, attach, comment and act, with the
refusals a person sees (Japanese and English, the right status)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import services
from approvals.models import Case, CaseEvent, IdempotencyRecord
from dms.documents.models import Document
from tests.approvals.api_helpers import Clients, act, refused

pytestmark = pytest.mark.django_db

CASES = "/api/approvals/cases/"


@pytest.fixture
def clients(city):
    return Clients(city)


def draft(clients, city, who="drafter", **fields):
    body = fields.pop("body", None) or city.document("本文")
    data = {
        "title": "庁用備品の購入について",
        "matter_type": "keiyaku",
        "amount": 2_000_000,
        "body": body.pk,
        **fields,
    }
    response = clients[who].post(CASES, data, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def submitted(clients, city, **fields) -> int:
    case_id = draft(clients, city, **fields)["id"]
    assert act(clients["drafter"], case_id, "submit").status_code == 200
    return case_id


def page(client, case_id):
    response = client.get(f"{CASES}{case_id}/")
    assert response.status_code == 200, response.content
    return response.json()


# --- the whole way ---------------------------------------------------------------------------
def test_a_case_from_draft_to_decision_through_the_api(city, clients):
    created = draft(clients, city)
    assert (created["state"], created["state_label"], created["state_label_en"]) == (
        "draft",
        "下書き",
        "Draft",
    )
    assert created["decision_level"] == "division_director"
    assert created["decision_level_label"] == "部長"
    assert [s["kind"] for s in created["steps"]] == ["approval", "approval", "decision"]
    assert created["allowed_actions"] == ["submit", "withdraw"]
    assert created["allowed"]["can_edit"] and created["allowed"]["can_edit_route"]
    case_id = created["id"]
    sent = act(clients["drafter"], case_id, "submit")
    assert sent.status_code == 200, sent.content
    assert sent.json()["case"]["state"] == "in_route" and sent.json()["replayed"] is False
    assert page(clients["kakaricho"], case_id)["allowed_actions"] == ["approve", "return"]
    assert act(clients["kakaricho"], case_id, "approve", comment="確認").status_code == 200
    kacho_page = page(clients["kacho"], case_id)
    assert kacho_page["allowed_actions"] == ["approve", "return"]
    assert kacho_page["allowed"]["return_targets"] == [1]
    assert act(clients["kacho"], case_id, "approve").status_code == 200
    decided = act(clients["bucho"], case_id, "decide", comment="了")
    assert decided.status_code == 200, decided.content
    body = decided.json()["case"]
    assert body["state"] == "decided" and body["decided_at"]
    assert body["body"]["frozen"] is True
    assert body["allowed_actions"] == []
    assert [e["action"] for e in body["events"]] == [
        "draft",
        "submit",
        "approve",
        "approve",
        "decide",
    ]
    decide_event = body["events"][-1]
    assert decide_event["action_label"] == "決裁" and decide_event["action_label_en"] == "Decided"
    assert decide_event["actor"]["username"] == "sato" and decide_event["step"] == 3
    assert decide_event["capacity_label"] == "本人" and "signature_state" in decide_event
    task = body["steps"][2]["tasks"][0]
    assert task["assignee"] == {
        "type": "post",
        "id": city.post("soumu-bucho").pk,
        "label": "総務部長",
    }
    assert task["holder"]["username"] == "sato" and task["acted_by"]["username"] == "sato"
    assert (task["state"], task["state_label"], task["capacity"]) == (
        "decided",
        "決裁",
        "principal",
    )
    assert task["comment"] == "了" and task["acted_at"] and task["opened_at"] is None


def test_the_detail_costs_a_fixed_number_of_queries(city, clients):
    case_id = submitted(clients, city)
    page(clients["kakaricho"], case_id)  # warm: the first view is recorded
    with CaptureQueriesContext(connection) as small:
        page(clients["kakaricho"], case_id)
    for n in range(5):
        clients["drafter"].post(f"{CASES}{case_id}/comments/", {"body": f"補足{n}"}, format="json")
        services.add_attachment(
            Case.objects.get(pk=case_id), user=city["drafter"], document=city.document(f"添付{n}")
        )
    with CaptureQueriesContext(connection) as large:
        page(clients["kakaricho"], case_id)
    assert len(large) == len(small), [q["sql"] for q in large.captured_queries]


# --- drafting --------------------------------------------------------------------------------
def test_drafting_refusals_are_clear(city, clients):
    body = city.document("本文")
    base = {"title": "件名", "matter_type": "keiyaku", "body": body.pk}
    missing = clients["drafter"].post(CASES, {**base, "title": ""}, format="json")
    assert missing.status_code == 400 and "title" in missing.json()
    unknown = clients["drafter"].post(CASES, {**base, "matter_type": "nothing"}, format="json")
    assert unknown.status_code == 400 and "matter_type" in unknown.json()
    negative = clients["drafter"].post(CASES, {**base, "amount": -1}, format="json")
    assert negative.status_code == 400 and "amount" in negative.json()
    # another department's document is as absent as a missing one
    theirs = city.document("財政課の文書", user=city["outsider"], department=city["zaisei"])
    refused(
        clients["drafter"].post(CASES, {**base, "body": theirs.pk}, format="json"), 404, "not_found"
    )
    refused(
        clients["drafter"].post(CASES, {**base, "body": 99_999_999}, format="json"),
        404,
        "not_found",
    )
    refused(
        clients["drafter"].post(CASES, {**base, "attachments": [theirs.pk]}, format="json"),
        404,
        "not_found",
    )
    # drafting for a section one does not belong to
    refused(
        clients["drafter"].post(CASES, {**base, "section": "zaisei-ka"}, format="json"),
        403,
        "not_in_section",
    )
    # no delegation line for the matter type: named in the answer
    from approvals.models import MatterType

    MatterType.objects.create(code="other", name="その他")
    answer = refused(
        clients["drafter"].post(CASES, {**base, "matter_type": "other"}, format="json"),
        400,
        "no_delegation_rule",
    )
    assert "その他" in answer["message"]
    assert not Case.objects.exists()


def test_a_user_of_two_departments_names_the_section(city, clients):
    city["drafter"].departments.add(city["zaisei"])
    body = city.document("本文")
    base = {"title": "件名", "matter_type": "keiyaku", "body": body.pk}
    answer = refused(clients["drafter"].post(CASES, base, format="json"), 400, "invalid_parameter")
    assert answer["field"] == "section"
    named = clients["drafter"].post(CASES, {**base, "section": "bunsho"}, format="json")
    assert named.status_code == 201 and named.json()["section"]["code"] == "bunsho"


def test_attachments_at_drafting_and_citing_a_rejected_case(city, clients):
    attachment = city.document("見積書")
    created = draft(clients, city, attachments=[attachment.pk])
    assert [a["document"] for a in created["attachments"]] == [attachment.pk]
    assert created["attachments"][0]["title"] == "見積書"
    rejected = draft(clients, city, amount=10)
    refusal = refused(
        clients["drafter"].post(
            CASES,
            {
                "title": "再起案",
                "matter_type": "keiyaku",
                "body": city.document().pk,
                "cites": rejected["id"],
            },
            format="json",
        ),
        400,
        "cites_not_rejected",
    )
    assert refusal["field"] == "cites"


def test_changing_a_draft(city, clients):
    case_id = draft(clients, city, amount=10)["id"]
    assert page(clients["drafter"], case_id)["decision_level"] == "section_chief"
    changed = clients["drafter"].patch(
        f"{CASES}{case_id}/",
        {"title": "新しい件名", "amount": 20_000_000, "is_important": True},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["title"] == "新しい件名" and body["flagged"] is True
    assert body["decision_level"] == "bureau_director" and len(body["steps"]) == 4
    new_body = city.document("差し替え本文")
    swapped = clients["drafter"].patch(f"{CASES}{case_id}/", {"body": new_body.pk}, format="json")
    assert swapped.json()["body"]["id"] == new_body.pk
    refused(
        clients["colleague"].patch(f"{CASES}{case_id}/", {"title": "x"}, format="json"),
        403,
        "not_drafter",
    )
    assert act(clients["drafter"], case_id, "submit").status_code == 200
    answer = refused(
        clients["drafter"].patch(f"{CASES}{case_id}/", {"title": "x"}, format="json"),
        409,
        "state_conflict",
    )
    assert answer["case_state"] == "in_route" and answer["case_revision"] >= 1
    assert clients["drafter"].put(f"{CASES}{case_id}/", {}, format="json").status_code == 405


# --- the route before submitting --------------------------------------------------------------
def test_route_edits_before_submit(city, clients):
    case_id = draft(clients, city)["id"]
    url = f"{CASES}{case_id}/steps/"
    added = clients["drafter"].post(
        url,
        {
            "kind": "consultation",
            "position": 3,
            "assignees": [{"section": "zaisei-ka"}, {"user": "kato"}],
        },
        format="json",
    )
    assert added.status_code == 200, added.content
    steps = added.json()["steps"]
    assert [s["kind"] for s in steps] == ["approval", "approval", "consultation", "decision"]
    assert [t["assignee"]["type"] for t in steps[2]["tasks"]] == ["section", "user"]
    assert steps[2]["added_by_drafter"] is True
    # a second 決裁 is refused with the rule's words
    second = clients["drafter"].post(
        url,
        {"kind": "decision", "position": 1, "assignees": [{"post": "bunsho-kacho"}]},
        format="json",
    )
    assert "決裁" in refused(second, 400, "invalid_route")["message"]
    unknown = clients["drafter"].post(
        url, {"kind": "approval", "position": 1, "assignees": [{"user": "nobody"}]}, format="json"
    )
    assert refused(unknown, 400, "invalid_parameter")["field"] == "assignees[0]"
    two_kinds = clients["drafter"].post(
        url,
        {"kind": "approval", "position": 1, "assignees": [{"user": "sato", "post": "x"}]},
        format="json",
    )
    assert two_kinds.status_code == 400
    # template steps stay; the drafter's own step goes
    refused(clients["drafter"].delete(f"{url}1/"), 403, "step_not_removable")
    removed = clients["drafter"].delete(f"{url}3/")
    assert [s["kind"] for s in removed.json()["steps"]] == ["approval", "approval", "decision"]
    marked = clients["drafter"].post(f"{url}1/post-review/", {"on": True}, format="json")
    assert marked.json()["steps"][0]["tasks"][0]["post_review"] is True
    assert marked.json()["steps"][0]["tasks"][0]["post_review_reason_label"] == "起案者の指定"
    refused(
        clients["drafter"].post(f"{url}3/post-review/", {}, format="json"), 400, "invalid_route"
    )
    refused(
        clients["colleague"].post(
            url,
            {"kind": "approval", "position": 1, "assignees": [{"user": "sato"}]},
            format="json",
        ),
        403,
        "not_drafter",
    )
    assert act(clients["drafter"], case_id, "submit").status_code == 200
    # passed over for 後閲 at once: the 課長 has it now
    assert page(clients["kacho"], case_id)["allowed_actions"] == [
        "approve",
        "return",
    ]
    locked = clients["drafter"].post(
        url, {"kind": "approval", "position": 1, "assignees": [{"user": "sato"}]}, format="json"
    )
    refused(locked, 409, "route_locked")


# --- attachments and comments -----------------------------------------------------------------
def test_attachments_are_added_never_removed_and_frozen_after_the_decision(city, clients):
    case_id = submitted(clients, city, amount=10)
    url = f"{CASES}{case_id}/attachments/"
    first = city.document("見積書")
    added = clients["drafter"].post(url, {"document": first.pk}, format="json")
    assert added.status_code == 200 and added.json()["attachments"][0]["frozen"] is False
    refused(
        clients["drafter"].post(url, {"document": first.pk}, format="json"), 409, "already_attached"
    )
    refused(
        clients["kakaricho"].post(url, {"document": first.pk}, format="json"), 403, "not_drafter"
    )
    assert act(clients["kakaricho"], case_id, "approve").status_code == 200
    assert act(clients["kacho"], case_id, "decide").status_code == 200
    later = city.document("契約書写し")
    after = clients["drafter"].post(url, {"document": later.pk}, format="json").json()
    assert [(a["after_decision"], a["frozen"]) for a in after["attachments"]] == [
        (False, True),
        (True, True),
    ]
    assert Document.objects.get(pk=later.pk).is_frozen
    # there is no way to remove one
    assert clients["drafter"].delete(f"{url}").status_code == 405
    assert clients["drafter"].delete(f"{url}{first.pk}/").status_code == 404


def test_comments_are_a_thread_for_everyone_who_sees_the_case(city, clients):
    case_id = submitted(clients, city)
    url = f"{CASES}{case_id}/comments/"
    first = clients["kakaricho"].post(
        url, {"body": "予算科目を確認してください", "step": 1}, format="json"
    )
    assert first.status_code == 201, first.content
    assert first.json()["author"]["username"] == "kimura" and first.json()["step"] == 1
    assert (
        clients["colleague"].post(url, {"body": "確認済みです"}, format="json").status_code == 201
    )
    thread = clients["drafter"].get(url).json()
    assert [c["body"] for c in thread] == ["予算科目を確認してください", "確認済みです"]
    assert "body" in refused(
        clients["drafter"].post(url, {"body": "   "}, format="json"), 400, "invalid"
    )
    refused(clients["outsider"].post(url, {"body": "見えない"}, format="json"), 404, "not_found")
    refused(clients["outsider"].get(url), 404, "not_found")


# --- the actions and their refusals -----------------------------------------------------------
def test_acting_out_of_turn_or_off_route_is_refused(city, clients):
    case_id = submitted(clients, city)
    refused(act(clients["kacho"], case_id, "approve"), 403, "not_your_turn")
    refused(act(clients["colleague"], case_id, "approve"), 403, "not_on_route")
    refused(act(clients["kakaricho"], case_id, "decide"), 409, "wrong_action")
    refused(act(clients["kakaricho"], case_id, "recall"), 403, "not_drafter")
    refused(act(clients["drafter"], case_id, "submit"), 409, "state_conflict")
    refused(act(clients["kakaricho"], case_id, "jump"), 404, "not_found")
    refused(act(clients["outsider"], case_id, "approve"), 404, "not_found")
    refused(act(clients["outsider"], 99_999_999, "approve"), 404, "not_found")
    assert clients["kakaricho"].get(f"{CASES}abc/").status_code == 404
    assert act(clients["kakaricho"], case_id, "approve").status_code == 200
    refused(act(clients["kakaricho"], case_id, "approve"), 409, "already_done")


def test_return_needs_a_comment_and_goes_to_the_drafter_or_an_earlier_step(city, clients):
    case_id = submitted(clients, city)
    assert act(clients["kakaricho"], case_id, "approve").status_code == 200
    refused(act(clients["kacho"], case_id, "return"), 400, "comment_required")
    refused(
        act(clients["kacho"], case_id, "return", comment="再確認", to_position=2),
        400,
        "invalid_return_target",
    )
    back = act(clients["kacho"], case_id, "return", comment="係長に再確認を", to_position=1)
    assert back.status_code == 200
    assert [s["state"] for s in back.json()["case"]["steps"]] == ["open", "waiting", "waiting"]
    home = act(clients["kakaricho"], case_id, "return", comment="数量を直してください")
    assert home.json()["case"]["state"] == "returned"
    drafter_page = page(clients["drafter"], case_id)
    assert drafter_page["allowed_actions"] == ["submit", "withdraw"]
    assert drafter_page["allowed"]["can_edit"] and not drafter_page["allowed"]["can_edit_route"]
    assert act(clients["drafter"], case_id, "submit").json()["case"]["state"] == "in_route"


def test_recall_until_the_next_approver_opens_the_case(city, clients):
    case_id = submitted(clients, city)
    assert "recall" in page(clients["drafter"], case_id)["allowed_actions"]
    assert act(clients["drafter"], case_id, "recall").json()["case"]["state"] == "draft"
    assert act(clients["drafter"], case_id, "submit").status_code == 200
    opened = page(clients["kakaricho"], case_id)  # opening the case records the view
    assert opened["steps"][0]["tasks"][0]["opened_at"]
    assert "recall" not in page(clients["drafter"], case_id)["allowed_actions"]
    answer = refused(act(clients["drafter"], case_id, "recall"), 409, "already_opened")
    assert "差戻し" in answer["message"] and answer["case_state"] == "in_route"
    # a colleague's look does not count
    other = submitted(clients, city)
    page(clients["colleague"], other)
    assert act(clients["drafter"], other, "recall").status_code == 200


def test_withdraw_and_reject(city, clients):
    case_id = submitted(clients, city, amount=10)
    refused(act(clients["kakaricho"], case_id, "withdraw"), 403, "not_drafter")
    assert (
        act(clients["drafter"], case_id, "withdraw", comment="不要").json()["case"]["state"]
        == "withdrawn"
    )
    refused(act(clients["drafter"], case_id, "withdraw"), 409, "state_conflict")
    other = submitted(clients, city, amount=10)
    assert act(clients["kakaricho"], other, "approve").status_code == 200
    refused(act(clients["kacho"], other, "reject"), 400, "comment_required")
    rejected = act(clients["kacho"], other, "reject", comment="予算なし").json()["case"]
    assert rejected["state"] == "rejected" and rejected["state_label_en"] == "Rejected"


def test_consultation_proxy_decision_and_post_review(city, clients):
    case_id = draft(clients, city)["id"]
    clients["drafter"].post(
        f"{CASES}{case_id}/steps/",
        {"kind": "consultation", "position": 3, "assignees": [{"section": "zaisei-ka"}]},
        format="json",
    )
    act(clients["drafter"], case_id, "submit")
    act(clients["kakaricho"], case_id, "approve")
    act(clients["kacho"], case_id, "approve")
    assert page(clients["zaisei_kacho"], case_id)["allowed_actions"] == [
        "agree",
        "disagree",
        "return",
    ]
    refused(act(clients["zaisei_kacho"], case_id, "disagree"), 400, "comment_required")
    assert act(clients["zaisei_kacho"], case_id, "agree").status_code == 200
    # the decider is present: no 代決
    refused(act(clients["jicho"], case_id, "proxy-decide"), 409, "decider_present")
    city.absent(city["bucho"])
    assert page(clients["jicho"], case_id)["allowed_actions"] == ["proxy-decide"]
    refused(act(clients["jicho2"], case_id, "proxy-decide"), 403, "earlier_deputy")
    refused(act(clients["kyokucho"], case_id, "proxy-decide"), 403, "not_a_deputy")
    proxy = act(clients["jicho"], case_id, "proxy-decide", comment="部長不在のため代決")
    assert proxy.status_code == 200, proxy.content
    decided = proxy.json()["case"]
    assert decided["state"] == "decided"
    task = decided["steps"][-1]["tasks"][0]
    assert (task["capacity"], task["capacity_label"], task["post_review_due"]) == (
        "proxy",
        "代決",
        True,
    )
    assert page(clients["bucho"], case_id)["allowed_actions"] == ["post-review"]
    reviewed = act(clients["bucho"], case_id, "post-review", comment="確認した")
    assert reviewed.json()["case"]["steps"][-1]["tasks"][0]["post_reviewed_at"]
    refused(act(clients["bucho"], case_id, "post-review"), 403, "no_post_review_due")


def test_a_flagged_case_is_never_decided_by_proxy(city, clients):
    case_id = submitted(clients, city, is_important=True)
    act(clients["kakaricho"], case_id, "approve")
    act(clients["kacho"], case_id, "approve")
    city.absent(city["bucho"])
    assert page(clients["jicho"], case_id)["allowed_actions"] == []
    answer = refused(act(clients["jicho"], case_id, "proxy-decide"), 409, "flagged_case")
    assert "重要" in answer["message"]


def test_pull_up_and_circulation(city, clients):
    case_id = draft(clients, city)["id"]
    clients["drafter"].post(
        f"{CASES}{case_id}/steps/",
        {"kind": "circulation", "position": 4, "assignees": [{"user": "nakamura"}]},
        format="json",
    )
    act(clients["drafter"], case_id, "submit")
    assert page(clients["bucho"], case_id)["allowed_actions"] == ["pull-up"]
    pulled = act(clients["bucho"], case_id, "pull-up")
    assert pulled.status_code == 200, pulled.content
    tasks = [s["tasks"][0] for s in pulled.json()["case"]["steps"]]
    assert [t["post_review_reason"] for t in tasks[:2]] == ["pull_up", "pull_up"]
    assert act(clients["bucho"], case_id, "decide").status_code == 200
    assert page(clients["colleague"], case_id)["allowed_actions"] == ["acknowledge"]
    done = act(clients["colleague"], case_id, "acknowledge").json()["case"]
    assert done["steps"][-1]["tasks"][0]["state"] == "acknowledged"
    assert page(clients["kakaricho"], case_id)["allowed_actions"] == ["post-review"]


# --- idempotency ---------------------------------------------------------------------------------
def test_a_double_click_with_one_key_records_one_approval(city, clients):
    case_id = submitted(clients, city)
    first = act(clients["kakaricho"], case_id, "approve", key="click-1", comment="確認")
    again = act(clients["kakaricho"], case_id, "approve", key="click-1", comment="確認")
    assert first.status_code == again.status_code == 200
    assert (first.json()["replayed"], again.json()["replayed"]) == (False, True)
    assert first.json()["event"] == again.json()["event"]
    assert CaseEvent.objects.filter(case_id=case_id, action="approve").count() == 1
    assert IdempotencyRecord.objects.filter(case_id=case_id, key="click-1").count() == 1
    # the same key for another action is refused, never silently replayed
    reused = act(clients["kakaricho"], case_id, "return", key="click-1", comment="x")
    refused(reused, 409, "idempotency_key_reused")
    # a new key after the approval is a second request, refused as such
    refused(act(clients["kakaricho"], case_id, "approve", key="click-2"), 409, "already_done")
    too_long = act(clients["kacho"], case_id, "approve", key="k" * 101)
    assert refused(too_long, 400, "invalid_parameter")["field"] == "Idempotency-Key"


def test_a_retried_comment_or_attachment_is_recorded_once(city, clients):
    case_id = submitted(clients, city)
    url = f"{CASES}{case_id}/comments/"
    for _ in range(2):
        response = clients["kakaricho"].post(
            url, {"body": "一度だけ"}, format="json", HTTP_IDEMPOTENCY_KEY="c-1"
        )
        assert response.status_code == 201 and response.json()["body"] == "一度だけ"
    assert Case.objects.get(pk=case_id).comments.count() == 1
    document = city.document("添付")
    for _ in range(2):
        response = clients["drafter"].post(
            f"{CASES}{case_id}/attachments/",
            {"document": document.pk},
            format="json",
            HTTP_IDEMPOTENCY_KEY="a-1",
        )
        assert response.status_code == 200
    assert Case.objects.get(pk=case_id).attachments.count() == 1


# --- the list ------------------------------------------------------------------------------------
def test_the_list_shows_visible_cases_with_filters(city, clients):
    mine = draft(clients, city, title="備品購入")["id"]
    sent = submitted(clients, city, title="委託契約")
    listed = clients["drafter"].get(CASES).json()
    assert listed["count"] == 2 and {c["id"] for c in listed["results"]} == {mine, sent}
    row = listed["results"][0]
    assert {"state_label", "state_label_en", "drafter", "section", "matter_type"} <= row.keys()
    assert clients["drafter"].get(CASES, {"state": "draft"}).json()["count"] == 1
    states = clients["drafter"].get(f"{CASES}?state=draft&state=in_route").json()
    assert states["count"] == 2
    assert clients["drafter"].get(CASES, {"q": "委託"}).json()["results"][0]["id"] == sent
    assert clients["drafter"].get(CASES, {"kind": "circulation"}).json()["count"] == 0
    box = clients["kakaricho"].get(CASES, {"box": "approval"}).json()
    assert [c["id"] for c in box["results"]] == [sent]
    assert clients["drafter"].get(CASES, {"box": "drafting"}).json()["results"][0]["id"] == mine
    assert clients["drafter"].get(CASES, {"box": "nothing"}).status_code == 400
    assert clients["drafter"].get(CASES, {"state": "nothing"}).status_code == 400
    assert clients["outsider"].get(CASES).json()["count"] == 0
    assert clients["records"].get(CASES).json()["count"] == 2


def test_the_list_costs_a_fixed_number_of_queries(city, clients):
    draft(clients, city)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert clients["kacho"].get(CASES).status_code == 200
        return len(queries)

    count()  # the client's first request signs it in (a query of its own)
    one = count()
    for _ in range(6):
        submitted(clients, city)
    assert count() == one
    assert one <= 8


def test_a_circulation_case_is_read_by_everyone_on_it(city, clients):
    created = draft(clients, city, kind="circulation", title="研修のお知らせ")
    assert created["steps"] == [] and created["kind_label"] == "供覧"
    refused(act(clients["drafter"], created["id"], "submit"), 400, "invalid_route")
    clients["drafter"].post(
        f"{CASES}{created['id']}/steps/",
        {
            "kind": "circulation",
            "position": 1,
            "assignees": [{"user": "nakamura"}, {"user": "kimura"}],
        },
        format="json",
    )
    assert act(clients["drafter"], created["id"], "submit").status_code == 200
    assert act(clients["colleague"], created["id"], "acknowledge").status_code == 200
    done = act(clients["kakaricho"], created["id"], "acknowledge").json()["case"]
    assert (done["state"], done["state_label"], done["state_label_en"]) == (
        "circulated",
        "供覧済",
        "Circulated",
    )


def test_anonymous_requests_are_refused(city):
    from rest_framework.test import APIClient

    for url in (CASES, "/api/approvals/inbox/", "/api/approvals/route-proposal/"):
        assert APIClient().get(url).status_code in (401, 403)
