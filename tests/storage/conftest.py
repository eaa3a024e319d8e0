"""Fixtures for the object-store tests.

``object_store`` yields each implementation in turn: the local store on a fresh temporary
directory, and the S3 store on the real server named by ``KIROKU_S3_*`` (the test fails if
it is not configured or reachable), with the root account: the contract includes the
GOVERNANCE bypass, which Kiroku's own account is not given (``test_s3_store.py`` checks
what that account may and may not do). Every test session uses its own new bucket,
``kiroku-test-<random>``, because locked versions cannot be removed; at the end of the
session everything that can be deleted is, and the bucket too when it is empty. Buckets
left by earlier sessions (older than an hour) are swept the same way.
"""

from __future__ import annotations

import uuid

import pytest

from dms.storage import ObjectStore, build_object_store
from tests.services import implementation_params
from tests.storage.helpers import (
    root_config_for,
)


@pytest.fixture(scope="session")
def s3_bucket(s3_plain_bucket):
    """Here, the bucket without a default retention rule: these tests delete versions
    they stored unlocked (the store's own default retention is tested here too: it is
    sent with each version, no rule needed)."""
    return s3_plain_bucket


@pytest.fixture(params=implementation_params("local", "s3"))
def object_store(request, tmp_path) -> ObjectStore:
    if request.param == "local":
        return build_object_store({"BACKEND": "local", "ROOT": str(tmp_path / "objects")})
    bucket = request.getfixturevalue("s3_bucket")
    return build_object_store(root_config_for(bucket))


@pytest.fixture
def key() -> str:
    """A key of its own for each test (the S3 bucket is shared by the session)."""
    return f"tests/{uuid.uuid4().hex}/文書.pdf"
