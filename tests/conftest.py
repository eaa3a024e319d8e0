"""Suite-wide test configuration.

With ``KIROKU_TEST_REQUIRE_SERVICES=1`` (set by ``make test`` and therefore by CI) the run
stops at once, before any test, if a real service is not configured or not reachable: a
green run always means the real services were exercised.
"""

import io
import os
import secrets
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import connection

from dms.storage import build_object_store
from tests import services
from tests.services import require
from tests.storage.helpers import (
    TEST_BUCKET_PREFIX,
    empty_bucket,
    grant_governance_bypass,
    raw_client,
    root_config_for,
)


def pytest_sessionstart(session):
    if os.environ.get("KIROKU_TEST_REQUIRE_SERVICES") != "1":
        return
    missing = [reason for name in services.SERVICES if (reason := services.problem(name))]
    if missing:
        pytest.exit("required services missing:\n  " + "\n  ".join(missing), returncode=3)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Tests create many users; real PBKDF2 rounds would dominate their run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _session_bucket(default_rule: bool):
    """A fresh bucket with Object Lock on the real S3 server, created by the root account,
    with the app's policy and (``default_rule``) a short GOVERNANCE default retention."""
    from minio.objectlockconfig import DAYS, GOVERNANCE, ObjectLockConfig

    require("s3")
    client = raw_client()
    cutoff = datetime.now(UTC) - timedelta(hours=1)
    for old in client.list_buckets():
        created = old.creation_date
        if old.name.startswith(TEST_BUCKET_PREFIX) and created and created < cutoff:
            empty_bucket(client, old.name)
    bucket = TEST_BUCKET_PREFIX + secrets.token_hex(6)
    health = build_object_store(root_config_for(bucket)).health()  # creates the bucket
    assert health["status"] == "ok", health
    if default_rule:
        client.set_object_lock_config(bucket, ObjectLockConfig(GOVERNANCE, 1, DAYS))
    grant_governance_bypass(client, bucket)
    yield bucket
    empty_bucket(client, bucket)


@pytest.fixture(scope="session")
def s3_bucket():
    """This session's bucket, set up as production is: Object Lock with a default
    retention rule (GOVERNANCE, 1 day: root can clean up), Kiroku's account by policy."""
    yield from _session_bucket(default_rule=True)


@pytest.fixture(scope="session")
def s3_plain_bucket():
    """A bucket with Object Lock but no default rule, for the protocol's own tests, which
    need versions that are not locked (a default rule locks every one)."""
    yield from _session_bucket(default_rule=False)


# --- the audit tables, owned by their own role on PostgreSQL, as in production ----------
_audit_tables = {"secured": False}


def _secure_audit_tables() -> None:
    if connection.vendor == "postgresql" and not _audit_tables["secured"]:
        if not os.environ.get("KIROKU_AUDIT_OWNER_URL"):
            pytest.fail(
                "KIROKU_AUDIT_OWNER_URL is unset: the audit owner role the PostgreSQL tests "
                f"need; {services.HOW_TO_START}",
                pytrace=False,
            )
        call_command("secure_audit", stdout=io.StringIO())
        _audit_tables["secured"] = True


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database as ``secure_audit`` leaves production: the app only appends."""
    _secure_audit_tables()


@pytest.fixture(autouse=True)
def _audit_tables_secured(request):
    """Every test runs with the audit tables secured. A transactional test's teardown
    flushes (TRUNCATEs) every table, which the app's role may not do to the audit tables:
    they are given back just before, and secured again for the next test."""
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker and marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames
    )
    if connection.vendor != "postgresql" or not transactional:
        if marker:
            _secure_audit_tables()
        yield
        return
    _secure_audit_tables()
    request.getfixturevalue("transactional_db")  # set up first, so torn down after us
    yield
    call_command("secure_audit", "--release", stdout=io.StringIO())
    _audit_tables["secured"] = False


@pytest.fixture(autouse=True)
def _audit_anchors_of_this_test(settings):
    """Anchors under a prefix of each test's own (the S3 bucket is shared by the session),
    in GOVERNANCE mode for a day, so that the session's bucket can be emptied."""
    settings.AUDIT_ANCHOR_PREFIX = f"audit-anchors-{uuid.uuid4().hex[:12]}/"
    settings.AUDIT_ANCHOR_RETENTION_MODE = "GOVERNANCE"
    settings.AUDIT_ANCHOR_RETENTION_DAYS = 1
