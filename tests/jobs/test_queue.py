"""The database job queue: enqueue in the caller's transaction, retries, leases, kill -9."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from dms.jobs.models import Job, JobStatus
from dms.jobs.worker import Worker
from tests.jobs import tasks

FAST_RETRIES = {
    "default": {
        "BACKEND": "dms.jobs.backend.DatabaseBackend",
        "OPTIONS": {"LEASE_SECONDS": 2, "MAX_ATTEMPTS": 3, "BACKOFF_SECONDS": 0},
    }
}


@pytest.fixture
def fast_queue():
    with override_settings(TASKS=FAST_RETRIES):
        yield


@pytest.mark.django_db
def test_enqueued_job_runs_and_records_its_result(fast_queue):
    result = tasks.add.enqueue(2, 3)
    assert Job.objects.get(id=result.id).status == JobStatus.READY

    assert Worker(worker_id="w1").run(until_empty=True) == 1

    result.refresh()
    assert result.status == "SUCCESSFUL"
    assert result.return_value == 5
    assert result.worker_ids == ["w1"]


@pytest.mark.django_db
def test_job_enqueued_in_a_rolled_back_transaction_does_not_exist(fast_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        tasks.add.enqueue(1, 1)
        raise RuntimeError("the document could not be saved")
    assert Job.objects.count() == 0


@pytest.mark.django_db
def test_failing_job_is_retried_with_backoff_then_given_up(fast_queue):
    tasks.GAVE_UP.clear()
    with override_settings(
        TASKS={
            **FAST_RETRIES,
            "default": {
                **FAST_RETRIES["default"],
                "OPTIONS": {"LEASE_SECONDS": 2, "MAX_ATTEMPTS": 3, "BACKOFF_SECONDS": 30},
            },
        }
    ):
        result = tasks.always_fails.enqueue("読み取れません")
        worker = Worker(worker_id="w1")
        assert worker.run_one() is True
        job = Job.objects.get(id=result.id)
        assert job.status == JobStatus.READY
        assert job.attempts == 1
        assert job.run_after >= timezone.now() + timedelta(seconds=25)  # backoff 30 s
        assert worker.run_one() is False  # not due yet

        Job.objects.filter(id=job.id).update(run_after=timezone.now())
        worker.run_one()
        job.refresh_from_db()
        assert job.run_after >= timezone.now() + timedelta(seconds=55)  # doubled: 60 s

        Job.objects.filter(id=job.id).update(run_after=timezone.now())
        worker.run_one()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert job.attempts == 3
    assert job.last_error == "読み取れません"
    assert len(job.errors) == 3 and "RuntimeError" in job.errors[-1]["traceback"]
    assert tasks.GAVE_UP == [(["読み取れません"], "読み取れません")]


@pytest.mark.django_db
def test_expired_lease_after_final_attempt_gives_up(fast_queue):
    tasks.GAVE_UP.clear()
    result = tasks.always_fails.enqueue("lost")
    Job.objects.filter(id=result.id).update(
        status=JobStatus.RUNNING, attempts=3, lease_expires_at=timezone.now() - timedelta(seconds=1)
    )
    assert Worker().run_one() is False
    job = Job.objects.get(id=result.id)
    assert job.status == JobStatus.FAILED
    assert "worker lost" in job.last_error
    assert tasks.GAVE_UP and tasks.GAVE_UP[0][0] == ["lost"]


def _worker_env(lease_seconds: int = 2) -> dict:
    """Environment for a worker subprocess that uses this test run's database."""
    db = connection.settings_dict
    env = dict(
        os.environ, KIROKU_JOB_LEASE_SECONDS=str(lease_seconds), KIROKU_JOB_BACKOFF_SECONDS="0"
    )
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{db['NAME']}"
    return env


