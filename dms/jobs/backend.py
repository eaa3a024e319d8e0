"""A Tasks API backend that stores jobs in the database (SQLite or PostgreSQL)."""

from __future__ import annotations

import contextlib
import threading

from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResult, TaskResultStatus
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import TaskError
from django_tasks.exceptions import TaskResultDoesNotExist
from django_tasks.signals import task_enqueued
from django_tasks.utils import normalize_json

from dms.jobs.models import Job
from dms.jobs.retry import policy_for

_together = threading.local()


@contextlib.contextmanager
def enqueued_together():
    """Write the job rows enqueued inside with one ``INSERT`` when the block ends.

    For a change that enqueues several jobs at once (a new document: its processing and
    each subscriber's), inside the caller's transaction, so the outbox rule holds: the rows
    exist if and only if the change is committed. Nested blocks join the outer one.
    """
    if getattr(_together, "pending", None) is not None:
        yield
        return
    _together.pending = []
    try:
        yield
        pending = _together.pending
    finally:
        _together.pending = None
    if pending:
        Job.objects.bulk_create([job for job, _result, _backend in pending])
        for _job, result, backend in pending:
            task_enqueued.send(type(backend), task_result=result)


class DatabaseBackend(BaseTaskBackend):
    supports_defer = True
    supports_get_result = True
    supports_priority = True

    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        # Short, so that the job of a worker that died is taken over within a minute; the
        # worker's heartbeat renews it every third of its length however long the job runs.
        self.lease_seconds = float(self.options.get("LEASE_SECONDS", 30))
        self.max_attempts = int(self.options.get("MAX_ATTEMPTS", 3))
        self.backoff_seconds = float(self.options.get("BACKOFF_SECONDS", 10))
        self.backoff_max_seconds = float(self.options.get("BACKOFF_MAX_SECONDS", 600))

    def enqueue(self, task, args, kwargs) -> TaskResult:
        """Write the job row; inside the caller's transaction if there is one (outbox)."""
        self.validate_task(task)
        job = Job(
            task_path=task.module_path,
            queue_name=task.queue_name,
            backend_alias=self.alias,
            priority=task.priority,
            args=normalize_json(args),
            kwargs=normalize_json(kwargs),
            run_after=task.run_after or timezone.now(),
            max_attempts=policy_for(task.module_path, self).max_attempts,
        )
        result = self.to_result(job, task)
        pending = getattr(_together, "pending", None)
        if pending is not None:
            pending.append((job, result, self))
            return result
        job.save(force_insert=True)
        task_enqueued.send(type(self), task_result=result)
        return result

    def get_result(self, result_id: str) -> TaskResult:
        try:
            job = Job.objects.get(id=result_id)
        except (Job.DoesNotExist, ValueError) as exc:
            raise TaskResultDoesNotExist(result_id) from exc
        return self.to_result(job, import_string(job.task_path))

    def retry_delay(self, attempts: int, task_path: str = "") -> float:
        """Seconds to wait before attempt ``attempts + 1``: exponential, capped, by the
        task's retry policy (:mod:`dms.jobs.retry`) or the backend's options."""
        return policy_for(task_path, self).delay(attempts)

    def to_result(self, job: Job, task) -> TaskResult:
        status = {
            "READY": TaskResultStatus.READY,
            "RUNNING": TaskResultStatus.RUNNING,
            "SUCCESSFUL": TaskResultStatus.SUCCESSFUL,
            "FAILED": TaskResultStatus.FAILED,
        }[job.status]
        result = TaskResult(
            task=task,
            id=str(job.id),
            status=status,
            enqueued_at=job.enqueued_at,
            started_at=job.started_at,
            finished_at=job.finished_at,
            last_attempted_at=job.started_at,
            args=job.args,
            kwargs=job.kwargs,
            backend=self.alias,
            errors=[TaskError(**error) for error in job.errors],
            worker_ids=list(job.worker_ids),
        )
        object.__setattr__(result, "_return_value", job.return_value)
        return result
