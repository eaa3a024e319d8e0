"""The document lifecycle services: each change notifies subscribers, is audited, and is
refused (and the refusal audited) when the actor or the document's state forbids it."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from dms.audit.models import AuditEntry, Outcome
from dms.documents import events, lifecycle
from dms.documents.models import Document, Status
from dms.storage import get_object_store
from tests.documents.conftest import after_quarantine, named, pdf_bytes, run_jobs
from tests.documents.test_api import upload
from tests.jobs import tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed():
    events.subscribe(tasks.add)
    yield
    events._subscribers.remove(tasks.add)


def notified_revisions(document_id: int) -> list[int]:
    from dms.jobs.models import Job

    return [
        args[1]
        for args in Job.objects.filter(task_path=tasks.add.module_path)
        .order_by("enqueued_at", "id")
        .values_list("args", flat=True)
        if args[0] == document_id
    ]


def last_entry(document: Document) -> AuditEntry:
    return AuditEntry.objects.filter(document_id=document.pk).order_by("-sequence").first()


@pytest.fixture
def document(store, clients):
    created = upload(clients["tanaka"], pdf_bytes())
    assert created.status_code == 201, created.content
    return Document.objects.get(pk=created.json()["id"])


def test_marking_failed_notifies_the_index_and_is_audited(document, subscribed):
    """Regression: mark_failed used a bare update, so search kept showing the old status."""
    before = Document.objects.get(pk=document.pk).revision
    lifecycle.mark_failed(document.pk, "壊れたファイルです")
    failed = Document.objects.get(pk=document.pk)
    assert failed.status == Status.FAILED and failed.error == "壊れたファイルです"
    assert failed.revision == before + 1
    assert notified_revisions(document.pk) == [before + 1]
    entry = last_entry(document)
    assert (entry.action, entry.outcome, entry.actor) == (
        "processing_failed",
        Outcome.DONE,
        "system",
    )


def test_retry_through_the_api_notifies_the_index(document, clients, subscribed):
    """Regression: the retry action set ``queued`` with a bare update and no event."""
    lifecycle.mark_failed(document.pk, "一時的な障害")
    failed_revision = Document.objects.get(pk=document.pk).revision
    response = clients["tanaka"].post(f"/api/documents/{document.pk}/retry/")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == Status.QUEUED
    assert notified_revisions(document.pk)[-1] == failed_revision + 1
    assert last_entry(document).action == "retry"


def test_retry_is_refused_unless_failed(document, clients):
    response = clients["tanaka"].post(f"/api/documents/{document.pk}/retry/")
    assert response.status_code == 409
    assert response.json()["error"] == "not_failed"
    assert last_entry(document).outcome == Outcome.REFUSED


def test_processing_start_is_a_change_the_index_sees(document, subscribed):
    lifecycle.processing_started(document.pk)
    assert Document.objects.get(pk=document.pk).status == Status.PROCESSING
    assert len(notified_revisions(document.pk)) == 1


def test_frozen_documents_refuse_versions_and_changes_through_the_services(document, org):
    tanaka = org["tanaka"]
    lifecycle.freeze(document, reason="決裁済 (案件 1)", user=org["records"])
    frozen = Document.objects.get(pk=document.pk)
    assert frozen.is_frozen and last_entry(document).action == "freeze"
    with pytest.raises(lifecycle.LifecycleError) as refused:
        lifecycle.change_metadata(frozen, {"title": "書き換え"}, user=tanaka)
    assert refused.value.code == "frozen"
    assert Document.objects.get(pk=document.pk).title == document.title
    with pytest.raises(lifecycle.LifecycleError) as again:
        lifecycle.freeze(frozen, reason="二度目", user=org["records"])
    assert again.value.code == "frozen"
    refusals = AuditEntry.objects.filter(document_id=document.pk, outcome=Outcome.REFUSED)
    assert list(refusals.values_list("action", flat=True)) == ["change", "freeze"]


def test_a_new_version_of_a_frozen_document_is_refused_before_anything_is_stored(
    document, clients, org, generated_keys
):
    lifecycle.freeze(document, reason="決裁済", user=org["records"])
    response = clients["tanaka"].post(
        f"/api/documents/{document.pk}/versions/",
        {"file": named(pdf_bytes(2), "v2.pdf")},
        format="multipart",
    )
    assert response.status_code == 403
    assert response.json()["error"] == "frozen"
    assert generated_keys == []  # the refusal came before the body was read


def test_holds_and_retention_refuse_deletion(document, org, clients):
    records, tanaka = org["records"], org["tanaka"]
    lifecycle.set_hold(document, True, reason="開示請求 R8-12", user=records)
    response = clients["tanaka"].delete(f"/api/documents/{document.pk}/")
    assert response.status_code == 409 and response.json()["error"] == "locked"
    held = lifecycle.set_hold(document, False, reason="決定から1年経過", user=records)
    assert [e.action for e in AuditEntry.objects.filter(document_id=document.pk)][-3:] == [
        "hold",
        "delete",
        "release_hold",
    ]
    later = timezone.localdate() + dt.timedelta(days=365)
    lifecycle.set_retention(held, later, user=records)
    with pytest.raises(lifecycle.LifecycleError) as locked:
        lifecycle.delete(Document.objects.get(pk=document.pk), user=tanaka)
    assert locked.value.code == "locked"


def test_retention_is_never_shortened(document, org):
    records = org["records"]
    kept = lifecycle.set_retention(document, dt.date(2035, 3, 31), user=records)
    with pytest.raises(lifecycle.LifecycleError) as refused:
        lifecycle.set_retention(kept, dt.date(2030, 3, 31), user=records)
    assert refused.value.code == "retention_shortened"
    assert Document.objects.get(pk=document.pk).retain_until == dt.date(2035, 3, 31)


def test_a_second_delete_is_refused_and_keeps_who_deleted_it(document, org):
    lifecycle.delete(document, user=org["tanaka"])
    deleted = Document.objects.get(pk=document.pk)
    with pytest.raises(lifecycle.LifecycleError) as again:
        lifecycle.delete(deleted, user=org["sato"])
    assert (again.value.code, again.value.status_code) == ("deleted", 409)
    assert Document.objects.get(pk=document.pk).deleted_by == org["tanaka"]
    restored = lifecycle.restore(deleted, user=org["records"])
    assert not restored.is_deleted and last_entry(document).action == "restore"


def test_staff_of_another_department_cannot_change_through_the_services(document, org):
    with pytest.raises(lifecycle.LifecycleError) as refused:
        lifecycle.change_metadata(document, {"title": "他課から"}, user=org["suzuki"])
    assert (refused.value.code, refused.value.status_code) == ("not_allowed", 403)
    assert last_entry(document).outcome == Outcome.REFUSED


def test_destroy_removes_every_stored_object_but_keeps_the_tombstone(
    brief_retention, document, org
):
    run_jobs()  # archive and thumbnail exist too
    version = document.versions.select_related("blob").get()
    version.refresh_from_db()
    keys = [version.blob.key, version.archive_key, version.thumbnail_key]
    store = get_object_store()
    assert all(store.list_versions(key) for key in keys if key)
    lifecycle.set_hold(document, True, reason="訴訟", user=org["records"])
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.destroy(Document.objects.get(pk=document.pk), decision="廃棄決定 1", user=None)
    assert store.list_versions(version.blob.key)  # nothing touched while on hold
    held = Document.objects.get(pk=document.pk)
    released = lifecycle.set_hold(held, False, reason="終結", user=org["records"])
    time.sleep(brief_retention + 1.5)  # the store keeps every version until then
    destroyed = lifecycle.destroy(released, decision="廃棄決定 2", user=org["records"])
    assert destroyed.is_destroyed and destroyed.is_deleted
    assert not any(store.list_versions(key) for key in keys if key)
    tombstone = last_entry(document)
    assert tombstone.action == "destroy"
    assert tombstone.details["versions"] == {"1": version.blob.sha256}
    with pytest.raises(lifecycle.LifecycleError) as again:
        lifecycle.destroy(destroyed, decision="廃棄決定 2", user=org["records"])
    assert again.value.code == "destroyed"


def test_destroy_keeps_an_original_that_another_document_shares(store, clients, org):
    data = pdf_bytes(3)
    first = upload(clients["tanaka"], data).json()["id"]
    second = upload(clients["tanaka"], data, "写し.pdf").json()["id"]
    blob = Document.objects.get(pk=first).versions.get().blob
    lifecycle.destroy(Document.objects.get(pk=first), decision="廃棄決定 3", user=org["records"])
    assert get_object_store().list_versions(blob.key)
    download = clients["tanaka"].get(f"/api/documents/{second}/download/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == data


def test_upload_to_a_refused_department_named_first_stores_nothing(store, clients, generated_keys):
    response = clients["tanaka"].post(
        "/api/documents/",
        {"department": "keiyaku", "file": named(pdf_bytes(), "他課.pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid" and "department" in response.json()
    assert generated_keys == []
    assert Document.objects.count() == 0


def test_upload_to_a_refused_department_named_after_the_file_is_discarded(
    store, clients, generated_keys
):
    response = clients["tanaka"].post(
        "/api/documents/",
        {"file": named(pdf_bytes(), "他課.pdf"), "department": "keiyaku"},
        format="multipart",
    )
    assert response.status_code == 400
    assert len(generated_keys) == 1
    after_quarantine()
    assert get_object_store().list_versions(generated_keys[0]) == []


def test_a_file_sent_to_a_field_other_than_file_is_not_stored(store, clients, generated_keys):
    response = clients["tanaka"].post(
        "/api/documents/",
        {"attachment": named(pdf_bytes(), "extra.pdf"), "file": named(pdf_bytes(2), "a.pdf")},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unexpected_file"
    assert len(generated_keys) <= 1
    after_quarantine()
    assert all(get_object_store().list_versions(key) == [] for key in generated_keys)
