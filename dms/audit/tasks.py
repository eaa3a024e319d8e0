"""The audit trail's task: anchor the head in WORM storage, on a schedule (at least daily)."""

from datetime import timedelta

from django.conf import settings
from django_tasks import task

from dms.audit import anchors
from dms.jobs.schedule import every


@task()
def anchor_audit_head(reason: str = "scheduled") -> int:
    """Write the current head as an anchor; the anchored sequence (0: empty trail)."""
    anchor = anchors.anchor_head(reason)
    return anchor.sequence if anchor else 0


every(timedelta(hours=settings.AUDIT_ANCHOR_EVERY_HOURS), anchor_audit_head)
