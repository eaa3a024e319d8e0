"""Limits on password guessing, per user name and per client address, with an audit entry.

Every password check that comes with a request (the web app's login, the token endpoint,
the admin) goes through :class:`GuardedModelBackend`. Before the password is checked, the
attempt reserves a row under each of its keys (``user:<name>``, ``address:<ip>``) and
counts the rows of the window; over a limit, it is refused with 429 and ``Retry-After``
and the password is not checked at all. A wrong password leaves its rows (they count for
the window); a right one removes them.

Why rows in the database rather than DRF's cache throttles or django-axes: the counter must
be shared by every web process, and DRF's throttle history is a read-modify-write of a
cache entry (Django's database cache has no atomic increment), so a burst of parallel
guesses would all read the same count and all pass. Here each attempt inserts first and
then counts what is committed, so at most ``limit`` attempts of a window ever reach the
password check, however they are spread over processes. django-axes counts failures in the
database too, but it needs a request in every ``authenticate()`` call and reports a lockout
through its own middleware and signals, outside the API's error shape.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from dms.accounts.models import LoginFailure
from dms.audit import trail
from dms.audit.models import Outcome
from dms.errors import ApiError

logger = logging.getLogger(__name__)

_REFUSAL = "_kiroku_login_refusal"  # where the backend leaves a throttle refusal for the view

INVALID_CREDENTIALS = ApiError(
    "invalid_credentials",
    "ユーザー名またはパスワードが正しくありません。",
    "The user name or password is not correct.",
)


class LoginThrottled(ApiError):
    status_code = 429

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            "login_throttled",
            f"ログインの失敗が続いたため、一時的にログインできません。"
            f"約{minutes}分後に再度お試しください。",
            "Too many failed sign-in attempts. "
            f"Please try again in about {minutes} minute{'s' if minutes > 1 else ''}.",
            retry_after=retry_after,
        )


@dataclass(frozen=True)
class _Limit:
    key: str
    limit: int


def _limits(request, username: str) -> list[_Limit]:
    config = settings.LOGIN_LIMITS
    limits = [_Limit(f"user:{username.strip().lower()[:150]}", config["PER_USER"])]
    address = trail.client_address(request)
    if address:
        limits.append(_Limit(f"address:{address[:64]}", config["PER_ADDRESS"]))
    return limits


def _window() -> dt.timedelta:
    return dt.timedelta(seconds=settings.LOGIN_LIMITS["WINDOW_SECONDS"])


def _retry_after(limit: _Limit, since: dt.datetime, now: dt.datetime) -> int:
    """Seconds until enough of the key's failures leave the window for one more try."""
    times = list(
        LoginFailure.objects.filter(key=limit.key, at__gte=since)
        .order_by("at")
        .values_list("at", flat=True)
    )
    # One more attempt fits once all but limit - 1 of them are out of the window.
    oldest_to_leave = times[max(0, len(times) - limit.limit)]
    return max(1, math.ceil((oldest_to_leave + _window() - now).total_seconds()))


class Attempt:
    """One password check under the limits: reserve, then ``succeeded`` or ``failed``."""

    def __init__(self, request, username: str) -> None:
        self.request, self.username = request, username
        self.rows: list[int] = []

    def reserve(self) -> None:
        """Count this attempt in; refuse it (LoginThrottled) when a limit is reached."""
        now = timezone.now()
        since = now - _window()
        LoginFailure.objects.filter(at__lt=since).delete()
        limits = _limits(self.request, self.username)
        self.rows = [LoginFailure.objects.create(key=limit.key, at=now).pk for limit in limits]
        over = [
            limit
            for limit in limits
            if LoginFailure.objects.filter(key=limit.key, at__gte=since).count() > limit.limit
        ]
        if over:
            self._release()  # a refused attempt checked no password: it does not count
            wait = max(_retry_after(limit, since, now) for limit in over)
            self._audit(Outcome.REFUSED, "throttled")
            raise LoginThrottled(wait)

    def succeeded(self, user) -> None:
        self._release()
        self._audit(Outcome.DONE, "", user=user)

    def failed(self) -> None:
        self._audit(Outcome.REFUSED, "invalid_credentials")

    def _release(self) -> None:
        LoginFailure.objects.filter(pk__in=self.rows).delete()
        self.rows = []

    def _audit(self, outcome: str, reason: str, user=None) -> None:
        """An entry against the user the attempt named, when there is one."""
        target = user or (
            get_user_model()
            .objects.filter(**{get_user_model().USERNAME_FIELD: self.username})
            .first()
        )
        if target is None:
            # No entry without a user: a mistyped password in the name field must not be
            # kept for ever in the append-only trail. The log has the refusal.
            logger.warning(
                "login %s for an unknown user name from %s",
                reason,
                trail.client_address(self.request),
            )
            return
        details = {"path": self.request.path[:200]}
        if reason:
            details["reason"] = reason
        trail.record(
            actor=user or AnonymousUser(),
            action="login",
            target=target,
            request=self.request,
            outcome=outcome,
            details=details,
        )


class GuardedModelBackend(ModelBackend):
    """Django's password check, under the limits whenever it comes with a request."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None or password is None:
            return super().authenticate(request, username, password, **kwargs)
        attempt = Attempt(request, str(username))
        try:
            attempt.reserve()
        except LoginThrottled as refusal:
            setattr(request, _REFUSAL, refusal)
            raise PermissionDenied from refusal  # Django stops asking other backends
        user = super().authenticate(request, username, password, **kwargs)
        if user is None:
            attempt.failed()
        else:
            attempt.succeeded(user)
        return user


def refusal(request) -> ApiError:
    """Why ``authenticate()`` answered None for this request: throttled, or wrong."""
    return getattr(request, _REFUSAL, None) or INVALID_CREDENTIALS
