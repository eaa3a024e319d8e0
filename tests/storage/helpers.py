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


def s3_config_for(bucket: str) -> dict[str, str]:
    return {
        "BACKEND": "s3",
        "ENDPOINT": os.environ["KIROKU_S3_ENDPOINT"],
        "ACCESS_KEY": os.environ.get("KIROKU_S3_ACCESS_KEY", ""),
        "SECRET_KEY": os.environ.get("KIROKU_S3_SECRET_KEY", ""),
        "REGION": os.environ.get("KIROKU_S3_REGION", "us-east-1"),
        "BUCKET": bucket,
    }


def raw_client():
    """A plain minio client on the test server, to check what the server itself does."""
    from minio import Minio

    parts = urlsplit(os.environ["KIROKU_S3_ENDPOINT"])
    return Minio(
        parts.netloc,
        access_key=os.environ.get("KIROKU_S3_ACCESS_KEY"),
        secret_key=os.environ.get("KIROKU_S3_SECRET_KEY"),
        secure=parts.scheme == "https",
        region=os.environ.get("KIROKU_S3_REGION", "us-east-1"),
    )


def grant_governance_bypass(client, bucket: str) -> None:
    """Let the test account bypass GOVERNANCE retention in ``bucket``.

    AWS and MinIO grant s3:BypassGovernanceRetention through the user's IAM policy (the
    root/admin user has it). versitygw checks it only against the *bucket policy*, even for
    its root account, so without this statement every bypass is refused.
    """
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": [os.environ.get("KIROKU_S3_ACCESS_KEY", "")]},
                "Action": ["s3:BypassGovernanceRetention"],
                "Resource": [f"arn:aws:s3:::{bucket}/*"],
            }
        ],
    }
    client.set_bucket_policy(bucket, json.dumps(policy))


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
