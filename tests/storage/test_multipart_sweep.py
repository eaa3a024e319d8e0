"""Unfinished multipart uploads do not stay on the S3 server for ever, and a delete marker
(made by another S3 client) does not break the store's listing of versions."""

from __future__ import annotations

import io
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from dms.storage import _minio_private as sdk
from dms.storage import build_object_store
from dms.storage.multipart_sweep import parse_age, sweep_incomplete_uploads
from tests.storage.helpers import (
    TEST_BUCKET_PREFIX,
    MiB,
    empty_bucket,
    grant_governance_bypass,
    now,
    open_multipart_uploads,
    raw_client,
    root_config_for,
    s3_config_for,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def own_bucket():
    """A bucket of this test's own: the sweep sees every upload in its bucket. Made as the
    services script makes Kiroku's: by the root account, with the app's policy."""
    bucket = f"{TEST_BUCKET_PREFIX}sweep-{secrets.token_hex(4)}"
    build_object_store(root_config_for(bucket)).health()  # creates the bucket
    grant_governance_bypass(raw_client(), bucket)
    yield bucket
    empty_bucket(raw_client(), bucket)


def _begin_upload(client, bucket: str, key: str) -> str:
    upload_id = sdk.create_multipart_upload(
        client,
        bucket,
        key,
        content_type="text/plain",
        metadata={},
        retention=None,
        legal_hold=False,
    )
    sdk.upload_part(client, bucket, key, upload_id, 1, b"x" * (5 * MiB))
    return upload_id


@pytest.mark.s3
def test_list_versions_skips_a_delete_marker_with_nanosecond_time(s3_bucket):
    store = build_object_store(s3_config_for(s3_bucket))
    key = f"tests/{secrets.token_hex(8)}/marked.pdf"
    stored = store.put(key, io.BytesIO(b"original"))
    raw_client().remove_object(s3_bucket, key)  # another client's plain DELETE: a marker

    versions = store.list_versions(key)

    assert [v.version_id for v in versions] == [stored.version_id]
    assert versions[0].is_latest is False  # the delete marker is the latest entry
    assert store.open(key, stored.version_id).read() == b"original"


@pytest.mark.s3
def test_sweep_aborts_old_uploads_and_keeps_young_ones(own_bucket):
    store = build_object_store(s3_config_for(own_bucket))
    client = raw_client()
    keys = [f"tests/{secrets.token_hex(6)}/{n}.bin" for n in range(2)]
    for key in keys:
        _begin_upload(client, own_bucket, key)

    young = sweep_incomplete_uploads(store, timedelta(hours=24))
    assert (young.aborted, young.kept) == ([], 2)

    an_hour_later = now() + timedelta(hours=1)
    dry = sweep_incomplete_uploads(store, timedelta(minutes=30), now=an_hour_later, dry_run=True)
    assert sorted(dry.aborted) == sorted(keys)
    assert len(store.incomplete_uploads()) == 2

    swept = sweep_incomplete_uploads(store, timedelta(minutes=30), now=an_hour_later)
    assert sorted(swept.aborted) == sorted(keys)
    assert store.incomplete_uploads() == []
    assert open_multipart_uploads(client, own_bucket, "tests/") == []


@pytest.mark.s3
def test_sweep_command_on_the_configured_store(own_bucket):
    store = build_object_store(s3_config_for(own_bucket))
    key = f"tests/{secrets.token_hex(6)}/left.bin"
    _begin_upload(raw_client(), own_bucket, key)
    out = io.StringIO()
    with override_settings(OBJECT_STORE=s3_config_for(own_bucket)):
        call_command("sweep_multipart_uploads", "--older-than", "24h", stdout=out)
        assert "aborted 0 upload(s)" in out.getvalue() and "kept 1" in out.getvalue()
        call_command("sweep_multipart_uploads", "--older-than", "0s", stdout=out)
    assert "aborted 1 upload(s)" in out.getvalue() and key in out.getvalue()
    assert store.incomplete_uploads() == []


@pytest.mark.s3
def test_versitygw_has_no_lifecycle_rules_so_the_sweeper_is_the_mechanism(own_bucket):
    """versitygw 1.7 answers NotImplemented to lifecycle requests: the setup script says
    so and succeeds, and the store's health names the sweeper."""
    store = build_object_store(s3_config_for(own_bucket))
    config = root_config_for(own_bucket)  # the setup script runs with the root account
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts/services/s3_lifecycle.py"),
            config["ENDPOINT"],
            config["ACCESS_KEY"],
            config["SECRET_KEY"],
            config["REGION"],
            own_bucket,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    health = store.health()
    if health["version"].upper().startswith("VERSITYGW"):
        assert "NotImplemented" in done.stdout and "sweep_multipart_uploads" in done.stdout
        assert "sweep_multipart_uploads" in health["detail"]["incomplete_uploads"]
    else:  # a server with lifecycle rules: the rule is in place
        assert "aborted after" in health["detail"]["incomplete_uploads"]


def test_sweep_command_on_the_local_store(tmp_path):
    out = io.StringIO()
    with override_settings(OBJECT_STORE={"BACKEND": "local", "ROOT": str(tmp_path)}):
        call_command("sweep_multipart_uploads", stdout=out)
    assert "no multipart uploads" in out.getvalue()


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("24h", timedelta(hours=24)),
        ("30m", timedelta(minutes=30)),
        ("7d", timedelta(days=7)),
        ("90s", timedelta(seconds=90)),
        ("2", timedelta(hours=2)),
    ],
)
def test_ages_are_read_with_their_unit(text, age):
    assert parse_age(text) == age


@pytest.mark.parametrize("text", ["", "h", "soon", "-1h"])
def test_a_bad_age_is_refused(text):
    with pytest.raises(ValueError):
        parse_age(text)
