"""What only the local store has to prove: its files on disk, atomicity, many processes."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dms.storage import (
    COMPLIANCE,
    ChecksumMismatch,
    ObjectNotFound,
    Retention,
    RetentionError,
)
from dms.storage.local import LocalObjectStore
from tests.storage.helpers import GeneratorReader, MiB

KEY = "originals/2024/請求書 第1号.pdf"


@pytest.fixture
def store(tmp_path) -> LocalObjectStore:
    return LocalObjectStore(tmp_path / "root")


def all_files(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.is_file())


def temp_files(store: LocalObjectStore) -> list[Path]:
    return [p for p in all_files(store.root) if p.name.startswith(".tmp")]


@pytest.mark.parametrize(
    "bad_key",
    ["../outside", "a/../../outside", "/tmp/outside", "a\x00b", "a\\..\\b", "a/\x1b[2J"],
)
def test_path_traversal_keys_touch_nothing(tmp_path, store, bad_key):
    with pytest.raises(ValueError):
        store.put(bad_key, b"payload")
    with pytest.raises(ValueError):
        store.delete_version(bad_key, "0" * 32)
    with pytest.raises(ValueError):
        store.set_legal_hold(bad_key, "0" * 32, True)
    assert all_files(tmp_path) == []


@pytest.mark.parametrize("bad_version", ["../../etc/passwd", "..", "", "x" * 32, "A" * 32])
def test_version_ids_are_never_paths(store, bad_version):
    store.put(KEY, b"data")
    with pytest.raises(ObjectNotFound):
        store.head(KEY, bad_version)
    with pytest.raises(ObjectNotFound):
        store.open(KEY, bad_version)
    with pytest.raises(ObjectNotFound):
        store.delete_version(KEY, bad_version)


def test_files_stay_under_the_root_and_sidecar_records_metadata(tmp_path, store):
    result = store.put(KEY, b"%PDF", content_type="application/pdf", legal_hold=True)

    files = all_files(tmp_path)
    assert files and all(p.is_relative_to(store.root / "objects") for p in files)
    data_file = next(p for p in files if p.name == f"{result.version_id}.data")
    assert data_file.read_bytes() == b"%PDF"
    sidecar = json.loads((data_file.parent / f"{result.version_id}.json").read_text())
    assert sidecar["key"] == KEY
    assert sidecar["sha256"] == hashlib.sha256(b"%PDF").hexdigest()
    assert sidecar["size"] == 4
    assert sidecar["content_type"] == "application/pdf"
    assert sidecar["legal_hold"] is True
    assert sidecar["retention"] is None


def test_failing_stream_leaves_no_temp_file_and_no_version(store):
    store.put(KEY, b"v1")
    with pytest.raises(RuntimeError):
        store.put(KEY, GeneratorReader(20 * MiB, fail_after=9 * MiB))

    assert temp_files(store) == []
    assert [v.size for v in store.list_versions(KEY)] == [2]
    assert len([p for p in all_files(store.root) if p.suffix == ".data"]) == 1


def test_checksum_failure_leaves_no_temp_file(store):
    with pytest.raises(ChecksumMismatch):
        store.put(KEY, GeneratorReader(10 * MiB), expected_sha256="0" * 64)
    assert temp_files(store) == []
    assert [p for p in all_files(store.root) if p.suffix in (".data", ".json")] == []


def test_failure_writing_the_sidecar_removes_the_data(store, monkeypatch):
    def disk_full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "_write_sidecar", disk_full)
    with pytest.raises(OSError, match="No space"):
        store.put(KEY, b"payload")

    assert store.list_versions(KEY) == []
    assert [p.name for p in all_files(store.root) if not p.name.startswith(".lock")] == []


def test_half_written_leftovers_are_invisible(store):
    kept = store.put(KEY, b"kept")
    directory = store._key_dir(KEY)
    # what a crash would leave: a temp file, and data whose sidecar was never written
    (directory / ".tmp-deadbeef.data").write_bytes(b"partial")
    orphan = f"{int(kept.version_id[:16], 16) + 10:016x}{'ab' * 8}"
    (directory / f"{orphan}.data").write_bytes(b"orphan")

    assert [v.version_id for v in store.list_versions(KEY)] == [kept.version_id]
    assert store.head(KEY).version_id == kept.version_id
    with pytest.raises(ObjectNotFound):
        store.open(KEY, orphan)
    newer = store.put(KEY, b"newer")
    assert newer.version_id > orphan  # ids keep increasing past anything on disk
    assert store.head(KEY).version_id == newer.version_id


def test_version_ids_sort_by_time(store):
    ids = [store.put(KEY, str(i).encode()).version_id for i in range(20)]
    assert ids == sorted(ids)
    assert [v.version_id for v in store.list_versions(KEY)] == ids[::-1]


# --- many processes ------------------------------------------------------------------


def _put_versions(root: str, worker: int, count: int, barrier) -> list[tuple[str, str]]:
    store = LocalObjectStore(root)
    barrier.wait()
    results = []
    for n in range(count):
        data = f"worker {worker} version {n} ".encode() * (1000 + 997 * n)
        result = store.put(KEY, data)
        results.append((result.version_id, result.sha256))
    return results


def _extend_retention(root: str, version: str, worker: int, base: str, barrier) -> str | None:
    store = LocalObjectStore(root)
    barrier.wait()
    best = None
    for n in range(40):
        until = datetime.fromisoformat(base) + timedelta(seconds=1 + n * 4 + worker)
        try:
            store.set_retention(KEY, version, Retention(COMPLIANCE, until))
            best = until.isoformat()
        except RetentionError:
            pass  # another process already extended it further
    return best


def _hold(root: str, version: str, barrier) -> None:
    store = LocalObjectStore(root)
    barrier.wait()
    store.set_legal_hold(KEY, version, True)


def test_concurrent_writers_of_one_key(store):
    ctx = multiprocessing.get_context("fork")
    workers, per_worker = 4, 6
    barrier = ctx.Manager().Barrier(workers)
    with ctx.Pool(workers) as pool:
        outcomes = pool.starmap(
            _put_versions, [(str(store.root), w, per_worker, barrier) for w in range(workers)]
        )

    written = dict(pair for result in outcomes for pair in result)
    assert len(written) == workers * per_worker
    versions = store.list_versions(KEY)
    assert {v.version_id: v.sha256 for v in versions} == written
    for version in versions:
        with store.open(KEY, version.version_id) as reader:
            assert hashlib.sha256(reader.read()).hexdigest() == version.sha256
    assert temp_files(store) == []


def test_concurrent_metadata_changes_lose_nothing(store):
    version = store.put(KEY, b"record").version_id
    base = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0).isoformat()
    ctx = multiprocessing.get_context("fork")
    workers = 4
    barrier = ctx.Manager().Barrier(workers + 1)
    with ctx.Pool(workers + 1) as pool:
        held = pool.apply_async(_hold, (str(store.root), version, barrier))
        extended = pool.starmap(
            _extend_retention,
            [(str(store.root), version, w, base, barrier) for w in range(workers)],
        )
        held.get()

    latest = max(datetime.fromisoformat(best) for best in extended if best)
    info = store.head(KEY, version)
    assert info.legal_hold is True
    assert info.retain_until == latest
    assert os.path.exists(store._key_dir(KEY) / ".lock")
