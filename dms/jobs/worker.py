"""The worker loop: claim a job under a lease, keep the lease alive, record the outcome."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from datetime import timedelta

from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskContext, task_backends
from django_tasks.utils import get_module_path, normalize_json

from dms.jobs import PermanentError, schedule
from dms.jobs.models import Job, JobStatus
from dms.jobs.registry import give_up_handler
from dms.jobs.retry import KEPT_ERRORS

logger = logging.getLogger(__name__)
SCHEDULE_CHECK_SECONDS = 30  # how often each worker looks for a due periodic task


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Worker:
    def __init__(
        self,
        *,
        backend_alias: str = "default",
        queues=("default",),
        worker_id=None,
        recycle_connections: bool = False,
        run_schedules: bool = False,
    ):
        self.backend = task_backends[backend_alias]
        # A long-running worker drops broken or expired connections between jobs, as a
        # request handler does; tests run inside a transaction and must keep theirs.
        self.recycle_connections = recycle_connections
        # Long-running workers also enqueue periodic tasks (dms.jobs.schedule) when due.
        self.run_schedules = run_schedules
        self._schedules_checked_at = float("-inf")
        self.queues = list(queues)
        self.worker_id = worker_id or default_worker_id()
        self.stopping = threading.Event()

    # --- claiming ---------------------------------------------------------------------
    def claim(self) -> Job | None:
        """Take the next due job, or a running one whose lease has expired."""
        while True:
            now = timezone.now()
            with transaction.atomic():
                candidates = (
                    Job.objects.filter(queue_name__in=self.queues, backend_alias=self.backend.alias)
                    .filter(
                        Q(status=JobStatus.READY, run_after__lte=now)
                        | Q(status=JobStatus.RUNNING, lease_expires_at__lt=now)
                    )
                    .order_by("-priority", "run_after")
                )
                if connection.features.has_select_for_update_skip_locked:
                    candidates = candidates.select_for_update(skip_locked=True)
                job = candidates.first()
                if job is None:
                    return None
                if job.status == JobStatus.RUNNING and job.attempts >= job.max_attempts:
                    # Its worker died during the last attempt: nothing left to retry.
                    self._give_up(
                        job, "ワーカーが応答しなくなりました (worker lost during final attempt)"
                    )
                    continue
                job.status = JobStatus.RUNNING
                job.attempts += 1
                job.started_at = now
                job.lease_expires_at = now + timedelta(seconds=self.backend.lease_seconds)
                job.worker_ids = [*job.worker_ids, self.worker_id]
                job.save()
                return job

    def _owned(self, job: Job):
        """Rows this worker may still update: the lease was not taken over by another."""
        return Job.objects.filter(id=job.id, attempts=job.attempts, status=JobStatus.RUNNING)

    # --- running ----------------------------------------------------------------------
    def run_one(self) -> bool:
        """Run one job if any is due; True when a job was run."""
        if self.recycle_connections:
            close_old_connections()
        job = self.claim()
        if job is None:
            return False
        logger.info(
            "job %s %s attempt %s/%s", job.id, job.task_path, job.attempts, job.max_attempts
        )
        heartbeat = _Heartbeat(self, job)
        heartbeat.start()
        try:
            return_value = self._call(job)
        except Exception as exc:
            heartbeat.stop()
            self._record_failure(job, exc)
        else:
            heartbeat.stop()
            self._owned(job).update(
                status=JobStatus.SUCCESSFUL,
                finished_at=timezone.now(),
                lease_expires_at=None,
                return_value=normalize_json(return_value),
            )
        return True

    def _call(self, job: Job):
        task = import_string(job.task_path)
        if task.takes_context:
            result = self.backend.to_result(job, task)
            return task.call(TaskContext(task_result=result), *job.args, **job.kwargs)
        return task.call(*job.args, **job.kwargs)

    def _record_failure(self, job: Job, exc: Exception) -> None:
        error = {
            "exception_class_path": get_module_path(type(exc)),
            "traceback": "".join(traceback.format_exception(exc)),
        }
        message = str(exc) or type(exc).__name__
        logger.warning("job %s failed on attempt %s: %s", job.id, job.attempts, message)
        with transaction.atomic():
            job.errors = [*job.errors, error][-KEPT_ERRORS:]
            job.last_error = message
            if job.attempts < job.max_attempts and not isinstance(exc, PermanentError):
                delay = self.backend.retry_delay(job.attempts, job.task_path)
                self._owned(job).update(
                    status=JobStatus.READY,
                    run_after=timezone.now() + timedelta(seconds=delay),
                    lease_expires_at=None,
                    errors=job.errors,
                    last_error=message,
                )
            else:
                self._give_up(job, message)

    def _give_up(self, job: Job, message: str) -> None:
        Job.objects.filter(id=job.id).update(
            status=JobStatus.FAILED,
            finished_at=timezone.now(),
            lease_expires_at=None,
            last_error=message,
            errors=job.errors,
        )
        handler = give_up_handler(job.task_path)
        if handler is not None:
            handler(job.args, job.kwargs, message)

    def run(self, *, poll_interval: float = 1.0, until_empty: bool = False) -> int:
        """Run jobs until stopped (or, with ``until_empty``, until none is due)."""
        done = 0
        while not self.stopping.is_set():
            self._enqueue_due_schedules()
            if self.run_one():
                done += 1
            elif until_empty:
                break
            else:
                self.stopping.wait(poll_interval)
        return done

    def _enqueue_due_schedules(self) -> None:
        if not self.run_schedules:
            return
        if time.monotonic() - self._schedules_checked_at < SCHEDULE_CHECK_SECONDS:
            return
        self._schedules_checked_at = time.monotonic()
        try:
            schedule.enqueue_due()
        except DatabaseError as exc:  # the database is down: jobs cannot run either
            logger.warning("periodic tasks not checked: %s", exc)


class _Heartbeat:
    """Renews the lease every third of its length while the job runs."""

    def __init__(self, worker: Worker, job: Job) -> None:
        self.worker, self.job = worker, job
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._beat, daemon=True, name=f"lease-{job.id}")

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.done.set()
        self.thread.join()

    def _beat(self) -> None:
        lease = self.worker.backend.lease_seconds
        try:
            while not self.done.wait(lease / 3):
                try:
                    self.worker._owned(self.job).update(
                        lease_expires_at=timezone.now() + timedelta(seconds=lease)
                    )
                except Exception as exc:
                    # A database blip must not end the heartbeat: with a short lease, one
                    # missed renewal is survivable, a dead heartbeat thread is not.
                    logger.warning("job %s: lease renewal failed: %s", self.job.id, exc)
                    connection.close()  # reconnect on the next beat
        finally:
            connection.close()  # this thread's own connection
