"""Retention fixtures: the documents tests' organisation, documents on a real store."""

import datetime as dt
import io
import itertools

import pytest
from django.test import override_settings

from dms.documents import ingest, lifecycle
from dms.jobs.worker import Worker
from retention.models import Medium, RecordFile, RetentionClass
from tests.documents.conftest import LOCKED, clients, org, pdf_bytes  # noqa: F401
from tests.storage.helpers import s3_config_for

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def governance_locks(settings):
    # Test buckets must be emptied afterwards: GOVERNANCE, which the root account bypasses.
    settings.KIROKU_RETENTION_LOCK_MODE = "GOVERNANCE"


@pytest.fixture
def local_store(tmp_path):
    config = {"BACKEND": "local", "ROOT": str(tmp_path / "objects"), **LOCKED}
    with override_settings(OBJECT_STORE=config):
        yield "local"


@pytest.fixture
def s3_store(request):
    config = s3_config_for(request.getfixturevalue("s3_bucket"), **LOCKED)
    with override_settings(OBJECT_STORE=config):
        yield "s3"


def make_document(user, department, title="文書", document_date=None):
    data = pdf_bytes(pages=1 + next(_counter) % 5) + next(_counter).to_bytes(4, "big")
    stored = ingest.store_original(io.BytesIO(data), filename=f"{title}.pdf")
    return lifecycle.create(
        stored, user=user, department=department, title=title, document_date=document_date
    )


def run_jobs(limit=200) -> int:
    worker, ran = Worker(worker_id="test-retention"), 0
    while ran < limit and worker.run_one():
        ran += 1
    return ran


def make_file(city, code="5y", **fields) -> RecordFile:
    from retention import services

    defaults = {
        "retention_class": RetentionClass.objects.get(code=code),
        "title": "契約書綴",
        "fiscal_year": 2023,
        "medium": Medium.ELECTRONIC,
        "custodian": city["bunsho"],
    }
    return services.create_file({**defaults, **fields}, user=city["records"])


SINCE = dt.date(2023, 4, 1)
