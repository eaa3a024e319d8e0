"""Accepting a file: store the original, then record it, in that order, all or nothing.

The original is streamed to the object store first, under a fresh key, while its SHA-256
is computed. Then :mod:`dms.documents.lifecycle` records it (Document or Version, the
processing job, the audit entry) in one database transaction opened by :func:`recording`.
If that transaction fails the just-written object is removed again, so nothing half-made
remains; if the same bytes were stored before, the new copy is dropped and the version
points at the existing blob (content addressing).

Locking (docs/security.md, "Object storage"): an original is stored under a short
*quarantine* retention (``UPLOAD_QUARANTINE_SECONDS``, in the store's default mode), so it
is locked from its first byte; once recorded, its processing job (written in the same
transaction, retried until it succeeds) locks it for the store's default retention
(:func:`lock_original`) before anything else. Not on the request path: the S3 round trips
(read, then extend the retention) cost an upload more than its whole database work, and
the quarantine already locks it meanwhile; ``retention_check`` repairs a lock found short.
An upload that is not recorded cannot be deleted during its quarantine, even by Kiroku:
:func:`discard` has a job remove it when the quarantine ends. Nobody needs the right to
bypass a retention.
"""

from __future__ import annotations

import contextlib
import logging
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone

from dms.documents import media
from dms.documents.models import Blob
from dms.errors import ApiError
from dms.storage import (
    ObjectLocked,
    ObjectNotFound,
    ObjectStore,
    ObjectStoreError,
    PutResult,
    Retention,
    get_object_store,
)

logger = logging.getLogger(__name__)

MAX_FILENAME_CHARS = 200


