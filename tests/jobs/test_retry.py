"""Retry policies per task: attempts and backoff of their own, errors kept bounded."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from dms.jobs.models import Job, JobStatus
from dms.jobs.retry import KEPT_ERRORS, RetryPolicy
from dms.jobs.worker import Worker
from tests.jobs import tasks

BACKEND = {
    "default": {
        "BACKEND": "dms.jobs.backend.DatabaseBackend",
        "OPTIONS": {"LEASE_SECONDS": 2, "MAX_ATTEMPTS": 3, "BACKOFF_SECONDS": 1},
    }
}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def backend():
    with override_settings(TASKS=BACKEND):
        yield


def _make_due(job: Job) -> None:
    Job.objects.filter(id=job.id).update(run_after=timezone.now())


def test_a_task_with_its_own_policy_outlasts_the_backend_default():
    tasks.FLAKY_CALLS.clear()
    result = tasks.fails_until.enqueue(5)  # four failures: the default three would give up
    job = Job.objects.get(id=result.id)
    assert job.max_attempts == 6
    worker = Worker(worker_id="w1")
    delays = []
    for _ in range(4):
        before = timezone.now()
        assert worker.run_one()
        job.refresh_from_db()
        assert job.status == JobStatus.READY
        delays.append(round((job.run_after - before).total_seconds()))
        _make_due(job)
    assert delays == [5, 10, 12, 12]  # the task's backoff, doubling, capped at 12 s
    assert worker.run_one()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCESSFUL and job.return_value == 5


def test_other_tasks_keep_the_backend_defaults():
    result = tasks.always_fails.enqueue("x")
    job = Job.objects.get(id=result.id)
    assert job.max_attempts == 3
    before = timezone.now()
    Worker().run_one()
    job.refresh_from_db()
    assert timedelta(seconds=0.5) < job.run_after - before < timedelta(seconds=2)


def test_a_long_retried_job_keeps_only_its_last_errors():
    tasks.FLAKY_CALLS.clear()
    result = tasks.fails_until.enqueue(100)
    Job.objects.filter(id=result.id).update(max_attempts=KEPT_ERRORS + 5)
    worker = Worker()
    for _ in range(KEPT_ERRORS + 3):
        job = Job.objects.get(id=result.id)
        _make_due(job)
        assert worker.run_one()
    job.refresh_from_db()
    assert job.attempts == KEPT_ERRORS + 3
    assert len(job.errors) == KEPT_ERRORS
    assert "ConnectionError" in job.errors[-1]["traceback"]


def test_policy_span_is_the_time_from_first_failure_to_last_attempt():
    policy = RetryPolicy(max_attempts=4, backoff_seconds=10, backoff_max_seconds=25)
    assert policy.span() == 10 + 20 + 25
