"""Which real services the tests need, and how a test gets one.

A test that needs a real service asks for it through :func:`require`. If the service is
not configured or not reachable the test **fails** with a message naming the service and
how to start it — it never skips. To run without a service, deselect it explicitly by its
marker (``pytest -m "not s3"``).

:func:`implementation_params` is the scaffolding for contract suites: one parametrised
fixture yields every implementation of a backend protocol, the real-service ones marked
with their service so they can be selected or deselected together.
"""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from urllib.parse import urlparse

import pytest

HOW_TO_START = "start it with `scripts/services.sh up` and load `eval $(scripts/services.sh env)`"


@dataclass(frozen=True)
class Service:
    name: str
    env_var: str | None  # where the configuration names it; None for a local binary


SERVICES = {
    "postgres": Service("postgres", "DATABASE_URL"),
    "elasticsearch": Service("elasticsearch", "KIROKU_ELASTICSEARCH_URL"),
    "opensearch": Service("opensearch", "KIROKU_OPENSEARCH_URL"),
    "s3": Service("s3", "KIROKU_S3_ENDPOINT"),
    "tesseract": Service("tesseract", None),
    # SoftHSM2 token + certomancer's RFC 3161 TSA (scripts/services/signing.sh).
    "signing": Service("signing", "KIROKU_TSA_URL"),
}


def _tcp_reachable(url: str) -> bool:
    parsed = urlparse(url)
    port = parsed.port or {"http": 80, "https": 443, "postgres": 5432}.get(parsed.scheme, 80)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", port), timeout=3):
            return True
    except OSError:
        return False


@functools.cache
def problem(name: str) -> str | None:
    """Why service ``name`` cannot be used, or None when it can."""
    service = SERVICES[name]
    if service.env_var is None:
        if shutil.which(os.environ.get("KIROKU_TESSERACT_CMD", "tesseract")) is None:
            return "tesseract is not installed; run `scripts/services.sh up tesseract`"
        langs = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, check=False
        ).stdout.split()
        missing = [lang for lang in ("jpn", "jpn_vert", "eng", "osd") if lang not in langs]
        return f"tesseract lacks language data {missing}" if missing else None
    url = os.environ.get(service.env_var, "")
    if not url or (name == "postgres" and not url.startswith("postgres")):
        return f"{name} is not configured ({service.env_var} is unset); {HOW_TO_START}"
    if not _tcp_reachable(url):
        return f"{name} at {url} is not reachable; {HOW_TO_START}"
    if name == "signing":
        return _signing_problem()
    return None


def _signing_problem() -> str | None:
    module = os.environ.get("KIROKU_SIGNING_PKCS11_MODULE", "")
    conf = os.environ.get("SOFTHSM2_CONF", "")
    if not (module and os.path.exists(module) and conf and os.path.exists(conf)):
        return f"signing: no PKCS#11 module / SoftHSM2 token configured; {HOW_TO_START}"
    if shutil.which("pdfsig") is None or shutil.which("certutil") is None:
        return "signing: pdfsig (poppler-utils) or certutil (libnss3-tools) missing"
    return None


def require(name: str) -> str:
    """Fail the calling test unless service ``name`` is configured and reachable."""
    reason = problem(name)
    if reason:
        pytest.fail(f"required service missing: {reason}", pytrace=False)
    service = SERVICES[name]
    return os.environ[service.env_var] if service.env_var else "tesseract"


def implementation_params(*names: str) -> list:
    """``pytest.param`` for each implementation; real ones carry their service's marker."""
    params = []
    for name in names:
        marks = [getattr(pytest.mark, name)] if name in SERVICES else []
        params.append(pytest.param(name, id=name, marks=marks))
    return params
