"""The retention API: officers change, staff see their section's files, others get 404."""

import pytest

from retention.models import RecordFile
from tests.retention.conftest import make_document, run_jobs

pytestmark = pytest.mark.django_db

FILE = {
    "retention_class": "5y",
    "title": "工事請負契約書",
    "fiscal_year": 2025,
    "category_major": "契約",
    "category_middle": "工事",
    "creator_post": "文書課長",
    "medium": "electronic",
    "location": "文書管理システム",
    "custodian": "bunsho",
}


@pytest.fixture
def docs(org, local_store):
    return [make_document(org["tanaka"], org["bunsho"], f"契約{i}") for i in (1, 2)]


def test_officer_builds_a_file_classifies_holds_and_staff_see_it(org, clients, docs):
    officer = clients["records"]
    created = officer.post("/api/retention/files/", FILE, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["start_date"], body["base_expiry"], body["period"]) == (
        "2026-04-01",
        "2031-03-31",
        "5年",
    )
    assert body["expiry_display"] == "2031-03-31(令和13年3月31日)"
    file_id = body["id"]
    classified = officer.post(
        f"/api/retention/files/{file_id}/classify/",
        {"document_ids": [d.pk for d in docs]},
        format="json",
    )
    assert classified.status_code == 200, classified.json()
    assert {row["effective_expiry"] for row in classified.json()} == {"2031-03-31"}

    hold = officer.post(
        "/api/retention/holds/",
        {
            "record_file": file_id,
            "hold_type": "disclosure",
            "reference": "情報公開第7号",
            "started_on": "2026-11-01",
        },
        format="json",
    )
    assert hold.status_code == 201, hold.json()
    assert officer.get(f"/api/retention/files/{file_id}/").json()["effective_expiry"] is None
    ended = officer.post(
        f"/api/retention/holds/{hold.json()['id']}/end/", {"event_on": "2031-02-14"}, format="json"
    )
    assert ended.json()["until"] == "2032-02-14"
    detail = officer.get(f"/api/retention/files/{file_id}/").json()
    assert detail["effective_expiry"] == "2032-02-14" and len(detail["documents"]) == 2
    extension = officer.post(
        "/api/retention/extensions/",
        {"record_file": file_id, "years": 3, "reason": "事業継続"},
        format="json",
    )
    assert extension.status_code == 201, extension.json()
    assert officer.get(f"/api/retention/files/{file_id}/").json()["period"] == "5年 + 3年 → 8年"
    run_jobs()
    document = officer.get(f"/api/retention/documents/{docs[0].pk}/").json()
    assert document["lock_until"] == "2034-03-31"

    staff = clients["tanaka"]
    assert [f["id"] for f in staff.get("/api/retention/files/").json()["results"]] == [file_id]
    other = clients["suzuki"]
    assert other.get("/api/retention/files/").json()["results"] == []
    assert other.get(f"/api/retention/files/{file_id}/").status_code == 404
    assert other.get(f"/api/retention/documents/{docs[0].pk}/").status_code == 404
    filtered = officer.get("/api/retention/files/", {"fiscal_year": 2024}).json()
    assert filtered["results"] == []


def test_refusals_through_the_api(org, clients, docs):
    officer, staff = clients["records"], clients["tanaka"]
    refused = staff.post("/api/retention/files/", FILE, format="json")
    assert refused.status_code == 403 and refused.json()["error"] == "not_records_officer"
    assert not RecordFile.objects.exists()
    file_id = officer.post("/api/retention/files/", FILE, format="json").json()["id"]
    ten = officer.post(
        "/api/retention/files/", {**FILE, "retention_class": "10y"}, format="json"
    ).json()["id"]
    assert (
        staff.post(
            f"/api/retention/files/{file_id}/classify/",
            {"document_ids": [docs[0].pk]},
            format="json",
        ).status_code
        == 403
    )
    officer.post(
        f"/api/retention/files/{file_id}/classify/", {"document_ids": [docs[0].pk]}, format="json"
    )
    other_class = officer.post(
        f"/api/retention/files/{ten}/classify/",
        {"document_ids": [docs[1].pk, docs[0].pk]},
        format="json",
    )
    assert other_class.status_code == 409 and other_class.json()["error"] == "other_class"
    # The refusal names the document it stopped at, in both languages.
    body = other_class.json()
    assert (body["document_id"], body["position"]) == (docs[0].pk, 1)
    assert f"ID {docs[0].pk}" in body["message"] and f"Document {docs[0].pk}" in body["message_en"]
    # All or nothing: the first document was not classified either.
    assert officer.get(f"/api/retention/documents/{docs[1].pk}/").status_code == 404
    assert (
        staff.post(
            "/api/retention/holds/",
            {
                "record_file": file_id,
                "hold_type": "audit",
                "reference": "監査1",
                "started_on": "2026-11-01",
            },
            format="json",
        ).status_code
        == 403
    )
    run_jobs()  # the store now locks docs[0] until 2031-03-31
    shorter = officer.post(
        "/api/retention/documents/correct-start-date/",
        {"record_file": file_id, "start_date": "2025-05-01", "reason": "誤記"},
        format="json",
    )
    assert shorter.status_code == 409 and shorter.json()["error"] == "store_lock_later"
    assert shorter.json()["store_lock_until"] == "2031-03-31"
    assert officer.delete(f"/api/retention/files/{file_id}/").status_code == 409
    assert officer.delete(f"/api/retention/files/{ten}/").status_code == 204
    moved = officer.post(
        "/api/retention/files/transfer-custody/",
        {"file_ids": [file_id], "to_section": "keiyaku", "reason": "組織改正"},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()[0]["custodian"] == "keiyaku"
    assert staff.get(f"/api/retention/files/{file_id}/").status_code == 404
    assert clients["suzuki"].get(f"/api/retention/files/{file_id}/").status_code == 200


def test_classes_are_listed_and_only_officers_add_them(clients):
    codes = [c["code"] for c in clients["tanaka"].get("/api/retention/classes/").json()["results"]]
    assert codes[:3] == ["30y", "20y", "10y"]
    new = {"code": "7y", "name": "7年", "duration": 7, "unit": "years", "action": "destroy"}
    assert clients["tanaka"].post("/api/retention/classes/", new, format="json").status_code == 403
    assert clients["records"].post("/api/retention/classes/", new, format="json").status_code == 201
