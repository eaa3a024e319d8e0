"""The ObjectStore contract: every test runs on the local store and on the real S3 server."""

from __future__ import annotations

import hashlib
import io
import time
import uuid
from datetime import timedelta

import pytest
from django.http import FileResponse, StreamingHttpResponse

from dms.storage import (
    COMPLIANCE,
    GOVERNANCE,
    ChecksumMismatch,
    InvalidRange,
    ObjectLocked,
    ObjectNotFound,
    ObjectStore,
    Retention,
    RetentionError,
)
from dms.storage.base import CHUNK_SIZE, STREAM_CHUNK_SIZE
from tests.storage.helpers import GeneratorReader, MiB, now, pseudo_random


def read_all(store: ObjectStore, key: str, version_id: str | None = None, **kw) -> bytes:
    with store.open(key, version_id, **kw) as reader:
        return reader.read()


def digest_of(store: ObjectStore, key: str, version_id: str | None = None) -> tuple[str, int]:
    digest, total = hashlib.sha256(), 0
    with store.open(key, version_id) as reader:
        for chunk in reader:
            assert 0 < len(chunk) <= STREAM_CHUNK_SIZE
            digest.update(chunk)
            total += len(chunk)
    return digest.hexdigest(), total


# --- writing and reading ---------------------------------------------------------------


def test_put_and_read_back_small_object(object_store, key):
    data = "令和6年度 請求書\n".encode() * 100
    result = object_store.put(key, io.BytesIO(data), content_type="text/plain; charset=utf-8")

    assert result.key == key
    assert result.size == len(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.version_id
    assert read_all(object_store, key) == data
    assert read_all(object_store, key, result.version_id) == data
    assert object_store.exists(key)
    assert object_store.exists(key, result.version_id)


def test_put_accepts_bytes_and_iterables(object_store, key):
    first = object_store.put(key, b"abc")
    second = object_store.put(key, iter([b"de", b"", b"fgh"]))

    assert read_all(object_store, key, first.version_id) == b"abc"
    assert read_all(object_store, key, second.version_id) == b"defgh"
    assert second.sha256 == hashlib.sha256(b"defgh").hexdigest()


def test_empty_object(object_store, key):
    result = object_store.put(key, b"")

    assert result.size == 0
    assert result.sha256 == hashlib.sha256(b"").hexdigest()
    assert object_store.head(key).size == 0
    assert read_all(object_store, key) == b""


def test_multi_chunk_stream_of_unknown_length(object_store, key):
    source = GeneratorReader(20 * MiB + 12345)
    result = object_store.put(key, source)

    expected = source.digest.hexdigest()
    assert result.size == 20 * MiB + 12345
    assert result.sha256 == expected
    assert digest_of(object_store, key) == (expected, result.size)
    info = object_store.head(key)
    assert info.size == result.size
    assert info.sha256 == expected


@pytest.mark.parametrize("size", [5 * MiB, 10 * MiB, 10 * MiB + 1])
def test_stream_of_unknown_length_ending_at_a_part_boundary(object_store, key, size):
    # the S3 store reads parts of 5 MiB: one part exactly, two exactly, two and a byte
    source = GeneratorReader(size, seed=size % 251)
    result = object_store.put(key, source)

    assert (result.size, result.sha256) == (size, source.digest.hexdigest())
    assert object_store.head(key).sha256 == result.sha256
    assert digest_of(object_store, key) == (result.sha256, size)


def test_multi_chunk_stream_keeps_retention_and_legal_hold(object_store, key):
    retention = Retention(GOVERNANCE, now() + timedelta(minutes=5))
    source = GeneratorReader(11 * MiB, seed=12)
    version = object_store.put(key, source, retention=retention, legal_hold=True).version_id

    info = object_store.head(key, version)
    assert info.legal_hold is True
    assert info.retention is not None and info.retention.mode == GOVERNANCE
    assert info.sha256 == source.digest.hexdigest()
    with pytest.raises(ObjectLocked):
        object_store.delete_version(key, version)
    object_store.set_legal_hold(key, version, False)
    object_store.delete_version(key, version, bypass_governance=True)


def test_multi_chunk_stream_with_length_and_expected_digest(object_store, key):
    data = pseudo_random(17 * MiB + 3, seed=7)
    expected = hashlib.sha256(data).hexdigest()
    result = object_store.put(key, io.BytesIO(data), length=len(data), expected_sha256=expected)

    assert (result.size, result.sha256) == (len(data), expected)
    assert object_store.head(key).sha256 == expected
    assert read_all(object_store, key) == data


@pytest.mark.parametrize("size", [CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1])
def test_sizes_around_one_chunk(object_store, key, size):
    data = pseudo_random(size, seed=size)
    result = object_store.put(key, io.BytesIO(data), length=size)

    assert result.size == size
    assert object_store.head(key).sha256 == hashlib.sha256(data).hexdigest()
    assert read_all(object_store, key) == data


# Closing a response ends a request for Django, which then checks its database connections
# (request_finished): without database access an earlier test's connection makes it fail.
@pytest.mark.django_db
def test_reader_streams_through_django_responses(object_store, key):
    data = pseudo_random(3 * MiB + 5, seed=3)
    object_store.put(key, data)

    reader = object_store.open(key)
    response = StreamingHttpResponse(reader, content_type=reader.content_type)
    response["Content-Length"] = str(reader.length)
    assert b"".join(response.streaming_content) == data
    response.close()
    assert reader.closed

    reader = object_store.open(key, offset=10, length=1000)
    response = FileResponse(reader)
    assert b"".join(response.streaming_content) == data[10:1010]
    response.close()
    assert reader.closed


# --- ranges ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "length", "expected"),
    [
        (0, None, slice(0, 1000)),
        (10, 100, slice(10, 110)),
        (990, None, slice(990, 1000)),
        (900, 500, slice(900, 1000)),  # cut at the end, as HTTP ranges are
        (999, 1, slice(999, 1000)),
        (0, 1, slice(0, 1)),
        (500, 0, slice(0, 0)),
    ],
)
def test_byte_ranges(object_store, key, offset, length, expected):
    data = pseudo_random(1000, seed=11)
    object_store.put(key, data)

    with object_store.open(key, offset=offset, length=length) as reader:
        assert reader.size == 1000
        assert reader.length == len(data[expected])
        assert reader.read() == data[expected]


