"""What only the S3 store has to prove: outages, bucket setup, and that the *server* enforces
the locks (the contract suite shows the protocol refusing; these show S3 itself refusing)."""

from __future__ import annotations

import functools
import hashlib
import http.server
import io
import secrets
import threading
import time
from datetime import timedelta

import pytest
from minio.error import S3Error

from dms.storage import (
    COMPLIANCE,
    GOVERNANCE,
    ChecksumMismatch,
    Retention,
    StoreMisconfigured,
    StoreUnavailable,
    build_object_store,
)
from dms.storage.s3 import S3ObjectStore
from tests.storage.helpers import (
    TEST_BUCKET_PREFIX,
    GeneratorReader,
    MiB,
    empty_bucket,
    now,
    open_multipart_uploads,
    raw_client,
    root_config_for,
)

# --- a server that is down (needs no server) -----------------------------------------


@pytest.fixture
def down_store() -> S3ObjectStore:
    # port 1 on loopback: nothing listens there, connections are refused at once
    return S3ObjectStore("http://127.0.0.1:1", "key", "secret", "kiroku-down")


@pytest.mark.parametrize(
    "operation",
    [
        pytest.param(lambda s: s.head("a/b"), id="head"),
        pytest.param(lambda s: s.open("a/b"), id="open"),
        pytest.param(lambda s: s.exists("a/b"), id="exists"),
        pytest.param(lambda s: s.list_versions("a/b"), id="list_versions"),
        pytest.param(lambda s: s.put("a/b", io.BytesIO(b"data")), id="put-small"),
        pytest.param(lambda s: s.put("a/b", GeneratorReader(12 * MiB)), id="put-stream"),
        pytest.param(lambda s: s.delete_version("a/b", "v1"), id="delete_version"),
        pytest.param(lambda s: s.set_legal_hold("a/b", "v1", True), id="set_legal_hold"),
    ],
)
def test_server_down_raises_store_unavailable_quickly(down_store, operation):
    started = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        operation(down_store)
    assert time.monotonic() - started < 10
    assert "127.0.0.1:1" in str(caught.value)


def test_health_of_a_server_that_is_down(down_store):
    started = time.monotonic()
    health = down_store.health()

    assert time.monotonic() - started < 10
    assert health["status"] == "down"
    assert health["backend"] == "s3"
    assert health["detail"]["bucket"] == "kiroku-down"
    assert "StoreUnavailable" in health["detail"]["error"]


