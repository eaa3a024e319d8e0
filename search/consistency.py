"""Keeping the index equal to the database: the full rebuild and the check-and-repair.

:func:`rebuild` builds a new index from the database and switches to it (no downtime:
searches use the old index until the switch), then runs :func:`check` with repair to
catch the changes made while it was building. :func:`check` compares every document's
revision and fingerprint with the index: *missing* entries are added, *stale* ones
(older revision, or same revision but different content, e.g. after the department tree
was reorganised) rewritten, *extra* ones (no such document) removed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from search.backends import get_backend
from search.backends.base import BulkResult
from search.entries import all_entries, entries_for


@dataclass
class CheckReport:
    documents: int = 0
    indexed: int = 0
    missing: list[int] = field(default_factory=list)
    stale: list[int] = field(default_factory=list)
    extra: list[int] = field(default_factory=list)
    ahead: list[int] = field(default_factory=list)  # index newer than the database
    repaired: int = 0

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra or self.ahead)


def check(backend=None, *, repair: bool = False) -> CheckReport:
    backend = backend or get_backend()
    backend.refresh()  # compare with every write acknowledged so far
    indexed = backend.indexed()
    report = CheckReport(indexed=len(indexed))
    in_db: dict[int, tuple[int, str]] = {}
    for entry in all_entries():
        in_db[entry.id] = (entry.revision, entry.fingerprint)
    report.documents = len(in_db)
    for doc_id, (revision, fingerprint) in in_db.items():
        found = indexed.get(doc_id)
        if found is None:
            report.missing.append(doc_id)
        elif found[0] > revision:
            report.ahead.append(doc_id)
        elif found[0] < revision or found[1] != fingerprint:
            report.stale.append(doc_id)
    report.extra = sorted(set(indexed) - set(in_db))
    if repair:
        to_write = report.missing + report.stale
        for start in range(0, len(to_write), 500):
            result = backend.bulk(entries_for(to_write[start : start + 500]), force=True)
            report.repaired += result.indexed
        for doc_id in report.extra:
            if backend.delete(doc_id, indexed[doc_id][0] + 1):
                report.repaired += 1
        backend.refresh()
    return report


def rebuild(backend=None) -> tuple[BulkResult, CheckReport]:
    backend = backend or get_backend()
    result = backend.reindex(all_entries())
    backend.refresh()
    return result, check(backend, repair=True)
