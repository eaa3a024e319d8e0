"""Every call ``S3ObjectStore`` makes into the ``minio`` SDK's private API, in one place.

minio 7.2.20's public ``Minio`` methods cannot send a few requests Kiroku needs; each
function below says why. They go through the SDK's own private methods rather than a
second HTTP client, so signing, region lookup, the tuned connection pool, retries and
``S3Error`` parsing stay the SDK's. Private methods may change in any release: minio is
pinned at :data:`MINIO_VERSION`, and ``tests/storage/test_minio_private.py`` checks that
version and every private signature used here, and runs each function against a real S3
server, so an upgrade fails there first and names what to re-check.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from minio import Minio
from minio.datatypes import Part
from minio.helpers import genheaders, md5sum_hash
from minio.retention import Retention
from minio.xml import marshal

MINIO_VERSION = "7.2.20"  # the release these calls were checked against

BYPASS_HEADER = "x-amz-bypass-governance-retention"


def _bypass(bypass_governance: bool) -> dict[str, str]:
    return {BYPASS_HEADER: "true"} if bypass_governance else {}


def object_lock_configuration(client: Minio, bucket: str) -> bytes:
    """The bucket's ``GetObjectLockConfiguration`` answer, as raw XML.

    ``Minio.get_object_lock_config`` drops ``ObjectLockEnabled``, the one field Kiroku
    needs, and its parser rejects the empty ``<Rule/>`` that versitygw returns.
    """
    return client._execute("GET", bucket, query_params={"object-lock": ""}).data


def server_header(client: Minio, bucket: str) -> str | None:
    """The ``Server`` header of a HEAD on the bucket: which S3 implementation answers.

    ``Minio.bucket_exists`` sends the same request but returns only a bool.
    """
    return client._execute("HEAD", bucket).headers.get("Server")


def delete_version(
    client: Minio, bucket: str, key: str, version_id: str, *, bypass_governance: bool
) -> None:
    """Delete one version of ``key``, bypassing GOVERNANCE retention when asked.

    ``Minio.remove_object`` cannot send the bypass header; only the batch
    ``remove_objects`` can, with another request that reports refusals per object instead
    of raising ``S3Error``.
    """
    client._execute(
        "DELETE",
        bucket,
        key,
        headers=_bypass(bypass_governance) or None,
        query_params={"versionId": version_id},
    )


def put_retention(
    client: Minio,
    bucket: str,
    key: str,
    version_id: str,
    retention: Retention,
    *,
    bypass_governance: bool,
) -> None:
    """Set a version's retention, sending the GOVERNANCE bypass header when asked.

    S3 treats GOVERNANCE -> COMPLIANCE as an override that needs the header, which
    ``Minio.set_object_retention`` cannot send; otherwise the request is the one it sends.
    """
    body = marshal(retention)
    client._execute(
        "PUT",
        bucket,
        key,
        body=body,
        headers={**_bypass(bypass_governance), "Content-MD5": md5sum_hash(body) or ""},
        query_params={"versionId": version_id, "retention": ""},
    )


# --- multipart upload -----------------------------------------------------------------
# Minio has no public multipart calls: ``put_object`` runs a whole upload itself, and
# ``S3ObjectStore._put_parts`` says why Kiroku runs its own (no extra copies of each part,
# no abort while parts are still in flight).


def create_multipart_upload(
    client: Minio,
    bucket: str,
    key: str,
    *,
    content_type: str,
    metadata: dict[str, str],
    retention: Retention | None,
    legal_hold: bool,
) -> str:
    """Start a multipart upload of ``key`` with its metadata and lock; returns the upload id.

    The headers come from ``genheaders``, as in ``put_object``, so a multipart upload is
    stored with the same metadata and lock headers as a single put.
    """
    headers = genheaders(metadata, None, None, retention, legal_hold)  # type: ignore[arg-type]
    headers["Content-Type"] = content_type
    return client._create_multipart_upload(bucket, key, headers)


def upload_part(
    client: Minio, bucket: str, key: str, upload_id: str, number: int, data: bytes
) -> str:
    """Send part ``number`` (from 1) of an upload, as it is (no copy); returns its ETag."""
    return client._upload_part(bucket, key, data, None, upload_id, number)


def complete_multipart_upload(
    client: Minio, bucket: str, key: str, upload_id: str, etags: list[str]
) -> str | None:
    """Join the parts (their ETags in part order) into one version; returns its id."""
    parts = [Part(number, etag) for number, etag in enumerate(etags, start=1)]
    return client._complete_multipart_upload(bucket, key, upload_id, parts).version_id


def abort_multipart_upload(client: Minio, bucket: str, key: str, upload_id: str) -> None:
    """Drop an upload and the parts already sent."""
    client._abort_multipart_upload(bucket, key, upload_id)


# --- listings the SDK cannot parse or page ----------------------------------------------
# Parsed here with ElementTree, namespace-agnostic, and with timestamps of any precision:
# versitygw writes nanoseconds (``2026-12-04T16:13:33.618971189Z``) in a delete marker's
# LastModified, which minio's parser (``%Y-%m-%dT%H:%M:%S.%fZ``) rejects with ValueError.


@dataclass(frozen=True)
class ListedVersion:
    key: str
    version_id: str
    is_latest: bool
    is_delete_marker: bool


@dataclass(frozen=True)
class IncompleteUpload:
    key: str
    upload_id: str
    initiated: datetime | None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _text(element: ET.Element, name: str) -> str:
    for child in element:
        if _local(child.tag) == name:
            return child.text or ""
    return ""


def parse_s3_time(value: str) -> datetime | None:
    """An S3 timestamp with any number of fractional digits (Python keeps six)."""
    if not value:
        return None
    value = re.sub(r"(\.\d{6})\d+", r"\1", value.strip()).replace("Z", "+00:00")
    return datetime.fromisoformat(value)


def list_object_versions(client: Minio, bucket: str, prefix: str) -> Iterator[ListedVersion]:
    """Every version and delete marker under ``prefix``, page after page.

    ``Minio.list_objects(include_version=True)`` raises ValueError on versitygw's delete
    markers (see above), so the ``ListObjectVersions`` answer is read here.
    """
    markers: dict[str, str] = {}
    while True:
        root = ET.fromstring(
            client._execute(
                "GET", bucket, query_params={"versions": "", "prefix": prefix, **markers}
            ).data
        )
        for element in root:
            kind = _local(element.tag)
            if kind in ("Version", "DeleteMarker"):
                yield ListedVersion(
                    key=_text(element, "Key"),
                    version_id=_text(element, "VersionId"),
                    is_latest=_text(element, "IsLatest").lower() == "true",
                    is_delete_marker=kind == "DeleteMarker",
                )
        if _text(root, "IsTruncated").lower() != "true":
            return
        markers = {
            "key-marker": _text(root, "NextKeyMarker"),
            "version-id-marker": _text(root, "NextVersionIdMarker"),
        }


def list_multipart_uploads(client: Minio, bucket: str) -> Iterator[IncompleteUpload]:
    """Every multipart upload begun in ``bucket`` and neither completed nor aborted.

    The SDK has no public call for it; its private ``_list_multipart_uploads`` stores the
    next upload-id marker under a misspelt attribute, so it cannot page.
    """
    markers: dict[str, str] = {}
    while True:
        root = ET.fromstring(
            client._execute("GET", bucket, query_params={"uploads": "", **markers}).data
        )
        for element in root:
            if _local(element.tag) == "Upload":
                yield IncompleteUpload(
                    key=_text(element, "Key"),
                    upload_id=_text(element, "UploadId"),
                    initiated=parse_s3_time(_text(element, "Initiated")),
                )
        if _text(root, "IsTruncated").lower() != "true":
            return
        markers = {
            "key-marker": _text(root, "NextKeyMarker"),
            "upload-id-marker": _text(root, "NextUploadIdMarker"),
        }
