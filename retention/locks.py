"""The store's Object Lock kept in step with retention (retain-until and legal hold).

Every stored object of a document (each version's original and every stored version of
its archive PDF) is locked until the end of the effective expiry day (JST), in the mode
``KIROKU_RETENTION_LOCK_MODE``, with a legal hold while any hold is open. A lock is
never shortened: a later date already on the store stays.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from dms.documents.models import Document, Version
from dms.storage import COMPLIANCE, Retention, get_object_store
from dms.storage.base import UNKNOWN
from retention.models import DocumentRetention

JST = ZoneInfo("Asia/Tokyo")


def lock_until(expiry: dt.date) -> dt.datetime:
    """The end of the expiry day in Japan: the store holds the whole of the last day."""
    return dt.datetime.combine(expiry + dt.timedelta(days=1), dt.time(), JST)


def stored_objects(document: Document, store=None) -> Iterator[tuple[str, str]]:
    """(key, version id) of every object the document has on the store."""
    store = store or get_object_store()
    # A query of its own: a just-created document carries a prefetched list instead.
    for version in Version.objects.filter(document_id=document.pk).select_related("blob"):
        if version.blob.store_version_id:
            yield version.blob.key, version.blob.store_version_id
        if version.archive_key:
            for stored in store.list_versions(version.archive_key):
                yield version.archive_key, stored.version_id


@dataclass
class Difference:
    document_id: int
    key: str
    version_id: str
    what: str  # "retention" or "legal_hold"
    store: str
    wanted: str
    repaired: bool = False


def _mode(current: Retention | None) -> str:
    wanted = settings.KIROKU_RETENTION_LOCK_MODE
    # A COMPLIANCE lock cannot become GOVERNANCE: keep the stronger mode.
    if current is not None and current.in_force() and current.mode == COMPLIANCE:
        return COMPLIANCE
    return wanted


def apply(key: str, version_id: str, *, until, legal_hold: bool, info=None, store=None):
    """Set one object's lock; ``info`` (a head() result) when the caller already read it.

    Returns the differences found (before repair)."""
    store = store or get_object_store()
    info = info or store.head(key, version_id)
    found: list[tuple[str, str, str]] = []
    current = info.retention
    if until is not None:
        want = Retention(_mode(current), until)
        if current is None or not current.in_force() or current.until < want.until:
            found.append(("retention", str(current and current.until.isoformat()), str(want.until)))
            store.set_retention(key, version_id, want, current=current)
    if info.legal_hold != legal_hold:
        found.append(("legal_hold", str(info.legal_hold), str(legal_hold)))
        store.set_legal_hold(key, version_id, legal_hold)
    return found


def sync_document(document_id: int, *, repair: bool = True) -> list[Difference]:
    """Bring (or, ``repair=False``, compare) the store's locks of one document in line
    with its retention; records what was set. Store errors propagate (the job retries)."""
    entry = DocumentRetention.objects.select_related("document").filter(pk=document_id).first()
    if entry is None or entry.document.is_destroyed:
        return []
    store = get_object_store()
    # Under an open hold there is no effective expiry, but the base one still binds.
    day = entry.effective_expiry or entry.base_expiry
    until = lock_until(day) if day else None
    differences: list[Difference] = []
    for key, version_id in stored_objects(entry.document, store):
        info = store.head(key, version_id)
        if repair:
            found = apply(key, version_id, until=until, legal_hold=entry.open_hold, info=info)
        else:
            found = []
            current = info.retention
            if until is not None and (current is None or current.until < until):
                found.append(("retention", str(current and current.until), str(until)))
            if info.legal_hold != entry.open_hold:
                found.append(("legal_hold", str(info.legal_hold), str(entry.open_hold)))
        differences += [
            Difference(document_id, key, version_id, what, has, wanted, repaired=repair)
            for what, has, wanted in found
        ]
    if repair:
        updates = {"lock_legal_hold": entry.open_hold, "lock_synced_at": timezone.now()}
        if day and (entry.lock_until is None or day > entry.lock_until):
            updates["lock_until"] = day
        DocumentRetention.objects.filter(pk=document_id).update(**updates)
    return differences


def bulk_lock(objects, until: dt.datetime, mode: str, *, current=UNKNOWN, store=None) -> int:
    """Lock many objects whose current retention the caller knows (``current``, the same
    for all, e.g. Kiroku's own record): one request per object, no read."""
    store = store or get_object_store()
    retention = Retention(mode, until)
    for key, version_id in objects:
        store.set_retention(key, version_id, retention, current=current)
    return len(objects)