def _start_worker(name: str, lease_seconds: int = 2) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--worker-id", name, "--poll-interval", "0.2"],
        env=_worker_env(lease_seconds),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_job_of_a_killed_worker_is_taken_over_after_its_lease_expires(tmp_path):
    marker = tmp_path / "done.txt"
    result = tasks.sleep_then_touch.enqueue(3, str(marker))
    first = _start_worker("first")
    try:
        _wait_for(
            lambda: Job.objects.filter(id=result.id, status=JobStatus.RUNNING).exists(),
            30,
            "the first worker to claim the job",
        )
        first.send_signal(signal.SIGKILL)  # dies mid-job: no cleanup, no lease renewal
        first.wait(10)
        killed_at = time.monotonic()
        second = _start_worker("second")
        try:
            _wait_for(
                lambda: Job.objects.filter(id=result.id, status=JobStatus.SUCCESSFUL).exists(),
                60,
                "the second worker to finish the job",
            )
        finally:
            second.terminate()
            second.wait(30)
    finally:
        if first.poll() is None:
            first.kill()
    job = Job.objects.get(id=result.id)
    assert job.worker_ids == ["first", "second"]
    assert job.attempts == 2
    assert marker.read_text() == "done"
    # Taken over only once the 2 s lease had run out, not at once.
    assert time.monotonic() - killed_at >= 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_the_same_job_twice(tmp_path):
    results = [tasks.sleep_then_touch.enqueue(0.2, str(tmp_path / f"{i}.txt")) for i in range(10)]
    workers = [_start_worker(f"w{i}") for i in range(2)]
    try:
        _wait_for(
            lambda: (
                Job.objects.filter(  # (workers also enqueue periodic tasks)
                    id__in=[r.id for r in results], status=JobStatus.SUCCESSFUL
                ).count()
                == 10
            ),
            90,
            "ten jobs to finish",
        )
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
    jobs = Job.objects.filter(id__in=[r.id for r in results])
    assert all(job.attempts == 1 and len(job.worker_ids) == 1 for job in jobs)
    assert {job.worker_ids[0] for job in jobs} <= {"w0", "w1"}


def test_the_default_lease_is_short_enough_for_a_takeover_within_a_minute():
    from django_tasks import task_backends

    assert 10 <= task_backends["default"].lease_seconds <= 30


@pytest.mark.django_db(transaction=True)
def test_a_job_longer_than_several_leases_keeps_its_lease_through_the_heartbeat(tmp_path):
    marker = tmp_path / "done.txt"
    result = tasks.sleep_then_touch.enqueue(3.5, str(marker))  # 3.5 leases of 1 s
    worker = _start_worker("long", lease_seconds=1)
    rival = Worker(worker_id="rival")
    try:
        _wait_for(
            lambda: Job.objects.filter(id=result.id, status=JobStatus.RUNNING).exists(),
            30,
            "the worker to claim the job",
        )
        deadline = time.monotonic() + 30
        while not Job.objects.filter(id=result.id, status=JobStatus.SUCCESSFUL).exists():
            assert time.monotonic() < deadline, "the job did not finish"
            claimed = rival.claim()  # may be another job (the worker enqueues scheduled ones)
            assert claimed is None or claimed.id != result.id, "a live worker's lease was taken"
            assert worker.poll() is None, worker.stderr.read().decode()
            time.sleep(0.2)
    finally:
        worker.terminate()
        worker.wait(30)
    job = Job.objects.get(id=result.id)
    assert job.attempts == 1 and job.worker_ids == ["long"]
    assert marker.read_text() == "done"


@pytest.mark.django_db(transaction=True)
def test_jobs_enqueued_together_are_one_insert_that_commits_or_rolls_back_with_the_change(
    fast_queue, django_assert_num_queries
):
    from dms.jobs.backend import enqueued_together

    with transaction.atomic():
        with django_assert_num_queries(1), enqueued_together():
            first = tasks.add.enqueue(1, 2)
            with enqueued_together():  # a nested block joins the outer one
                second = tasks.add.enqueue(3, 4)
        assert Job.objects.filter(id__in=[first.id, second.id]).count() == 2

    with pytest.raises(RuntimeError), transaction.atomic(), enqueued_together():
        lost = tasks.add.enqueue(5, 6)
        raise RuntimeError("the change fails")
    assert not Job.objects.filter(id=lost.id).exists()  # no job without its change

    assert Worker(worker_id="w1").run(until_empty=True) == 2
    first.refresh()
    assert first.return_value == 3
