"""Every change of a document's lifecycle, in one place.

Each function here is one action: it checks that the actor may do it and that the
document's state allows it, then makes the change, records the change event
(:mod:`dms.documents.events`, so search and the other subscribers follow) and the audit
entry, all in one transaction. A refusal raises :class:`LifecycleError` (an
:class:`~dms.errors.ApiError`) after recording the refused attempt in the audit trail.

The API views, the scanner folder, processing jobs and the apps built on ``dms``
(approvals: :func:`freeze`; retention: :func:`set_retention`, :func:`set_hold`,
:func:`destroy`) change documents only through these functions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from typing import NoReturn

from django.db import transaction
from django.utils import timezone

from dms.audit import anchors, trail
from dms.audit.models import Outcome
from dms.documents import events, ingest, permissions
from dms.documents.models import Document, Source, Status, Version
from dms.errors import ApiError
from dms.jobs.backend import enqueued_together
from dms.storage import ObjectNotFound, ObjectStoreError, get_object_store

logger = logging.getLogger(__name__)

# Fields whose value describes the content (電子帳簿保存法 metadata), the title and the
# creation/receipt date (its 年度): a person's value is never overwritten by extraction.
PERSON_SET_FIELDS = frozenset(
    {"document_date", "amount", "counterparty", "title", "created_on", "document_type"}
)


class LifecycleError(ApiError):
    """A lifecycle action refused: not allowed for this user, or not in this state."""

    status_code = 409


def _not_allowed() -> LifecycleError:
    return LifecycleError(
        "not_allowed",
        "この文書を変更する権限がありません。",
        "You may not change this document.",
        403,
    )


def _state_refusal(document: Document, action: str) -> LifecycleError | None:
    """Why ``action`` is impossible in the document's current state, or None."""
    if document.is_destroyed:
        return LifecycleError(
            "destroyed", "廃棄済みの文書です。", "The document has been destroyed."
        )
    if document.is_deleted and action not in {"restore", "destroy"}:
        return LifecycleError("deleted", "削除された文書です。", "The document has been deleted.")
    if action == "restore" and not document.is_deleted:
        return LifecycleError("not_deleted", "削除されていません。", "The document is not deleted.")
    if document.is_frozen and action in {"new_version", "change", "freeze"}:
        return LifecycleError(
            "frozen",
            "決裁済みで凍結された文書は変更できません。",
            "This document was frozen after its decision and cannot be changed.",
            403,  # the API has always answered a frozen document's change with 403
        )
    if action in {"delete", "destroy"}:
        if document.on_hold:
            return LifecycleError(
                "locked",
                "保留(リーガルホールド)中の文書は削除できません。",
                "The document is on hold and cannot be deleted.",
            )
        if document.retain_until and document.retain_until >= timezone.localdate():
            return LifecycleError(
                "locked",
                "保存期間中の文書は削除できません。",
                "The document is within its retention period and cannot be deleted.",
            )
    if action == "retry" and document.status != Status.FAILED:
        return LifecycleError(
            "not_failed",
            "失敗した文書だけを再処理できます。",
            "Only failed documents can be retried.",
        )
    return None


def check(document: Document, action: str, *, user, request, needs_change_right=True) -> None:
    """Refuse (and audit the refusal) unless ``user`` may do ``action`` to ``document`` now.

    Public so that a view can refuse before it reads a request body (an upload).
    """
    refusal = None
    if needs_change_right and user is not None and not permissions.can_change(user, document):
        refusal = _not_allowed()
    refusal = refusal or _state_refusal(document, action)
    if refusal is not None:
        refuse(document, action, refusal, user=user, request=request)


def refuse(document: Document, action: str, refusal: ApiError, *, user, request) -> NoReturn:
    """Record ``user``'s refused attempt at ``action`` in the audit trail, and raise it."""
    trail.record(
        actor=user,
        action=action,
        target=document,
        request=request,
        outcome=Outcome.REFUSED,
        details={"reason": refusal.message, "code": refusal.code},
    )
    raise refusal


def _locked(document: Document) -> Document:
    """The document's row, locked for this transaction and read afresh."""
    return Document.objects.select_for_update().get(pk=document.pk)


