"""The Content-Security-Policy header on every response (Django 5.2 has none built in).

The policy is ``settings.CONTENT_SECURITY_POLICY`` (``KIROKU_CONTENT_SECURITY_POLICY``);
it includes ``frame-ancestors``, the modern form of X-Frame-Options. The middleware sits
before WhiteNoise so that the web app's own files, which WhiteNoise answers without going
further down the stack, carry it too. A response that sets its own policy keeps it.
"""

from django.conf import settings


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
