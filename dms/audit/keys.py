"""The audit chain's HMAC keys: the current one signs new entries, older ones verify.

Keys come from ``settings.AUDIT_KEYS`` (newest first; see ``KIROKU_AUDIT_KEY`` in
``.env.example``) and never from the database, so someone who can write the database but
does not hold the key cannot recompute a rewritten chain. Each entry names its key by a
fingerprint (``key_id``), so keys can be rotated: put the new key first and keep the old
ones after it for as long as their entries must verify.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def key_id(key: bytes) -> str:
    """A public name for ``key``: reveals nothing of it, changes when it changes."""
    return hmac.new(key, b"kiroku audit key id", hashlib.sha256).hexdigest()[:16]


def _ring() -> dict[str, bytes]:
    # Built on each call: settings may change at run time (tests), and it is a few HMACs.
    return {key_id(raw): raw for raw in (k.encode() for k in settings.AUDIT_KEYS)}


def current() -> tuple[str, bytes]:
    """The id and bytes of the key that signs new entries."""
    raw = settings.AUDIT_KEYS[0].encode()
    return key_id(raw), raw


def find(identifier: str) -> bytes | None:
    """The key named ``identifier``, or None when it is not configured (any more)."""
    return _ring().get(identifier)
