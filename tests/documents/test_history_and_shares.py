"""Who sees which history, and shares that neither reveal user names nor last for ever."""

import pytest

from dms.accounts.models import User
from dms.audit.models import AuditEntry
from dms.documents.models import Document
from tests.documents.conftest import named, pdf_bytes

pytestmark = pytest.mark.django_db


def upload(client) -> int:
    response = client.post(
        "/api/documents/", {"file": named(pdf_bytes(), "a.pdf")}, format="multipart"
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def share(client, document_id, action="share", **names):
    return client.post(f"/api/documents/{document_id}/{action}/", names, format="json")


@pytest.fixture
def probed_document(store, clients):
    """文書課's document, shared with 契約課's suzuki, probed by 総務部's sato and suzuki."""
    document_id = upload(clients["tanaka"])
    assert share(clients["tanaka"], document_id, users=["suzuki"]).status_code == 200
    assert clients["suzuki"].get(f"/api/documents/{document_id}/").status_code == 200
    clients["suzuki"].patch(f"/api/documents/{document_id}/", {"title": "x"}, format="json")
    Document.objects.filter(pk=document_id).update(on_hold=True)
    clients["sato"].delete(f"/api/documents/{document_id}/")  # refused: on hold
    return document_id


def history(client, document_id) -> list[dict]:
    response = client.get(f"/api/documents/{document_id}/history/")
    assert response.status_code == 200
    return response.json()


def test_records_officers_see_the_full_history(probed_document, clients):
    entries = history(clients["records"], probed_document)
    refused = {(e["actor"], e["action"]) for e in entries if e["outcome"] == "refused"}
    assert refused == {("suzuki", "change"), ("sato", "delete")}
    assert all("client_address" in e for e in entries)
    assert {e["client_address"] for e in entries} == {"127.0.0.1"}


def test_a_shared_reader_sees_only_their_department_and_own_refusals(probed_document, clients):
    entries = history(clients["suzuki"], probed_document)
    assert all("client_address" not in e for e in entries)
    assert {e["actor"] for e in entries} <= {"suzuki", "system"}
    assert ("suzuki", "change", "refused") in {
        (e["actor"], e["action"], e["outcome"]) for e in entries
    }
    assert not any(e["actor"] in {"tanaka", "sato"} for e in entries)


def test_the_owning_department_does_not_see_others_probes_or_addresses(probed_document, clients):
    entries = history(clients["tanaka"], probed_document)
    assert all("client_address" not in e for e in entries)
    assert not [e for e in entries if e["outcome"] == "refused"]
    assert {"create", "share"} <= {e["action"] for e in entries if e["actor"] == "tanaka"}
    assert "suzuki" not in {e["actor"] for e in entries}  # another department's reads


def test_a_department_above_sees_its_sections_actions(probed_document, clients):
    entries = history(clients["sato"], probed_document)
    actors = {(e["actor"], e["outcome"]) for e in entries}
    assert ("tanaka", "done") in actors and ("sato", "refused") in actors
    assert "suzuki" not in {e["actor"] for e in entries}


def test_sharing_refuses_unknown_and_inactive_names_alike(store, clients):
    document_id = upload(clients["tanaka"])
    User.objects.create_user("retired", password="kiroku-test-pw", is_active=False)
    unknown = share(clients["tanaka"], document_id, users=["suzuki", "no-such-user"])
    inactive = share(clients["tanaka"], document_id, users=["suzuki", "retired"])
    assert unknown.status_code == inactive.status_code == 400
    assert unknown.json() == inactive.json()
    assert unknown.json()["error"] == "share_names_refused"
    assert "no-such-user" not in str(unknown.json())
    group = share(clients["tanaka"], document_id, groups=["no-such-group"])
    assert group.json() == unknown.json()
    assert not Document.objects.get(pk=document_id).shared_with_users.exists()  # nothing half
    refusals = AuditEntry.objects.filter(action="share", outcome="refused")
    assert refusals.count() == 3


def test_someone_who_may_not_share_learns_nothing_about_names(store, clients):
    document_id = upload(clients["tanaka"])
    share(clients["tanaka"], document_id, users=["suzuki"])
    known = share(clients["suzuki"], document_id, users=["sato"])
    unknown = share(clients["suzuki"], document_id, users=["no-such-user"])
    assert known.status_code == unknown.status_code == 403
    assert known.json() == unknown.json()


def test_a_share_can_be_revoked(store, clients):
    document_id = upload(clients["tanaka"])
    assert share(clients["tanaka"], document_id, users=["suzuki"]).json()["users"] == ["suzuki"]
    revision = Document.objects.get(pk=document_id).revision
    revoked = share(clients["tanaka"], document_id, "unshare", users=["suzuki"])
    assert revoked.status_code == 200
    assert revoked.json() == {"users": [], "groups": []}
    assert clients["suzuki"].get(f"/api/documents/{document_id}/").status_code == 404
    assert Document.objects.get(pk=document_id).revision > revision  # search follows
    entry = AuditEntry.objects.filter(action="unshare").get()
    assert entry.outcome == "done" and entry.details["users"] == ["suzuki"]
    again = share(clients["tanaka"], document_id, "unshare", users=["suzuki"])
    assert again.status_code == 400 and again.json()["error"] == "share_names_refused"


def test_only_those_who_may_change_the_document_revoke_shares(store, clients):
    document_id = upload(clients["tanaka"])
    share(clients["tanaka"], document_id, users=["suzuki"])
    refused = share(clients["suzuki"], document_id, "unshare", users=["suzuki"])
    assert refused.status_code == 403
    assert Document.objects.get(pk=document_id).shared_with_users.filter(username="suzuki")
