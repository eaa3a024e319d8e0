"""The store's default retention: every version stored without one is locked, on both
stores, from the moment it is stored; an explicit retention wins; a key can still get new
versions (reprocessing overwrites derived files this way)."""

from datetime import timedelta

import pytest

from dms.storage import GOVERNANCE, ObjectLocked, Retention, build_object_store
from tests.services import implementation_params
from tests.storage.helpers import now, root_config_for

DEFAULT = {"DEFAULT_RETENTION_MODE": "GOVERNANCE", "DEFAULT_RETENTION_DAYS": 1}


@pytest.fixture(params=implementation_params("local", "s3"))
def locking_store(request, tmp_path):
    if request.param == "local":
        return build_object_store({"BACKEND": "local", "ROOT": str(tmp_path), **DEFAULT})
    return build_object_store({**root_config_for(request.getfixturevalue("s3_bucket")), **DEFAULT})


def test_a_version_stored_without_retention_gets_the_default(locking_store, key):
    before = now()
    stored = locking_store.put(key, b"original")
    retention = locking_store.head(key, stored.version_id).retention
    assert retention is not None and retention.mode == GOVERNANCE
    assert before + timedelta(days=1) <= retention.until <= now() + timedelta(days=1, seconds=2)
    with pytest.raises(ObjectLocked):
        locking_store.delete_version(key, stored.version_id)


def test_an_explicit_retention_wins_over_the_default(locking_store, key):
    short = Retention(GOVERNANCE, now() + timedelta(hours=1))
    stored = locking_store.put(key, b"upload", retention=short)
    assert locking_store.get_retention(key, stored.version_id) == short


def test_a_locked_key_gets_new_versions(locking_store, key):
    first = locking_store.put(key, b"thumbnail 1")
    second = locking_store.put(key, b"thumbnail 2")
    versions = locking_store.list_versions(key)
    assert [v.version_id for v in versions] == [second.version_id, first.version_id]
    assert all(v.is_locked() for v in versions)
