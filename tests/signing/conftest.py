"""Signing tests: the approvals test city, the real SoftHSM2 token and the real TSA."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pkcs11
import pytest

from approvals import services
from approvals.models import StepKind
from approvals.routing import Assignee
from tests.approvals.conftest import city, local_store  # noqa: F401  (fixtures)
from tests.services import require

ROOT = Path(__file__).resolve().parents[2]

NAMES = {
    "kakaricho": "木村 一郎",
    "kacho": "山田 花子",
    "zaisei_kacho": "伊藤 健",
    "keiri_kacho": "加藤 三郎",
    "bucho": "佐藤 次郎",
    "jicho": "小林 誠",
}


@pytest.fixture(autouse=True)
def signing_service(settings):
    require("signing")
    # The env is read at start-up; the tests use the same values.
    settings.KIROKU_SIGNING = {
        **settings.KIROKU_SIGNING,
        "TSA_URL": os.environ["KIROKU_TSA_URL"],
        "PKCS11_MODULE": os.environ["KIROKU_SIGNING_PKCS11_MODULE"],
        "TOKEN_LABEL": os.environ["KIROKU_SIGNING_TOKEN_LABEL"],
        "PIN": os.environ["KIROKU_SIGNING_PIN"],
    }


@pytest.fixture(autouse=True)
def token_cleanup(request, signing_service):
    """Remove the keys a test generated from the shared token (labels are per test run),
    so that the development machine's token does not grow with every run."""
    if "db" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("db")  # set up first, so torn down (rolled back) after this
    yield
    from approvals.signing import keys
    from approvals.signing.models import SigningAuthority, SigningIdentity

    labels = set(SigningAuthority.objects.values_list("key_label", flat=True))
    labels |= set(SigningIdentity.objects.values_list("key_label", flat=True))
    with keys.token_session(rw=True) as session:
        for label in labels:
            for obj in session.get_objects({pkcs11.Attribute.LABEL: label}):
                obj.destroy()


@pytest.fixture
def named_city(city):  # noqa: F811
    for key, name in NAMES.items():
        user = city[key]
        user.display_name = name
        user.save(update_fields=["display_name"])
    return city


def five_signer_case(town):
    """承認 木村, 承認 山田, 合議 伊藤 ∥ 加藤, 決裁 佐藤 (部長): five distinct signers."""
    case = town.case(amount=2_000_000)
    services.add_step(
        case,
        user=town["drafter"],
        kind=StepKind.CONSULTATION,
        position=3,
        assignees=[Assignee(user=town["zaisei_kacho"]), Assignee(user=town["keiri_kacho"])],
    )
    services.submit(case, user=town["drafter"])
    return case


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TsaProcess:
    """A second certomancer TSA (same test PKI) on its own port, which a test may stop."""

    def __init__(self):
        self.port = free_port()
        self.proc = None
        self.url = f"http://127.0.0.1:{self.port}/kiroku-test/tsa/tsa"

    def start(self):
        pki = os.environ["KIROKU_SIGNING_TEST_PKI_DIR"]
        self.proc = subprocess.Popen(
            [
                sys.executable,
                str(ROOT / "scripts/services/signing_tsa.py"),
                str(Path(pki) / "certomancer.yml"),
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("test TSA did not start")

    def stop(self):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def own_tsa():
    tsa = TsaProcess()
    tsa.start()
    yield tsa
    tsa.stop()
