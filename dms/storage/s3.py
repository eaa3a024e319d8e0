"""``S3ObjectStore``: a versioned S3 bucket with Object Lock, through the ``minio`` SDK.

Runs unchanged on MinIO (production) and any S3 server with versioning and Object Lock.
The bucket is created with Object Lock (hence versioning) when missing; an existing bucket
without them is refused with :class:`StoreMisconfigured`. The server enforces retention
and legal holds; this class only checks retention changes beforehand (to give the same
errors as the local store) and turns SDK and connection errors into the protocol's
exceptions.

The SHA-256 of every version is stored as user metadata ``x-amz-meta-sha256`` when it is
known before the upload starts: when the caller passes ``expected_sha256`` (verified while
streaming) or when the whole object fits in the first part. For a larger stream of unknown
digest the metadata must be sent before the digest is known, so the digest is recorded
afterwards as the object tag ``sha256`` of that version (tags are per version and may be
set on locked versions); ``head`` reads either.

The few requests the SDK's public API cannot make (the GOVERNANCE bypass header, the
``Server`` header, the raw Object Lock configuration, single multipart part calls) go
through :mod:`._minio_private`, the one module that uses minio's private methods.

Where S3 servers differ (versitygw 1.7 posix, the test server, compared with AWS/MinIO),
this class makes them behave the same:

* HEAD of a non-latest version omits the ``x-amz-object-lock-*`` headers: when they are
  missing, retention and legal hold are fetched with their own requests.
* The server lets a version on legal hold be deleted once its retention has expired, and
  lets COMPLIANCE retention be *shortened* (same mode is accepted without a date check):
  ``delete_version`` and ``set_retention`` check the rules before calling the server.
* A GOVERNANCE bypass (and GOVERNANCE -> COMPLIANCE) is granted only by a bucket policy
  allowing ``s3:BypassGovernanceRetention``, even to the root account (AWS/MinIO: IAM);
  without it the server refuses and ``ObjectLocked`` says so.
* Deleting a version that does not exist answers NoSuchVersion (AWS: 204): the version is
  looked up first, so both give ``ObjectNotFound``.
* ``GetObjectLockConfiguration`` returns an empty ``<Rule/>`` that minio's parser rejects:
  the XML is read directly.
* Keys map to files, so ``a`` and ``a/b`` cannot both exist (MinIO has the same limit):
  reported as an ObjectStoreError naming the conflict.
* The ``Server`` header is ``VERSITYGW`` with no version number (MinIO: ``MinIO``).
* The bucket's default retention rule is not applied to new versions (it only refuses
  every delete for its period after the rule was set): ``put`` sends the store's
  ``default_retention`` with each version instead, as MinIO would apply it.
* Only the bucket's owner may read its versioning state; Kiroku's account is not the
  owner (its rights come from the bucket policy), so Object Lock stands for versioning.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

import certifi
import urllib3
from minio import Minio
from minio.commonconfig import Tags
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError
from minio.retention import Retention as MinioRetention

from . import _minio_private as sdk
from ._streams import HashingReader, as_reader
from .base import (
    COMPLIANCE,
    GOVERNANCE,
    UNKNOWN,
    DefaultRetention,
    InvalidRange,
    ObjectInfo,
    ObjectLocked,
    ObjectNotFound,
    ObjectReader,
    ObjectStoreError,
    PutResult,
    Retention,
    RetentionError,
    StoreMisconfigured,
    StoreUnavailable,
    check_retention_change,
    lock_error,
    resolve_range,
    utcnow,
    validate_key,
    validate_prefix,
    validate_range,
    validate_sha256,
)

log = logging.getLogger(__name__)

SHA256_META = "x-amz-meta-sha256"
SHA256_TAG = "sha256"
MAX_PARTS = 10_000
MIN_PART_SIZE = 5 * 1024 * 1024

_NOT_FOUND = {"NoSuchKey", "NoSuchVersion", "NoSuchObject", "ResourceNotFound"}
_UNAVAILABLE = {"ServiceUnavailable", "SlowDown", "InternalError", "RequestTimeout"}
_BAD_CREDENTIALS = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "AuthorizationHeaderMalformed",
    "XAdminUserNotFound",  # versitygw: unknown access key
}
_PATH_CONFLICT = {
    "ObjectParentIsFile",
    "ExistingObjectIsDirectory",
    "XMinioParentIsObject",
    "XMinioObjectExistsAsDirectory",
}
_NO_LOCK_CONFIG = {
    "NoSuchObjectLockConfiguration",
    "ObjectLockConfigurationNotFoundError",
    "InvalidRequest",
}


def _parse_time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class _S3Reader(ObjectReader):
    def __init__(self, response: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self._response = response

    def _read_raw(self, n: int) -> bytes:
        if self._response is None:
            return b""
        try:
            return self._response.read(n)
        except urllib3.exceptions.HTTPError as exc:
            raise StoreUnavailable(f"reading {self.key!r} failed: {exc}") from exc

    def _close_raw(self) -> None:
        if self._response is not None:
            self._response.close()
            self._response.release_conn()


class S3ObjectStore:
    """Object store on a versioned S3 bucket with Object Lock (MinIO, AWS, versitygw...)."""

    backend = "s3"

    def __init__(
        self,
        endpoint: str,
        access_key: str | None,
        secret_key: str | None,
        bucket: str,
        region: str = "us-east-1",
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 60.0,
        part_size: int = MIN_PART_SIZE,  # parts in flight hold little memory
        parallel_parts: int = 3,
        cert_check: bool = True,
        default_retention: DefaultRetention | None = None,
    ):
        if "://" not in endpoint:
            endpoint = "https://" + endpoint
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"S3 endpoint must be http(s)://host[:port], not {endpoint!r}")
        if part_size < MIN_PART_SIZE:
            raise ValueError(f"part size must be at least {MIN_PART_SIZE} bytes")
        self.endpoint = f"{parts.scheme}://{parts.netloc}"
        self.bucket = bucket
        self.region = region
        self.part_size = part_size
        self.parallel_parts = parallel_parts
        self.default_retention = default_retention
        # Few, fast retries: a server that is down must give a quick 503, not a hang.
        http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout),
            maxsize=10,
            cert_reqs="CERT_REQUIRED" if cert_check else "CERT_NONE",
            ca_certs=os.environ.get("SSL_CERT_FILE") or certifi.where(),
            retries=urllib3.Retry(
                total=3,
                connect=1,
                read=1,
                status=2,
                backoff_factor=0.2,
                backoff_max=2,
                status_forcelist=[500, 502, 503, 504],
            ),
        )
        self._client = Minio(
            parts.netloc,
            access_key=access_key or None,
            secret_key=secret_key or None,
            secure=parts.scheme == "https",
            region=region,
            http_client=http,
            cert_check=cert_check,
        )
        self._ready = False
        self._ready_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"S3ObjectStore({self.endpoint!r}, bucket={self.bucket!r})"

    # --- errors ---------------------------------------------------------------------------

    def _map(self, exc: Exception, key: str | None, version_id: str | None) -> Exception:
        if isinstance(exc, S3Error):
            code, message = exc.code or "", exc.message or ""
            if code in _NOT_FOUND and key is not None:
                return ObjectNotFound(key, version_id)
            if code == "NoSuchBucket":
                self._ready = False
                return StoreMisconfigured(f"bucket {self.bucket!r} does not exist")
            if code in _UNAVAILABLE:
                return StoreUnavailable(f"S3 server at {self.endpoint} failed: {code} {message}")
            if code in _BAD_CREDENTIALS:
                return StoreMisconfigured(f"S3 credentials refused: {code} {message}")
            if code == "InvalidRange":
                return InvalidRange(f"{code}: {message}")
            if code in _PATH_CONFLICT:
                return ObjectStoreError(
                    f"{key!r} conflicts with an existing key used as its folder or vice versa "
                    f"({code}): S3 servers on a filesystem (MinIO, versitygw posix) cannot "
                    "store both 'a' and 'a/b'"
                )
            return ObjectStoreError(f"S3 error on {key or self.bucket!r}: {code} {message}")
        if isinstance(exc, ServerError):
            return StoreUnavailable(f"S3 server at {self.endpoint} failed: {exc}")
        if isinstance(exc, InvalidResponseError | ET.ParseError):
            # S3 always answers in XML: whatever answered is not (or no longer) the server
            return StoreUnavailable(f"no valid S3 answer from {self.endpoint}: {exc}"[:500])
        if isinstance(exc, urllib3.exceptions.HTTPError):
            return StoreUnavailable(f"S3 server at {self.endpoint} unreachable: {exc}")
        return exc

    @contextmanager
    def _errors(self, key: str | None = None, version_id: str | None = None) -> Iterator[None]:
        """Turn SDK and connection errors into the protocol's exceptions.

        Anything else (the caller's stream failing, ChecksumMismatch...) passes unchanged.
        """
        try:
            yield
        except (MinioException, urllib3.exceptions.HTTPError, ET.ParseError) as exc:
            mapped = self._map(exc, key, version_id)
            if mapped is exc:
                raise
            raise mapped from exc

    # --- bucket ---------------------------------------------------------------------------

    def _ensure_bucket(self) -> None:
        if self._ready:
            return
        with self._ready_lock, self._errors():
            if self._ready:
                return
            try:
                exists = self._client.bucket_exists(self.bucket)
            except S3Error as exc:
                if exc.code == "AccessDenied":  # HEAD has no body: bad keys look like this
                    raise StoreMisconfigured(
                        f"S3 server at {self.endpoint} denied access to bucket "
                        f"{self.bucket!r}: check the access key, secret key and permissions"
                    ) from exc
                raise
            if not exists:
                try:
                    self._client.make_bucket(self.bucket, object_lock=True)
                except S3Error as exc:
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise
            self._check_bucket()
            self._ready = True

    def _check_bucket(self) -> dict[str, Any]:
        try:
            versioning = self._client.get_bucket_versioning(self.bucket).status
        except S3Error as exc:
            # versitygw lets only the owner read it, and the app is not the owner (a
            # policy grants its rights): Object Lock, checked below, implies versioning
            # (S3 cannot suspend versioning on a locked bucket).
            if exc.code != "AccessDenied":
                raise
            versioning = "Enabled"
        try:
            root = ET.fromstring(sdk.object_lock_configuration(self._client, self.bucket))
            lock = "".join(
                el.text or "" for el in root.iter() if el.tag.endswith("ObjectLockEnabled")
            )
        except S3Error as exc:
            if exc.code not in _NO_LOCK_CONFIG:
                raise
            lock = ""
        if lock != "Enabled":
            raise StoreMisconfigured(
                f"bucket {self.bucket!r} does not have Object Lock enabled; Kiroku needs a "
                "bucket created with Object Lock (it cannot be turned on afterwards on most "
                "servers) - use a new bucket name and Kiroku will create it"
            )
        if versioning != "Enabled":
            raise StoreMisconfigured(
                f"bucket {self.bucket!r} has versioning {versioning or 'Off'}, not Enabled"
            )
        return {"versioning": True, "object_lock": True}

    # --- writing --------------------------------------------------------------------------

    def _part_size_for(self, length: int) -> int:
        needed = -(-length // MAX_PARTS)
        return max(self.part_size, -(-needed // MIN_PART_SIZE) * MIN_PART_SIZE)

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
        validate_key(key)
        expected_sha256 = validate_sha256(expected_sha256)
        if retention is not None and not retention.in_force():
            raise RetentionError(f"retention must end in the future: {retention.until}")
        self._ensure_bucket()
        reader = HashingReader(as_reader(stream), length=length, expected_sha256=expected_sha256)
        part_size = self.part_size if length is None else self._part_size_for(length)
        content_type = content_type or "application/octet-stream"
        if retention is None and self.default_retention is not None:
            # sent explicitly: versitygw does not apply the bucket's default rule to versions
            retention = self.default_retention.from_(utcnow())
        lock = MinioRetention(retention.mode, retention.until) if retention else None
        # Read the first part and one byte more: if the stream ends within the first part,
        # its digest is known (and checked) before anything is sent and goes into the
        # object's metadata; otherwise the first part is on its way while the next is read.
        first = reader.read_up_to(part_size)
        more = b"" if reader.finished else reader.read(1)
        if not more:
            with self._errors(key):
                result = self._client.put_object(
                    self.bucket,
                    key,
                    io.BytesIO(first),
                    len(first),
                    content_type=content_type,
                    metadata={"sha256": reader.sha256 or ""},  # type: ignore[arg-type]
                    retention=lock,
                    legal_hold=legal_hold,
                )
            version_id, tagged = result.version_id, True
        else:
            ahead = [first, more]
            del first  # _put_parts lets go of it once sent
            with self._errors(key):
                upload_id = sdk.create_multipart_upload(
                    self._client,
                    self.bucket,
                    key,
                    content_type=content_type,
                    metadata={"sha256": expected_sha256} if expected_sha256 else {},
                    retention=lock,
                    legal_hold=legal_hold,
                )
                version_id = self._put_parts(key, upload_id, ahead, reader, part_size)
            tagged = bool(expected_sha256)
        if not reader.finished or reader.sha256 is None:  # pragma: no cover - defensive
            raise ObjectStoreError(f"upload of {key!r} ended before its stream did")
        if not version_id:
            raise StoreMisconfigured(f"bucket {self.bucket!r} returned no version id")
        if not tagged:
            self._tag_sha256(key, version_id, reader.sha256)
        return PutResult(key=key, version_id=version_id, size=reader.size, sha256=reader.sha256)

    def _put_parts(
        self,
        key: str,
        upload_id: str,
        ahead: list[bytes],  # the first part and the byte after it
        reader: HashingReader,
        part_size: int,
    ) -> str | None:
        """Send the parts of upload ``upload_id``, reading the next while earlier ones go.

        Written here rather than left to ``Minio.put_object`` (which would take the stream
        too) for two reasons. Its unknown-length loop copies every part twice (a look-ahead
        byte glued on, then cut off): a fifth of the web worker's CPU on large uploads. And
        on failure it aborts the upload while parts may still be in flight on its threads;
        one landing after the abort revives the upload on some servers (versitygw),
        invisible yet holding storage. Here every part in flight has finished before the
        abort. The HashingReader raises ChecksumMismatch in the read that reaches the end,
        so a stream that is not what the caller said is never completed.
        """
        # Parts in flight overlap reading, hashing and sending; three (the SDK's default)
        # keep pace with a plain put (benchmarks/upload.py) and with 5 MiB parts the web
        # worker stays within its 50 MB memory budget (measured: 43 MiB).
        slots = threading.Semaphore(self.parallel_parts)

        def parts() -> Iterator[bytes]:
            yield ahead.pop(0)  # the first part (then let go of it)
            carry = ahead.pop(0)  # the byte read to see that more follows
            yield carry + reader.read_up_to(part_size - len(carry))
            while chunk := reader.read_up_to(part_size):
                yield chunk

        try:
            # Leaving the pool waits for every part in flight (never more than the slots,
            # so none is queued): after an error nothing can land after the abort.
            with ThreadPoolExecutor(self.parallel_parts, thread_name_prefix="s3-part") as pool:
                sent: list[Future] = []
                for number, chunk in enumerate(parts(), start=1):
                    slots.acquire()
                    for part in sent:
                        if part.done() and part.exception() is not None:
                            part.result()  # a part failed: stop reading, raise its error
                    part = pool.submit(
                        sdk.upload_part, self._client, self.bucket, key, upload_id, number, chunk
                    )
                    part.add_done_callback(lambda _part: slots.release())
                    sent.append(part)
                    del chunk, part
                etags = [part.result() for part in sent]
            return sdk.complete_multipart_upload(self._client, self.bucket, key, upload_id, etags)
        except BaseException:
            with contextlib.suppress(Exception):  # best effort: the original error wins
                sdk.abort_multipart_upload(self._client, self.bucket, key, upload_id)
            raise

    def _tag_sha256(self, key: str, version_id: str, digest: str) -> None:
        tags = Tags(for_object=True)
        tags[SHA256_TAG] = digest
        try:
            with self._errors(key, version_id):
                self._client.set_object_tags(self.bucket, key, tags, version_id=version_id)
        except ObjectStoreError:
            # The version is stored and the caller gets the digest; only head() loses it.
            log.warning("could not tag %s version %s with its sha256", key, version_id)

    # --- reading --------------------------------------------------------------------------

    def _stat(self, key: str, version_id: str | None) -> Any:
        with self._errors(key, version_id):
            try:
                return self._client.stat_object(self.bucket, key, version_id=version_id)
            except S3Error as exc:
                # HEAD has no body: a bad version id comes back as a bare 400
                if version_id and exc.code in ("BadRequest", "InvalidArgument"):
                    raise ObjectNotFound(key, version_id, exc.code) from exc
                raise

    def _info_from_stat(self, key: str, stat: Any, is_latest: bool) -> ObjectInfo:
        headers = stat.metadata or {}
        version_id = stat.version_id
        sha256 = headers.get(SHA256_META) or self._sha256_tag(key, version_id)
        # versitygw 1.7 leaves the object-lock headers out of HEAD for non-latest versions:
        # when they are missing, ask for retention and legal hold explicitly.
        mode = headers.get("x-amz-object-lock-mode")
        until = _parse_time(headers.get("x-amz-object-lock-retain-until-date"))
        if mode and until:
            retention: Retention | None = Retention(mode.upper(), until)  # type: ignore[arg-type]
        else:
            retention = self._get_retention(key, version_id, verify_exists=False)
        hold = headers.get("x-amz-object-lock-legal-hold")
        legal_hold = hold.upper() == "ON" if hold else self.get_legal_hold(key, version_id)
        return ObjectInfo(
            key=key,
            version_id=version_id,
            size=int(stat.size or 0),
            sha256=sha256 or None,
            content_type=stat.content_type or "application/octet-stream",
            last_modified=stat.last_modified,
            is_latest=is_latest,
            retention_mode=retention.mode if retention else None,
            retain_until=retention.until if retention else None,
            legal_hold=legal_hold,
        )

    def _sha256_tag(self, key: str, version_id: str) -> str | None:
        try:
            with self._errors(key, version_id):
                tags = self._client.get_object_tags(self.bucket, key, version_id=version_id)
        except ObjectNotFound:
            return None
        return (tags or {}).get(SHA256_TAG)

    def head(self, key: str, version_id: str | None = None) -> ObjectInfo:
        validate_key(key)
        self._ensure_bucket()
        stat = self._stat(key, version_id)
        if version_id is None:
            is_latest = True
        else:
            try:
                is_latest = self._stat(key, None).version_id == stat.version_id
            except ObjectNotFound:
                is_latest = False
        return self._info_from_stat(key, stat, is_latest)

    def exists(self, key: str, version_id: str | None = None) -> bool:
        try:
            validate_key(key)
            self._ensure_bucket()
            self._stat(key, version_id)
        except ObjectNotFound:
            return False
        return True

    def open(
        self,
        key: str,
        version_id: str | None = None,
        *,
        offset: int = 0,
        length: int | None = None,
    ) -> ObjectReader:
        validate_key(key)
        validate_range(offset, length)
        self._ensure_bucket()
        if length == 0:
            info = self.head(key, version_id)
            resolve_range(info.size, offset, length)
            return _S3Reader(
                None,
                key=key,
                version_id=info.version_id,
                size=info.size,
                offset=offset,
                length=0,
                content_type=info.content_type,
                sha256=info.sha256,
            )
        with self._errors(key, version_id):
            try:
                response = self._client.get_object(
                    self.bucket, key, offset=offset, length=length or 0, version_id=version_id
                )
            except S3Error as exc:
                if version_id and exc.code in ("BadRequest", "InvalidArgument"):
                    raise ObjectNotFound(key, version_id, exc.code) from exc
                raise
        headers = response.headers
        count = int(headers.get("content-length", "0"))
        content_range = headers.get("content-range")  # bytes a-b/size
        size = int(content_range.rsplit("/", 1)[1]) if content_range else count
        return _S3Reader(
            response,
            key=key,
            version_id=headers.get("x-amz-version-id") or version_id or "",
            size=size,
            offset=offset,
            length=count,
            content_type=headers.get("content-type") or "application/octet-stream",
            sha256=headers.get(SHA256_META),
        )

    def list_versions(self, key: str) -> list[ObjectInfo]:
        validate_key(key)
        self._ensure_bucket()
        with self._errors(key):
            # Not Minio.list_objects: it fails on versitygw's delete markers (the adapter
            # module says why); delete markers are no versions of the content anyway.
            listed = [
                version
                for version in sdk.list_object_versions(self._client, self.bucket, key)
                if version.key == key and not version.is_delete_marker
            ]
        infos = []
        for version in listed:
            try:
                stat = self._stat(key, version.version_id)
            except ObjectNotFound:  # deleted while listing
                continue
            infos.append(self._info_from_stat(key, stat, version.is_latest))
        # newest first: servers list a key's versions newest first; the sort (stable) only
        # guards against one that does not, and puts the latest version in front
        infos.sort(key=lambda info: (not info.is_latest, -info.last_modified.timestamp()))
        return infos

    def list_keys(self, prefix: str) -> Iterator[str]:
        validate_prefix(prefix)
        self._ensure_bucket()
        last = None
        with self._errors():
            # The adapter's listing, as in list_versions: minio's fails on delete markers.
            for version in sdk.list_object_versions(self._client, self.bucket, prefix):
                if version.is_delete_marker or version.key == last:
                    continue  # a key's versions come together
                last = version.key
                yield version.key

    # --- deleting and locking -------------------------------------------------------------

    def delete_version(self, key: str, version_id: str, *, bypass_governance: bool = False) -> None:
        validate_key(key)
        # S3 servers differ on a version that does not exist (AWS: 204, versitygw:
        # NoSuchVersion); head() gives ObjectNotFound everywhere. The lock is checked here
        # as well as by the server: versitygw 1.7 lets a version on legal hold be deleted
        # once its retention has expired.
        info = self.head(key, version_id)
        refusal = lock_error(
            key, version_id, info.retention, info.legal_hold, bypass_governance=bypass_governance
        )
        if refusal is not None:
            raise refusal
        with self._errors(key, version_id):
            try:
                sdk.delete_version(
                    self._client,
                    self.bucket,
                    key,
                    version_id,
                    bypass_governance=bypass_governance,
                )
            except S3Error as exc:
                if exc.code in _NOT_FOUND or not info.is_locked():
                    raise
                # e.g. GOVERNANCE bypass without the s3:BypassGovernanceRetention permission
                raise ObjectLocked(
                    key,
                    version_id,
                    mode=info.retention_mode,
                    until=info.retain_until,
                    legal_hold=info.legal_hold,
                    detail=f"the server refused: {exc.code} {exc.message}",
                ) from exc

    def get_retention(self, key: str, version_id: str) -> Retention | None:
        validate_key(key)
        self._ensure_bucket()
        return self._get_retention(key, version_id, verify_exists=True)

    def _get_retention(self, key: str, version_id: str, *, verify_exists: bool) -> Retention | None:
        with self._errors(key, version_id):
            try:
                found = self._client.get_object_retention(self.bucket, key, version_id=version_id)
            except S3Error as exc:
                if exc.code not in _NO_LOCK_CONFIG:
                    raise
                found = None
        if found is None or not found.mode or not found.retain_until_date:
            if verify_exists:
                self._stat(key, version_id)  # ObjectNotFound if there is no such version
            return None
        return Retention(found.mode, found.retain_until_date)  # type: ignore[arg-type]

    def set_retention(
        self, key: str, version_id: str, retention: Retention, *, current: Any = UNKNOWN
    ) -> None:
        if current is UNKNOWN:
            current = self.get_retention(key, version_id)
        else:
            validate_key(key)
            self._ensure_bucket()
        check_retention_change(current, retention)
        # S3 treats GOVERNANCE -> COMPLIANCE as an override needing the bypass (checked
        # above: it only strengthens). A same-mode extension needs none, so none is sent.
        bypass = bool(
            current
            and current.in_force()
            and (current.mode, retention.mode) == (GOVERNANCE, COMPLIANCE)
        )
        with self._errors(key, version_id):
            try:
                sdk.put_retention(
                    self._client,
                    self.bucket,
                    key,
                    version_id,
                    MinioRetention(retention.mode, retention.until),
                    bypass_governance=bypass,
                )
            except S3Error as exc:
                if exc.code in ("AccessDenied", "InvalidRequest", "InvalidArgument"):
                    raise RetentionError(
                        f"server refused retention {retention.mode} until "
                        f"{retention.until.isoformat()} on {key!r} {version_id}: "
                        f"{exc.code} {exc.message}"
                    ) from exc
                raise

    def set_legal_hold(self, key: str, version_id: str, on: bool) -> None:
        validate_key(key)
        self._ensure_bucket()
        with self._errors(key, version_id):
            if on:
                self._client.enable_object_legal_hold(self.bucket, key, version_id=version_id)
            else:
                self._client.disable_object_legal_hold(self.bucket, key, version_id=version_id)

    def get_legal_hold(self, key: str, version_id: str) -> bool:
        validate_key(key)
        self._ensure_bucket()
        with self._errors(key, version_id):
            return self._client.is_object_legal_hold_enabled(
                self.bucket, key, version_id=version_id
            )

    # --- incomplete multipart uploads ----------------------------------------------------
    # An outage in the middle of an upload can make its abort fail too: the parts stay on
    # the server, unseen, until a lifecycle rule, the server itself (MinIO: after 24 h) or
    # ``manage.py sweep_multipart_uploads`` aborts them.

    def incomplete_uploads(self) -> list[sdk.IncompleteUpload]:
        """Multipart uploads begun in the bucket and neither completed nor aborted."""
        self._ensure_bucket()
        with self._errors():
            return list(sdk.list_multipart_uploads(self._client, self.bucket))

    def abort_upload(self, upload: sdk.IncompleteUpload) -> None:
        with self._errors(upload.key):
            sdk.abort_multipart_upload(self._client, self.bucket, upload.key, upload.upload_id)

    # The bucket's lifecycle changes only with its setup: asked once per ten minutes, not on
    # every health call (load balancers call it every few seconds).
    _UPLOAD_EXPIRY_TTL = 600.0

    def _upload_expiry(self, server: str | None) -> str:
        """Who aborts forgotten multipart uploads here, for the health page."""
        cached = getattr(self, "_upload_expiry_cache", None)
        if cached is not None and time.monotonic() - cached[0] < self._UPLOAD_EXPIRY_TTL:
            return cached[1]
        answer = self._ask_upload_expiry(server)
        self._upload_expiry_cache = (time.monotonic(), answer)
        return answer

    def _ask_upload_expiry(self, server: str | None) -> str:
        try:
            config = self._client.get_bucket_lifecycle(self.bucket)
        except S3Error as exc:
            if exc.code != "NotImplemented":
                return f"lifecycle unreadable ({exc.code}): run sweep_multipart_uploads"
            config = None
            supported = False
        else:
            supported = True
        for rule in config.rules if config else []:
            abort = rule.abort_incomplete_multipart_upload
            if rule.status == "Enabled" and abort and abort.days_after_initiation is not None:
                return f"lifecycle rule: aborted after {abort.days_after_initiation} day(s)"
        if (server or "").lower().startswith("minio"):
            return "MinIO aborts them itself (MINIO_API_STALE_UPLOADS_EXPIRY, default 24h)"
        if not supported:
            return "no lifecycle support: run sweep_multipart_uploads daily"
        return "no lifecycle rule: run sweep_multipart_uploads daily"

    # --- health ---------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "status": "down",
            "backend": self.backend,
            "version": None,
            "detail": {"endpoint": self.endpoint, "bucket": self.bucket},
        }
        try:
            self._ensure_bucket()
            with self._errors():
                server = sdk.server_header(self._client, self.bucket)
                result["version"] = server or "unknown"
                result["detail"].update(self._check_bucket())
                result["detail"]["incomplete_uploads"] = self._upload_expiry(server)
            result["status"] = "ok"
        except Exception as exc:
            result["detail"]["error"] = f"{type(exc).__name__}: {exc}"
        return result
