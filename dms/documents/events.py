"""Telling the apps built on ``dms`` that a document changed.

``dms`` never imports ``search``, ``approvals`` or ``retention``. Instead they subscribe a
task here (from their ``AppConfig.ready()``), and every change to a document calls
:func:`document_changed` inside the transaction that makes the change. That bumps the
document's ``revision`` and enqueues each subscriber's task with it — the job rows are the
outbox: they exist if and only if the change was committed. A subscriber receives
``(document_id, revision)`` and must be idempotent; the revision lets it ignore an
update older than one it has already applied.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

_subscribers: list = []


def subscribe(task) -> None:
    """Run ``task.enqueue(document_id, revision)`` after every committed document change."""
    if task not in _subscribers:
        _subscribers.append(task)


def document_changed(document_id: int) -> int:
    """Record a change of ``document_id`` (call inside the changing transaction)."""
    from dms.documents.models import Document

    # No savepoint: if this fails the change it belongs to must fail with it.
    with transaction.atomic(savepoint=False):
        Document.objects.filter(pk=document_id).update(revision=F("revision") + 1)
        revision = Document.objects.values_list("revision", flat=True).get(pk=document_id)
        _notify(document_id, revision)
    return revision


def documents_changed(document_ids) -> dict[int, int]:
    """Record a change of each of ``document_ids`` at once (one update, one read), for
    changes that touch many documents (a department moved in the organisation tree).
    Returns each existing document's new revision."""
    from dms.documents.models import Document

    ids = list(document_ids)
    with transaction.atomic(savepoint=False):
        Document.objects.filter(pk__in=ids).update(revision=F("revision") + 1)
        revisions = dict(Document.objects.filter(pk__in=ids).values_list("pk", "revision"))
        for document_id in sorted(revisions):
            _notify(document_id, revisions[document_id])
    return revisions


def document_created(document) -> int:
    """Record a document just created in this transaction with its first revision.

    Nobody else can see the row yet, so its revision is known without a round trip.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("document_created must run inside the creating transaction")
    _notify(document.pk, document.revision)
    return document.revision


def _notify(document_id: int, revision: int) -> None:
    for task in _subscribers:
        task.enqueue(document_id, revision)
