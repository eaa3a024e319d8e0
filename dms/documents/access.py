"""Reading documents, with the audit trail a public body owes: who looked at what.

Changes go through :mod:`dms.documents.lifecycle`; this module covers the reads: finding a
document a user may see (an invisible one answers exactly like a missing one, and the
probe is recorded), and recording views and downloads.
"""

from __future__ import annotations

from dms.audit import trail
from dms.audit.models import Outcome
from dms.documents.models import Document
from dms.documents.validation import column_range
from dms.errors import NotFoundError


def document_not_found() -> NotFoundError:
    return NotFoundError("文書が見つかりません。", "Document not found.")


def visible_document(queryset, pk, *, user, action: str, request=None) -> Document:
    """The document ``pk`` from ``queryset`` (what ``user`` may see), or 404.

    A document that exists but is not visible is refused as "not found" too, and the
    attempt is recorded against it.
    """
    document_id = _document_id(pk)
    if document_id is None:
        raise document_not_found()  # no document can have it: nothing to record either
    document = queryset.filter(pk=document_id).first()
    if document is not None:
        return document
    hidden = Document.objects.filter(pk=document_id).first()
    if hidden is not None:
        trail.record(
            actor=user,
            action=action,
            target=hidden,
            request=request,
            outcome=Outcome.REFUSED,
            details={"reason": "not visible"},
        )
    raise document_not_found()


def _document_id(pk) -> int | None:
    """``pk`` from the URL as an id, or None when no id can be it (``abc``, ``²``, 2**64)."""
    text = str(pk)
    if not (text.isascii() and text.isdigit()):
        return None
    low, high = column_range(Document, "id")
    return int(text) if low <= int(text) <= high else None


def viewed(document: Document, *, user, request=None) -> None:
    trail.record(actor=user, action="view", target=document, request=request)


def downloaded(document: Document, version, variant: str, *, user, request=None) -> None:
    trail.record(
        actor=user,
        action="download",
        target=document,
        request=request,
        content_sha256=version.blob.sha256,
        details={"version": version.number, "variant": variant},
    )