def _done(document: Document, action: str, *, user, request, **audit) -> None:
    events.document_changed(document.pk)
    trail.record(actor=user, action=action, target=document, request=request, **audit)


# --- creating -------------------------------------------------------------------------
def create(
    stored: ingest.StoredOriginal,
    *,
    user,
    department,
    title: str = "",
    document_type=None,
    document_date=None,
    source: str = Source.UPLOAD,
    request=None,
    check_rights: bool = True,
) -> Document:
    """Record a stored original as a new document (version 1), its processing job queued.

    ``check_rights=False`` only for the scanner drop folder, whose folder is the authority.
    """
    from dms.documents.tasks import process_version

    if check_rights and not permissions.can_upload_to(user, department):
        ingest.discard(stored)
        raise _not_allowed()
    with ingest.recording(stored) as (blob, new_blob):
        document = Document.objects.create(
            title=title or stored.filename.rsplit(".", 1)[0],
            document_type=document_type,
            department=department,
            created_by=user,
            source=source,
            status=Status.QUEUED,
            document_date=document_date,
            # 年度 follows the document's own date when known, not the upload's
            **({"created_on": document_date} if document_date else {}),
            # a typed title is the person's; the file name is only a placeholder
            metadata_set_by_person=(["document_date"] if document_date else [])
            + (["title"] if title else [])
            + (["document_type"] if document_type else []),
            revision=1,
        )
        version = Version.objects.create(
            document=document,
            number=1,
            blob=blob,
            original_filename=stored.filename,
            created_by=user,
        )
        with enqueued_together():  # its processing and each subscriber's: one insert
            process_version.enqueue(version.pk)
            events.document_created(document)
        trail.record(
            actor=user,
            action="create",
            target=document,
            request=request,
            content_sha256=blob.sha256,
            details={"version": 1, "filename": stored.filename, "source": source},
        )
    document.has_known_content = not new_blob  # only then can there be duplicates
    # Its one version, as a prefetch would load it: the caller's answer needs no query.
    document._prefetched_objects_cache = {"versions": [version]}
    return document


def add_version(
    document: Document, stored: ingest.StoredOriginal, *, user, request=None, comment: str = ""
) -> Version:
    """A new file for an existing document: version n+1; earlier versions stay as they are."""
    from dms.documents.tasks import process_version

    try:
        check(document, "new_version", user=user, request=request)
    except LifecycleError:
        ingest.discard(stored)
        raise
    with ingest.recording(stored) as (blob, _new_blob):
        locked = _locked(document)
        number = (
            locked.versions.order_by("-number").values_list("number", flat=True).first() or 0
        ) + 1
        version = Version.objects.create(
            document=locked,
            number=number,
            blob=blob,
            original_filename=stored.filename,
            created_by=user,
            comment=comment,
        )
        Document.objects.filter(pk=locked.pk).update(status=Status.QUEUED, error="")
        process_version.enqueue(version.pk)
        _done(
            locked,
            "new_version",
            user=user,
            request=request,
            content_sha256=blob.sha256,
            details={"version": number, "filename": stored.filename},
        )
    return version


# --- changing -------------------------------------------------------------------------
def change_metadata(document: Document, changes: dict, *, user, request=None) -> Document:
    """Set metadata fields a person edited; they are marked so extraction keeps them."""
    check(document, "change", user=user, request=request)
    before = {field: str(getattr(document, field)) for field in changes}
    with transaction.atomic():
        locked = _locked(document)
        for field, value in changes.items():
            setattr(locked, field, value)
        follows = "created_on" not in changes and "created_on" not in locked.metadata_set_by_person
        if changes.get("document_date") and follows:
            locked.created_on = changes["document_date"]  # 年度 = the document's own date's
        locked.metadata_set_by_person = sorted(
            set(locked.metadata_set_by_person) | (PERSON_SET_FIELDS & set(changes))
        )
        locked.save()
        _done(
            locked,
            "change",
            user=user,
            request=request,
            details={"before": before, "after": {f: str(v) for f, v in changes.items()}},
        )
    return locked


