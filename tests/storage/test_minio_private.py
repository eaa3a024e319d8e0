"""The minio SDK's private API behind ``dms.storage._minio_private``: pinned and unchanged.

Private methods may change in any minio release; these tests are the ones an upgrade
breaks first, each saying what to re-check: the pinned version, then the signature of
every private call, then each adapter function against the real S3 server. After an
upgrade, re-read each adapter function's call in the new SDK (and its docstring's reason:
the public API may now suffice), then update ``MINIO_VERSION`` and ``SIGNATURES`` here.
"""

from __future__ import annotations

import ast
import hashlib
import importlib.metadata
import inspect
import io
import secrets
import tomllib
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest
from minio import Minio, datatypes, helpers, xml
from minio.error import S3Error
from minio.retention import COMPLIANCE, GOVERNANCE, Retention

from dms.storage import _minio_private as sdk
from tests.storage.helpers import MiB, now, open_multipart_uploads, raw_client

ROOT = Path(__file__).resolve().parents[2]

# Every private (or undocumented) SDK name used by the adapter and the test helpers, with
# the parameters it had in the pinned release.
SIGNATURES = {
    "Minio._execute": (
        Minio,
        "_execute",
        "self method bucket_name object_name body headers query_params preload_content "
        "no_body_trace",
    ),
    "Minio._create_multipart_upload": (
        Minio,
        "_create_multipart_upload",
        "self bucket_name object_name headers",
    ),
    "Minio._upload_part": (
        Minio,
        "_upload_part",
        "self bucket_name object_name data headers upload_id part_number",
    ),
    "Minio._complete_multipart_upload": (
        Minio,
        "_complete_multipart_upload",
        "self bucket_name object_name upload_id parts ssec",
    ),
    "Minio._abort_multipart_upload": (
        Minio,
        "_abort_multipart_upload",
        "self bucket_name object_name upload_id",
    ),
    "Minio._list_multipart_uploads": (  # tests/storage/helpers.py
        Minio,
        "_list_multipart_uploads",
        "self bucket_name delimiter encoding_type key_marker max_uploads prefix "
        "upload_id_marker extra_headers extra_query_params",
    ),
    "minio.helpers.genheaders": (helpers, "genheaders", "headers sse tags retention legal_hold"),
    "minio.helpers.md5sum_hash": (helpers, "md5sum_hash", "data"),
    "minio.xml.marshal": (xml, "marshal", "obj"),
    "minio.datatypes.Part": (datatypes, "Part", "part_number etag last_modified size"),
}
RECHECK = "re-check every call in dms/storage/_minio_private.py against the new SDK"


def test_minio_is_the_release_the_private_calls_were_checked_against():
    installed = importlib.metadata.version("minio")
    assert installed == sdk.MINIO_VERSION, (
        f"minio {installed} is installed but the private calls were checked against "
        f"{sdk.MINIO_VERSION}: {RECHECK}, then update MINIO_VERSION"
    )
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert f"minio=={sdk.MINIO_VERSION}" in pyproject["project"]["dependencies"], (
        f"pyproject.toml no longer pins minio=={sdk.MINIO_VERSION}: {RECHECK}"
    )


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_private_sdk_call_keeps_its_signature(name):
    owner, attribute, expected = SIGNATURES[name]
    function = getattr(owner, attribute, None)
    assert function is not None, f"minio no longer has {name}: {RECHECK}"
    parameters = " ".join(inspect.signature(function).parameters)
    assert parameters == expected, f"minio changed {name}({parameters}): {RECHECK}"


def test_the_s3_store_reaches_private_sdk_api_only_through_the_adapter():
    source = (ROOT / "dms/storage/s3.py").read_text()
    tree = ast.parse(source)
    private_client_calls = [
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "_client"
    ]
    undocumented_modules = [
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module in ("minio.helpers", "minio.xml")
    ]
    assert private_client_calls == []
    assert undocumented_modules == []


# --- each adapter function on the real server ------------------------------------------


@pytest.fixture
def client() -> Minio:
    return raw_client()


@pytest.fixture
def key() -> str:
    return f"tests/{secrets.token_hex(8)}/sdk.bin"


def _until(seconds: int):
    return now().replace(microsecond=0) + timedelta(seconds=seconds)