@pytest.fixture
def not_s3_store(tmp_path):
    """A store pointed at a plain HTTP file server: it answers, but not in S3."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield S3ObjectStore(f"http://127.0.0.1:{server.server_port}", "key", "secret", "bucket")
    finally:
        server.shutdown()
        server.server_close()


def test_something_that_is_not_s3_is_unavailable(not_s3_store):
    for operation in (
        lambda: not_s3_store.put("a/b", b"data"),
        lambda: not_s3_store.open("a/b"),
        lambda: not_s3_store.head("a/b"),
    ):
        with pytest.raises(StoreUnavailable):
            operation()
    health = not_s3_store.health()
    assert health["status"] == "down"
    assert "StoreUnavailable" in health["detail"]["error"]


def test_endpoint_must_be_a_url():
    with pytest.raises(ValueError):
        S3ObjectStore("ftp://example.org", "k", "s", "b")
    with pytest.raises(ValueError):
        S3ObjectStore("http://127.0.0.1:9000", "k", "s", "b", part_size=1024)


# --- against the real server ---------------------------------------------------------


@pytest.fixture
def store(s3_bucket) -> S3ObjectStore:
    return build_object_store(root_config_for(s3_bucket))  # type: ignore[return-value]


@pytest.fixture
def key() -> str:
    return f"tests/{secrets.token_hex(8)}/記録.bin"


@pytest.mark.s3
def test_server_itself_refuses_to_delete_locked_versions(store, s3_bucket, key):
    client = raw_client()
    compliance = store.put(
        key, b"c", retention=Retention(COMPLIANCE, now() + timedelta(minutes=3))
    ).version_id
    governance = store.put(
        key, b"g", retention=Retention(GOVERNANCE, now() + timedelta(minutes=5))
    ).version_id
    held = store.put(key, b"h", legal_hold=True).version_id

    for version in (compliance, governance, held):
        with pytest.raises(S3Error):
            client.remove_object(s3_bucket, key, version_id=version)
    assert {v.version_id for v in store.list_versions(key)} == {compliance, governance, held}
    store.set_legal_hold(key, held, False)


@pytest.mark.s3
def test_sha256_is_recorded_on_the_server(store, s3_bucket, key):
    client = raw_client()
    small = store.put(key, b"small")
    big_data = GeneratorReader(11 * MiB, seed=2)
    big_unknown = store.put(key, big_data)
    data = b"z" * (11 * MiB)
    big_known = store.put(key, data, expected_sha256=hashlib.sha256(data).hexdigest())

    def metadata(version):
        return client.stat_object(s3_bucket, key, version_id=version).metadata

    # known before the upload: user metadata, immutable with the version
    assert metadata(small.version_id)["x-amz-meta-sha256"] == small.sha256
    assert metadata(big_known.version_id)["x-amz-meta-sha256"] == big_known.sha256
    # known only at the end of a multipart upload: the version's tag
    assert "x-amz-meta-sha256" not in metadata(big_unknown.version_id)
    tags = client.get_object_tags(s3_bucket, key, version_id=big_unknown.version_id)
    assert tags["sha256"] == big_data.digest.hexdigest() == big_unknown.sha256
    assert store.head(key, big_unknown.version_id).sha256 == big_unknown.sha256


@pytest.mark.s3
def test_refused_multipart_upload_is_aborted(store, s3_bucket, key):
    with pytest.raises(ChecksumMismatch):
        store.put(key, GeneratorReader(20 * MiB, seed=8), expected_sha256="0" * 64)
    with pytest.raises(RuntimeError):
        store.put(key, GeneratorReader(20 * MiB, seed=8, fail_after=9 * MiB))

    client = raw_client()
    assert list(client.list_objects(s3_bucket, prefix=key, include_version=True)) == []
    assert open_multipart_uploads(client, s3_bucket, key) == []


@pytest.mark.s3
def test_missing_bucket_is_created_with_object_lock(s3_bucket):
    bucket = TEST_BUCKET_PREFIX + secrets.token_hex(6)
    client = raw_client()
    try:
        store = build_object_store(root_config_for(bucket))
        assert not client.bucket_exists(bucket)
        health = store.health()
        assert health["status"] == "ok", health
        assert client.bucket_exists(bucket)
        assert client.get_bucket_versioning(bucket).status == "Enabled"
        store.put("x", b"x", retention=Retention(GOVERNANCE, now() + timedelta(seconds=30)))
        version = store.head("x").version_id
        with pytest.raises(S3Error):  # the server enforces the lock in the new bucket
            client.remove_object(bucket, "x", version_id=version)
    finally:
        empty_bucket(client, bucket)


@pytest.mark.s3
def test_existing_bucket_without_object_lock_is_refused(s3_bucket):
    bucket = TEST_BUCKET_PREFIX + secrets.token_hex(6)
    client = raw_client()
    client.make_bucket(bucket)  # plain bucket: no versioning, no Object Lock
    try:
        store = build_object_store(root_config_for(bucket))
        with pytest.raises(StoreMisconfigured, match="Object Lock"):
            store.put("x", b"x")
        health = store.health()
        assert health["status"] == "down"
        assert "Object Lock" in health["detail"]["error"]
        assert list(client.list_objects(bucket)) == []
    finally:
        empty_bucket(client, bucket)


@pytest.mark.s3
def test_wrong_credentials_are_a_configuration_error(s3_bucket):
    config = {**root_config_for(s3_bucket), "SECRET_KEY": "not-the-secret"}
    store = build_object_store(config)

    with pytest.raises(StoreMisconfigured, match=r"denied|refused"):
        store.head("x")
    health = store.health()
    assert health["status"] == "down"
    assert "StoreMisconfigured" in health["detail"]["error"]


@pytest.mark.s3
def test_unknown_access_key_is_a_configuration_error(s3_bucket):
    config = {**root_config_for(s3_bucket), "ACCESS_KEY": "nobody", "SECRET_KEY": "nothing"}
    with pytest.raises(StoreMisconfigured):
        build_object_store(config).put("x", b"x")
