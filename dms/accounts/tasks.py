"""The job that tells the apps built on ``dms`` about documents whose department moved.

A document's visibility follows its department's place in the tree (a department sees
the documents of the departments below it), and search keeps that chain in each index
entry. After a move, every document of the moved department and of those below it gets a
change event (``dms.documents.events``), so search re-indexes it. A reorganisation may
concern 100,000 documents: each job handles one chunk in its own transaction and enqueues
the next, so no request and no single job carries all of it.
"""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from dms.documents import events
from dms.documents.models import Document

CHUNK_SIZE = 500


@task()
def refresh_department_documents(department_ids: list[int], after_id: int = 0) -> dict:
    """Change events for the next chunk of the departments' documents after ``after_id``."""
    ids = list(
        Document.objects.filter(department_id__in=department_ids, pk__gt=after_id)
        .order_by("pk")
        .values_list("pk", flat=True)[:CHUNK_SIZE]
    )
    if not ids:
        return {"refreshed": 0}
    # The chunk's events and the next chunk's job commit together (the job table is the
    # outbox), so the chain neither skips a chunk nor stops half-way.
    with transaction.atomic():
        events.documents_changed(ids)
        if len(ids) == CHUNK_SIZE:
            refresh_department_documents.enqueue(department_ids, ids[-1])
    return {"refreshed": len(ids), "last_id": ids[-1]}