class IngestError(ApiError):
    """A file that cannot be accepted; ``status`` is the HTTP status to answer with."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, message_en: str = ""):
        super().__init__(type(self).code, message, message_en)


class EmptyFile(IngestError):
    code = "empty_file"


class UnsupportedMediaType(IngestError):
    status_code = 415
    code = "unsupported_media_type"


class FileTooLarge(IngestError):
    status_code = 413
    code = "file_too_large"


class StoreDown(IngestError):
    status_code = 503
    code = "object_store_unavailable"


class DatabaseDown(IngestError):
    status_code = 503
    code = "database_unavailable"


@dataclass(frozen=True)
class StoredOriginal:
    """An original written to the object store but not yet recorded."""

    put: PutResult
    media_type: str
    filename: str
    retention: Retention | None = None  # the quarantine it was stored under


def original_key(media_type: str) -> str:
    """A fresh key, whose suffix is the type the bytes were found to be (not the name's)."""
    return f"originals/{uuid.uuid4().hex}{media.EXTENSIONS[media_type]}"


def clean_filename(name: str) -> str:
    """A safe display name: no path, no control characters, bounded length."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C").strip(" .")
    if len(name) > MAX_FILENAME_CHARS:
        stem, dot, ext = name.rpartition(".")
        keep = ext if dot and len(ext) <= 10 else ""
        name = (stem if keep else name)[: MAX_FILENAME_CHARS - len(keep) - 1] + (
            f".{keep}" if keep else ""
        )
    return name or "document"


def check_media(head: bytes) -> str:
    if not head:
        raise EmptyFile("ファイルが空です (0 バイト)。", "The file is empty (0 bytes).")
    media_type = media.sniff(head)
    if media_type is None:
        raise UnsupportedMediaType(media.UNSUPPORTED_MESSAGE, media.UNSUPPORTED_MESSAGE_EN)
    return media_type


def store_original(stream, *, filename: str, length: int | None = None) -> StoredOriginal:
    """Stream a file to the object store after checking what it is and how big it is."""
    reader = _CheckedReader(stream, limit=settings.UPLOAD_MAX_BYTES)
    media_type = check_media(reader.peek(media.SNIFF_BYTES))
    store = get_object_store()
    quarantined = quarantine(store)
    try:
        put = store.put(
            original_key(media_type),
            reader,
            length=length,
            content_type=media_type,
            retention=quarantined,
        )
    except ObjectStoreError as exc:
        if isinstance(exc.__cause__ or exc.__context__, FileTooLarge):
            raise (exc.__cause__ or exc.__context__) from None
        raise StoreDown(
            "文書保管庫に接続できません。しばらくしてから再度お試しください。",
            "The object store cannot be reached. Please try again later.",
        ) from exc
    return StoredOriginal(
        put=put, media_type=media_type, filename=clean_filename(filename), retention=quarantined
    )


def too_large() -> FileTooLarge:
    limit_mb = settings.UPLOAD_MAX_BYTES // (1024 * 1024)
    return FileTooLarge(
        f"ファイルが大きすぎます (上限 {limit_mb} MB)。",
        f"The file is too large (limit {limit_mb} MB).",
    )


def quarantine(store: ObjectStore) -> Retention | None:
    """The retention of an upload until it is recorded: the default mode, but short."""
    rule = store.default_retention
    if rule is None:
        return None
    length = min(timedelta(seconds=settings.UPLOAD_QUARANTINE_SECONDS), rule.period)
    return Retention(rule.mode, timezone.now() + length)


def lock_original(blob: Blob) -> None:
    """Lock a recorded original for the store's default retention from when it was stored.

    Idempotent, and never shortens or weakens a retention set since (the retention work
    extends it per document). Same-mode extension of the quarantine: no bypass needed.
    """
    store = get_object_store()
    rule = store.default_retention
    if rule is None:
        return
    wanted = rule.from_(blob.created_at)
    current = store.get_retention(blob.key, blob.store_version_id)
    if current is not None and current.in_force():
        if current.until >= wanted.until:
            return
        # extended in its own mode: changing the mode would need the bypass right
        wanted = Retention(current.mode, wanted.until)
    if wanted.in_force():
        store.set_retention(blob.key, blob.store_version_id, wanted)


def discard(stored: StoredOriginal) -> None:
    """Remove an upload that was not recorded: at once if the store lets it, else (under
    its quarantine) by a job when the quarantine ends. Best effort: failures are logged
    and the orphan sweep finds what is left."""
    key, version_id = stored.put.key, stored.put.version_id
    try:
        get_object_store().delete_version(key, version_id)
        return
    except ObjectLocked as locked:
        ends = None if locked.legal_hold else locked.until
    except ObjectStoreError:
        logger.exception("could not remove unrecorded object %s", key)
        return
    if ends is None:  # pragma: no cover - never on a fresh upload
        logger.error("unrecorded object %s %s is on hold; not removed", key, version_id)
        return
    from dms.documents.tasks import remove_unrecorded

    try:
        remove_unrecorded.using(run_after=ends + timedelta(seconds=1)).enqueue(key, version_id)
    except Exception:
        logger.exception("could not schedule the removal of unrecorded object %s", key)


def remove_unrecorded(key: str, version_id: str) -> None:
    """Delete a discarded upload once its quarantine is over (the job's work).

    Never one a blob points at (a commit whose answer was lost did record it); raises
    ``ObjectLocked`` while it is still locked, so the job is retried.
    """
    if Blob.objects.filter(key=key, store_version_id=version_id).exists():
        return
    with contextlib.suppress(ObjectNotFound):  # removed by an earlier attempt
        get_object_store().delete_version(key, version_id)


def _blob_for(stored: StoredOriginal) -> tuple[Blob, bool]:
    """The blob of these bytes, and whether this upload made it.

    ``INSERT … ON CONFLICT DO NOTHING RETURNING id``: one round trip for new bytes (the
    common case), a second read only when the bytes were stored before. No savepoint, and
    two uploads of the same new bytes at once still end with one blob (the other copy is
    discarded after the commit). Raw SQL because the ORM's ``bulk_create`` returns no id
    for a conflict it ignored; PostgreSQL and SQLite (3.35+) both speak it.
    """
    blob = Blob(
        sha256=stored.put.sha256,
        key=stored.put.key,
        store_version_id=stored.put.version_id,
        size=stored.put.size,
        media_type=stored.media_type,
        created_at=timezone.now(),
    )
    columns = ["sha256", "key", "store_version_id", "size", "media_type", "created_at"]
    connection = connections[Blob.objects.db]
    quote = connection.ops.quote_name
    fields = [Blob._meta.get_field(name) for name in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(Blob._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "
            f"VALUES ({', '.join(['%s'] * len(columns))}) "
            f"ON CONFLICT ({quote('sha256')}) DO NOTHING RETURNING {quote('id')}",
            [field.get_db_prep_save(getattr(blob, field.attname), connection) for field in fields],
        )
        inserted = cursor.fetchone()
    if inserted:
        blob.pk = inserted[0]
        blob._state.adding, blob._state.db = False, connection.alias
        return blob, True
    return Blob.objects.get(sha256=stored.put.sha256), False


@contextlib.contextmanager
def recording(stored: StoredOriginal):
    """One transaction that records ``stored``; yields ``(blob, is_new_blob)``.

    If the transaction fails, the stored object is removed again. If the same bytes were
    stored before, the new copy is removed after the commit and the blob is shared.
    """
    try:
        with transaction.atomic():
            blob, new_blob = _blob_for(stored)
            yield blob, new_blob
    except Exception:
        discard(stored)
        raise
    if not new_blob:
        discard(stored)


class _CheckedReader:
    """Wraps a stream: lets the first bytes be peeked and stops past the size limit."""

    def __init__(self, stream, *, limit: int):
        self._stream = stream
        self._limit = limit
        self._peeked = b""
        self.read_bytes = 0

    def peek(self, n: int) -> bytes:
        while len(self._peeked) < n:
            chunk = self._stream.read(n - len(self._peeked))
            if not chunk:
                break
            self._peeked += chunk
        return self._peeked[:n]

    def read(self, n: int = -1) -> bytes:
        if self._peeked:
            data = self._peeked if n < 0 else self._peeked[:n]
            self._peeked = self._peeked[len(data) :]
        else:
            data = self._stream.read(n)
        self.read_bytes += len(data)
        if self.read_bytes > self._limit:
            raise too_large()
        return data