def share(document: Document, *, users, groups, user, request=None) -> Document:
    """Let more users and groups read the document (never change it)."""
    return _change_shares(document, "share", users, groups, user=user, request=request)


def unshare(document: Document, *, users, groups, user, request=None) -> Document:
    """Take a share back: those users and groups no longer read the document through it."""
    return _change_shares(document, "unshare", users, groups, user=user, request=request)


def _change_shares(document: Document, action: str, users, groups, *, user, request):
    check(document, action, user=user, request=request)
    with transaction.atomic():
        locked = _locked(document)
        for shared, given in (
            (locked.shared_with_users, users),
            (locked.shared_with_groups, groups),
        ):
            (shared.add if action == "share" else shared.remove)(*given)
        _done(
            locked,
            action,
            user=user,
            request=request,
            details={"users": [u.username for u in users], "groups": [g.name for g in groups]},
        )
    return locked


def delete(document: Document, *, user, request=None) -> Document:
    """Logical deletion: the document disappears for staff; nothing stored is removed."""
    check(document, "delete", user=user, request=request)
    with transaction.atomic():
        locked = _locked(document)
        if (refusal := _state_refusal(locked, "delete")) is not None:
            raise refusal  # deleted by someone else a moment ago
        locked.deleted_at, locked.deleted_by = timezone.now(), user
        locked.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
        _done(locked, "delete", user=user, request=request)
    return locked


def restore(document: Document, *, user, request=None) -> Document:
    """Undo a logical deletion."""
    check(document, "restore", user=user, request=request)
    with transaction.atomic():
        locked = _locked(document)
        locked.deleted_at, locked.deleted_by = None, None
        locked.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
        _done(locked, "restore", user=user, request=request)
    return locked


# --- processing -----------------------------------------------------------------------
def retry(document: Document, *, user, request=None) -> Document:
    """Queue a failed document's processing again."""
    from dms.documents.tasks import process_version

    check(document, "retry", user=user, request=request)
    with transaction.atomic():
        locked = _locked(document)
        locked.status, locked.error = Status.QUEUED, ""
        locked.save(update_fields=["status", "error", "updated_at"])
        process_version.enqueue(locked.latest_version.pk)
        _done(locked, "retry", user=user, request=request)
    return locked


def processing_started(document_id: int) -> None:
    """A worker took the document's processing job (no audit entry: it is no decision)."""
    with transaction.atomic():
        Document.objects.filter(pk=document_id).update(status=Status.PROCESSING, error="")
        events.document_changed(document_id)


def mark_failed(document_id: int, error: str) -> None:
    """Processing gave up: the document shows why, and can be retried."""
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None:
            return
        document.status, document.error = Status.FAILED, error
        document.save(update_fields=["status", "error", "updated_at"])
        _done(
            document,
            "processing_failed",
            user=None,
            request=None,
            details={"error": error[:500]},
        )


def processing_finished(version: Version, *, derived: dict, extracted: dict, error: str) -> list:
    """Store what processing derived from ``version``; fill the document's fields from it.

    Extraction fills only fields no person set (and the latest version's values only);
    a document number is taken only when there is none. Returns the fields filled.
    """
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=version.document_id)
        Version.objects.filter(pk=version.pk).update(**derived)
        latest = document.versions.order_by("-number").values_list("number", flat=True).first()
        filled = _fill_extracted(document, extracted) if version.number == latest else []
        document.status, document.error = Status.READY, error
        document.save()
        _done(
            document,
            "processed",
            user=None,
            request=None,
            details={"version": version.number, "filled": filled},
        )
    return filled


def _fill_extracted(document: Document, extracted: dict) -> list[str]:
    filled = []
    for field, value in extracted.items():
        if value is None or getattr(document, field) == value:
            continue
        if field in document.metadata_set_by_person:
            continue
        if field == "document_number" and document.document_number:
            continue
        setattr(document, field, value)
        filled.append(field)
    return filled