def test_range_starting_past_the_end_is_refused(object_store, key):
    object_store.put(key, b"x" * 100)

    with pytest.raises(InvalidRange):
        object_store.open(key, offset=100, length=10)
    with pytest.raises(ValueError):
        object_store.open(key, offset=-1)


def test_range_across_part_boundaries(object_store, key):
    data = pseudo_random(9 * MiB, seed=5)
    object_store.put(key, io.BytesIO(data))

    start = 8 * MiB - 100
    assert read_all(object_store, key, offset=start, length=300) == data[start : start + 300]


# --- metadata ------------------------------------------------------------------------


def test_head(object_store, key):
    before = now() - timedelta(seconds=5)
    result = object_store.put(key, b"%PDF-1.7 ...", content_type="application/pdf")
    info = object_store.head(key)

    assert info.key == key
    assert info.version_id == result.version_id
    assert info.size == 12
    assert info.sha256 == hashlib.sha256(b"%PDF-1.7 ...").hexdigest()
    assert info.content_type == "application/pdf"
    assert info.is_latest is True
    assert before <= info.last_modified <= now() + timedelta(seconds=5)
    assert info.retention is None
    assert info.legal_hold is False
    assert object_store.head(key, result.version_id) == info


def test_missing_key(object_store, key):
    with pytest.raises(ObjectNotFound):
        object_store.head(key)
    with pytest.raises(ObjectNotFound):
        object_store.open(key)
    assert object_store.exists(key) is False
    assert object_store.list_versions(key) == []


def test_keys_sharing_a_prefix_are_separate(object_store, key):
    object_store.put(key, b"short")
    object_store.put(key + "x", b"longer")

    assert [v.size for v in object_store.list_versions(key)] == [5]
    assert read_all(object_store, key) == b"short"


