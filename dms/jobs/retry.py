"""Retry policies per task: how often a failing task is tried again, and how far apart.

The backend's options (``MAX_ATTEMPTS``, ``BACKOFF_SECONDS``, ``BACKOFF_MAX_SECONDS``) are
the default for every task. A task whose failures are usually an outage of something else
(indexing while the search engine is down) declares a policy of its own, so that it outlasts
the outage instead of giving up after a minute::

    retry_policy(index_document, RetryPolicy(max_attempts=320, backoff_max_seconds=300))

Fields left ``None`` fall back to the backend's options. The number of attempts is written
into the job row when it is enqueued; the delay is computed at each failure.
"""

from __future__ import annotations

from dataclasses import dataclass

# A job keeps the tracebacks of its last failures only: a task retried for a day would
# otherwise grow its row by one traceback per attempt.
KEPT_ERRORS = 10


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int | None = None
    backoff_seconds: float | None = None
    backoff_max_seconds: float | None = None

    def resolved(self, backend) -> RetryPolicy:
        """This policy with the backend's options filled in where it says nothing."""
        return RetryPolicy(
            max_attempts=self.max_attempts or backend.max_attempts,
            backoff_seconds=(
                backend.backoff_seconds if self.backoff_seconds is None else self.backoff_seconds
            ),
            backoff_max_seconds=(
                backend.backoff_max_seconds
                if self.backoff_max_seconds is None
                else self.backoff_max_seconds
            ),
        )

    def delay(self, attempts: int) -> float:
        """Seconds to wait before attempt ``attempts + 1``: doubling, capped (resolved only)."""
        return min(self.backoff_seconds * 2 ** max(attempts - 1, 0), self.backoff_max_seconds)

    def span(self) -> float:
        """Seconds from the first failure to the last attempt (resolved policies only)."""
        return sum(self.delay(n) for n in range(1, self.max_attempts))


_policies: dict[str, RetryPolicy] = {}


def retry_policy(task, policy: RetryPolicy) -> None:
    """Give ``task`` its own retry policy (call where the task is declared)."""
    _policies[task.module_path] = policy


def policy_for(task_path: str, backend) -> RetryPolicy:
    return _policies.get(task_path, RetryPolicy()).resolved(backend)