# --- hooks for approvals and retention ------------------------------------------------
def freeze(document: Document, *, reason: str, user, request=None) -> Document:
    """After its decision: no new versions and no content changes, ever (approvals)."""
    check(document, "freeze", user=user, request=request, needs_change_right=False)
    with transaction.atomic():
        locked = _locked(document)
        locked.frozen_at, locked.frozen_reason = timezone.now(), reason[:200]
        locked.save(update_fields=["frozen_at", "frozen_reason", "updated_at"])
        _done(locked, "freeze", user=user, request=request, details={"reason": reason})
    return locked


def set_retention(document: Document, retain_until: dt.date, *, user, request=None) -> Document:
    """Keep the document at least until ``retain_until`` (retention); never shortened."""
    check(document, "set_retention", user=user, request=request, needs_change_right=False)
    if document.retain_until and retain_until < document.retain_until:
        refusal = LifecycleError(
            "retention_shortened",
            f"保存期限を {document.retain_until.isoformat()} より前に短縮することはできません。",
            f"The retention date cannot be moved before {document.retain_until.isoformat()}.",
        )
        refuse(document, "set_retention", refusal, user=user, request=request)
    with transaction.atomic():
        locked = _locked(document)
        before = locked.retain_until
        locked.retain_until = retain_until
        locked.save(update_fields=["retain_until", "updated_at"])
        _done(
            locked,
            "set_retention",
            user=user,
            request=request,
            details={"before": str(before), "after": retain_until.isoformat()},
        )
    return locked


def set_hold(document: Document, on_hold: bool, *, reason: str, user, request=None) -> Document:
    """Put on or take off a hold (監査, 訴訟, 開示請求 …): no deletion while on hold."""
    check(document, "set_hold", user=user, request=request, needs_change_right=False)
    with transaction.atomic():
        locked = _locked(document)
        locked.on_hold = on_hold
        locked.save(update_fields=["on_hold", "updated_at"])
        _done(
            locked,
            "hold" if on_hold else "release_hold",
            user=user,
            request=request,
            details={"reason": reason},
        )
    return locked


def destroy(document: Document, *, decision: str, user, request=None) -> Document:
    """Destroy a document after its disposal decision (retention): a tombstone remains.

    The stored originals and derived files are deleted first, then the row is marked
    destroyed. A crash in between leaves a document that is not yet marked, so calling
    this again deletes what is left and finishes; objects already gone are no error.
    The row, its versions' SHA-256 and the audit trail remain as the tombstone.
    """
    check(document, "destroy", user=user, request=request, needs_change_right=False)
    versions = list(document.versions.select_related("blob"))
    store = get_object_store()
    for key in _stored_keys_only_this_document_uses(document, versions):
        for stored in store.list_versions(key):  # derived files have one per reprocessing
            with contextlib.suppress(ObjectNotFound):  # an interrupted attempt removed it
                store.delete_version(key, stored.version_id)
    with transaction.atomic():
        locked = _locked(document)
        now = timezone.now()
        locked.destroyed_at = now
        locked.deleted_at = locked.deleted_at or now
        locked.deleted_by = locked.deleted_by or user
        locked.save(update_fields=["destroyed_at", "deleted_at", "deleted_by", "updated_at"])
        _done(
            locked,
            "destroy",
            user=user,
            request=request,
            details={
                "decision": decision,
                "versions": {str(v.number): v.blob.sha256 for v in versions},
            },
        )
        # Every disposal is anchored in WORM storage once it is committed (issue #11).
        transaction.on_commit(_anchor_disposal)
    return locked


def _anchor_disposal() -> None:
    from dms.audit.tasks import anchor_audit_head

    try:
        anchors.anchor_head("destroy")
    except ObjectStoreError as exc:  # the store is down: the queue retries it
        logger.warning("disposal not anchored now, queued: %s", exc)
        anchor_audit_head.enqueue("destroy")


def _stored_keys_only_this_document_uses(document, versions) -> list[str]:
    """Every stored key of the document, except originals another document shares."""
    keys: list[str] = []
    for version in versions:
        shared = (
            Version.objects.filter(blob_id=version.blob_id, document__destroyed_at__isnull=True)
            .exclude(document_id=document.pk)
            .exists()
        )
        if not shared:
            keys.append(version.blob.key)
        keys.extend(key for key in (version.archive_key, version.thumbnail_key) if key)
    return keys
