"""A destruction whose worker is killed (kill -9) half-way is finished by the retry, and a
file put on hold after the decision is never touched."""

import datetime as dt
import os
import signal
import time

import pytest
from django.test import override_settings

from dms.documents.models import Document
from dms.jobs.models import Job, JobStatus
from dms.storage import get_object_store
from retention.disposition import services
from retention.disposition.models import ItemState, ProposalState, Tombstone
from retention.disposition.tasks import execute_proposal
from retention.models import Hold
from tests.documents.conftest import QUARANTINE_SECONDS, pdf_bytes, run_jobs
from tests.documents.test_api import upload
from tests.jobs.test_queue import _start_worker, _wait_for
from tests.retention_disposition.conftest import classify, make_file

LOCK_SECONDS = 2


@pytest.fixture
def local_store(tmp_path, monkeypatch):
    """The local store, shared with the worker subprocess through its environment."""
    root = tmp_path / "objects"
    for name in ["KIROKU_S3_ENDPOINT", "KIROKU_S3_BUCKET"]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KIROKU_OBJECTS_DIR", str(root))
    monkeypatch.setenv(services.PAUSE_ENV, "60")  # the worker stops after one document
    config = {
        "BACKEND": "local",
        "ROOT": str(root),
        "DEFAULT_RETENTION_MODE": "GOVERNANCE",
        "DEFAULT_RETENTION_DAYS": LOCK_SECONDS / 86400,
    }
    with override_settings(OBJECT_STORE=config, UPLOAD_QUARANTINE_SECONDS=QUARANTINE_SECONDS):
        yield root


@pytest.mark.django_db(transaction=True)
def test_a_killed_destruction_completes_on_retry_and_spares_the_held_file(
    local_store, org, clients, officers
):
    uploaded = [upload(clients["tanaka"], pdf_bytes(n + 1)).json()["id"] for n in range(3)]
    documents = [Document.objects.get(pk=pk) for pk in uploaded]
    # Processed here, under the brief lock: a worker subprocess would lock the derived
    # files with the configured default (days), and they could not be destroyed.
    run_jobs()
    doomed = make_file(org, title="廃棄する簿冊", expiry=dt.date(2019, 3, 31))
    held = make_file(org, title="訴訟の簿冊", expiry=dt.date(2019, 3, 31))
    classify(documents[0], doomed)
    classify(documents[1], doomed)
    classify(documents[2], held)
    proposal = services.propose(user=officers["records"], files=[doomed, held], method="destroy")
    services.approve(proposal, user=officers["records2"])
    Hold.objects.create(
        record_file=held,
        hold_type="litigation",
        reference="令和8年(ワ)第12号",
        started_on=dt.date.today(),
    )
    store = get_object_store()
    keys = {d.pk: d.versions.get().blob.key for d in documents}
    time.sleep(LOCK_SECONDS + 1.5)  # the objects' lock runs out
    execute_proposal.enqueue(proposal.pk)
    worker = _start_worker("disposer", lease_seconds=2)
    try:
        _wait_for(
            lambda: Document.objects.filter(
                pk=documents[0].pk, destroyed_at__isnull=False
            ).exists(),
            60,
            "the worker to destroy the first document",
        )
    except AssertionError:
        worker.kill()
        raise AssertionError(worker.stderr.read().decode()[-3000:]) from None
        worker.send_signal(signal.SIGKILL)  # paused before the second: dies half-way
        worker.wait(10)
    finally:
        if worker.poll() is None:
            worker.kill()
    # Half-way: one document gone, the other intact, no tombstone, the file still open.
    assert not store.list_versions(keys[documents[0].pk])
    assert store.list_versions(keys[documents[1].pk])
    assert not Tombstone.objects.exists()
    assert Job.objects.get(task_path=execute_proposal.module_path).status == JobStatus.RUNNING

    os.environ.pop(services.PAUSE_ENV)
    time.sleep(2.5)  # the dead worker's lease runs out; the retry takes the job over
    run_jobs()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DONE
    assert not store.list_versions(keys[documents[1].pk])
    assert Document.objects.get(pk=documents[1].pk).is_destroyed
    tombstone = Tombstone.objects.get(record_file=doomed)
    assert {h["document"] for h in tombstone.hashes} == {documents[0].pk, documents[1].pk}
    # The held file: refused, its document and objects untouched.
    assert proposal.items.get(record_file=held).state == ItemState.REFUSED
    assert store.list_versions(keys[documents[2].pk])
    assert not Document.objects.get(pk=documents[2].pk).is_destroyed
    assert not Tombstone.objects.filter(record_file=held).exists()
