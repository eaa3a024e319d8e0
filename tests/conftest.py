"""Suite-wide test configuration.

With ``KIROKU_TEST_REQUIRE_SERVICES=1`` (set by ``make test`` and therefore by CI) the run
stops at once, before any test, if a real service is not configured or not reachable: a
green run always means the real services were exercised.
"""

import os

import pytest

from tests import services


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
