"""Periodic tasks: each period's run is enqueued exactly once, however many workers race."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from dms.jobs import schedule
from dms.jobs.models import Job, PeriodicSchedule
from dms.jobs.worker import Worker
from tests.jobs import tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def only_this_schedule(monkeypatch):
    """The registry holds just one test schedule (the project's own are tested below)."""
    monkeypatch.setattr(schedule, "_schedules", {})
    return schedule.every(timedelta(hours=1), tasks.add_nothing)


def jobs_of(task) -> int:
    return Job.objects.filter(task_path=task.module_path).count()


def test_a_schedule_runs_once_per_period(only_this_schedule):
    start = timezone.now()
    assert schedule.enqueue_due(start) == [tasks.add_nothing.module_path]
    assert schedule.enqueue_due(start + timedelta(minutes=59)) == []
    assert jobs_of(tasks.add_nothing) == 1
    assert schedule.enqueue_due(start + timedelta(hours=1)) == [tasks.add_nothing.module_path]
    assert jobs_of(tasks.add_nothing) == 2
    row = PeriodicSchedule.objects.get(name=tasks.add_nothing.module_path)
    assert row.next_run_at == start + timedelta(hours=2)


@pytest.mark.django_db(transaction=True)
def test_many_workers_enqueue_a_period_once(only_this_schedule):
    now, errors, barrier = timezone.now(), [], threading.Barrier(8)

    def race():
        try:
            barrier.wait()
            schedule.enqueue_due(now)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert jobs_of(tasks.add_nothing) == 1


def test_a_long_running_worker_enqueues_and_runs_due_schedules(only_this_schedule):
    worker = Worker(worker_id="w", run_schedules=True)
    assert worker.run(until_empty=True) == 1
    assert Job.objects.get(task_path=tasks.add_nothing.module_path).status == "SUCCESSFUL"
    assert Worker(worker_id="plain").run(until_empty=True) == 0  # tests' workers do not


def test_the_audit_head_is_anchored_at_least_daily():
    from dms.audit.tasks import anchor_audit_head

    registered = {s.name: s.period for s in schedule.schedules()}
    assert registered[anchor_audit_head.module_path] <= timedelta(days=1)


def test_a_period_must_be_positive():
    with pytest.raises(ValueError):
        schedule.every(timedelta(0), tasks.add_nothing)
