"""Tasks used by the job-queue tests (module level, so workers can import them)."""

import time
from pathlib import Path

from django_tasks import task

from dms.jobs import on_give_up


@task()
def add(a: int, b: int) -> int:
    return a + b


@task()
def sleep_then_touch(seconds: float, path: str) -> str:
    time.sleep(seconds)
    Path(path).write_text("done")
    return path


@task()
def always_fails(reason: str) -> None:
    raise RuntimeError(reason)


GAVE_UP: list = []


@on_give_up(always_fails)
def record_give_up(args, kwargs, error):
    GAVE_UP.append((args, error))


@task()
def add_nothing() -> int:
    """A periodic task for the schedule tests."""
    return 0
