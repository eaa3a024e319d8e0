"""From a ``dms`` document to its :class:`~search.backends.base.IndexEntry` (current state).

``allowed_departments`` holds the document's department and every department above it:
a user sees a document when one of their own departments is in that list (a department
sees the documents of the departments below it), when the document is shared with them
or one of their groups, or when they see everything. This mirrors
``Document.objects.visible_to``; search results are checked against it again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import Q

from dms.documents.models import Document, Version
from search.backends.base import IndexEntry
from search.text import display_text

NOTE_KEYS = ("notes", "note", "remarks", "備考")


# A destroyed document (retention's disposal) has no index entry: the index task deletes
# it and search_check counts it as extra; only its tombstone remains, in retention.
INDEXED = Q(destroyed_at__isnull=True)


def _notes(document: Document) -> str:
    extra = document.extra_metadata or {}
    return "\n".join(str(extra[key]) for key in NOTE_KEYS if extra.get(key))


def entry_for(
    document: Document, content: str | None = None, chains: dict | None = None
) -> IndexEntry:
    """The index entry of ``document`` (pass ``content`` to avoid a query per document)."""
    if content is None:
        latest = document.versions.order_by("-number").only("content").first()
        content = latest.content if latest else ""
    department = document.department
    return IndexEntry(
        id=document.pk,
        revision=document.revision,
        title=display_text(document.title),
        content=display_text(content),
        notes=display_text(_notes(document)),
        counterparty=display_text(document.counterparty),
        department_name=display_text(department.name),
        document_number=display_text(document.document_number),
        department_id=document.department_id,
        allowed_departments=_chain(department, chains if chains is not None else {}),
        allowed_users=tuple(sorted(u.pk for u in document.shared_with_users.all())),
        allowed_groups=tuple(sorted(g.pk for g in document.shared_with_groups.all())),
        document_type=document.document_type.code if document.document_type_id else None,
        fiscal_year=document.fiscal_year,
        status=document.status,
        document_date=document.document_date,
        amount=document.amount,
        created_on=document.created_on,
        contains_personal_number=document.contains_personal_number,
        deleted=document.deleted_at is not None,
    )


def _chain(department, chains: dict) -> tuple[int, ...]:
    if department.id not in chains:
        chains[department.id] = tuple(sorted([department.id, *department.ancestor_ids()]))
    return chains[department.id]


def all_entries(queryset=None, batch_size: int = 500) -> Iterator[IndexEntry]:
    """Index entries of every document (or of ``queryset``), in batches."""
    queryset = queryset if queryset is not None else Document.objects.all()
    ids = list(queryset.filter(INDEXED).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        yield from entries_for(ids[start : start + batch_size])


def entries_for(ids: Iterable[int]) -> list[IndexEntry]:
    """The entries of those of the documents ``ids`` that exist."""
    ids = list(ids)
    documents = (
        Document.objects.filter(INDEXED, pk__in=ids)
        .select_related("department", "document_type")
        .prefetch_related("shared_with_users", "shared_with_groups")
    )
    contents: dict[int, str] = {}
    versions = Version.objects.filter(document_id__in=ids).order_by("document_id", "number")
    for document_id, text in versions.values_list("document_id", "content"):
        contents[document_id] = text  # the latest number wins
    chains: dict[int, tuple[int, ...]] = {}
    return [entry_for(d, contents.get(d.pk, ""), chains) for d in documents]
