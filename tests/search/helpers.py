"""Helpers for the search API tests: documents in the database, indexed by the real task."""

from __future__ import annotations

import secrets

from django.db import transaction

from dms.documents import events
from dms.documents.models import Blob, Document, DocumentType, Version
from dms.jobs.worker import Worker


def make_document(org, title: str, content: str = "", department="bunsho", **fields) -> Document:
    """A processed document with one version whose text is ``content``; its index job is
    enqueued in the same transaction, as every change in dms does."""
    if isinstance(department, str):
        department = org[department]
    doc_type = fields.pop("document_type", None)
    if isinstance(doc_type, str):
        doc_type, _ = DocumentType.objects.get_or_create(code=doc_type, defaults={"name": doc_type})
    with transaction.atomic():
        document = Document.objects.create(
            title=title,
            department=department,
            created_by=org["records"],
            source="api",
            status="ready",
            document_type=doc_type,
            **fields,
        )
        blob = Blob.objects.create(
            sha256=secrets.token_hex(32), key="k", size=1, media_type="application/pdf"
        )
        Version.objects.create(
            document=document,
            number=1,
            blob=blob,
            original_filename="a.pdf",
            created_by=org["records"],
            content=content,
        )
        events.document_changed(document.pk)
    return document


def change(document: Document, **fields) -> None:
    # A stale instance would write its old revision back on save(): reload first.
    document.refresh_from_db()
    with transaction.atomic():
        for name, value in fields.items():
            setattr(document, name, value)
        document.save()
        events.document_changed(document.pk)
    document.refresh_from_db()


def run_jobs() -> int:
    return Worker(worker_id="search-test", queues=("default", "search")).run(until_empty=True)
