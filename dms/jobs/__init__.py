"""The job queue: Django's Tasks API on a database backend with leases and retries.

Work after ingest (extraction, indexing) runs as tasks declared with
``django_tasks.task`` and enqueued in the same database transaction as the rows they
concern, so a job exists exactly when its document does. Workers (``manage.py
run_worker``) are separate processes on any number of machines; each claims a job with a
*lease* that it renews while working. A worker that dies (even ``kill -9``) stops renewing,
the lease expires, and another worker takes the job again. Failures are retried with
exponential backoff; when the last attempt fails the task's give-up handler runs (see
:func:`on_give_up`), so a document is left ``failed`` with the error rather than stuck.

Why not ``django-tasks-db``: its worker marks a job RUNNING with no lease or heartbeat, so a
killed worker leaves the job running forever, and it has no retries.
"""

from dms.jobs.registry import on_give_up


class PermanentError(Exception):
    """A failure that retrying cannot fix (a damaged file): the job gives up at once."""


__all__ = ["PermanentError", "on_give_up"]
