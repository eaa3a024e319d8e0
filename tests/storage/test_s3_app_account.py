"""Kiroku's own S3 account (``KIROKU_S3_ACCESS_KEY``) has least privilege on the real
server: everything the store does, but no change of the bucket's policy or Object Lock
configuration, no GOVERNANCE bypass, no new bucket."""

import json
import os
import secrets

import pytest
from minio.error import S3Error
from minio.objectlockconfig import DAYS, GOVERNANCE, ObjectLockConfig

from dms.storage import ObjectLocked, build_object_store
from dms.storage import _minio_private as sdk
from tests.storage.helpers import TEST_BUCKET_PREFIX, app_client, root_credentials, s3_config_for

pytestmark = pytest.mark.s3

LOCK = {"DEFAULT_RETENTION_MODE": "GOVERNANCE", "DEFAULT_RETENTION_DAYS": 1}


@pytest.fixture
def app_store(s3_bucket):
    if os.environ.get("KIROKU_S3_ACCESS_KEY") == root_credentials()[0]:
        pytest.fail("KIROKU_S3_ACCESS_KEY is the root account: load `scripts/services.sh env`")
    return build_object_store(s3_config_for(s3_bucket, **LOCK))


def refused(call) -> str:
    with pytest.raises(S3Error) as error:
        call()
    return error.value.code


def test_the_app_account_does_everything_the_store_needs(app_store, key):
    assert app_store.health()["status"] == "ok"
    stored = app_store.put(key, b"x" * (6 * 1024 * 1024 + 1))  # multipart, sha256 tag
    info = app_store.head(key, stored.version_id)
    assert info.sha256 == stored.sha256 and info.is_locked()
    app_store.set_legal_hold(key, stored.version_id, True)
    assert app_store.get_legal_hold(key, stored.version_id)
    app_store.set_legal_hold(key, stored.version_id, False)
    assert [v.version_id for v in app_store.list_versions(key)] == [stored.version_id]
    with app_store.open(key, stored.version_id, length=4) as reader:
        assert reader.read() == b"xxxx"


def test_the_app_account_cannot_delete_a_locked_version_even_with_bypass(app_store, key):
    stored = app_store.put(key, b"original")
    for bypass in (False, True):
        with pytest.raises(ObjectLocked):
            app_store.delete_version(key, stored.version_id, bypass_governance=bypass)
    client = app_client()
    for bypass in (False, True):
        assert (
            refused(
                lambda b=bypass: sdk.delete_version(
                    client, app_store.bucket, key, stored.version_id, bypass_governance=b
                )
            )
            == "AccessDenied"
        )
    assert app_store.exists(key, stored.version_id)


def test_the_app_account_cannot_change_the_bucket(app_store):
    client, bucket = app_client(), app_store.bucket
    assert (
        refused(
            lambda: client.set_object_lock_config(bucket, ObjectLockConfig(GOVERNANCE, 1, DAYS))
        )
        == "AccessDenied"
    )
    assert refused(lambda: client.delete_object_lock_config(bucket)) == "AccessDenied"
    assert (
        refused(
            lambda: client.set_bucket_policy(
                bucket, json.dumps({"Version": "2012-10-17", "Statement": []})
            )
        )
        == "AccessDenied"
    )
    assert refused(lambda: client.delete_bucket_policy(bucket)) == "AccessDenied"
    assert (
        refused(lambda: client.make_bucket(TEST_BUCKET_PREFIX + secrets.token_hex(6)))
        == "AccessDenied"
    )
