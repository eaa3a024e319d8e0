"""The documents REST API, end to end on a real database and both object stores."""

import datetime as dt
import hashlib
from urllib.parse import unquote

import pytest
from rest_framework.test import APIClient

from dms.documents.models import Blob, Document, Version
from tests.documents.conftest import named, pdf_bytes, run_jobs

pytestmark = pytest.mark.django_db


def upload(client, data: bytes, name: str = "申請書.pdf", **fields):
    return client.post("/api/documents/", {"file": named(data, name), **fields}, format="multipart")


def test_token_login_returns_a_token(org):
    response = APIClient().post(
        "/api/auth/token/", {"username": "tanaka", "password": "kiroku-test-pw"}, format="json"
    )
    assert response.status_code == 200
    assert len(response.json()["token"]) == 64
    assert response.json()["expiry"]


def test_session_login_works_too(org):
    client = APIClient()
    assert client.login(username="tanaka", password="kiroku-test-pw")
    assert client.get("/api/documents/").status_code == 200


def test_anonymous_requests_are_refused(org):
    assert APIClient().get("/api/documents/").status_code in (401, 403)


def test_upload_process_and_download_the_original_byte_identical(store, clients):
    data = pdf_bytes(pages=3)
    created = upload(
        clients["tanaka"], data, "令和6年度 請求書.pdf", title="請求書", document_type="invoice"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "queued"
    assert body["versions"][0]["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["versions"][0]["media_type"] == "application/pdf"

    run_jobs()
    detail = clients["tanaka"].get(f"/api/documents/{body['id']}/").json()
    assert detail["status"] == "ready"
    assert detail["error"] == ""
    assert detail["page_count"] == 3
    assert detail["document_type"] == "invoice"
    assert detail["metadata"] == {"document_date": None, "amount": None, "counterparty": None}

    download = clients["tanaka"].get(f"/api/documents/{body['id']}/download/?variant=original")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == data
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert unquote(disposition.split("''", 1)[1]) == "令和6年度 請求書.pdf"

    thumbnail = clients["tanaka"].get(f"/api/documents/{body['id']}/thumbnail/")
    assert thumbnail.status_code == 200
    assert b"".join(thumbnail.streaming_content).startswith(b"\x89PNG")


def test_list_filters_and_orders(store, clients, org):
    for title, kind in [("契約書A", "contract"), ("請求書B", "invoice"), ("請求書C", "invoice")]:
        assert (
            upload(
                clients["tanaka"], pdf_bytes() + title.encode(), title=title, document_type=kind
            ).status_code
            == 201
        )
    listed = clients["tanaka"].get("/api/documents/?document_type=invoice&ordering=title").json()
    assert listed["count"] == 2
    assert [doc["title"] for doc in listed["results"]] == ["請求書B", "請求書C"]
    assert clients["tanaka"].get("/api/documents/?ordering=nonsense").status_code == 400
    assert clients["tanaka"].get("/api/documents/?created_after=not-a-date").status_code == 400
    assert clients["tanaka"].get("/api/documents/?ids=1,abc").status_code == 400
    first_id = listed["results"][0]["id"]
    only = clients["tanaka"].get(f"/api/documents/?ids={first_id}").json()
    assert [doc["id"] for doc in only["results"]] == [first_id]
    fiscal = dt.date.today().year if dt.date.today().month >= 4 else dt.date.today().year - 1
    assert clients["tanaka"].get(f"/api/documents/?fiscal_year={fiscal}").json()["count"] == 3


def test_other_departments_get_404_and_the_attempt_is_recorded(store, clients):
    document_id = upload(clients["tanaka"], pdf_bytes()).json()["id"]
    run_jobs()
    outsider = clients["suzuki"]
    assert outsider.get("/api/documents/").json()["count"] == 0
    for suffix in ["", "download/", "thumbnail/", "history/", "versions/"]:
        assert outsider.get(f"/api/documents/{document_id}/{suffix}").status_code == 404, suffix
    assert outsider.get("/api/documents/999999/").status_code == 404  # same answer as hidden
    assert (
        outsider.patch(f"/api/documents/{document_id}/", {"title": "x"}, format="json").status_code
        == 404
    )
    assert outsider.delete(f"/api/documents/{document_id}/").status_code == 404
    history = clients["records"].get(f"/api/documents/{document_id}/history/").json()
    refused = [entry for entry in history if entry["outcome"] == "refused"]
    assert {entry["actor"] for entry in refused} == {"suzuki"}
    assert {"retrieve", "download", "thumbnail", "history", "versions"} <= {
        e["action"] for e in refused
    }


def test_departments_above_and_records_officers_see_it(store, clients):
    document_id = upload(clients["tanaka"], pdf_bytes()).json()["id"]
    assert clients["sato"].get(f"/api/documents/{document_id}/").status_code == 200  # 総務部
    assert clients["records"].get(f"/api/documents/{document_id}/").status_code == 200


def test_sharing_with_a_user_grants_reading_but_not_changing(store, clients):
    document_id = upload(clients["tanaka"], pdf_bytes()).json()["id"]
    shared = clients["tanaka"].post(
        f"/api/documents/{document_id}/share/", {"users": ["suzuki"]}, format="json"
    )
    assert shared.status_code == 200
    shared_view = clients["suzuki"].get(f"/api/documents/{document_id}/")
    assert shared_view.status_code == 200
    assert shared_view.json()["can_change"] is False
    assert clients["tanaka"].get(f"/api/documents/{document_id}/").json()["can_change"] is True
    refused = clients["suzuki"].patch(
        f"/api/documents/{document_id}/", {"title": "改ざん"}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"] == "not_allowed"
    assert refused.json()["message_en"] == "You may not change this document."
    assert Document.objects.get(pk=document_id).title != "改ざん"


def test_metadata_edit_is_recorded_and_marked_as_set_by_a_person(store, clients):
    document_id = upload(clients["tanaka"], pdf_bytes()).json()["id"]
    changed = clients["tanaka"].patch(
        f"/api/documents/{document_id}/",
        {"amount": 1200000, "counterparty": "株式会社神戸印刷", "document_date": "2024-04-01"},
        format="json",
    )
    assert changed.status_code == 200, changed.content
    assert changed.json()["metadata"] == {
        "document_date": "2024-04-01",
        "amount": 1200000,
        "counterparty": "株式会社神戸印刷",
    }
    document = Document.objects.get(pk=document_id)
    assert set(document.metadata_set_by_person) == {"amount", "counterparty", "document_date"}
    history = clients["tanaka"].get(f"/api/documents/{document_id}/history/").json()
    assert history[-1]["action"] == "change"
    assert history[-1]["details"]["after"]["amount"] == "1200000"


def test_a_new_version_never_replaces_version_one(store, clients):
    first, second = pdf_bytes(1), pdf_bytes(2)
    document_id = upload(clients["tanaka"], first).json()["id"]
    added = clients["tanaka"].post(
        f"/api/documents/{document_id}/versions/",
        {"file": named(second, "差替.pdf")},
        format="multipart",
    )
    assert added.status_code == 201, added.content
    assert added.json()["number"] == 2
    run_jobs()
    versions = clients["tanaka"].get(f"/api/documents/{document_id}/versions/").json()
    assert [v["number"] for v in versions] == [1, 2]
    v1 = clients["tanaka"].get(f"/api/documents/{document_id}/download/?version=1")
    assert b"".join(v1.streaming_content) == first
    latest = clients["tanaka"].get(f"/api/documents/{document_id}/download/")
    assert b"".join(latest.streaming_content) == second
    assert clients["tanaka"].get(f"/api/documents/{document_id}/").json()["page_count"] == 2


def test_a_version_original_cannot_be_changed_or_deleted(store, clients):
    document_id = upload(clients["tanaka"], pdf_bytes()).json()["id"]
    other_blob_id = upload(clients["tanaka"], pdf_bytes(2)).json()["id"]
    version = Version.objects.get(document_id=document_id, number=1)
    version.blob = Version.objects.get(document_id=other_blob_id).blob
    with pytest.raises(Exception, match="原本は変更できません"):
        version.save()
    with pytest.raises(Exception, match="削除できません"):
        Version.objects.get(document_id=document_id).delete()


def test_identical_content_is_stored_once_and_duplicates_shown_only_when_visible(store, clients):
    data = pdf_bytes(2)
    first = upload(clients["tanaka"], data).json()
    second = upload(clients["tanaka"], data).json()
    other_department = upload(clients["suzuki"], data).json()
    assert len({first["id"], second["id"], other_department["id"]}) == 3
    assert Blob.objects.count() == 1
    assert second["duplicates"] == [first["id"]]
    assert other_department["duplicates"] == []  # tanaka's copies are not visible to suzuki
    records_view = clients["records"].get(f"/api/documents/{first['id']}/").json()
    assert sorted(records_view["duplicates"]) == sorted([second["id"], other_department["id"]])


def test_deletion_is_logical_and_records_officers_still_find_it(store, clients):
    document_id = upload(clients["tanaka"], pdf_bytes()).json()["id"]
    assert clients["tanaka"].delete(f"/api/documents/{document_id}/").status_code == 204
    assert clients["tanaka"].get(f"/api/documents/{document_id}/").status_code == 404
    assert Document.objects.filter(pk=document_id).exists()
    found = clients["records"].get("/api/documents/?include_deleted=1").json()
    assert [doc["id"] for doc in found["results"]] == [document_id]
    assert found["results"][0]["deleted"] is True


def test_retained_or_held_documents_cannot_be_deleted(store, clients):
    document_id = upload(clients["tanaka"], pdf_bytes()).json()["id"]
    Document.objects.filter(pk=document_id).update(
        retain_until=dt.date.today() + dt.timedelta(days=365)
    )
    refused = clients["tanaka"].delete(f"/api/documents/{document_id}/")
    assert refused.status_code == 409
    assert "保存期間中" in refused.json()["message"]
    Document.objects.filter(pk=document_id).update(retain_until=None, on_hold=True)
    assert clients["tanaka"].delete(f"/api/documents/{document_id}/").status_code == 409
    assert Document.objects.get(pk=document_id).deleted_at is None
    history = clients["tanaka"].get(f"/api/documents/{document_id}/history/").json()
    assert [e["outcome"] for e in history if e["action"] == "delete"] == ["refused", "refused"]


def test_frozen_documents_refuse_changes_and_new_versions(store, clients):
    document_id = upload(clients["tanaka"], pdf_bytes()).json()["id"]
    Document.objects.filter(pk=document_id).update(frozen_at=dt.datetime.now(dt.UTC))
    assert (
        clients["tanaka"]
        .patch(f"/api/documents/{document_id}/", {"title": "x"}, format="json")
        .status_code
        == 403
    )
    added = clients["tanaka"].post(
        f"/api/documents/{document_id}/versions/",
        {"file": named(pdf_bytes(2), "v2.pdf")},
        format="multipart",
    )
    assert added.status_code == 403
    assert Version.objects.filter(document_id=document_id).count() == 1


def test_batch_upload_gives_each_file_its_own_result(store, clients):
    response = clients["tanaka"].post(
        "/api/documents/batch/",
        {
            "file": [
                named(pdf_bytes(1), "a.pdf"),
                named(b"MZ\x90\x00", "b.pdf"),
                named(pdf_bytes(2), "c.pdf"),
            ]
        },
        format="multipart",
    )
    assert response.status_code == 207
    results = response.json()["results"]
    assert [r.get("status") for r in results] == ["queued", None, "queued"]
    assert results[1]["error"] == "unsupported_media_type"
    assert Document.objects.count() == 2


def test_openapi_schema_describes_the_documents_api(org):
    schema = APIClient().get("/api/schema/?format=json").json()
    for path in [
        "/api/documents/",
        "/api/documents/{id}/",
        "/api/documents/{id}/download/",
        "/api/documents/{id}/retry/",
        "/api/documents/{id}/history/",
        "/api/auth/token/",
    ]:
        assert path in schema["paths"], path


def test_createsuperuser_noinput_reads_the_environment(monkeypatch):
    from django.core.management import call_command

    from dms.accounts.models import User

    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "kanri")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "kiroku-kanri-pw")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "kanri@example.lg.jp")
    call_command("createsuperuser", "--noinput", verbosity=0)
    admin = User.objects.get(username="kanri")
    assert admin.is_superuser and admin.check_password("kiroku-kanri-pw")
    assert admin.sees_everything


