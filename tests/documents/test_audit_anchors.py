"""Anchors: the head in WORM storage, daily and at every disposal, on both object stores."""

import json
import time

import pytest
from django.core.management import call_command

from dms.audit import anchors, trail
from dms.audit.models import AuditEntry, AuditHead
from dms.audit.tasks import anchor_audit_head
from dms.documents import lifecycle
from dms.documents.models import Document
from dms.storage import GOVERNANCE, ObjectLocked, get_object_store
from tests.documents.conftest import named, pdf_bytes

pytestmark = pytest.mark.django_db


def upload(client) -> int:
    response = client.post(
        "/api/documents/",
        {"department": "bunsho", "file": named(pdf_bytes(), "廃棄予定.pdf")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


def read_anchor(key: str) -> dict:
    with get_object_store().open(key) as reader:
        return json.loads(reader.read())


def test_an_anchor_holds_the_head_under_object_lock(store, org):
    assert anchors.anchor_head("test") is None  # nothing to anchor yet
    for n in range(3):
        trail.record(actor=org["tanaka"], action="view", target=org["bunsho"], details={"n": n})
    anchor = anchors.anchor_head("test")
    head = AuditHead.objects.get(id=1)
    assert anchor.key.endswith("/3.json") and anchor.sequence == head.sequence == 3
    body = read_anchor(anchor.key)
    assert body["entry_hash"] == head.entry_hash == AuditEntry.objects.get(sequence=3).entry_hash
    (version,) = get_object_store().list_versions(anchor.key)
    assert version.retention_mode == GOVERNANCE and version.is_locked()
    with pytest.raises(ObjectLocked):
        get_object_store().delete_version(anchor.key, version.version_id)
    assert anchors.anchor_head("again").key == anchor.key  # head unmoved: no new version
    assert len(get_object_store().list_versions(anchor.key)) == 1
    assert anchors.check() == (1, [])


def test_every_disposal_is_anchored(
    brief_retention, org, clients, django_capture_on_commit_callbacks
):
    document = Document.objects.get(pk=upload(clients["tanaka"]))
    time.sleep(brief_retention + 1.5)  # the store keeps every version until then
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.destroy(document, decision="廃棄決定 1", user=org["records"])
    destroyed = AuditEntry.objects.get(action="destroy", document_id=document.pk)
    body = read_anchor(anchors.anchor_key(destroyed.sequence))
    assert (body["sequence"], body["entry_hash"]) == (destroyed.sequence, destroyed.entry_hash)
    assert body["reason"] == "destroy"
    call_command("verify_audit")


def test_the_scheduled_job_anchors_the_head(store, org):
    trail.record(actor=org["tanaka"], action="view", target=org["bunsho"])
    assert anchor_audit_head.call() == 1
    assert read_anchor(anchors.anchor_key(1))["reason"] == "scheduled"


def test_a_second_version_of_an_anchor_cannot_hide_the_first(store, org):
    """Whoever has the app's store credentials may add versions; every one is checked."""
    for _ in range(2):
        trail.record(actor=org["tanaka"], action="view", target=org["bunsho"])
    anchor = anchors.anchor_head("test")
    get_object_store().put(anchor.key, json.dumps({"sequence": 2, "entry_hash": "f" * 64}).encode())
    checked, problems = anchors.check()
    assert checked == 2 and [p.reason for p in problems] == [
        "entry differs from its anchor: rewritten"
    ]
