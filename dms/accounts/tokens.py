"""API tokens: issued with an expiry, stored only as hashes (django-rest-knox), revocable.

A token is shown once, when it is issued; the database keeps its SHA-512 digest and its
first characters (``token_key``), by which its owner sees and revokes it. A token is
revoked when it logs out, when it is rotated, when its owner revokes it, and all of a
user's tokens when their password changes (:func:`revoke_all`, from the signal in
:mod:`dms.accounts.signals`). An expired token is refused and deleted when it is used
(:mod:`dms.accounts.token_auth`); the rest of a user's expired tokens when they are
issued a new one.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from knox.models import AuthToken
from knox.settings import knox_settings

from dms.audit import trail
from dms.errors import ApiError


def live_tokens(user):
    now = timezone.now()
    return AuthToken.objects.filter(user=user, expiry__gt=now).order_by("-created")


def issue(user, *, request=None) -> tuple[AuthToken, str]:
    """A new token for ``user``: the row and the secret, which is never stored."""
    limit = knox_settings.TOKEN_LIMIT_PER_USER
    if limit is not None and live_tokens(user).count() >= limit:
        raise ApiError(
            "too_many_tokens",
            f"有効なトークンが上限 ({limit} 件) に達しています。"
            "不要なトークンを失効させてください。",
            f"You already have {limit} valid tokens. Revoke the ones you no longer use.",
            409,
        )
    with transaction.atomic():
        AuthToken.objects.filter(user=user, expiry__lte=timezone.now()).delete()
        token, secret = AuthToken.objects.create(user=user)
        _audit(user, "token_issue", request, token)
    return token, secret


def rotate(token: AuthToken, *, request=None) -> tuple[AuthToken, str]:
    """Replace ``token`` by a new one with a fresh expiry; the old one stops working now."""
    with transaction.atomic():
        new, secret = AuthToken.objects.create(user=token.user)
        AuthToken.objects.filter(digest=token.digest).delete()
        _audit(token.user, "token_rotate", request, new, replaced=token.token_key)
    return new, secret


def revoke(user, token_key: str, *, request=None) -> bool:
    """Revoke one of ``user``'s tokens by its key; False if they have no such token."""
    with transaction.atomic():
        deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
        if deleted:
            _audit(user, "token_revoke", request, token_key=token_key)
    return bool(deleted)


def revoke_all(user, *, reason: str, request=None) -> int:
    with transaction.atomic():
        deleted, _ = AuthToken.objects.filter(user=user).delete()
        if deleted:
            _audit(user, "token_revoke_all", request, reason=reason, count=deleted)
    return deleted


def _audit(user, action: str, request, token: AuthToken | None = None, **details) -> None:
    if token is not None:
        details |= {"token_key": token.token_key, "expiry": token.expiry.isoformat()}
    trail.record(actor=user, action=action, target=user, request=request, details=details)
