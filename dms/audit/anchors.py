"""Anchors: the chain's head, written to WORM storage so a rewound or rewritten chain shows.

An anchor is an object ``audit-anchors/<sequence>.json`` in the object store holding the
head's sequence and hash, stored under Object Lock retention (COMPLIANCE in production) so
nobody — not the app, not the database owner — can change or delete it before it expires.
Anchors are written by a periodic job (:mod:`dms.audit.tasks`, at least daily) and after
every disposal (``lifecycle.destroy``). :func:`check` compares every version of every
anchor with the chain: an anchor beyond the head means entries were deleted and the head
rewound; a hash that differs means an entry at or before it was rewritten.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from dms.audit.models import AuditEntry, AuditHead
from dms.audit.trail import Problem
from dms.storage import Retention, get_object_store

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Anchor:
    key: str
    sequence: int
    entry_hash: str


def anchor_key(sequence: int) -> str:
    return f"{settings.AUDIT_ANCHOR_PREFIX}{sequence}.json"


def anchor_head(reason: str) -> Anchor | None:
    """Write the current (committed) head to the store; None while the trail is empty."""
    head = AuditHead.objects.filter(id=1).first()
    if head is None or head.sequence == 0:
        return None
    entry = AuditEntry.objects.filter(sequence=head.sequence).first()
    entry_hash = entry.entry_hash if entry else head.entry_hash
    key, store = anchor_key(head.sequence), get_object_store()
    if not store.exists(key):  # the head has not moved since the last anchor
        body = {
            "sequence": head.sequence,
            "entry_hash": entry_hash,
            "hash_version": entry.hash_version if entry else None,
            "key_id": entry.key_id if entry else "",
            "anchored_at": timezone.now().isoformat(),
            "reason": reason,
        }
        retention = Retention(
            settings.AUDIT_ANCHOR_RETENTION_MODE,
            timezone.now() + timedelta(days=settings.AUDIT_ANCHOR_RETENTION_DAYS),
        )
        store.put(
            key,
            json.dumps(body, sort_keys=True).encode(),
            content_type="application/json",
            retention=retention,
        )
        logger.info("audit head #%s anchored (%s)", head.sequence, reason)
    return Anchor(key, head.sequence, entry_hash)


def _read(store, key: str, version_id: str) -> dict:
    with store.open(key, version_id) as reader:
        return json.loads(reader.read())


def check() -> tuple[int, list[Problem]]:
    """Compare every anchor version with the chain: (anchors checked, problems)."""
    store, problems, checked = get_object_store(), [], 0
    head = AuditHead.objects.filter(id=1).first()
    head_sequence = head.sequence if head else 0
    for key in store.list_keys(settings.AUDIT_ANCHOR_PREFIX):
        for version in store.list_versions(key):
            checked += 1
            try:
                body = _read(store, key, version.version_id)
                sequence, anchored_hash = int(body["sequence"]), str(body["entry_hash"])
            except (ValueError, KeyError, TypeError):
                problems.append(Problem(0, f"anchor {key} ({version.version_id}) is unreadable"))
                continue
            entry = AuditEntry.objects.filter(sequence=sequence).first()
            if sequence > head_sequence or entry is None:
                problems.append(
                    Problem(sequence, "anchored entry is gone: entries removed, head rewound")
                )
            elif entry.entry_hash != anchored_hash:
                problems.append(Problem(sequence, "entry differs from its anchor: rewritten"))
    return checked, problems
