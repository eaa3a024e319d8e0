"""sweep_orphans: objects no record points at are reported, and removed on request."""

import io
import time
import uuid
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from dms.documents import ingest, orphans
from dms.documents.models import Version
from dms.storage import get_object_store
from tests.documents.conftest import named, pdf_bytes, run_jobs

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored(store, clients):
    """A processed document (original, archive, thumbnail) and orphans beside it."""
    created = clients["tanaka"].post(
        "/api/documents/", {"file": named(pdf_bytes(2), "記録.pdf")}, format="multipart"
    )
    assert created.status_code == 201
    run_jobs()
    version = Version.objects.select_related("blob").get()
    assert version.thumbnail_key
    object_store = get_object_store()
    # Orphans as an interrupted upload leaves them: under the upload's short quarantine.
    brief = ingest.quarantine(object_store)
    lost = object_store.put(f"originals/{uuid.uuid4().hex}", pdf_bytes(), retention=brief)
    lost_derived = object_store.put(
        f"derived/versions/{uuid.uuid4().int}/thumbnail.png", b"png", retention=brief
    )
    held = object_store.put(
        f"originals/{uuid.uuid4().hex}", b"held", legal_hold=True, retention=brief
    )
    if brief is not None:
        time.sleep(max(0.0, (brief.until - timezone.now()).total_seconds()) + 0.2)
    return {
        "recorded": {version.blob.key, version.thumbnail_key, version.archive_key} - {""},
        "orphans": {lost.key, lost_derived.key},
        "held": held.key,
    }


def found_keys(sweep) -> set[str]:
    return {info.key for info in sweep.orphans}


def test_orphans_are_found_and_recorded_objects_are_not(stored):
    sweep = orphans.find_orphans(grace=timedelta(0))
    # (the S3 test bucket is shared by the session: earlier tests' objects show up too)
    assert stored["orphans"] | {stored["held"]} <= found_keys(sweep)
    assert not stored["recorded"] & found_keys(sweep)


def test_young_objects_are_left_alone(stored):
    """An upload in flight is stored before its row exists: the grace period covers it."""
    sweep = orphans.find_orphans(grace=timedelta(hours=1))
    assert not (stored["orphans"] | {stored["held"]}) & found_keys(sweep)


def test_the_command_reports_by_default_and_deletes_only_on_request(stored):
    object_store = get_object_store()
    out = io.StringIO()
    call_command("sweep_orphans", "--grace-hours", "0", stdout=out)
    report = out.getvalue()
    assert all(key in report for key in stored["orphans"])
    assert "孤立オブジェクト" in report and "orphaned objects" in report
    assert all(object_store.list_versions(key) for key in stored["orphans"])  # a report only

    out, err = io.StringIO(), io.StringIO()
    call_command("sweep_orphans", "--grace-hours", "0", "--delete", stdout=out, stderr=err)

    assert all(object_store.list_versions(key) == [] for key in stored["orphans"])
    assert object_store.list_versions(stored["held"])  # on legal hold: kept, and reported
    assert stored["held"] in err.getvalue()
    assert "deleted:" in out.getvalue() and "legal hold" in out.getvalue()
    for key in stored["recorded"]:
        assert object_store.list_versions(key)
    assert not stored["recorded"] & found_keys(orphans.find_orphans(grace=timedelta(0)))


def test_an_object_recorded_after_it_was_found_is_not_deleted(stored, clients):
    sweep = orphans.find_orphans(grace=timedelta(0))
    found = next(info for info in sweep.orphans if info.key in stored["orphans"])
    Version.objects.filter(thumbnail_key__in=stored["recorded"]).update(thumbnail_key=found.key)

    orphans.delete_orphans(sweep)

    assert get_object_store().list_versions(found.key)
    assert found not in sweep.deleted
