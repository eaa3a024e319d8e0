"""Document change events: subscribers get (document_id, revision) jobs in the same
transaction as the change."""

import pytest
from django.db import transaction

from dms.documents import events
from dms.documents.models import Document
from dms.jobs.models import Job
from tests.documents.conftest import pdf_bytes, run_jobs
from tests.documents.test_api import upload
from tests.jobs import tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed():
    events.subscribe(tasks.add)  # any module-level task taking two arguments will do
    yield tasks.add
    events._subscribers.remove(tasks.add)


def notifications():
    return list(
        Job.objects.filter(task_path=tasks.add.module_path)
        .order_by("enqueued_at")
        .values_list("args", flat=True)
    )


def test_upload_change_processing_and_delete_each_notify_with_a_new_revision(
    store, clients, subscribed
):
    document_id = upload(clients["tanaka"], pdf_bytes()).json()["id"]
    clients["tanaka"].patch(f"/api/documents/{document_id}/", {"title": "変更"}, format="json")
    run_jobs()  # processing starts (status is a filter), then finishes: content changed
    clients["tanaka"].delete(f"/api/documents/{document_id}/")
    seen = notifications()
    assert [args[0] for args in seen] == [document_id] * 5
    assert [args[1] for args in seen] == [1, 2, 3, 4, 5]
    assert Document.objects.get(pk=document_id).revision == 5


def test_no_notification_survives_a_rolled_back_change(store, clients, subscribed):
    document_id = upload(clients["tanaka"], pdf_bytes()).json()["id"]
    with pytest.raises(RuntimeError), transaction.atomic():
        events.document_changed(document_id)
        raise RuntimeError("change failed")
    assert len(notifications()) == 1
    assert Document.objects.get(pk=document_id).revision == 1


def test_saving_a_stale_instance_keeps_the_newer_revision(store, clients):
    document_id = upload(clients["tanaka"], pdf_bytes()).json()["id"]
    stale = Document.objects.get(pk=document_id)
    events.document_changed(document_id)  # revision 2, elsewhere
    stale.title = "古い版から保存"
    stale.save()
    document = Document.objects.get(pk=document_id)
    assert document.revision == 2
    assert document.title == "古い版から保存"
