"""Session authentication whose CSRF check never reads an upload body.

Django's CSRF check looks for the token in ``request.POST`` before the ``X-CSRFToken``
header. On a DRF request, ``request.POST`` parses the body with the view's parsers, and
the check runs while the request is being *authenticated*: for a multipart upload, that
streamed the files into the object store before anything was decided, and a request then
refused for CSRF (or by the view's own checks) left them there; a raw file body (the
web app's upload) was parsed too early to pass the view's upload gate. Here the check
sees the form fields of a urlencoded body as before (DRF's browsable forms), and every
other body only through the header, which is how the web app sends the token.
"""

from __future__ import annotations

from django.http import QueryDict
from drf_spectacular import authentication as drf_spectacular_authentication
from rest_framework import authentication


class _BodyUnread:
    """The request as the CSRF check sees it: headers, cookies and session; no body."""

    def __init__(self, request):
        self._request = request
        self.POST = QueryDict()

    def __getattr__(self, name):
        return getattr(self._request, name)


class SessionAuthentication(authentication.SessionAuthentication):
    def enforce_csrf(self, request):
        if not request.content_type.startswith("application/x-www-form-urlencoded"):
            request = _BodyUnread(request)
        return super().enforce_csrf(request)


class SessionScheme(drf_spectacular_authentication.SessionScheme):
    """The OpenAPI schema describes this class as DRF's session cookie (``cookieAuth``)."""

    target_class = SessionAuthentication
