"""Token authentication: knox's, without sweeping a user's other tokens on every request.

knox reads all of the user's tokens on each authenticated request to delete the expired
ones: one more query on every API call, the upload path included. Here a request checks
only its own token's expiry; the user's other expired tokens are deleted when a token is
issued (:func:`dms.accounts.tokens.issue`).
"""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox import auth


class TokenAuthentication(auth.TokenAuthentication):
    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            auth_token.delete()
            return True
        return False


class TokenScheme(KnoxTokenScheme):
    """The OpenAPI schema describes this class as knox's token header."""

    target_class = TokenAuthentication
