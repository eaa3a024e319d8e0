"""No upload part reaches the store unless it becomes a version (issue 11, isolation).

Each request below used to leave an object in the store that no version points at, or
could: extra and second files, files sent to actions that take none, and session requests
whose body was parsed by the CSRF check before anything about them was decided. Every
test runs on both stores and checks, through the keys ingest generated, that nothing of
the request is left.
"""

import pytest
from rest_framework.test import APIClient

from dms.documents import lifecycle
from dms.documents.models import Document, Version
from dms.storage import get_object_store
from tests.documents.conftest import after_quarantine, named, pdf_bytes

pytestmark = pytest.mark.django_db


def left_in_store(keys: list[str]) -> list[str]:
    """What is still stored under ``keys`` once the quarantine of unrecorded uploads ended
    (the store keeps every upload until then: ``ingest.quarantine``)."""
    after_quarantine()
    store = get_object_store()
    return [key for key in keys if store.list_versions(key)]


def session_client(csrf: bool) -> tuple[APIClient, dict]:
    """tanaka signed in through the web app's login; headers with the CSRF token or none."""
    client = APIClient(enforce_csrf_checks=True)
    client.get("/api/auth/csrf/")  # as the web app does before it signs in
    login = client.post(
        "/api/auth/login/",
        {"username": "tanaka", "password": "kiroku-test-pw"},
        format="json",
        HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
    )
    assert login.status_code == 200
    token = client.cookies["csrftoken"].value
    return client, ({"HTTP_X_CSRFTOKEN": token} if csrf else {})


@pytest.fixture
def document(store, clients, generated_keys):
    created = clients["tanaka"].post(
        "/api/documents/", {"file": named(pdf_bytes(), "元.pdf")}, format="multipart"
    )
    assert created.status_code == 201, created.content
    generated_keys.clear()  # its original is recorded; the tests look at what follows
    return Document.objects.get(pk=created.json()["id"])


# --- extra and second files -------------------------------------------------------------


