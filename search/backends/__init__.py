"""Search backends behind one protocol (:class:`search.backends.base.SearchBackend`).

:func:`backend_for` builds the backend serving a URL: the engine is detected from the
server (``search.engine.detect_engine``); an empty URL means the embedded index.
"""

from __future__ import annotations

import threading

from django.conf import settings

from search.backends.base import SearchBackend, SearchUnavailable
from search.engine import detect_engine

_cache: dict[tuple, SearchBackend] = {}
_lock = threading.Lock()


def backend_for(url: str, *, prefix: str | None = None, index_dir: str | None = None):
    """The backend for ``url`` ("" = embedded) with the configured index prefix."""
    config = settings.SEARCH
    prefix = prefix or config.get("INDEX_PREFIX") or "kiroku"
    index_dir = index_dir or config["INDEX_DIR"]
    key = (url, prefix, index_dir if not url else "")
    with _lock:
        backend = _cache.get(key)
    if backend is not None:
        return backend
    if url:
        from search.backends.remote import RemoteBackend

        try:
            info = detect_engine(url)
        except Exception as exc:
            raise SearchUnavailable(f"search engine at {url} unreachable: {exc}") from exc
        backend = RemoteBackend(url, prefix, info.engine, info.analysis, info.components)
    else:
        from search.backends.embedded import EmbeddedBackend

        backend = EmbeddedBackend(index_dir, prefix)
    with _lock:
        _cache[key] = backend
    return backend


def get_backend() -> SearchBackend:
    """The backend that serves queries (``settings.SEARCH["URL"]``)."""
    return backend_for(settings.SEARCH["URL"])


__all__ = ["SearchBackend", "SearchUnavailable", "backend_for", "get_backend"]
