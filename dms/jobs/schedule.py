"""Periodic tasks: "run this task every N", on the job queue, once per period.

Declare a schedule next to the task, in a module that is imported at start-up (a tasks
module imported from the app's ``AppConfig.ready()``)::

    @task()
    def reconcile(): ...

    every(timedelta(hours=1), reconcile)

Every worker started by ``run_worker`` calls :func:`enqueue_due` now and then. A period is
claimed by one conditional UPDATE of the schedule's row (``next_run_at <= now`` → the next
period), so however many workers race for it exactly one enqueues the job, in the same
transaction; the job itself then runs like any other (lease, retries, give-up handler).
A period that passes while no worker runs is run once when one starts, not caught up.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Schedule:
    task: object  # a django_tasks Task
    period: timedelta

    @property
    def name(self) -> str:
        return self.task.module_path


_schedules: dict[str, Schedule] = {}


def every(period: timedelta, task) -> Schedule:
    """Run ``task`` (no arguments) once every ``period`` on whichever worker comes first."""
    if period <= timedelta(0):
        raise ValueError("a schedule's period must be positive")
    schedule = _schedules[task.module_path] = Schedule(task, period)
    return schedule


def schedules() -> list[Schedule]:
    return list(_schedules.values())


def enqueue_due(now=None) -> list[str]:
    """Enqueue every schedule whose period has come; the names of those enqueued here."""
    from dms.jobs.models import PeriodicSchedule

    now = now or timezone.now()
    enqueued = []
    for schedule in schedules():
        try:
            with transaction.atomic():
                PeriodicSchedule.objects.get_or_create(
                    name=schedule.name, defaults={"next_run_at": now}
                )
        except IntegrityError:  # another worker created it a moment ago
            pass
        with transaction.atomic():
            claimed = PeriodicSchedule.objects.filter(
                name=schedule.name, next_run_at__lte=now
            ).update(next_run_at=now + schedule.period, last_enqueued_at=now)
            if claimed:
                schedule.task.enqueue()
                enqueued.append(schedule.name)
                logger.info("periodic task %s enqueued", schedule.name)
    return enqueued
