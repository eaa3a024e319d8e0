"""Fixtures for the document tests: an organisation, its users, and the object store.

``store`` runs each test on both object stores (local disk and the real S3 server) by
pointing ``settings.OBJECT_STORE`` at it, locked as in production but briefly: every new
version under GOVERNANCE retention for a day, an upload's quarantine one second.
"""

import io
import time

import pytest
from django.test import override_settings
from knox.models import AuthToken
from PIL import Image
from rest_framework.test import APIClient

from dms.accounts.models import Department, Role, User
from dms.jobs.worker import Worker
from tests.services import implementation_params
from tests.storage.helpers import s3_config_for

LOCKED = {"DEFAULT_RETENTION_MODE": "GOVERNANCE", "DEFAULT_RETENTION_DAYS": 1}
QUARANTINE_SECONDS = 1


@pytest.fixture(params=implementation_params("local", "s3"))
def store(request, tmp_path):
    if request.param == "local":
        config = {"BACKEND": "local", "ROOT": str(tmp_path / "objects"), **LOCKED}
    else:
        config = s3_config_for(request.getfixturevalue("s3_bucket"), **LOCKED)
    with override_settings(OBJECT_STORE=config, UPLOAD_QUARANTINE_SECONDS=QUARANTINE_SECONDS):
        yield request.param


@pytest.fixture
def brief_retention(store, settings):
    """Versions locked for two seconds only: for tests that destroy what they stored.

    On S3 in a bucket of its own: derived keys are named after version ids, which SQLite
    reuses from test to test, and the session bucket keeps their versions for a day.
    """
    config = {**settings.OBJECT_STORE, "DEFAULT_RETENTION_DAYS": 2 / 86400}
    if store == "s3":
        from tests.conftest import _session_bucket

        buckets = _session_bucket(default_rule=True)
        config["BUCKET"] = next(buckets)
    settings.OBJECT_STORE = config
    yield 2
    if store == "s3":
        next(buckets, None)  # empties and removes the bucket


def after_quarantine() -> None:
    """Wait for the uploads' quarantine to end, then run the removals it held back."""
    from django.db.models import Max
    from django.utils import timezone

    from dms.documents.tasks import remove_unrecorded
    from dms.jobs.models import Job, JobStatus

    removals = Job.objects.filter(task_path=remove_unrecorded.module_path, status=JobStatus.READY)
    last = removals.aggregate(last=Max("run_after"))["last"]
    if last is not None:
        time.sleep(max(0.0, (last - timezone.now()).total_seconds()) + 0.2)
    worker = Worker(worker_id="test-removals")
    for _ in range(100):
        if not removals.filter(run_after__lte=timezone.now()).exists() or not worker.run_one():
            break


@pytest.fixture
def org(db):
    """Two bureaus: 総務局 › 総務部 › 文書課, and 財政局 › 財政部 › 契約課."""
    soumu_kyoku = Department.objects.create(name="総務局", code="soumu", level="bureau")
    soumu_bu = Department.objects.create(
        name="総務部", code="soumu-bu", level="division", parent=soumu_kyoku
    )
    bunsho = Department.objects.create(
        name="文書課", code="bunsho", level="section", parent=soumu_bu
    )
    zaisei = Department.objects.create(name="財政局", code="zaisei", level="bureau")
    keiyaku = Department.objects.create(
        name="契約課", code="keiyaku", level="section", parent=zaisei
    )

    def user(name, department=None, role=Role.STAFF):
        person = User.objects.create_user(name, password="kiroku-test-pw", role=role)
        if department:
            person.departments.add(department)
        return person

    return {
        "bunsho": bunsho,
        "keiyaku": keiyaku,
        "soumu_bu": soumu_bu,
        "tanaka": user("tanaka", bunsho),  # staff of 文書課
        "suzuki": user("suzuki", keiyaku),  # staff of 契約課 (another bureau)
        "sato": user("sato", soumu_bu, Role.APPROVER),  # 総務部: above 文書課
        "records": user("records", None, Role.RECORDS_OFFICER),
    }


def client_for(user) -> APIClient:
    client = APIClient()
    _, token = AuthToken.objects.create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def clients(org):
    return {name: client_for(org[name]) for name in ["tanaka", "suzuki", "sato", "records"]}


def pdf_bytes(pages: int = 1, text_colour: str = "white") -> bytes:
    frames = [Image.new("RGB", (595, 842), text_colour) for _ in range(pages)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "PDF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def named(data: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def run_jobs() -> int:
    return Worker(worker_id="test").run(until_empty=True)


@pytest.fixture
def generated_keys(monkeypatch):
    """The object keys ingest generates during the test, to check what is left under them."""
    from dms.documents import ingest

    keys = []
    make_key = ingest.original_key

    def recording_key(*args):
        keys.append(make_key(*args))
        return keys[-1]

    monkeypatch.setattr(ingest, "original_key", recording_key)
    return keys
