"""The object-store protocol, its value types and its exceptions.

Both implementations (:mod:`dms.storage.local`, :mod:`dms.storage.s3`) follow the semantics
of a versioned S3 bucket with Object Lock:

* every ``put`` creates a new, immutable version; nothing is ever overwritten in place;
* a version under retention (until its date) or under legal hold cannot be deleted;
  GOVERNANCE retention may be bypassed explicitly, COMPLIANCE never;
* retention can only be extended (same or later date) and never weakened from COMPLIANCE
  to GOVERNANCE while it is in force.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol, runtime_checkable

GOVERNANCE = "GOVERNANCE"
COMPLIANCE = "COMPLIANCE"
RetentionMode = Literal["GOVERNANCE", "COMPLIANCE"]

#: Size of the chunks in which objects are read, hashed and written.
CHUNK_SIZE = 8 * 1024 * 1024
#: Size of the chunks an :class:`ObjectReader` yields when iterated (HTTP streaming).
STREAM_CHUNK_SIZE = 256 * 1024
#: Longest key accepted (S3's limit, in UTF-8 bytes).
MAX_KEY_BYTES = 1024

_SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


# --- exceptions ----------------------------------------------------------------------------


class ObjectStoreError(Exception):
    """Base class of every error the object store raises on purpose."""


class ObjectNotFound(ObjectStoreError):
    """The key, or the given version of it, does not exist."""

    def __init__(self, key: str, version_id: str | None = None, detail: str = ""):
        self.key = key
        self.version_id = version_id
        what = f"version {version_id} of {key!r}" if version_id else repr(key)
        super().__init__(f"object not found: {what}" + (f" ({detail})" if detail else ""))


class ObjectLocked(ObjectStoreError):
    """Deletion refused: the version is under retention or legal hold."""

    def __init__(
        self,
        key: str,
        version_id: str | None,
        *,
        mode: str | None = None,
        until: datetime | None = None,
        legal_hold: bool = False,
        detail: str = "",
    ):
        self.key = key
        self.version_id = version_id
        self.mode = mode
        self.until = until
        self.legal_hold = legal_hold
        reasons = []
        if legal_hold:
            reasons.append("a legal hold is on (until it is released)")
        if mode and until:
            reasons.append(f"{mode} retention until {until.isoformat()}")
        message = f"version {version_id} of {key!r} is locked: " + (
            " and ".join(reasons) or "retention or legal hold"
        )
        super().__init__(message + (f" ({detail})" if detail else ""))


class RetentionError(ObjectStoreError):
    """A retention change was refused (shortening, weakening, a date in the past...)."""


class StoreUnavailable(ObjectStoreError):
    """The store cannot be reached or is failing (the API answers 503)."""


class StoreMisconfigured(ObjectStoreError):
    """The store is reachable but not set up as Kiroku needs (no versioning/Object Lock...)."""


class ChecksumMismatch(ObjectStoreError):
    """The bytes received are not the bytes announced (SHA-256 or length differ).

    Nothing is stored when this is raised.
    """

    def __init__(self, what: str, expected: Any, actual: Any):
        self.what = what
        self.expected = expected
        self.actual = actual
        super().__init__(f"{what} mismatch: expected {expected}, got {actual}")


class InvalidRange(ObjectStoreError, ValueError):
    """The requested byte range starts beyond the end of the object (HTTP 416)."""


# The marker for "the caller does not know the current retention" (set_retention).
UNKNOWN: Any = type("Unknown", (), {"__repr__": lambda self: "UNKNOWN"})()


# --- value types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Retention:
    """Object Lock retention of one version.

    ``until`` must be timezone-aware; it is normalised to UTC and rounded *up* to whole
    seconds (S3 servers keep at most millisecond or second precision; rounding up never
    shortens a retention).
    """

    mode: RetentionMode
    until: datetime

    def __post_init__(self):
        if self.mode not in (GOVERNANCE, COMPLIANCE):
            raise ValueError(f"retention mode must be GOVERNANCE or COMPLIANCE, not {self.mode!r}")
        if not isinstance(self.until, datetime) or self.until.utcoffset() is None:
            raise ValueError("retention 'until' must be a timezone-aware datetime")
        until = self.until.astimezone(UTC)
        if until.microsecond:
            until = until.replace(microsecond=0) + timedelta(seconds=1)
        object.__setattr__(self, "until", until)

    def in_force(self, now: datetime | None = None) -> bool:
        return self.until > (now or utcnow())

    def to_json(self) -> dict[str, str]:
        return {"mode": self.mode, "until": self.until.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, str] | None) -> Retention | None:
        if not data:
            return None
        return cls(data["mode"], datetime.fromisoformat(data["until"]))  # type: ignore[arg-type]


@dataclass(frozen=True)
class DefaultRetention:
    """The retention every new version gets unless ``put`` is given one: Object Lock's
    bucket default rule (``mode`` for ``period`` from the moment a version is stored).

    S3 servers apply the bucket's rule themselves (MinIO, AWS) or not at all (versitygw
    1.7 only refuses deletes for a while after the rule was set), so both stores send it
    with every ``put``: a version is then locked from its first byte everywhere.
    """

    mode: RetentionMode
    period: timedelta

    def __post_init__(self):
        if self.mode not in (GOVERNANCE, COMPLIANCE):
            raise ValueError(f"retention mode must be GOVERNANCE or COMPLIANCE, not {self.mode!r}")
        if self.period <= timedelta(0):
            raise ValueError(f"default retention period must be positive, not {self.period}")

    def from_(self, stored_at: datetime) -> Retention:
        """The retention of a version stored at ``stored_at``."""
        return Retention(self.mode, stored_at + self.period)


@dataclass(frozen=True)
class PutResult:
    """What ``put`` stored: the new version and the digest of its bytes."""

    key: str
    version_id: str
    size: int
    sha256: str


@dataclass(frozen=True)
class ObjectInfo:
    """Metadata of one version of an object."""

    key: str
    version_id: str
    size: int
    sha256: str | None
    content_type: str
    last_modified: datetime
    is_latest: bool
    retention_mode: str | None = None
    retain_until: datetime | None = None
    legal_hold: bool = False

    @property
    def retention(self) -> Retention | None:
        if self.retention_mode and self.retain_until:
            return Retention(self.retention_mode, self.retain_until)  # type: ignore[arg-type]
        return None

    def is_locked(self, now: datetime | None = None) -> bool:
        retention = self.retention
        return self.legal_hold or bool(retention and retention.in_force(now))


# --- the protocol --------------------------------------------------------------------------


@runtime_checkable
class ObjectStore(Protocol):
    """A versioned object store with Object Lock semantics (see the module docstring)."""

    backend: str
    #: Applied by ``put`` when no retention is given; None: versions are stored unlocked.
    default_retention: DefaultRetention | None

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
        """Store ``stream`` as a new version of ``key``, streaming it in chunks.

        ``stream`` is a binary file-like object (``read(n)``), bytes, or an iterable of
        bytes. ``length``, when given, must be the exact number of bytes. The SHA-256 is
        computed while writing; if ``expected_sha256`` (or ``length``) does not match,
        nothing is stored and :class:`ChecksumMismatch` is raised. Without ``retention``
        the version gets :attr:`default_retention` (if any).
        """
        ...

    def open(
        self,
        key: str,
        version_id: str | None = None,
        *,
        offset: int = 0,
        length: int | None = None,
    ) -> ObjectReader:
        """Open (a byte range of) a version for reading. The caller must close the reader."""
        ...

    def head(self, key: str, version_id: str | None = None) -> ObjectInfo: ...

    def exists(self, key: str, version_id: str | None = None) -> bool: ...

    def list_versions(self, key: str) -> list[ObjectInfo]:
        """Every version of ``key``, newest first (empty list if there is none)."""
        ...

    def list_keys(self, prefix: str) -> Iterator[str]:
        """Each key starting with ``prefix`` that has a version, once, in no set order.

        For sweeps over the whole store (orphaned objects); ``prefix`` is ``""`` or ends
        with ``/``.
        """
        ...

    def delete_version(self, key: str, version_id: str, *, bypass_governance: bool = False) -> None:
        """Delete one version for good; :class:`ObjectLocked` while retained or on hold."""
        ...

    def set_retention(
        self, key: str, version_id: str, retention: Retention, *, current: Any = UNKNOWN
    ) -> None:
        """Lock one version until ``retention.until``; only ever extends.

        ``current``: the version's retention as the caller already knows it (None for
        none), so that a store need not read it again before writing (bulk locking); the
        server still refuses a shortening. Omitted, the store reads it.
        """
        ...

    def get_retention(self, key: str, version_id: str) -> Retention | None: ...

    def set_legal_hold(self, key: str, version_id: str, on: bool) -> None: ...

    def get_legal_hold(self, key: str, version_id: str) -> bool: ...

    def health(self) -> dict[str, Any]:
        """``{"status": "ok"|"down", "backend", "version", "detail"}``; never raises."""
        ...


# --- reading -------------------------------------------------------------------------------


class ObjectReader(io.RawIOBase):
    """A read-only, non-seekable binary stream over (a range of) one object version.

    Use it as a context manager or close it. ``read(n)`` suits ``FileResponse``; iterating
    yields chunks of :data:`STREAM_CHUNK_SIZE` bytes for ``StreamingHttpResponse``.
    ``length`` is the number of bytes this reader will return (set ``Content-Length``
    from it), ``size`` the size of the whole version.
    """

    def __init__(
        self,
        *,
        key: str,
        version_id: str,
        size: int,
        offset: int,
        length: int,
        content_type: str,
        sha256: str | None,
    ):
        super().__init__()
        self.key = key
        self.version_id = version_id
        self.size = size
        self.offset = offset
        self.length = length
        self.content_type = content_type
        self.sha256 = sha256
        self._position = 0

    # subclasses implement _read_raw(n) -> bytes (b"" at the end) and _close_raw()
    def _read_raw(self, n: int) -> bytes:  # pragma: no cover - abstract
        raise NotImplementedError

    def _close_raw(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def readable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def read(self, size: int = -1) -> bytes:
        if self.closed:
            raise ValueError("I/O operation on closed object reader")
        remaining = self.length - self._position
        if remaining <= 0:
            return b""
        if size is None or size < 0:
            return self.readall()
        data = self._read_raw(min(size, remaining))
        self._position += len(data)
        if not data and self._position < self.length:
            raise StoreUnavailable(
                f"object {self.key!r} ended after {self._position} of {self.length} bytes"
            )
        return data

    def readall(self) -> bytes:
        parts = []
        while chunk := self.read(CHUNK_SIZE):
            parts.append(chunk)
        return b"".join(parts)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def __iter__(self) -> Iterator[bytes]:  # type: ignore[override]
        while chunk := self.read(STREAM_CHUNK_SIZE):
            yield chunk

    def close(self) -> None:
        if not self.closed:
            try:
                self._close_raw()
            finally:
                super().close()


# --- helpers shared by the implementations -------------------------------------------------


def utcnow() -> datetime:
    return datetime.now(UTC)


def validate_key(key: str) -> str:
    """Return ``key`` if it is a safe object key, else raise ``ValueError``.

    Keys are ``/``-separated relative paths: no empty, ``.`` or ``..`` segment, no leading
    ``/``, no backslash, no NUL or other control character, at most 1024 UTF-8 bytes.
    """
    if not isinstance(key, str) or not key:
        raise ValueError("object key must be a non-empty string")
    if len(key.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        raise ValueError(f"object key longer than {MAX_KEY_BYTES} bytes")
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in key):
        raise ValueError(f"object key contains a control character: {key!r}")
    if any(0xD800 <= ord(c) <= 0xDFFF for c in key):
        raise ValueError(f"object key contains a lone surrogate: {key!r}")
    if "\\" in key:
        raise ValueError(f"object key contains a backslash: {key!r}")
    if key.startswith("/"):
        raise ValueError(f"object key must be relative: {key!r}")
    if any(part in ("", ".", "..") for part in key.split("/")):
        raise ValueError(f"object key has an empty, '.' or '..' segment: {key!r}")
    return key


def validate_prefix(prefix: str) -> str:
    """Return ``prefix`` if it is ``""`` or a valid key followed by ``/``."""
    if prefix != "":
        if not isinstance(prefix, str) or not prefix.endswith("/"):
            raise ValueError(f"a key prefix is empty or ends with '/': {prefix!r}")
        validate_key(prefix[:-1])
    return prefix


def validate_sha256(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.lower()
    if not _SHA256_RE.match(value):
        raise ValueError(f"not a hex SHA-256 digest: {value!r}")
    return value


def validate_range(offset: int, length: int | None) -> None:
    if offset < 0:
        raise ValueError("offset must not be negative")
    if length is not None and length < 0:
        raise ValueError("length must not be negative")


def resolve_range(size: int, offset: int, length: int | None) -> int:
    """Number of bytes a read of ``(offset, length)`` returns; S3's rules for ranges.

    A plain read (offset 0, no length) of any object is fine; a range must start inside
    the object (else :class:`InvalidRange`) and is cut at its end.
    """
    if offset == 0 and length is None:
        return size
    if length == 0:
        return 0
    if offset >= size:
        raise InvalidRange(f"range starts at {offset} but the object has {size} bytes")
    end = size if length is None else min(size, offset + length)
    return end - offset


def check_retention_change(
    current: Retention | None, new: Retention, now: datetime | None = None
) -> None:
    """Raise :class:`RetentionError` unless ``new`` may replace ``current``.

    While ``current`` is in force: the date may only stay or move later, and COMPLIANCE
    cannot become GOVERNANCE. A new retention must end in the future.
    """
    now = now or utcnow()
    if not new.in_force(now):
        raise RetentionError(f"retention must end in the future, not {new.until.isoformat()}")
    if current is None or not current.in_force(now):
        return
    if new.until < current.until:
        raise RetentionError(
            f"retention can only be extended: {current.mode} until "
            f"{current.until.isoformat()} cannot be shortened to {new.until.isoformat()}"
        )
    if current.mode == COMPLIANCE and new.mode != COMPLIANCE:
        raise RetentionError(
            f"COMPLIANCE retention (until {current.until.isoformat()}) cannot be changed "
            f"to {new.mode}"
        )


def lock_error(
    key: str,
    version_id: str,
    retention: Retention | None,
    legal_hold: bool,
    *,
    bypass_governance: bool,
    now: datetime | None = None,
) -> ObjectLocked | None:
    """The :class:`ObjectLocked` a deletion would meet, or None if it is allowed."""
    retained = retention is not None and retention.in_force(now)
    if retained and retention.mode == GOVERNANCE and bypass_governance:  # type: ignore[union-attr]
        retained = False
    if not (retained or legal_hold):
        return None
    return ObjectLocked(
        key,
        version_id,
        mode=retention.mode if retained else None,  # type: ignore[union-attr]
        until=retention.until if retained else None,  # type: ignore[union-attr]
        legal_hold=legal_hold,
    )
