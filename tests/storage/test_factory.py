"""``get_object_store`` / ``build_object_store``: the configured store, built once."""

from __future__ import annotations

import pytest

from dms.storage import ObjectStore, build_object_store, get_object_store, reset_object_store
from dms.storage.local import LocalObjectStore
from dms.storage.s3 import S3ObjectStore


@pytest.fixture(autouse=True)
def _fresh_cache():
    reset_object_store()
    yield
    reset_object_store()


def test_local_store_from_settings(settings, tmp_path):
    settings.OBJECT_STORE = {**settings.OBJECT_STORE, "BACKEND": "local", "ROOT": str(tmp_path)}

    store = get_object_store()

    assert isinstance(store, LocalObjectStore)
    assert isinstance(store, ObjectStore)
    assert store.root == tmp_path.resolve()
    assert get_object_store() is store


def test_changed_settings_give_a_new_store(settings, tmp_path):
    settings.OBJECT_STORE = {"BACKEND": "local", "ROOT": str(tmp_path / "a")}
    first = get_object_store()
    settings.OBJECT_STORE = {"BACKEND": "local", "ROOT": str(tmp_path / "b")}
    second = get_object_store()

    assert first is not second
    assert second.root == (tmp_path / "b").resolve()


def test_s3_store_from_config():
    store = build_object_store(
        {
            "BACKEND": "s3",
            "ENDPOINT": "https://minio.example.lg.jp:9000",
            "ACCESS_KEY": "a",
            "SECRET_KEY": "s",
            "BUCKET": "kiroku",
            "REGION": "ap-northeast-1",
            "CONNECT_TIMEOUT": 2,
        }
    )
    assert isinstance(store, S3ObjectStore)
    assert isinstance(store, ObjectStore)
    assert (store.endpoint, store.bucket, store.region) == (
        "https://minio.example.lg.jp:9000",
        "kiroku",
        "ap-northeast-1",
    )


@pytest.mark.parametrize(
    "config",
    [
        {"BACKEND": "ftp", "ROOT": "/tmp"},
        {"BACKEND": "local", "ROOT": ""},
        {"BACKEND": "s3", "ENDPOINT": "", "BUCKET": "kiroku"},
        {"BACKEND": "s3", "ENDPOINT": "http://127.0.0.1:9000", "BUCKET": ""},
    ],
)
def test_incomplete_configuration_is_refused(config):
    with pytest.raises(ValueError):
        build_object_store(config)
