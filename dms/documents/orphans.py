"""Objects in the store that no record points at, and their removal.

An original is stored before it is recorded (see :mod:`dms.documents.ingest`), and every
path that fails in between removes it again; but a process killed at the wrong moment, or
an object store that refused the removal, leaves an object no ``Blob`` points at. The same
holds for derived files (archive PDF, thumbnail) of a processing run that never finished.
This module finds them: objects under ``originals/`` and ``derived/`` that no Blob (key and
version) or Version (archive or thumbnail key) names, older than a grace period — an
upload still in flight has no row yet. Removing them is a separate, explicit step, and
never touches a version under retention or legal hold (the store refuses; it is reported).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice

from django.db.models import Q
from django.utils import timezone

from dms.documents.models import Blob, Version
from dms.storage import ObjectInfo, ObjectLocked, ObjectNotFound, get_object_store

PREFIXES = ("originals/", "derived/")
DEFAULT_GRACE = timedelta(hours=6)
_BATCH = 500  # keys looked up in the database at once


@dataclass
class Sweep:
    """What a sweep found, and, if it removed them, what it removed and could not."""

    orphans: list[ObjectInfo] = field(default_factory=list)
    deleted: list[ObjectInfo] = field(default_factory=list)
    locked: list[ObjectInfo] = field(default_factory=list)  # retained or on hold: kept

    @property
    def size(self) -> int:
        return sum(info.size for info in self.orphans)


def _recorded(keys: list[str]) -> tuple[set[tuple[str, str]], set[str]]:
    """Of ``keys``: the (key, version) pairs recorded, and the keys recorded as a whole.

    A Blob names its version (or, if it has none, the whole key); a Version's archive and
    thumbnail keys name the key (reprocessing writes a new version of the same key).
    """
    versions: set[tuple[str, str]] = set()
    whole: set[str] = set()
    for key, version_id in Blob.objects.filter(key__in=keys).values_list("key", "store_version_id"):
        if version_id:
            versions.add((key, version_id))
        else:
            whole.add(key)
    derived = Version.objects.filter(Q(archive_key__in=keys) | Q(thumbnail_key__in=keys))
    for archive, thumbnail in derived.values_list("archive_key", "thumbnail_key"):
        whole.update({archive, thumbnail})
    return versions, whole


def _batches(keys: Iterable[str]) -> Iterator[list[str]]:
    keys = iter(keys)
    while batch := list(islice(keys, _BATCH)):
        yield batch


def _unrecorded(keys: Iterable[str], cutoff: datetime) -> Iterator[ObjectInfo]:
    store = get_object_store()
    for batch in _batches(keys):
        versions, whole = _recorded(batch)
        for key in batch:
            if key in whole:
                continue
            for info in store.list_versions(key):
                if (key, info.version_id) not in versions and info.last_modified < cutoff:
                    yield info


def find_orphans(*, grace: timedelta = DEFAULT_GRACE, now: datetime | None = None) -> Sweep:
    """Every version under the swept prefixes that no record names and older than ``grace``."""
    cutoff = (now or timezone.now()) - grace
    store = get_object_store()
    sweep = Sweep()
    for prefix in PREFIXES:
        sweep.orphans.extend(_unrecorded(store.list_keys(prefix), cutoff))
    return sweep


def delete_orphans(sweep: Sweep) -> Sweep:
    """Remove the orphans found by :func:`find_orphans`, each checked again just before."""
    store = get_object_store()
    for info in sweep.orphans:
        versions, whole = _recorded([info.key])
        if info.key in whole or (info.key, info.version_id) in versions:
            continue  # recorded since it was found
        try:
            store.delete_version(info.key, info.version_id)
        except ObjectLocked:
            sweep.locked.append(info)
        except ObjectNotFound:
            continue  # already gone
        else:
            sweep.deleted.append(info)
    return sweep
