"""Helpers for the object-store tests: streams of known content, and the raw S3 server."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
from datetime import UTC, datetime
from urllib.parse import urlsplit

MiB = 1024 * 1024


def now() -> datetime:
    return datetime.now(UTC)


def pseudo_random(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


class GeneratorReader:
    """A file-like object over a generator: no length, no seek, uneven chunk sizes."""

    def __init__(self, total: int, seed: int = 1, fail_after: int | None = None):
        self._chunks = self._generate(total, seed, fail_after)
        self._buffer = b""
        self.digest = hashlib.sha256()
        self.max_buffered = 0

    def _generate(self, total, seed, fail_after):
        rng = random.Random(seed)
        sent = 0
        while sent < total:
            if fail_after is not None and sent >= fail_after:
                raise RuntimeError("scanner connection lost")
            chunk = rng.randbytes(min(total - sent, rng.randint(1, 3 * MiB)))
            sent += len(chunk)
            yield chunk

    def read(self, n: int = -1) -> bytes:
        assert n is not None and n > 0, "the store must read in bounded chunks"
        while not self._buffer:
            try:
                self._buffer = next(self._chunks)
            except StopIteration:
                return b""
            self.digest.update(self._buffer)
        data, self._buffer = self._buffer[:n], self._buffer[n:]
        return data


# --- the real S3 server, below the protocol ------------------------------------------

TEST_BUCKET_PREFIX = "kiroku-test-"


def s3_config_for(bucket: str, **extra: object) -> dict:
    """A store configuration with Kiroku's own (least-privilege) account."""
    return {
        "BACKEND": "s3",
        "ENDPOINT": os.environ["KIROKU_S3_ENDPOINT"],
        "ACCESS_KEY": os.environ.get("KIROKU_S3_ACCESS_KEY", ""),
        "SECRET_KEY": os.environ.get("KIROKU_S3_SECRET_KEY", ""),
        "REGION": os.environ.get("KIROKU_S3_REGION", "us-east-1"),
        "BUCKET": bucket,
        **extra,
    }


def root_credentials() -> tuple[str, str]:
    """The server's root account (``scripts/services.sh env``): creates and cleans up the
    test buckets. Without one configured, the app's account is taken for it."""
    return (
        os.environ.get("KIROKU_S3_ROOT_ACCESS_KEY") or os.environ.get("KIROKU_S3_ACCESS_KEY", ""),
        os.environ.get("KIROKU_S3_ROOT_SECRET_KEY") or os.environ.get("KIROKU_S3_SECRET_KEY", ""),
    )


def root_config_for(bucket: str) -> dict:
    access, secret = root_credentials()
    return {**s3_config_for(bucket), "ACCESS_KEY": access, "SECRET_KEY": secret}


def client_for(access_key: str | None, secret_key: str | None):
    """A plain minio client on the test server, to check what the server itself does."""
    from minio import Minio

    parts = urlsplit(os.environ["KIROKU_S3_ENDPOINT"])
    return Minio(
        parts.netloc,
        access_key=access_key,
        secret_key=secret_key,
        secure=parts.scheme == "https",
        region=os.environ.get("KIROKU_S3_REGION", "us-east-1"),
    )


def raw_client():
    """A plain minio client with the root account."""
    return client_for(*root_credentials())


def app_client():
    """A plain minio client with Kiroku's own account."""
    environ = os.environ
    return client_for(environ.get("KIROKU_S3_ACCESS_KEY"), environ.get("KIROKU_S3_SECRET_KEY"))


#: What Kiroku's account may do in its bucket (scripts/services/s3.sh sets the same policy
#: on the ``kiroku`` bucket; docker/minio/kiroku-app-policy.json is MinIO's equivalent).
APP_ACTIONS = [
    "s3:ListBucket",
    "s3:ListBucketVersions",
    "s3:GetBucketVersioning",
    "s3:GetBucketObjectLockConfiguration",
    "s3:GetBucketLocation",
    "s3:ListBucketMultipartUploads",
    "s3:ListMultipartUploadParts",
    "s3:AbortMultipartUpload",
    "s3:PutObject",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "s3:DeleteObjectVersion",
    "s3:GetObjectTagging",
    "s3:GetObjectVersionTagging",
    "s3:PutObjectTagging",
    "s3:PutObjectVersionTagging",
    "s3:GetObjectRetention",
    "s3:PutObjectRetention",
    "s3:GetObjectLegalHold",
    "s3:PutObjectLegalHold",
]


def grant_governance_bypass(client, bucket: str) -> None:
    """Set the bucket policy: the root account may bypass GOVERNANCE retention (to clean
    up), Kiroku's account gets :data:`APP_ACTIONS` and nothing else.

    AWS and MinIO grant s3:BypassGovernanceRetention through the user's IAM policy (the
    root/admin user has it). versitygw checks it only against the *bucket policy*, even for
    its root account, so without this statement every bypass is refused. A non-admin
    versitygw account reaches a bucket it does not own only through this policy.
    """
    root, _secret = root_credentials()
    app = os.environ.get("KIROKU_S3_ACCESS_KEY", "")
    statements = [
        {
            "Effect": "Allow",
            "Principal": {"AWS": [root]},
            "Action": ["s3:BypassGovernanceRetention"],
            "Resource": [f"arn:aws:s3:::{bucket}/*"],
        }
    ]
    if app and app != root:
        statements.append(
            {
                "Effect": "Allow",
                "Principal": {"AWS": [app]},
                "Action": APP_ACTIONS,
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            }
        )
    client.set_bucket_policy(bucket, json.dumps({"Version": "2012-10-17", "Statement": statements}))


def open_multipart_uploads(client, bucket: str, key: str) -> list[str]:
    """The keys of the multipart uploads begun and neither completed nor aborted.

    Through a private minio method (the SDK has no public listing of uploads);
    ``test_minio_private.py`` checks its signature with the store's own private calls.
    """
    return [
        upload.object_name for upload in client._list_multipart_uploads(bucket, prefix=key).uploads
    ]


def empty_bucket(client, bucket: str) -> None:
    """Delete every version that may be deleted, then the bucket if it is empty."""
    from minio.error import S3Error

    from dms.storage import _minio_private as sdk

    with contextlib.suppress(S3Error):
        # not Minio.list_objects: it fails on versitygw's delete markers
        for obj in list(sdk.list_object_versions(client, bucket, "")):
            with contextlib.suppress(S3Error):
                if not obj.is_delete_marker:
                    client.disable_object_legal_hold(bucket, obj.key, obj.version_id)
            with contextlib.suppress(S3Error):
                sdk.delete_version(client, bucket, obj.key, obj.version_id, bypass_governance=True)
        for upload in sdk.list_multipart_uploads(client, bucket):
            with contextlib.suppress(S3Error):
                sdk.abort_multipart_upload(client, bucket, upload.key, upload.upload_id)
        client.remove_bucket(bucket)
