"""Object storage: where Kiroku keeps the bytes of every document version.

This package owns the ``ObjectStore`` protocol and its two implementations: a versioned
S3 bucket with Object Lock (``S3ObjectStore``, via the minio SDK; MinIO in production) and
a local-disk store for the embedded default (``LocalObjectStore``) that enforces the same
rules itself. Both stream objects in chunks and record their SHA-256, never overwrite a
version, and refuse to delete a version under retention (GOVERNANCE unless explicitly
bypassed, COMPLIANCE never) or legal hold. It knows nothing of documents, users or the
database; ``get_object_store()`` builds the store named by ``settings.OBJECT_STORE``.
"""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from typing import Any

from .base import (
    COMPLIANCE,
    GOVERNANCE,
    ChecksumMismatch,
    DefaultRetention,
    InvalidRange,
    ObjectInfo,
    ObjectLocked,
    ObjectNotFound,
    ObjectReader,
    ObjectStore,
    ObjectStoreError,
    PutResult,
    Retention,
    RetentionError,
    StoreMisconfigured,
    StoreUnavailable,
    validate_key,
)

__all__ = [
    "COMPLIANCE",
    "GOVERNANCE",
    "ChecksumMismatch",
    "DefaultRetention",
    "InvalidRange",
    "ObjectInfo",
    "ObjectLocked",
    "ObjectNotFound",
    "ObjectReader",
    "ObjectStore",
    "ObjectStoreError",
    "PutResult",
    "Retention",
    "RetentionError",
    "StoreMisconfigured",
    "StoreUnavailable",
    "build_object_store",
    "get_object_store",
    "reset_object_store",
    "validate_key",
]


def build_object_store(config: dict[str, Any]) -> ObjectStore:
    """Build a store from an ``OBJECT_STORE``-style dict (see ``dms/settings.py``).

    ``BACKEND`` is ``"local"`` (needs ``ROOT``) or ``"s3"`` (needs ``ENDPOINT``, ``BUCKET``;
    uses ``ACCESS_KEY``, ``SECRET_KEY``, ``REGION`` and optionally ``CONNECT_TIMEOUT``,
    ``READ_TIMEOUT``, ``PART_SIZE``). Both take ``DEFAULT_RETENTION_MODE`` and
    ``DEFAULT_RETENTION_DAYS`` (a fraction for tests; unset or 0: no default retention).
    """
    backend = (config.get("BACKEND") or "local").lower()
    default_retention = _default_retention(config)
    if backend == "local":
        from .local import LocalObjectStore

        if not config.get("ROOT"):
            raise ValueError("OBJECT_STORE['ROOT'] is required for the local backend")
        return LocalObjectStore(config["ROOT"], default_retention=default_retention)
    if backend == "s3":
        from .s3 import S3ObjectStore

        if not config.get("ENDPOINT") or not config.get("BUCKET"):
            raise ValueError("OBJECT_STORE['ENDPOINT'] and ['BUCKET'] are required for s3")
        options = {
            option: config[name]
            for name, option in (
                ("CONNECT_TIMEOUT", "connect_timeout"),
                ("READ_TIMEOUT", "read_timeout"),
                ("PART_SIZE", "part_size"),
            )
            if config.get(name)
        }
        return S3ObjectStore(
            config["ENDPOINT"],
            config.get("ACCESS_KEY"),
            config.get("SECRET_KEY"),
            config["BUCKET"],
            config.get("REGION") or "us-east-1",
            default_retention=default_retention,
            **options,
        )
    raise ValueError(f"unknown OBJECT_STORE backend {backend!r} (expected 'local' or 's3')")


def _default_retention(config: dict[str, Any]) -> DefaultRetention | None:
    days = float(config.get("DEFAULT_RETENTION_DAYS") or 0)
    if not days:
        return None
    mode = (config.get("DEFAULT_RETENTION_MODE") or COMPLIANCE).upper()
    return DefaultRetention(mode, timedelta(days=days))  # type: ignore[arg-type]


_cache: dict[tuple[Any, ...], ObjectStore] = {}
_cache_lock = threading.Lock()


def get_object_store() -> ObjectStore:
    """The store configured by ``settings.OBJECT_STORE``, built once per process.

    The cache is keyed by the configuration (so ``override_settings`` works) and by the
    process id (an S3 client must not be shared across ``fork``).
    """
    from django.conf import settings

    config = dict(settings.OBJECT_STORE)
    cache_key = (os.getpid(), *sorted((k, str(v)) for k, v in config.items()))
    with _cache_lock:
        store = _cache.get(cache_key)
        if store is None:
            store = _cache[cache_key] = build_object_store(config)
        return store


def reset_object_store() -> None:
    """Forget the cached stores (tests, or after changing settings at run time)."""
    with _cache_lock:
        _cache.clear()
