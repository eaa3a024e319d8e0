"""From a database document to the dict the index stores (its current state).

``allowed_departments`` holds the document's department and every department above it:
a user sees a document when one of their own departments is in that list (a department
sees the documents of the departments below it), when the document is shared with them
or one of their groups, or when they see everything. This mirrors
``Document.objects.visible_to``; search results are checked against it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator

from dms.documents.models import Document, Version
from search.text import display_text

NOTE_KEYS = ("notes", "note", "remarks", "備考")


def principals_of(user):
    """The security principals a query runs with; None for users who see everything."""
    from search.backends.base import Principals

    if user.sees_everything:
        return None
    return Principals(
        user_id=user.pk,
        departments=tuple(sorted(user.departments.values_list("id", flat=True))),
        groups=tuple(sorted(user.groups.values_list("id", flat=True))),
    )


def _notes(document: Document) -> str:
    extra = document.extra_metadata or {}
    return "\n".join(str(extra[key]) for key in NOTE_KEYS if extra.get(key))


def index_document(
    document: Document, content: str | None = None, chains: dict | None = None
) -> dict:
    """The index entry of ``document`` (pass ``content`` to avoid a query per document)."""
    if content is None:
        latest = document.versions.order_by("-number").only("content").first()
        content = latest.content if latest else ""
    department = document.department
    doc = {
        "id": document.pk,
        "revision": document.revision,
        "title": display_text(document.title),
        "content": display_text(content),
        "notes": display_text(_notes(document)),
        "counterparty": display_text(document.counterparty),
        "department_name": display_text(department.name),
        "document_number": display_text(document.document_number),
        "department_id": document.department_id,
        "allowed_departments": _chain(department, chains if chains is not None else {}),
        "allowed_users": sorted(u.pk for u in document.shared_with_users.all()),
        "allowed_groups": sorted(g.pk for g in document.shared_with_groups.all()),
        "document_type": document.document_type.code if document.document_type_id else None,
        "fiscal_year": document.fiscal_year,
        "status": document.status,
        "document_date": document.document_date.isoformat() if document.document_date else None,
        "amount": document.amount,
        "created_on": document.created_on.isoformat() if document.created_on else None,
        "contains_personal_number": document.contains_personal_number,
        "deleted": document.deleted_at is not None,
    }
    doc["fingerprint"] = fingerprint(doc)
    return doc


def _chain(department, chains: dict) -> list[int]:
    if department.id not in chains:
        chains[department.id] = sorted([department.id, *department.ancestor_ids()])
    return chains[department.id]


def fingerprint(doc: dict) -> str:
    """A hash of everything indexed except the revision: detects entries gone stale
    without a revision change (the department tree was reorganised)."""
    body = {k: v for k, v in doc.items() if k not in ("revision", "fingerprint")}
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()[:32]


def iter_index_documents(queryset=None, batch_size: int = 500) -> Iterator[dict]:
    """Index entries of every document (or of ``queryset``), in batches."""
    queryset = queryset if queryset is not None else Document.objects.all()
    ids = list(queryset.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        yield from index_documents(ids[start : start + batch_size])


def index_documents(ids: Iterable[int]) -> list[dict]:
    ids = list(ids)
    documents = (
        Document.objects.filter(pk__in=ids)
        .select_related("department", "document_type")
        .prefetch_related("shared_with_users", "shared_with_groups")
    )
    contents: dict[int, str] = {}
    versions = Version.objects.filter(document_id__in=ids).order_by("document_id", "number")
    for document_id, text in versions.values_list("document_id", "content"):
        contents[document_id] = text  # the latest number wins
    chains: dict[int, list[int]] = {}
    return [index_document(d, contents.get(d.pk, ""), chains) for d in documents]
