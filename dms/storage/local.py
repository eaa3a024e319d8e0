"""``LocalObjectStore``: the embedded default, on a local directory.

It enforces the semantics of a versioned S3 bucket with Object Lock itself.

Layout under ``root``::

    objects/<h[0:2]>/<h[2:4]>/<h>/      h = sha256(key), so any valid key maps to a safe path
        <version_id>.data               the bytes of one version (immutable)
        <version_id>.json               its sidecar: key, size, sha256, content type, created,
                                        retention, legal hold; the version exists iff this does
        .lock                           flock(2) target serialising metadata changes
        .tmp-*                          files being written (invisible, removed on failure)

Writes are atomic: data goes to a temporary file in the same directory, is flushed and
fsync'd, then renamed to its final name; the sidecar is written the same way *after* the
data, so a version never becomes visible half-written. Version ids are 32 hex digits,
a nanosecond timestamp followed by 64 random bits, so they sort by commit time and two
processes never pick the same one. Retention and legal-hold changes and deletions are
read-modify-write operations on the sidecar and are serialised across processes with an
exclusive ``flock`` on the key's ``.lock`` file; readers never lock. This store lives on
one machine by nature (use the S3 store for several machines); the lock makes it safe for
any number of processes on that machine.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import re
import secrets
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ._streams import HashingReader, as_reader
from .base import (
    CHUNK_SIZE,
    UNKNOWN,
    DefaultRetention,
    ObjectInfo,
    ObjectNotFound,
    ObjectReader,
    ObjectStoreError,
    PutResult,
    Retention,
    RetentionError,
    check_retention_change,
    lock_error,
    resolve_range,
    utcnow,
    validate_key,
    validate_prefix,
    validate_range,
    validate_sha256,
)

_VERSION_RE = re.compile(r"^[0-9a-f]{32}$")
_FORMAT = 1


class _LocalReader(ObjectReader):
    def __init__(self, file: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self._file = file

    def _read_raw(self, n: int) -> bytes:
        return self._file.read(n)

    def _close_raw(self) -> None:
        self._file.close()


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


class LocalObjectStore:
    """Versioned object store with Object Lock semantics on a local directory."""

    backend = "local"

    def __init__(
        self, root: str | os.PathLike[str], *, default_retention: DefaultRetention | None = None
    ):
        self.root = Path(root).resolve()
        self._objects = self.root / "objects"
        self.default_retention = default_retention

    def __repr__(self) -> str:
        return f"LocalObjectStore({str(self.root)!r})"

    # --- paths and sidecars ---------------------------------------------------------------

    def _key_dir(self, key: str) -> Path:
        validate_key(key)
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self._objects / digest[:2] / digest[2:4] / digest

    @staticmethod
    def _check_version_id(key: str, version_id: str) -> str:
        if not isinstance(version_id, str) or not _VERSION_RE.match(version_id):
            # not an id this store could have issued (and never a path component)
            raise ObjectNotFound(key, str(version_id), "malformed version id")
        return version_id

    @staticmethod
    def _version_ids(directory: Path) -> list[str]:
        """Committed versions of the key in ``directory``, newest first."""
        try:
            names = os.listdir(directory)
        except FileNotFoundError:
            return []
        ids = [n[:-5] for n in names if n.endswith(".json") and _VERSION_RE.match(n[:-5])]
        return sorted(ids, reverse=True)

    def _load(self, key: str, directory: Path, version_id: str) -> dict[str, Any]:
        try:
            with open(directory / f"{version_id}.json", "rb") as f:
                meta = json.load(f)
        except FileNotFoundError:
            raise ObjectNotFound(key, version_id) from None
        if meta.get("key") != key:  # a SHA-256 collision of two keys: never in practice
            raise ObjectStoreError(f"sidecar of {version_id} names {meta.get('key')!r}")
        return meta

    @staticmethod
    def _write_atomic(directory: Path, name: str, payload: bytes) -> None:
        tmp = directory / f".tmp-{secrets.token_hex(8)}-{name}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(payload)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, directory / name)
        except BaseException:
            _unlink_quietly(tmp)
            raise
        _fsync_dir(directory)

    def _write_sidecar(self, directory: Path, meta: dict[str, Any]) -> None:
        payload = json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=1).encode()
        self._write_atomic(directory, f"{meta['version_id']}.json", payload)

    @contextlib.contextmanager
    def _locked(self, directory: Path) -> Iterator[None]:
        directory.mkdir(parents=True, exist_ok=True, mode=0o750)
        fd = os.open(directory / ".lock", os.O_RDWR | os.O_CREAT, 0o640)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # releases the lock

    def _new_version_id(self, directory: Path) -> str:
        stamp = time.time_ns()
        existing = self._version_ids(directory)
        if existing:  # keep ids increasing even if the clock stepped back
            stamp = max(stamp, int(existing[0][:16], 16) + 1)
        return f"{stamp:016x}{secrets.token_hex(8)}"

    def _info(self, meta: dict[str, Any], latest_id: str | None) -> ObjectInfo:
        retention = Retention.from_json(meta.get("retention"))
        return ObjectInfo(
            key=meta["key"],
            version_id=meta["version_id"],
            size=meta["size"],
            sha256=meta["sha256"],
            content_type=meta["content_type"],
            last_modified=datetime.fromisoformat(meta["created"]),
            is_latest=meta["version_id"] == latest_id,
            retention_mode=retention.mode if retention else None,
            retain_until=retention.until if retention else None,
            legal_hold=bool(meta.get("legal_hold")),
        )

    # --- the protocol ---------------------------------------------------------------------

    def put(
        self,
        key: str,
        stream: Any,
        *,
        length: int | None = None,
        content_type: str = "application/octet-stream",
        expected_sha256: str | None = None,
        retention: Retention | None = None,
        legal_hold: bool = False,
    ) -> PutResult:
        directory = self._key_dir(key)
        expected_sha256 = validate_sha256(expected_sha256)
        if retention is not None and not retention.in_force():
            raise RetentionError(f"retention must end in the future: {retention.until}")
        reader = HashingReader(as_reader(stream), length=length, expected_sha256=expected_sha256)
        if retention is None and self.default_retention is not None:
            retention = self.default_retention.from_(utcnow())
        directory.mkdir(parents=True, exist_ok=True, mode=0o750)
        tmp = directory / f".tmp-{secrets.token_hex(8)}.data"
        final: Path | None = None
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        try:
            with os.fdopen(fd, "wb") as f:
                while chunk := reader.read(CHUNK_SIZE):
                    f.write(chunk)
                f.flush()
                os.fsync(f.fileno())
            if not reader.finished or reader.sha256 is None:  # pragma: no cover - defensive
                raise ObjectStoreError(f"writing {key!r} stopped before its stream ended")
            version_id = self._new_version_id(directory)
            final = directory / f"{version_id}.data"
            os.rename(tmp, final)
            meta = {
                "format": _FORMAT,
                "key": key,
                "version_id": version_id,
                "size": reader.size,
                "sha256": reader.sha256,
                "content_type": content_type or "application/octet-stream",
                "created": utcnow().isoformat(),
                "retention": retention.to_json() if retention else None,
                "legal_hold": bool(legal_hold),
            }
            self._write_sidecar(directory, meta)  # commit point
        except BaseException:
            _unlink_quietly(tmp)
            if final is not None and not (directory / f"{final.stem}.json").exists():
                _unlink_quietly(final)
            raise
        return PutResult(key=key, version_id=version_id, size=reader.size, sha256=reader.sha256)

    def open(
        self,
        key: str,
        version_id: str | None = None,
        *,
        offset: int = 0,
        length: int | None = None,
    ) -> ObjectReader:
        validate_range(offset, length)
        info = self.head(key, version_id)
        count = resolve_range(info.size, offset, length)
        try:
            file = open(self._key_dir(key) / f"{info.version_id}.data", "rb")  # noqa: SIM115
        except FileNotFoundError:  # deleted since head()
            raise ObjectNotFound(key, info.version_id) from None
        file.seek(offset)
        return _LocalReader(
            file,
            key=key,
            version_id=info.version_id,
            size=info.size,
            offset=offset,
            length=count,
            content_type=info.content_type,
            sha256=info.sha256,
        )

    def head(self, key: str, version_id: str | None = None) -> ObjectInfo:
        directory = self._key_dir(key)
        if version_id is not None:
            self._check_version_id(key, version_id)
        for _attempt in range(3):  # the latest version may vanish under us; look again
            ids = self._version_ids(directory)
            latest = ids[0] if ids else None
            wanted = version_id or latest
            if wanted is None:
                raise ObjectNotFound(key)
            try:
                return self._info(self._load(key, directory, wanted), latest)
            except ObjectNotFound:
                if version_id is not None:
                    raise
        raise ObjectNotFound(key)

    def exists(self, key: str, version_id: str | None = None) -> bool:
        try:
            self.head(key, version_id)
        except ObjectNotFound:
            return False
        return True

    def list_versions(self, key: str) -> list[ObjectInfo]:
        directory = self._key_dir(key)
        ids = self._version_ids(directory)
        infos = []
        for version_id in ids:
            try:
                infos.append(self._info(self._load(key, directory, version_id), ids[0]))
            except ObjectNotFound:  # deleted while listing
                continue
        if infos and not infos[0].is_latest:
            first = infos[0]
            infos[0] = ObjectInfo(**{**first.__dict__, "is_latest": True})
        return infos

    def list_keys(self, prefix: str) -> Iterator[str]:
        validate_prefix(prefix)
        # Key directories are named by the key's hash: the key is read from a sidecar.
        for directory in self._objects.glob("*/*/*"):
            ids = self._version_ids(directory)
            if not ids:
                continue
            try:
                with open(directory / f"{ids[0]}.json", "rb") as f:
                    key = json.load(f).get("key")
            except FileNotFoundError:  # deleted while listing
                continue
            if isinstance(key, str) and key.startswith(prefix):
                yield key

    def delete_version(self, key: str, version_id: str, *, bypass_governance: bool = False) -> None:
        directory = self._key_dir(key)
        self._check_version_id(key, version_id)
        with self._locked(directory):
            meta = self._load(key, directory, version_id)
            refusal = lock_error(
                key,
                version_id,
                Retention.from_json(meta.get("retention")),
                bool(meta.get("legal_hold")),
                bypass_governance=bypass_governance,
            )
            if refusal:
                raise refusal
            (directory / f"{version_id}.json").unlink()  # the version is gone from here on
            _fsync_dir(directory)
            _unlink_quietly(directory / f"{version_id}.data")

    def set_retention(
        self, key: str, version_id: str, retention: Retention, *, current: Any = UNKNOWN
    ) -> None:
        # The sidecar is read under the key's lock anyway: a stated ``current`` saves
        # nothing here, and the stored one is what the emulated lock must check.
        directory = self._key_dir(key)
        self._check_version_id(key, version_id)
        with self._locked(directory):
            meta = self._load(key, directory, version_id)
            check_retention_change(Retention.from_json(meta.get("retention")), retention)
            meta["retention"] = retention.to_json()
            self._write_sidecar(directory, meta)

    def get_retention(self, key: str, version_id: str) -> Retention | None:
        return self.head(key, version_id).retention

    def set_legal_hold(self, key: str, version_id: str, on: bool) -> None:
        directory = self._key_dir(key)
        self._check_version_id(key, version_id)
        with self._locked(directory):
            meta = self._load(key, directory, version_id)
            meta["legal_hold"] = bool(on)
            self._write_sidecar(directory, meta)

    def get_legal_hold(self, key: str, version_id: str) -> bool:
        return self.head(key, version_id).legal_hold

    def health(self) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "root": str(self.root),
            "versioning": True,
            "object_lock": True,
            "enforced_by": "kiroku",
        }
        try:
            self._objects.mkdir(parents=True, exist_ok=True, mode=0o750)
            probe = self._objects / f".tmp-health-{secrets.token_hex(8)}"
            probe.write_bytes(b"ok")
            probe.unlink()
            status = "ok"
        except Exception as exc:
            status = "down"
            detail["error"] = f"{type(exc).__name__}: {exc}"
        return {
            "status": status,
            "backend": self.backend,
            "version": "local-disk",
            "detail": detail,
        }
