"""Tasks used by the job-queue tests (module level, so workers can import them)."""

import time
from pathlib import Path

from django_tasks import task

from dms.jobs import on_give_up
from dms.jobs.retry import RetryPolicy, retry_policy


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


FLAKY_CALLS: list = []


@task()
def fails_until(succeed_on: int) -> int:
    """Fails on each call before the ``succeed_on``-th (an outage that ends)."""
    FLAKY_CALLS.append(1)
    if len(FLAKY_CALLS) < succeed_on:
        raise ConnectionError("engine unreachable")
    return len(FLAKY_CALLS)


# Its own policy: more attempts than the backend's three, with a slower, capped backoff.
retry_policy(fails_until, RetryPolicy(max_attempts=6, backoff_seconds=5, backoff_max_seconds=12))


@task()
def ocr_image(path: str) -> int:
    """One long Tesseract run, as processing makes per page."""
    from django.conf import settings

    from ocr import tesseract

    result = tesseract.run(
        path,
        lang="jpn",
        psm=3,
        dpi=300,
        timeout=300,
        text_layer=False,
        command=settings.TESSERACT_CMD,
    )
    return len(result.words)
