"""Serving the staff web app (``frontend/``, built by Vite into ``frontend/dist``).

WhiteNoise serves the built files (``WHITENOISE_ROOT``); every other path that is not the
API, the admin or static files gets ``index.html`` so the app's own routes (e.g.
``/documents/12``) survive a reload or a bookmark.
"""

from django.conf import settings
from django.http import FileResponse, HttpResponse


def app_index(request, path=""):
    index = settings.FRONTEND_DIST / "index.html"
    if not index.exists():
        return HttpResponse(
            "<!doctype html><meta charset=utf-8><title>記録 Kiroku</title>"
            "<p>画面はまだビルドされていません。<code>make run</code> を実行してください。"
            "<br>The web app has not been built yet: run <code>make run</code>."
            '<p><a href="/api/docs/">API</a>',
            status=503,
        )
    response = FileResponse(index.open("rb"), content_type="text/html; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