def test_session_login_me_and_logout(org):
    client = APIClient(enforce_csrf_checks=True)
    client.get("/api/auth/csrf/")  # as the web app does before its first change
    csrf = {"HTTP_X_CSRFTOKEN": client.cookies["csrftoken"].value}
    refused = client.post(
        "/api/auth/login/", {"username": "tanaka", "password": "wrong"}, format="json", **csrf
    )
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_credentials"
    assert "パスワード" in refused.json()["message"]
    me = client.post(
        "/api/auth/login/",
        {"username": "tanaka", "password": "kiroku-test-pw"},
        format="json",
        **csrf,
    )
    assert me.status_code == 200
    assert me.json()["departments"][0]["code"] == "bunsho"
    assert client.get("/api/auth/me/").json()["username"] == "tanaka"
    # unsafe requests with a session need the CSRF token, as a browser sends it
    assert client.post("/api/auth/logout/").status_code == 403
    token = client.cookies["csrftoken"].value
    assert client.post("/api/auth/logout/", HTTP_X_CSRFTOKEN=token).status_code == 204
    assert client.get("/api/auth/me/").status_code in (401, 403)


def test_lists_for_the_filters(clients):
    types = clients["tanaka"].get("/api/document-types/").json()
    assert {"code": "invoice", "name": "請求書"}.items() <= next(
        t for t in types if t["code"] == "invoice"
    ).items()
    departments = clients["tanaka"].get("/api/departments/").json()
    assert {d["code"] for d in departments} >= {"bunsho", "keiyaku"}


def test_app_routes_fall_back_to_the_web_app(org, settings, tmp_path):
    settings.FRONTEND_DIST = tmp_path
    missing = APIClient().get("/documents/12")
    assert missing.status_code == 503
    assert "make run" in missing.content.decode()
    (tmp_path / "index.html").write_text("<!doctype html><title>記録</title>", encoding="utf-8")
    built = APIClient().get("/documents/12")
    assert built.status_code == 200
    assert b"".join(built.streaming_content).decode() == "<!doctype html><title>記録</title>"
    assert APIClient().get("/api/nonexistent/").status_code == 404
