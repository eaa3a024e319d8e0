"""The approvals dashboard: figures from real cases driven through the services, who may
see them, and a query count that does not grow with the number of cases."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from approvals import services
from approvals.models import Case, Step, StepKind
from dms.accounts.models import Role, User
from dms.documents import ingest, lifecycle
from dms.documents.models import DocumentType
from tests.approvals.api_helpers import Clients, refused
from tests.documents.conftest import pdf_bytes

URL = "/api/approvals/dashboard/"


def draft_document(city, title, department=None, user=None, pages=1):
    """A 起案文書 (document type ``draft``) that goes through no case: decided on paper."""
    stored = ingest.store_original(io.BytesIO(pdf_bytes(pages=pages)), filename=f"{title}.pdf")
    return lifecycle.create(
        stored,
        user=user or city["drafter"],
        department=department or city["bunsho"],
        title=title,
        document_type=DocumentType.objects.get(code="draft"),
    )


def decide(city, case, hours_approval, hours_decision):
    """Take a 課長決裁 case (係長 承認, 課長 決裁) through its route, then set the
    recorded times so the medians have known values."""
    services.submit(case, user=city["drafter"])
    services.approve(case, user=city["kakaricho"])
    services.decide(case, user=city["kacho"])
    start = timezone.now() - dt.timedelta(hours=hours_approval + hours_decision + 1)
    approval, decision = case.steps.order_by("position")
    middle = start + dt.timedelta(hours=hours_approval)
    end = middle + dt.timedelta(hours=hours_decision)
    Step.objects.filter(pk=approval.pk).update(opened_at=start, completed_at=middle)
    Step.objects.filter(pk=decision.pk).update(opened_at=middle, completed_at=end)
    Case.objects.filter(pk=case.pk).update(submitted_at=start, decided_at=end)


@pytest.fixture
def activity(city):
    """文書課: two cases decided electronically, one returned, one waiting at the 係長, and
    two 起案文書 decided on paper (plus one that is a case's body and so not on paper).
    財政課: one paper 起案文書."""
    decide(city, city.case(amount=100_000), hours_approval=2, hours_decision=4)
    decide(city, city.case(amount=200_000), hours_approval=6, hours_decision=8)
    returned = city.case(amount=300_000, title="差し戻される案件")
    services.submit(returned, user=city["drafter"])
    services.return_case(returned, user=city["kakaricho"], comment="金額を確認してください。")
    waiting = city.case(amount=400_000, title="滞留している案件")
    services.submit(waiting, user=city["drafter"])
    draft_document(city, "紙で決裁した起案1")
    draft_document(city, "紙で決裁した起案2")
    city.case(amount=10_000, body=draft_document(city, "案件の本文になった起案"))
    draft_document(city, "財政課の紙決裁", city["zaisei"], city["outsider"])
    city["admin"] = User.objects.create_user("admin", password="x", role=Role.ADMINISTRATOR)
    return {"returned": returned, "waiting": waiting}


def test_figures_for_an_administrator(city, activity):
    body = Clients(city)["admin"].get(URL).json()
    assert body["all_sections"] is True
    sections = {row["section"]: row for row in body["sections"]}
    bunsho = sections["文書課"]
    assert bunsho["decided_electronically"] == 2
    assert bunsho["decided_on_paper"] == 2
    assert bunsho["electronic_rate"] == 0.5
    assert bunsho["submitted"] == 4 and bunsho["returned"] == 1
    assert bunsho["return_rate"] == 0.25
    zaisei = sections["財政課"]
    assert (zaisei["decided_electronically"], zaisei["decided_on_paper"]) == (0, 1)
    assert zaisei["electronic_rate"] == 0.0 and zaisei["return_rate"] is None

    steps = {row["kind"]: row for row in body["steps"]}
    assert steps[StepKind.APPROVAL]["median_hours"] == pytest.approx(4.0, abs=0.01)
    assert steps[StepKind.DECISION]["median_hours"] == pytest.approx(6.0, abs=0.01)
    assert steps[StepKind.DECISION]["label"] == "決裁"
    assert steps[StepKind.CONSULTATION]["median_hours"] is None
    assert body["cases_decided"] == 2
    assert body["case_median_hours"] == pytest.approx(10.0, abs=0.01)  # 6 h and 14 h

    waiting = body["waiting_longest"]
    assert [row["case_id"] for row in waiting] == [activity["waiting"].pk]
    assert waiting[0]["step_kind"] == StepKind.APPROVAL and waiting[0]["holder"] == "kimura"
    assert waiting[0]["hours"] >= 0


def test_the_longest_waiting_come_first(city, activity):
    later = city.case(amount=50_000, title="後から回付")
    services.submit(later, user=city["drafter"])
    earlier = activity["waiting"].steps.get(position=1)
    Step.objects.filter(pk=earlier.pk).update(opened_at=timezone.now() - dt.timedelta(days=3))
    rows = Clients(city)["admin"].get(URL).json()["waiting_longest"]
    assert [row["case_id"] for row in rows] == [activity["waiting"].pk, later.pk]
    assert rows[0]["hours"] == pytest.approx(72, abs=0.1)
    assert len(Clients(city)["admin"].get(URL, {"limit": 1}).json()["waiting_longest"]) == 1


def test_the_period_bounds_the_figures(city, activity):
    long_ago = {"from": "2020-04-01", "to": "2020-12-31"}
    body = Clients(city)["admin"].get(URL, long_ago).json()
    assert body["date_from"] == "2020-04-01"
    assert body["sections"] == [] and body["cases_decided"] == 0
    # The waiting cases are a fact of today, not of the period.
    assert len(body["waiting_longest"]) == 1


def test_department_heads_see_their_own_departments(city, activity):
    clients = Clients(city)
    for head in ("kacho", "bucho"):  # 文書課長, and 総務部長 above it
        body = clients[head].get(URL).json()
        assert body["all_sections"] is False
        assert [row["section"] for row in body["sections"]] == ["文書課"], head
        assert len(body["waiting_longest"]) == 1
    zaisei = clients["zaisei_kacho"].get(URL).json()
    assert [row["section"] for row in zaisei["sections"]] == ["財政課"]
    assert zaisei["waiting_longest"] == [] and zaisei["cases_decided"] == 0


def test_others_are_refused(city, activity):
    clients = Clients(city)
    for name in ("drafter", "kakaricho", "records", "outsider"):  # 係長 is no head
        refused(clients[name].get(URL), 403, "dashboard_forbidden")


def test_bad_parameters_are_refused(city, activity):
    client = Clients(city)["admin"]
    refused(client.get(URL, {"from": "R6.4.1"}), 400, "invalid_parameter")
    refused(client.get(URL, {"from": "2024-05-01", "to": "2024-04-01"}), 400, "invalid_parameter")
    refused(client.get(URL, {"limit": "0"}), 400, "invalid_parameter")


def test_a_fixed_number_of_queries(city, activity):
    client = Clients(city)["admin"]
    client.get(URL)  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    for n in range(4):
        draft_document(city, f"追加の紙決裁{n}", city["keiri"], city["keiri_kacho"])
        services.submit(city.case(amount=20_000 + n), user=city["drafter"])
    with CaptureQueriesContext(connection) as more:
        body = client.get(URL).json()
    assert len(body["waiting_longest"]) == 5 and len(body["sections"]) == 3
    assert len(more) == len(few) <= 12


def test_in_the_openapi_schema():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/approvals/dashboard/"]["get"]
    reference = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    component = schema["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    assert {"sections", "steps", "case_median_hours", "waiting_longest"} <= set(
        component["properties"]
    )
    assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "limit"}
