"""The indexing task: subscribed to ``dms.documents.events`` from ``SearchConfig.ready()``.

Every committed change of a document enqueues ``index_document(document_id, revision)``
(the job row is the outbox). The task reads the document's *current* state and upserts
it with its current revision as the external version, so it is idempotent, and a job
that runs late (or twice) never overwrites a newer entry. When the engine is down the
task raises, the queue retries it with backoff (capped at five minutes, for more than a
day: :data:`INDEX_RETRY`), and documents are still saved. Should it give up all the same,
:func:`reconcile_index` (run periodically, like ``manage.py search_check``) finds and
repairs the entry.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import TaskContext, task, task_backends

from dms.jobs import on_give_up
from dms.jobs.models import Job, JobStatus
from dms.jobs.retry import RetryPolicy, retry_policy
from dms.jobs.schedule import every
from search.backends import get_backend
from search.consistency import check
from search.entries import entries_for

logger = logging.getLogger(__name__)

SEARCH_QUEUE = "search"


def _queue_name() -> str:
    """Index jobs have a queue of their own when the task backend lists one: indexing is
    quick and should not wait behind OCR (nor make OCR wait behind a burst of changes),
    and the two can be given separate workers. Otherwise they share ``default``."""
    try:
        queues = task_backends["default"].queues
    except Exception:
        return "default"
    return SEARCH_QUEUE if SEARCH_QUEUE in queues else "default"


@task(queue_name=_queue_name())
def index_document(document_id: int, revision: int) -> dict:
    backend = get_backend()
    entries = entries_for([document_id])
    if not entries:  # destroyed by its disposal decision, or the row is gone (a repair)
        deleted = backend.delete(document_id, revision)
        return {"document_id": document_id, "deleted": deleted}
    entry = entries[0]
    applied = backend.upsert(entry)
    return {"document_id": document_id, "revision": entry.revision, "applied": applied}


# An engine outage must not lose an index write: retry every five minutes at most, for
# 26 hours (10, 20, 40, 80, 160 s, then 300 s), instead of the backend's three attempts.
INDEX_RETRY = RetryPolicy(max_attempts=320, backoff_seconds=10, backoff_max_seconds=300)
retry_policy(index_document, INDEX_RETRY)


@on_give_up(index_document)
def _gave_up(args, kwargs, error) -> None:
    logger.error(
        "indexing document %s gave up (%s); the periodic reconcile_index job, or "
        "`manage.py search_check`, will repair the entry",
        args[0] if args else kwargs.get("document_id"),
        error,
    )


@task(queue_name=_queue_name(), takes_context=True)
def reconcile_index(context: TaskContext) -> dict:
    """Repair the index from the database (``search_check``'s repair), e.g. every hour.

    Idempotent: every write carries the document's revision, so a repair never overwrites
    a newer entry, and running it twice changes nothing. With many workers, a run that
    finds another one in progress (its lease alive) leaves the work to it.
    """
    running = Job.objects.filter(
        task_path=reconcile_index.module_path,
        status=JobStatus.RUNNING,
        lease_expires_at__gt=timezone.now(),
    ).exclude(id=context.task_result.id)
    if running.exists():
        return {"skipped": "another reconciliation is running"}
    report = check(repair=True)
    return {
        "documents": report.documents,
        "missing": len(report.missing),
        "stale": len(report.stale),
        "extra": len(report.extra),
        "ahead": len(report.ahead),
        "repaired": report.repaired,
    }


# Periodic: an engine that is down fails this run; the next period tries again.
retry_policy(reconcile_index, RetryPolicy(max_attempts=1))


# An engine outage heals without a person: whichever worker comes first repairs the index.
every(timedelta(hours=1), reconcile_index)
