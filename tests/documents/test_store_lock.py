"""Originals are locked by the store: nothing Kiroku records can be deleted early, not by
Kiroku itself, not through the S3 API with Kiroku's account, not by the root account
without the GOVERNANCE bypass (and with it, never under COMPLIANCE). Uploads that are not
recorded are locked during their quarantine and removed after it."""

import pytest
from django.test import override_settings
from minio.error import S3Error

from dms.documents import processing
from dms.documents.models import Document
from dms.storage import COMPLIANCE, GOVERNANCE, ObjectLocked, build_object_store, get_object_store
from dms.storage import _minio_private as sdk
from tests.documents.conftest import LOCKED, after_quarantine, named, pdf_bytes, run_jobs
from tests.documents.test_api import upload
from tests.storage.helpers import app_client, raw_client, s3_config_for

pytestmark = pytest.mark.django_db


def uploaded_blob(client, data=None):
    response = upload(client, data or pdf_bytes())
    assert response.status_code == 201, response.content
    return Document.objects.get(pk=response.json()["id"]).versions.get().blob


def server_refuses_delete(client, bucket, blob, *, bypass: bool) -> bool:
    try:
        sdk.delete_version(
            client, bucket, blob.key, blob.store_version_id, bypass_governance=bypass
        )
    except S3Error as error:
        return error.code == "AccessDenied"
    return False


def test_a_recorded_original_is_locked_for_the_default_retention(store, clients):
    blob = uploaded_blob(clients["tanaka"])
    # until its processing job runs, the upload's quarantine holds it (mode as the default)
    stored = get_object_store().get_retention(blob.key, blob.store_version_id)
    assert stored.mode == GOVERNANCE and stored.in_force()
    run_jobs()
    retention = get_object_store().get_retention(blob.key, blob.store_version_id)
    assert retention.mode == GOVERNANCE  # the test setting; COMPLIANCE in production
    # not the one-second quarantine: a day from when it was stored
    assert (retention.until - blob.created_at).total_seconds() >= 86400 - 1
    with pytest.raises(ObjectLocked):
        get_object_store().delete_version(blob.key, blob.store_version_id)
    assert get_object_store().exists(blob.key, blob.store_version_id)


@pytest.mark.s3
def test_the_s3_server_refuses_a_direct_delete_of_an_original(s3_bucket, clients):
    config = s3_config_for(s3_bucket, **LOCKED)
    with override_settings(OBJECT_STORE=config, UPLOAD_QUARANTINE_SECONDS=1):
        blob = uploaded_blob(clients["tanaka"])
        run_jobs()  # processing locks it past the one-second quarantine
    assert server_refuses_delete(app_client(), s3_bucket, blob, bypass=False)
    assert server_refuses_delete(app_client(), s3_bucket, blob, bypass=True)
    assert server_refuses_delete(raw_client(), s3_bucket, blob, bypass=False)
    assert build_object_store(config).exists(blob.key, blob.store_version_id)


@pytest.mark.s3
def test_under_compliance_not_even_root_with_the_bypass_deletes_an_original(
    s3_bucket, org, clients
):
    # COMPLIANCE as in production, for a few seconds (the session's cleanup removes it)
    config = s3_config_for(
        s3_bucket, DEFAULT_RETENTION_MODE=COMPLIANCE, DEFAULT_RETENTION_DAYS=5 / 86400
    )
    with override_settings(OBJECT_STORE=config, UPLOAD_QUARANTINE_SECONDS=1):
        blob = uploaded_blob(clients["tanaka"])
        run_jobs()
        assert get_object_store().get_retention(blob.key, blob.store_version_id).mode == COMPLIANCE
    assert server_refuses_delete(raw_client(), s3_bucket, blob, bypass=True)


def test_an_unrecorded_upload_is_locked_until_its_quarantine_ends(store, clients, generated_keys):
    response = clients["tanaka"].post(
        "/api/documents/",
        {"file": named(pdf_bytes(), "他課.pdf"), "department": "keiyaku"},
        format="multipart",
    )
    assert response.status_code == 400
    (stored,) = get_object_store().list_versions(generated_keys[0])
    assert stored.is_locked()  # even Kiroku cannot remove it yet ...
    after_quarantine()  # ... a job does once the quarantine is over
    assert get_object_store().list_versions(generated_keys[0]) == []


def test_reprocessing_stores_new_versions_of_the_locked_derived_files(store, clients):
    uploaded_blob(clients["tanaka"])
    run_jobs()
    version = Document.objects.get().versions.get()
    keys = [key for key in (version.thumbnail_key, version.archive_key) if key]
    # (SQLite reuses version ids across tests: the shared bucket may hold older versions)
    # (whose locks may have ended since: only this test's versions are checked)
    before = {key: {v.version_id for v in get_object_store().list_versions(key)} for key in keys}
    processing.process(version.pk)  # again: the derived keys get new versions
    for key in keys:
        versions = get_object_store().list_versions(key)
        mine = [v for v in versions if v.version_id not in before[key]]
        assert len(versions) == len(before[key]) + 1, key
        assert len(mine) == 1 and mine[0].is_locked(), key