@pytest.mark.s3
def test_bucket_lock_configuration_and_server_header(client, s3_bucket):
    root = ET.fromstring(sdk.object_lock_configuration(client, s3_bucket))
    enabled = [el.text for el in root.iter() if el.tag.endswith("ObjectLockEnabled")]
    assert enabled == ["Enabled"]
    assert sdk.server_header(client, s3_bucket)  # versitygw: "VERSITYGW"
    with pytest.raises(S3Error) as missing:  # the SDK still parses the server's errors
        sdk.object_lock_configuration(client, f"{s3_bucket}-missing")
    assert missing.value.code == "NoSuchBucket"


@pytest.mark.s3
def test_multipart_upload_stores_metadata_and_lock(client, s3_bucket, key):
    first, last = b"a" * (5 * MiB), b"the end"
    digest = hashlib.sha256(first + last).hexdigest()
    upload_id = sdk.create_multipart_upload(
        client,
        s3_bucket,
        key,
        content_type="application/pdf",
        metadata={"sha256": digest},
        retention=Retention(GOVERNANCE, _until(60)),
        legal_hold=True,
    )
    etags = [
        sdk.upload_part(client, s3_bucket, key, upload_id, 1, first),
        sdk.upload_part(client, s3_bucket, key, upload_id, 2, last),
    ]
    version_id = sdk.complete_multipart_upload(client, s3_bucket, key, upload_id, etags)

    assert version_id
    stat = client.stat_object(s3_bucket, key, version_id=version_id)
    assert stat.size == len(first) + len(last)
    assert stat.content_type == "application/pdf"
    assert stat.metadata["x-amz-meta-sha256"] == digest
    assert client.get_object_retention(s3_bucket, key, version_id=version_id).mode == GOVERNANCE
    assert client.is_object_legal_hold_enabled(s3_bucket, key, version_id=version_id)
    client.disable_object_legal_hold(s3_bucket, key, version_id=version_id)


@pytest.mark.s3
def test_aborted_multipart_upload_leaves_nothing(client, s3_bucket, key):
    upload_id = sdk.create_multipart_upload(
        client,
        s3_bucket,
        key,
        content_type="text/plain",
        metadata={},
        retention=None,
        legal_hold=False,
    )
    sdk.upload_part(client, s3_bucket, key, upload_id, 1, b"x" * (5 * MiB))
    assert open_multipart_uploads(client, s3_bucket, key) == [key]

    sdk.abort_multipart_upload(client, s3_bucket, key, upload_id)

    assert open_multipart_uploads(client, s3_bucket, key) == []
    assert list(client.list_objects(s3_bucket, prefix=key, include_version=True)) == []


@pytest.mark.s3
def test_governance_bypass_header_is_sent_only_when_asked(client, s3_bucket, key):
    """The server refuses each change without the header and accepts it with: it is sent."""
    stored = client.put_object(
        s3_bucket, key, io.BytesIO(b"g"), 1, retention=Retention(GOVERNANCE, _until(60))
    )
    version_id = stored.version_id
    longer = _until(90)

    with pytest.raises(S3Error):
        sdk.delete_version(client, s3_bucket, key, version_id, bypass_governance=False)
    sdk.put_retention(  # a same-mode extension needs no bypass
        client,
        s3_bucket,
        key,
        version_id,
        Retention(GOVERNANCE, longer),
        bypass_governance=False,
    )
    found = client.get_object_retention(s3_bucket, key, version_id=version_id)
    assert (found.mode, found.retain_until_date) == (GOVERNANCE, longer)

    sdk.delete_version(client, s3_bucket, key, version_id, bypass_governance=True)
    assert list(client.list_objects(s3_bucket, prefix=key, include_version=True)) == []


@pytest.mark.s3
def test_governance_to_compliance_needs_the_bypass(client, s3_bucket, key):
    stored = client.put_object(
        s3_bucket, key, io.BytesIO(b"c"), 1, retention=Retention(GOVERNANCE, _until(30))
    )
    stricter = Retention(COMPLIANCE, _until(40))  # short: the session's cleanup waits it out

    with pytest.raises(S3Error):
        sdk.put_retention(
            client, s3_bucket, key, stored.version_id, stricter, bypass_governance=False
        )
    sdk.put_retention(client, s3_bucket, key, stored.version_id, stricter, bypass_governance=True)

    found = client.get_object_retention(s3_bucket, key, version_id=stored.version_id)
    assert found.mode == COMPLIANCE
