"""The job queue's health probe, registered by :class:`dms.jobs.apps.JobsConfig`."""

from django.db.models import Count

from dms.health import DOWN, OK, ProbeResult
from dms.jobs.models import Job


def probe_job_queue() -> ProbeResult:
    """The job table answers; its capabilities count the jobs in each status."""
    try:
        counts = dict(Job.objects.values_list("status").annotate(n=Count("id")).order_by())
    except Exception as exc:
        return ProbeResult(DOWN, "database", detail=f"job table unreachable: {exc}")
    return ProbeResult(OK, "database", detail="", capabilities={"jobs": counts})
