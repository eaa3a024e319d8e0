"""The job queue's health probe, registered by :class:`dms.jobs.apps.JobsConfig`."""

from django.db.models import Count, Min, Q
from django.utils import timezone

from dms.health import DEGRADED, DOWN, OK, ProbeResult
from dms.jobs.models import Job, JobStatus

# A job that has failed at least once and is still to be tried again. (A job taken over
# from a dead worker has no error yet: that is the lease working, not a failure.)
RETRYING = Q(status__in=(JobStatus.READY, JobStatus.RUNNING), attempts__gte=1) & ~Q(last_error="")


def probe_job_queue() -> ProbeResult:
    """The job table answers; its capabilities count the jobs in each status.

    Degraded while jobs are failing and waiting for a retry (e.g. indexing while the search
    engine is unreachable): the backlog per task, with the age of its oldest job, tells an
    operator what is stuck and since when. It clears by itself once they succeed.
    """
    try:
        counts = dict(Job.objects.values_list("status").annotate(n=Count("id")).order_by())
        retrying = (
            Job.objects.filter(RETRYING)
            .values("task_path")
            .annotate(count=Count("id"), oldest=Min("enqueued_at"))
            .order_by("task_path")
        )
        now = timezone.now()
        backlog = {
            row["task_path"]: {
                "count": row["count"],
                "oldest_seconds": round((now - row["oldest"]).total_seconds()),
            }
            for row in retrying
        }
    except Exception as exc:
        return ProbeResult(DOWN, "database", detail=f"job table unreachable: {exc}")
    capabilities = {"jobs": counts, "retrying": backlog}
    if not backlog:
        return ProbeResult(OK, "database", detail="", capabilities=capabilities)
    detail = ", ".join(
        f"{path}: {info['count']} failing, oldest {info['oldest_seconds']} s"
        for path, info in backlog.items()
    )
    return ProbeResult(
        DEGRADED, "database", detail=f"jobs retrying ({detail})", capabilities=capabilities
    )
