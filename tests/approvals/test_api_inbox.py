"""The inbox (決裁箱) and the notifications summary over the API: counts per tab, each
tab's rows, and a bounded number of queries however full the inbox is."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import services
from approvals.models import StepKind
from approvals.routing import Assignee
from tests.approvals.api_helpers import Clients, refused

pytestmark = pytest.mark.django_db

INBOX = "/api/approvals/inbox/"


@pytest.fixture
def clients(city):
    return Clients(city)


def test_counts_per_tab_and_each_tab_lists_its_rows(city, clients):
    waiting = city.case(title="承認待ちの案件")
    services.submit(waiting, user=city["drafter"])
    consulted = city.case(title="合議の案件", amount=10)
    services.add_step(
        consulted,
        user=city["drafter"],
        kind=StepKind.CONSULTATION,
        position=2,
        assignees=[Assignee(user=city["kakaricho"])],
    )
    services.submit(consulted, user=city["drafter"])
    services.approve(consulted, user=city["kakaricho"])  # its 係長 step; the 合議 opens
    returned = city.case(title="差戻しの案件")
    services.submit(returned, user=city["drafter"])
    services.return_case(returned, user=city["kakaricho"], comment="直してください")
    city.case(title="下書き")

    body = clients["kakaricho"].get(INBOX).json()
    assert body["counts"] == {
        "approval": 1,
        "consultation": 1,
        "post_review": 0,
        "circulation": 0,
        "drafting": 0,
        "returned": 0,
    }
    assert [t["label"] for t in body["tabs"]] == [
        "承認待ち",
        "合議待ち",
        "後閲待ち",
        "供覧",
        "起案中",
        "差戻し",
    ]
    assert body["tab"] is None and body["results"] == []
    approvals = clients["kakaricho"].get(INBOX, {"tab": "approval"}).json()
    assert approvals["count"] == 1
    row = approvals["results"][0]
    assert (
        row["case"]["title"] == "承認待ちの案件" and row["case"]["drafter"]["username"] == "tanaka"
    )
    assert (row["task"]["step"], row["task"]["step_kind"], row["task"]["state"]) == (
        1,
        "approval",
        "pending",
    )
    consultation = clients["kakaricho"].get(INBOX, {"tab": "consultation"}).json()
    assert consultation["results"][0]["case"]["title"] == "合議の案件"

    drafter = clients["drafter"].get(INBOX).json()
    assert (drafter["counts"]["drafting"], drafter["counts"]["returned"]) == (1, 1)
    returned_rows = clients["drafter"].get(INBOX, {"tab": "returned"}).json()["results"]
    assert (
        returned_rows == [{"case": returned_rows[0]["case"], "task": None}]
        and returned_rows[0]["case"]["title"] == "差戻しの案件"
    )
    refused(clients["drafter"].get(INBOX, {"tab": "everything"}), 400, "invalid_parameter")


def test_post_review_and_circulation_tabs(city, clients):
    case = city.case(amount=10)
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CIRCULATION,
        position=3,
        assignees=[Assignee(user=city["colleague"])],
    )
    services.submit(case, user=city["drafter"])
    services.pull_up(case, user=city["kacho"])
    services.decide(case, user=city["kacho"])
    assert clients["kakaricho"].get(INBOX).json()["counts"]["post_review"] == 1
    assert clients["colleague"].get(INBOX).json()["counts"]["circulation"] == 1
    row = clients["kakaricho"].get(INBOX, {"tab": "post_review"}).json()["results"][0]
    assert row["task"]["post_review_reason"] == "pull_up"
    assert row["task"]["post_review_reason_label"] == "引上げ"


def test_the_inbox_costs_a_fixed_number_of_queries(city, clients):
    def queries(tab=None):
        params = {"tab": tab} if tab else {}
        with CaptureQueriesContext(connection) as captured:
            assert clients["kakaricho"].get(INBOX, params).status_code == 200
        return len(captured)

    first = city.case()
    services.submit(first, user=city["drafter"])
    queries()  # the client's first request signs it in
    counts_only, one_tab = queries(), queries("approval")
    for _ in range(8):
        services.submit(city.case(), user=city["drafter"])
    assert (queries(), queries("approval")) == (counts_only, one_tab)
    assert counts_only <= 6 and one_tab <= 8


def test_notifications_sum_up_what_waits_and_what_happened_to_my_drafts(city, clients):
    case = city.case(title="通知の案件")
    services.submit(case, user=city["drafter"])
    services.approve(case, user=city["kakaricho"])
    other = city.case(title="二件目")
    services.submit(other, user=city["drafter"])
    services.return_case(other, user=city["kakaricho"], comment="要修正")

    kacho = clients["kacho"].get("/api/approvals/notifications/").json()
    assert kacho["actionable"] == 1 and kacho["counts"]["approval"] == 1
    drafter = clients["drafter"].get("/api/approvals/notifications/").json()
    assert drafter["actionable"] == 0
    assert [(r["case_title"], r["action"], r["action_label"]) for r in drafter["recent"]] == [
        ("二件目", "return", "差戻し"),
        ("通知の案件", "approve", "承認"),
    ]
    assert drafter["recent"][0]["actor"]["username"] == "kimura"