def test_an_extra_file_field_after_the_file_is_not_stored(store, clients, generated_keys):
    response = clients["tanaka"].post(
        "/api/documents/",
        {"file": named(pdf_bytes(), "a.pdf"), "attachment": named(pdf_bytes(2), "x.pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unexpected_file"
    assert len(generated_keys) == 1  # the file was stored while the request was read...
    assert left_in_store(generated_keys) == []  # ...and removed when the extra part came
    assert Document.objects.count() == 0


def test_a_second_file_on_upload_is_refused_before_it_is_stored(store, clients, generated_keys):
    response = clients["tanaka"].post(
        "/api/documents/",
        {"file": [named(pdf_bytes(), "a.pdf"), named(pdf_bytes(2), "b.pdf")]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "file_required"
    assert len(generated_keys) == 1  # the second file never went to the store
    assert left_in_store(generated_keys) == []
    assert Document.objects.count() == 0


def test_a_second_file_on_a_new_version_is_refused(document, clients, generated_keys):
    response = clients["tanaka"].post(
        f"/api/documents/{document.pk}/versions/",
        {"file": [named(pdf_bytes(2), "v2.pdf"), named(pdf_bytes(3), "v2b.pdf")]},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "file_required"
    assert len(generated_keys) == 1
    assert left_in_store(generated_keys) == []
    assert document.versions.count() == 1


def test_batch_takes_only_the_file_field(store, clients, generated_keys):
    response = clients["tanaka"].post(
        "/api/documents/batch/",
        {
            "file": [named(pdf_bytes(), "a.pdf"), named(pdf_bytes(2), "b.pdf")],
            "other": named(pdf_bytes(3), "c.pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unexpected_file"
    assert len(generated_keys) == 2
    assert left_in_store(generated_keys) == []
    assert Document.objects.count() == 0


# --- actions that take no file ------------------------------------------------------------


def test_a_file_sent_with_a_metadata_change_is_refused(document, clients, generated_keys):
    response = clients["tanaka"].patch(
        f"/api/documents/{document.pk}/",
        {"title": "変更", "file": named(pdf_bytes(2), "x.pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unexpected_file"
    assert generated_keys == []
    assert Document.objects.get(pk=document.pk).title != "変更"


def test_a_file_sent_to_share_is_refused(document, clients, generated_keys):
    response = clients["tanaka"].post(
        f"/api/documents/{document.pk}/share/",
        {"users": "suzuki", "file": named(pdf_bytes(2), "x.pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unexpected_file"
    assert generated_keys == []
    assert not Document.objects.get(pk=document.pk).shared_with_users.exists()


# --- session requests: the CSRF check and the view's checks come first -----------------------


def test_an_upload_refused_for_csrf_stores_nothing(store, org, generated_keys):
    client, no_token = session_client(csrf=False)
    response = client.post(
        "/api/documents/", {"file": named(pdf_bytes(), "a.pdf")}, format="multipart", **no_token
    )
    assert response.status_code == 403
    assert generated_keys == []
    assert Document.objects.count() == 0


def test_a_new_version_refused_for_csrf_stores_nothing(document, generated_keys):
    """Regression: the CSRF check parsed the body, and the versions gate let it through."""
    client, no_token = session_client(csrf=False)
    response = client.post(
        f"/api/documents/{document.pk}/versions/",
        {"file": named(pdf_bytes(2), "v2.pdf")},
        format="multipart",
        **no_token,
    )
    assert response.status_code == 403
    assert generated_keys == []
    assert document.versions.count() == 1


def test_a_session_version_for_a_frozen_document_stores_nothing(document, org, generated_keys):
    """Regression: with a valid token the body was still parsed during authentication,
    before the document's state was checked."""
    lifecycle.freeze(document, reason="決裁済", user=org["records"])
    client, token = session_client(csrf=True)
    response = client.post(
        f"/api/documents/{document.pk}/versions/",
        {"file": named(pdf_bytes(2), "v2.pdf")},
        format="multipart",
        **token,
    )
    assert response.status_code == 403
    assert response.json()["error"] == "frozen"
    assert generated_keys == []


def test_a_session_version_for_an_invisible_document_stores_nothing(store, clients, generated_keys):
    theirs = clients["suzuki"].post(
        "/api/documents/", {"file": named(pdf_bytes(), "契約.pdf")}, format="multipart"
    )
    generated_keys.clear()
    client, token = session_client(csrf=True)
    response = client.post(
        f"/api/documents/{theirs.json()['id']}/versions/",
        {"file": named(pdf_bytes(2), "v2.pdf")},
        format="multipart",
        **token,
    )
    assert response.status_code == 404
    assert generated_keys == []


def test_session_uploads_with_the_csrf_header_still_work(document, generated_keys):
    client, token = session_client(csrf=True)
    created = client.post(
        "/api/documents/", {"file": named(pdf_bytes(3), "b.pdf")}, format="multipart", **token
    )
    assert created.status_code == 201, created.content
    version = client.post(
        f"/api/documents/{document.pk}/versions/",
        {"file": named(pdf_bytes(2), "v2.pdf"), "comment": "差替"},
        format="multipart",
        **token,
    )
    assert version.status_code == 201, version.content
    assert Version.objects.filter(blob__key__in=generated_keys).count() == 2


def raw_session_upload(client, headers: dict, query: str = ""):
    """The web app's upload: the file as the body, its name in Content-Disposition."""
    return client.generic(
        "POST",
        f"/api/documents/{query}",
        pdf_bytes(3),
        content_type="application/pdf",
        HTTP_CONTENT_DISPOSITION="attachment; filename*=UTF-8''b.pdf",
        **headers,
    )


def test_a_session_upload_of_the_file_as_the_body_works_with_the_csrf_header(
    store, org, generated_keys
):
    """Regression: the CSRF check parsed the raw body during authentication, and the
    upload gate refused it as read too early (the web app's uploads all failed)."""
    client, token = session_client(csrf=True)
    created = raw_session_upload(client, token, "?department=bunsho")
    assert created.status_code == 201, created.content
    assert Document.objects.get(pk=created.json()["id"]).department == org["bunsho"]
    assert len(generated_keys) == 1


def test_a_session_upload_of_the_file_as_the_body_without_csrf_stores_nothing(
    store, org, generated_keys
):
    client, no_token = session_client(csrf=False)
    response = raw_session_upload(client, no_token)
    assert response.status_code == 403
    assert generated_keys == []
    assert Document.objects.count() == 0


def test_a_urlencoded_session_form_may_still_carry_its_token_in_the_body(document, org):
    """DRF's browsable forms send csrfmiddlewaretoken as a field; only multipart must not."""
    client, _ = session_client(csrf=False)
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/api/documents/{document.pk}/share/",
        "users=suzuki&csrfmiddlewaretoken=" + token,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code != 403, response.content


# --- parsing that fails half-way ----------------------------------------------------------


def test_a_request_that_breaks_after_a_stored_file_leaves_nothing(
    store, clients, generated_keys, settings
):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    response = clients["tanaka"].post(
        "/api/documents/",
        {"file": named(pdf_bytes(), "a.pdf"), "a": "1", "b": "2", "c": "3"},
        format="multipart",
    )
    assert response.status_code == 400
    assert len(generated_keys) == 1
    assert left_in_store(generated_keys) == []
    assert Document.objects.count() == 0
