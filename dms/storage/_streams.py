"""Stream helpers shared by the object-store implementations (not public)."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable, Iterator
from typing import Any

from .base import ChecksumMismatch


class IterableReader:
    """``read(n)`` over an iterable of byte chunks (a generator, ``UploadedFile.chunks()``)."""

    def __init__(self, chunks: Iterable[bytes]):
        self._chunks: Iterator[bytes] = iter(chunks)
        self._buffer = b""
        self._done = False

    def read(self, n: int = -1) -> bytes:
        if n is None or n < 0:
            rest = [self._buffer, *self._chunks]
            self._buffer, self._done = b"", True
            return b"".join(bytes(c) for c in rest)
        while not self._buffer and not self._done:
            try:
                self._buffer = bytes(next(self._chunks))
            except StopIteration:
                self._done = True
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data


def as_reader(stream: Any) -> Any:
    """Accept a binary file-like object, bytes, or an iterable of bytes."""
    if isinstance(stream, bytes | bytearray | memoryview):
        return io.BytesIO(bytes(stream))
    if isinstance(stream, str):
        raise TypeError("object data must be bytes, not str")
    if callable(getattr(stream, "read", None)):
        return stream
    if isinstance(stream, Iterable):
        return IterableReader(stream)
    raise TypeError(f"cannot read object data from {type(stream).__name__}")


class HashingReader:
    """Reads a source, computing SHA-256 and size; checks them when the source ends.

    With ``length`` it never reads past ``length`` bytes, then peeks one more byte to make
    sure the source really ended. The checks run inside the ``read`` that reaches the end,
    so a consumer (minio's uploader, the local writer) aborts before committing anything.
    """

    def __init__(self, source: Any, *, length: int | None, expected_sha256: str | None):
        if length is not None and length < 0:
            raise ValueError("length must not be negative")
        self._source = source
        self._length = length
        self._expected = expected_sha256
        self._hash = hashlib.sha256()
        self.size = 0
        self.finished = False
        self.sha256: str | None = None

    def read(self, n: int = -1) -> bytes:
        if self.finished:
            return b""
        if n is None or n < 0:
            n = 1 << 62
        if self._length is not None:
            n = min(n, self._length - self.size)
            if n == 0:
                self._finish()
                return b""
        data = self._source.read(n)
        if not data:
            self._finish()
            return b""
        data = bytes(data)
        self._hash.update(data)
        self.size += len(data)
        if self._length is not None and self.size >= self._length:
            self._finish()
        return data

    def read_up_to(self, n: int) -> bytes:
        """Read until ``n`` bytes or the end of the source."""
        parts, got = [], 0
        while got < n:
            data = self.read(n - got)
            if not data:
                break
            parts.append(data)
            got += len(data)
        return b"".join(parts)

    def _finish(self) -> None:
        if self._length is not None:
            if self.size < self._length:
                raise ChecksumMismatch("length", self._length, self.size)
            if self._source.read(1):
                raise ChecksumMismatch("length", self._length, f"more than {self._length}")
        digest = self._hash.hexdigest()
        if self._expected is not None and digest != self._expected:
            raise ChecksumMismatch("sha256", self._expected, digest)
        self.sha256 = digest
        self.finished = True