@pytest.mark.parametrize(
    "bad_key",
    ["", "/etc/passwd", "../escape", "a/../../escape", "a/./b", "a//b", "a/", "nul\x00byte",
     "tab\tkey", "new\nline", "back\\slash", "a/..", ".."],
)  # fmt: skip
def test_unsafe_keys_are_rejected(object_store, bad_key):
    with pytest.raises(ValueError):
        object_store.put(bad_key, b"data")
    with pytest.raises(ValueError):
        object_store.head(bad_key)
    with pytest.raises(ValueError):
        object_store.open(bad_key)


# --- versions ------------------------------------------------------------------------


def test_put_twice_keeps_both_versions(object_store, key):
    first_data = pseudo_random(6 * MiB, seed=21)
    first = object_store.put(key, io.BytesIO(first_data))
    second = object_store.put(key, b"second version")

    assert first.version_id != second.version_id
    versions = object_store.list_versions(key)
    assert [v.version_id for v in versions] == [second.version_id, first.version_id]
    assert [v.is_latest for v in versions] == [True, False]
    assert [v.sha256 for v in versions] == [second.sha256, first.sha256]
    assert read_all(object_store, key) == b"second version"
    assert read_all(object_store, key, first.version_id) == first_data
    assert object_store.head(key, first.version_id).is_latest is False
    assert object_store.head(key).version_id == second.version_id


def test_delete_unlocked_version(object_store, key):
    first = object_store.put(key, b"one")
    second = object_store.put(key, b"two")

    object_store.delete_version(key, second.version_id)

    assert object_store.head(key).version_id == first.version_id
    assert read_all(object_store, key) == b"one"
    assert not object_store.exists(key, second.version_id)
    with pytest.raises(ObjectNotFound):
        object_store.open(key, second.version_id)
    with pytest.raises(ObjectNotFound):
        object_store.delete_version(key, second.version_id)

    object_store.delete_version(key, first.version_id)
    assert not object_store.exists(key)
    assert object_store.list_versions(key) == []


# --- integrity -----------------------------------------------------------------------


def test_expected_sha256_mismatch_stores_nothing(object_store, key):
    wrong = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(ChecksumMismatch) as caught:
        object_store.put(key, b"the real bytes", expected_sha256=wrong)

    assert caught.value.expected == wrong
    assert caught.value.actual == hashlib.sha256(b"the real bytes").hexdigest()
    assert object_store.list_versions(key) == []


def test_expected_sha256_mismatch_on_a_multipart_stream_stores_nothing(object_store, key):
    wrong = hashlib.sha256(b"something else").hexdigest()
    with pytest.raises(ChecksumMismatch):
        object_store.put(key, GeneratorReader(12 * MiB, seed=4), expected_sha256=wrong)

    assert object_store.list_versions(key) == []
    assert not object_store.exists(key)


@pytest.mark.parametrize("actual_size", [99, 101, 12 * MiB])
def test_wrong_length_stores_nothing(object_store, key, actual_size):
    with pytest.raises(ChecksumMismatch):
        object_store.put(key, io.BytesIO(b"x" * actual_size), length=100)

    assert object_store.list_versions(key) == []


def test_stream_failing_midway_stores_nothing(object_store, key):
    object_store.put(key, b"earlier version")
    with pytest.raises(RuntimeError, match="scanner connection lost"):
        object_store.put(key, GeneratorReader(30 * MiB, seed=9, fail_after=10 * MiB))

    versions = object_store.list_versions(key)
    assert len(versions) == 1
    assert read_all(object_store, key) == b"earlier version"


# --- retention -----------------------------------------------------------------------


