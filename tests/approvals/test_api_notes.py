"""備考 after the decision through the API: who may write one, when, how long, how many;
with signing off the note is still recorded, listed on the case and audited."""

import pytest

from approvals import services
from approvals.models import CaseEvent
from dms.audit.models import AuditEntry, Outcome
from tests.approvals.api_helpers import Clients, refused

pytestmark = pytest.mark.django_db

CASES = "/api/approvals/cases/"


@pytest.fixture(autouse=True)
def signing_off(settings):
    # No PIN: the note is recorded without a signature (tests/signing signs it).
    settings.KIROKU_SIGNING = {**settings.KIROKU_SIGNING, "PIN": "", "TSA_URL": ""}


@pytest.fixture
def clients(city):
    return Clients(city)


@pytest.fixture
def decided(city):
    case = city.case(amount=2_000_000)
    services.submit(case, user=city["drafter"])
    services.approve(case, user=city["kakaricho"])
    services.approve(case, user=city["kacho"])
    services.decide(case, user=city["bucho"])
    return case


def note(client, case_id, text, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(f"{CASES}{case_id}/notes/", {"text": text}, format="json", **headers)


def test_a_note_after_the_decision_is_recorded_listed_and_audited(city, clients, decided):
    response = note(clients["colleague"], decided.pk, "文書番号 文第123号", key="n-1")
    assert response.status_code == 201, response.content
    body = response.json()
    assert [(n["text"], n["line"], n["author"]["username"]) for n in body["notes"]] == [
        ("文書番号 文第123号", 0, "nakamura")
    ]
    assert body["notes"][0]["signature_state"] == ""  # signing off: nothing pending
    timeline = [e for e in body["events"] if e["action"] == "note"]
    assert timeline[0]["action_label"] == "備考" and timeline[0]["comment"] == "文書番号 文第123号"
    # The same key again records nothing more.
    assert (
        note(clients["colleague"], decided.pk, "文書番号 文第123号", key="n-1").status_code == 201
    )
    assert CaseEvent.objects.filter(case=decided, action="note").count() == 1
    entry = AuditEntry.objects.get(action="note", target_id=str(decided.pk))
    assert entry.actor == "nakamura" and entry.details["text"] == "文書番号 文第123号"
    # The decider, a records officer: the next lines.
    assert note(clients["bucho"], decided.pk, "施行日 令和8年12月5日").status_code == 201
    last = note(clients["records"], decided.pk, "公開").json()
    assert [n["line"] for n in last["notes"]] == [0, 1, 2]
    assert last["allowed"]["can_note"] is True


def test_every_line_used_then_refused(city, clients, decided):
    for number in range(4):  # the cover sheet has four 備考 lines
        assert note(clients["drafter"], decided.pk, f"備考{number}").status_code == 201
    refused(note(clients["drafter"], decided.pk, "五つ目"), 409, "notes_full")


def test_refusals(city, clients, decided):
    early = city.case()
    services.submit(early, user=city["drafter"])
    refused(note(clients["drafter"], early.pk, "文書番号"), 409, "not_decided")
    refused(note(clients["outsider"], decided.pk, "文書番号"), 404, "not_found")
    refused(note(clients["drafter"], decided.pk, " "), 400, "note_required")
    refused(note(clients["drafter"], decided.pk, "あ" * 201), 400, "note_too_long")
    bad = note(clients["drafter"], decided.pk, "文書\x07番号")  # a control character
    assert bad.status_code == 400 and "text" in str(bad.json()), bad.content
    assert note(clients["drafter"], decided.pk, "あ" * 200).status_code == 201
    assert AuditEntry.objects.filter(
        action="note", target_id=str(early.pk), outcome=Outcome.REFUSED
    ).exists()


def test_a_superior_department_sees_the_case_but_may_not_write_a_note(city, clients, decided):
    # 次長 of the 総務部 sees the 文書課's case (a department above) but is not its section,
    # nor the decider.
    refused(note(clients["jicho"], decided.pk, "文書番号"), 403, "note_not_allowed")
    assert page_allowed(clients["jicho"], decided.pk) is False


def page_allowed(client, case_id) -> bool:
    response = client.get(f"{CASES}{case_id}/")
    assert response.status_code == 200, response.content
    return response.json()["allowed"]["can_note"]


def test_schema_lists_the_notes_endpoint(db):
    from rest_framework.test import APIClient

    schema = APIClient().get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/approvals/cases/{id}/notes/"]["post"]
    assert "NoteInput" in str(operation["requestBody"])
    detail = schema["components"]["schemas"]["CaseDetail"]["properties"]
    assert "notes" in detail
