"""The indexing task: subscribed to ``dms.documents.events`` from ``SearchConfig.ready()``.

Every committed change of a document enqueues ``index_document(document_id, revision)``
(the job row is the outbox). The task reads the document's *current* state and upserts
it with its current revision as the external version, so it is idempotent, and a job
that runs late (or twice) never overwrites a newer entry. When the engine is down the
task raises, the queue retries it with backoff, and documents are still saved; if it
gives up, ``manage.py search_check`` finds and repairs the entry.
"""

from __future__ import annotations

import logging

from django_tasks import task, task_backends

from dms.jobs import on_give_up
from search.backends import get_backend
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
    if not entries:  # the row is gone (documents are deleted logically; this is a repair)
        deleted = backend.delete(document_id, revision)
        return {"document_id": document_id, "deleted": deleted}
    entry = entries[0]
    applied = backend.upsert(entry)
    return {"document_id": document_id, "revision": entry.revision, "applied": applied}


@on_give_up(index_document)
def _gave_up(args, kwargs, error) -> None:
    logger.error(
        "indexing document %s gave up (%s); `manage.py search_check --repair` will fix it",
        args[0] if args else kwargs.get("document_id"),
        error,
    )
