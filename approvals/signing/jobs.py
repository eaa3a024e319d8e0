"""The signing job, its retries while the TSA or the token is down, and a sweep."""

from datetime import timedelta

from django_tasks import task

from approvals.signing import flow
from dms.jobs.retry import RetryPolicy, retry_policy
from dms.jobs.schedule import every


@task()
def apply_signatures(case_id: int) -> int:
    """Apply the case's pending signatures in route order: :func:`flow.apply_signatures`."""
    return flow.apply_signatures(case_id)


# A TSA or HSM outage may last hours: keep retrying (the sweep below also picks it up).
retry_policy(
    apply_signatures, RetryPolicy(max_attempts=20, backoff_seconds=15, backoff_max_seconds=600)
)


@task()
def sweep_pending_signatures() -> int:
    """Every 10 minutes: enqueue the cases that still have pending signatures."""
    ids = flow.pending_case_ids()
    for case_id in ids:
        apply_signatures.enqueue(case_id)
    return len(ids)


every(timedelta(minutes=10), sweep_pending_signatures)
