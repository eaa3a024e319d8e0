"""Retention's jobs: the store's locks follow every change (retried while it is down)."""

from django_tasks import task

from dms.jobs.retry import RetryPolicy, retry_policy
from retention import locks


@task()
def sync_store_lock(document_id: int) -> int:
    """Set the Object Lock of every stored object of the document: :func:`locks.sync_document`."""
    return len(locks.sync_document(document_id))


# A store outage must not lose a lock: tried for about a day, five minutes apart at most.
retry_policy(sync_store_lock, RetryPolicy(max_attempts=320, backoff_max_seconds=300))
