"""The cases API end to end: draft, read, change, route, attach, comment and act."""

import pytest

from approvals.models import Case, CaseEvent
from tests.approvals.api_helpers import Clients, act, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(city):
    return Clients(city)


def draft(clients, city, **fields):
    body = city.document("本文")
    data = {
        "title": "庁用備品の購入について",
        "matter_type": "keiyaku",
        "amount": 2_000_000,
        "body": body.pk,
        **fields,
    }
    response = clients["drafter"].post("/api/approvals/cases/", data, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_a_case_from_draft_to_decision_through_the_api(city, clients):
    created = draft(clients, city)
    assert created["state"] == "draft" and created["state_label"] == "下書き"
    assert created["state_label_en"] == "Draft"
    assert created["decision_level"] == "division_director"
    assert [s["kind"] for s in created["steps"]] == ["approval", "approval", "decision"]
    assert created["allowed_actions"] == ["submit", "withdraw"]
    case_id = created["id"]
    submitted = act(clients["drafter"], case_id, "submit")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["case"]["state"] == "in_route"
    page = clients["kakaricho"].get(f"/api/approvals/cases/{case_id}/").json()
    assert page["allowed_actions"] == ["approve", "return"]
    assert act(clients["kakaricho"], case_id, "approve", comment="確認").status_code == 200
    assert act(clients["kacho"], case_id, "approve").status_code == 200
    decided = act(clients["bucho"], case_id, "decide")
    assert decided.status_code == 200, decided.content
    assert decided.json()["case"]["state"] == "decided"
    assert Case.objects.get(pk=case_id).state == "decided"
    assert CaseEvent.objects.filter(case_id=case_id, action="approve").count() == 2


def test_an_outsider_gets_404(city, clients):
    created = draft(clients, city)
    refused(clients["outsider"].get(f"/api/approvals/cases/{created['id']}/"), 404, "not_found")