def test_compliance_retention_refuses_deletion_and_weakening(object_store, key):
    until = now() + timedelta(minutes=3)
    result = object_store.put(key, b"kept", retention=Retention(COMPLIANCE, until))
    version = result.version_id

    with pytest.raises(ObjectLocked) as caught:
        object_store.delete_version(key, version)
    message = str(caught.value)
    assert "COMPLIANCE" in message
    assert Retention(COMPLIANCE, until).until.isoformat() in message
    with pytest.raises(ObjectLocked):
        object_store.delete_version(key, version, bypass_governance=True)

    retention = object_store.get_retention(key, version)
    assert retention == Retention(COMPLIANCE, until)
    info = object_store.head(key)
    assert (info.retention_mode, info.retain_until) == (COMPLIANCE, retention.until)

    with pytest.raises(RetentionError):  # shorter
        object_store.set_retention(
            key, version, Retention(COMPLIANCE, until - timedelta(minutes=1))
        )
    with pytest.raises(RetentionError):  # weaker, even if longer
        object_store.set_retention(key, version, Retention(GOVERNANCE, until + timedelta(hours=1)))
    with pytest.raises(RetentionError):  # in the past
        object_store.set_retention(key, version, Retention(COMPLIANCE, now() - timedelta(days=1)))
    assert object_store.get_retention(key, version) == Retention(COMPLIANCE, until)

    object_store.set_retention(key, version, Retention(COMPLIANCE, until))  # same date: fine
    later = until + timedelta(minutes=2)
    object_store.set_retention(key, version, Retention(COMPLIANCE, later))
    assert object_store.get_retention(key, version) == Retention(COMPLIANCE, later)
    with pytest.raises(ObjectLocked):
        object_store.delete_version(key, version)
    assert read_all(object_store, key, version) == b"kept"


def test_retention_ends_at_its_date_but_a_legal_hold_does_not(object_store, key):
    retention = Retention(COMPLIANCE, now() + timedelta(seconds=3))
    plain = object_store.put(key, b"short-lived").version_id
    assert object_store.get_retention(key, plain) is None
    object_store.set_retention(key, plain, retention)
    held = object_store.put(key, b"on hold", retention=retention, legal_hold=True).version_id

    for version in (plain, held):
        with pytest.raises(ObjectLocked):
            object_store.delete_version(key, version)

    time.sleep(max(0.0, (retention.until - now()).total_seconds()) + 1.0)
    object_store.delete_version(key, plain)
    assert not object_store.exists(key, plain)
    with pytest.raises(ObjectLocked) as caught:  # the hold outlives the retention
        object_store.delete_version(key, held)
    assert caught.value.legal_hold is True
    assert caught.value.mode is None
    object_store.set_legal_hold(key, held, False)
    object_store.delete_version(key, held)
    assert object_store.list_versions(key) == []


def test_retention_at_put_must_be_in_the_future(object_store, key):
    with pytest.raises(RetentionError):
        object_store.put(key, b"x", retention=Retention(COMPLIANCE, now() - timedelta(seconds=5)))
    assert object_store.list_versions(key) == []


def test_retention_is_per_version(object_store, key):
    locked = object_store.put(
        key, b"v1", retention=Retention(COMPLIANCE, now() + timedelta(minutes=3))
    )
    free = object_store.put(key, b"v2")

    assert object_store.get_retention(key, free.version_id) is None
    object_store.delete_version(key, free.version_id)
    with pytest.raises(ObjectLocked):
        object_store.delete_version(key, locked.version_id)


def test_governance_can_become_compliance(object_store, key):
    until = now() + timedelta(minutes=3)
    version = object_store.put(key, b"x", retention=Retention(GOVERNANCE, until)).version_id

    object_store.set_retention(key, version, Retention(GOVERNANCE, until + timedelta(minutes=1)))
    with pytest.raises(RetentionError):
        object_store.set_retention(key, version, Retention(GOVERNANCE, until))
    object_store.set_retention(key, version, Retention(COMPLIANCE, until + timedelta(minutes=1)))

    assert object_store.get_retention(key, version).mode == COMPLIANCE
    with pytest.raises(ObjectLocked):
        object_store.delete_version(key, version, bypass_governance=True)


def test_governance_retention_needs_explicit_bypass(object_store, key):
    until = now() + timedelta(minutes=10)
    version = object_store.put(key, b"draft").version_id
    object_store.set_retention(key, version, Retention(GOVERNANCE, until))

    with pytest.raises(ObjectLocked) as caught:
        object_store.delete_version(key, version)
    assert "GOVERNANCE" in str(caught.value)
    assert object_store.exists(key, version)

    object_store.delete_version(key, version, bypass_governance=True)
    assert not object_store.exists(key, version)


