"""An outage of the search engine heals by itself: index jobs outlast it, a periodic
reconciliation repairs what was lost anyway, and health says "degraded" meanwhile."""

from __future__ import annotations

import logging
import re
import secrets
import shlex
from datetime import timedelta

import pytest
from django.core.management import load_command_class
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from dms.jobs.models import Job, JobStatus
from search.backends import backend_for
from search.backends.base import SearchRequest
from search.query import parse
from search.tasks import _gave_up, index_document, reconcile_index
from tests.search.conftest import RUN_PREFIX
from tests.search.helpers import make_document, run_jobs
from tests.services import require

pytestmark = pytest.mark.django_db

CLOSED_PORT = "http://127.0.0.1:1"


@pytest.fixture(params=[pytest.param("opensearch", marks=pytest.mark.opensearch)])
def engine(request, tmp_path):
    url = require(request.param)
    prefix = f"{RUN_PREFIX}-h-{secrets.token_hex(3)}"
    config = {"URL": url, "ENGINES": {}, "INDEX_DIR": str(tmp_path), "INDEX_PREFIX": prefix}
    with override_settings(SEARCH=config):
        backend = backend_for(url)
        yield backend
        backend.drop()


@pytest.fixture
def outage(settings):
    """Settings under which the engine does not answer (a closed port)."""
    return override_settings(SEARCH={**settings.SEARCH, "URL": CLOSED_PORT})


def hits(backend, q: str) -> list[int]:
    backend.refresh()
    return [hit.id for hit in backend.search(SearchRequest(query=parse(q))).hits]


def health() -> tuple[int, dict]:
    from dms.accounts.models import Role, User

    client = APIClient()
    admin, _ = User.objects.get_or_create(username="healing-admin", role=Role.ADMINISTRATOR)
    client.force_authenticate(admin)
    response = client.get("/api/health/")
    return response.status_code, response.json()


def test_an_index_job_outlasts_a_long_outage_and_health_shows_the_backlog(engine, org, outage):
    with outage:
        document = make_document(org, "障害が長引いた日の文書 やゆよ", "本文")
        for _ in range(6):  # an hour of retries, more than the backend's three attempts
            run_jobs()
            Job.objects.filter(status=JobStatus.READY).update(run_after=timezone.now())
    job = Job.objects.get(task_path=index_document.module_path)
    assert job.status == JobStatus.READY, job.last_error  # still to be retried, not given up
    assert job.attempts == 6 and job.max_attempts >= 100
    assert hits(engine, "やゆよ") == []

    # The engine answers again; the job waits for its backoff: degraded, not down.
    status, body = health()
    assert (status, body["status"]) == (200, "degraded"), body
    queue = body["services"]["job_queue"]
    assert queue["status"] == "degraded"
    backlog = queue["capabilities"]["retrying"][index_document.module_path]
    assert backlog["count"] == 1 and backlog["oldest_seconds"] >= 0
    assert index_document.module_path in queue["detail"]

    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())  # its backoff is over
    run_jobs()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCESSFUL
    assert hits(engine, "やゆよ") == [document.pk]
    status, body = health()
    # the services this outage touched; another one's state (the TSA, say) is not this test's
    states = {name: service["status"] for name, service in body["services"].items()}
    assert status == 200 and states["job_queue"] == "ok" and states["search"] == "ok", states
    assert body["services"]["job_queue"]["capabilities"]["retrying"] == {}


def test_reconciliation_repairs_entries_whose_jobs_were_lost(engine, org, outage):
    with outage:
        document = make_document(org, "ジョブを失った文書 わをん", "本文")
    Job.objects.all().delete()  # e.g. it gave up long ago
    reconcile_index.enqueue()
    run_jobs()
    job = Job.objects.get(task_path=reconcile_index.module_path)
    assert job.status == JobStatus.SUCCESSFUL
    assert job.return_value["missing"] == 1 and job.return_value["repaired"] == 1
    assert hits(engine, "わをん") == [document.pk]

    reconcile_index.enqueue()  # idempotent: a second run finds nothing to do
    run_jobs()
    second = Job.objects.filter(task_path=reconcile_index.module_path).order_by("-enqueued_at")[0]
    assert second.return_value["repaired"] == 0


def test_reconciliation_leaves_the_work_to_a_run_in_progress(engine, org):
    make_document(org, "並行実行の確認", "本文")
    Job.objects.all().delete()
    running = reconcile_index.enqueue()
    Job.objects.filter(id=running.id).update(
        status=JobStatus.RUNNING,
        attempts=1,
        lease_expires_at=timezone.now() + timedelta(seconds=30),
    )
    reconcile_index.enqueue()
    run_jobs()
    done = Job.objects.get(task_path=reconcile_index.module_path, status=JobStatus.SUCCESSFUL)
    assert done.return_value == {"skipped": "another reconciliation is running"}


def test_reconciliation_during_an_outage_fails_once_and_waits_for_the_next_period(org, outage):
    with outage:
        make_document(org, "障害中の照合", "本文")
        reconcile_index.enqueue()
        run_jobs()
    job = Job.objects.get(task_path=reconcile_index.module_path)
    assert job.status == JobStatus.FAILED and job.attempts == 1


def test_the_give_up_message_names_a_command_that_exists(caplog):
    with caplog.at_level(logging.ERROR, logger="search.tasks"):
        _gave_up([42, 3], {}, "engine unreachable")
    message = caplog.records[-1].getMessage()
    commands = re.findall(r"`manage\.py ([^`]+)`", message)
    assert commands, message
    for command in commands:
        name, *args = shlex.split(command)
        parser = load_command_class("search", name).create_parser("manage.py", name)
        parser.parse_args(args)  # exits (SystemExit) on an option the command lacks
