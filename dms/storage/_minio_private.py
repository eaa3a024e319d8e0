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