# --- legal hold ----------------------------------------------------------------------


def test_legal_hold_blocks_deletion_until_released(object_store, key):
    held = object_store.put(key, b"evidence", legal_hold=True).version_id
    other = object_store.put(key, b"later").version_id
    object_store.set_legal_hold(key, other, True)

    for version in (held, other):
        assert object_store.get_legal_hold(key, version) is True
        assert object_store.head(key, version).legal_hold is True
        with pytest.raises(ObjectLocked) as caught:
            object_store.delete_version(key, version, bypass_governance=True)
        assert "legal hold" in str(caught.value)

    object_store.set_legal_hold(key, held, False)
    assert object_store.get_legal_hold(key, held) is False
    object_store.delete_version(key, held)
    assert [v.version_id for v in object_store.list_versions(key)] == [other]

    object_store.set_legal_hold(key, other, False)
    object_store.delete_version(key, other)
    assert object_store.list_versions(key) == []


def test_legal_hold_and_retention_together(object_store, key):
    retention = Retention(GOVERNANCE, now() + timedelta(minutes=5))
    version = object_store.put(key, b"x", retention=retention, legal_hold=True).version_id

    with pytest.raises(ObjectLocked) as caught:
        object_store.delete_version(key, version)
    assert caught.value.legal_hold is True
    assert "legal hold" in str(caught.value)
    assert "GOVERNANCE" in str(caught.value)

    object_store.set_legal_hold(key, version, False)
    object_store.delete_version(key, version, bypass_governance=True)
    assert not object_store.exists(key, version)


# --- health --------------------------------------------------------------------------


def test_health_reports_ok(object_store):
    health = object_store.health()

    assert health["status"] == "ok", health
    assert health["backend"] == object_store.backend
    assert isinstance(health["version"], str) and health["version"]
    assert health["detail"]["versioning"] is True
    assert health["detail"]["object_lock"] is True


# --- listing keys ----------------------------------------------------------------------


def test_list_keys_under_a_prefix(object_store):
    prefix = f"listing/{uuid.uuid4().hex}/"
    kept = [f"{prefix}originals/a", f"{prefix}originals/b", f"{prefix}derived/v1/thumb.png"]
    for name in kept:
        object_store.put(name, b"x")
    object_store.put(kept[0], b"second version")  # listed once, however many versions
    gone = object_store.put(f"{prefix}originals/gone", b"y")
    object_store.delete_version(gone.key, gone.version_id)  # no version left: not listed
    object_store.put(f"listing/{uuid.uuid4().hex}/originals/other", b"z")  # another prefix

    assert sorted(object_store.list_keys(prefix)) == sorted(kept)
    assert sorted(object_store.list_keys(f"{prefix}originals/")) == kept[:2]
    assert set(kept) <= set(object_store.list_keys(""))
    assert list(object_store.list_keys(f"{prefix}nothing/")) == []
    with pytest.raises(ValueError):
        list(object_store.list_keys(f"{prefix}originals"))  # a prefix ends with "/"


def test_set_retention_with_the_current_one_stated(object_store, key):
    """Bulk locking states the retention it knows (no read per version). The caller must
    know it (from a read or Kiroku's own record): versitygw 1.x itself accepts a shorter
    COMPLIANCE date when told the version has none, so the statement is trusted."""
    until = now() + timedelta(minutes=3)
    version = object_store.put(key, b"bulk", retention=Retention(COMPLIANCE, until)).version_id
    later = until + timedelta(minutes=2)
    object_store.set_retention(
        key, version, Retention(COMPLIANCE, later), current=Retention(COMPLIANCE, until)
    )
    assert object_store.get_retention(key, version) == Retention(COMPLIANCE, later)
    with pytest.raises(RetentionError):  # a date in the past, whatever is stated
        object_store.set_retention(
            key, version, Retention(COMPLIANCE, now() - timedelta(days=1)), current=None
        )
    assert object_store.get_retention(key, version) == Retention(COMPLIANCE, later)
