"""Every retention change, in one place: checks, recomputation, the documents' lifecycle
hooks, the audit trail and the job that keeps the store's Object Lock in step.

Each function is one action in one transaction; a refusal is an :class:`ApiError`
(Japanese and English) and changes nothing. Dates come from :mod:`retention.rules`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dms.accounts.models import Role
from dms.audit import trail
from dms.documents import events, lifecycle
from dms.documents.models import Document
from dms.documents.permissions import department_ids_with_authority
from dms.errors import ApiError
from ja.fiscal import fiscal_year_start
from retention import rules
from retention.models import (
    CustodyTransfer,
    DocumentRetention,
    Extension,
    Hold,
    Medium,
    RecordFile,
    RetentionClass,
    StartDateCorrection,
    StartRule,
)


class RetentionRefused(ApiError):
    status_code = 409


def is_officer(user) -> bool:
    return bool(
        user
        and user.is_authenticated
        and (user.is_superuser or user.role in {Role.RECORDS_OFFICER, Role.ADMINISTRATOR})
    )


def require_officer(user) -> None:
    if not is_officer(user):
        raise ApiError(
            "not_records_officer",
            "保存期間を変更できるのは文書管理者とシステム管理者だけです。",
            "Only records officers and administrators change retention.",
            403,
        )


def visible_files(user):
    """Files ``user`` may see: officers all, staff their sections' (and those below)."""
    files = RecordFile.objects.select_related("retention_class", "custodian")
    if is_officer(user):
        return files
    return files.filter(custodian_id__in=department_ids_with_authority(user))


def _from_rule_error(error: rules.RuleError) -> ApiError:
    return ApiError(error.code, error.ja, error.en, 400)


def _audit(user, action: str, target, request=None, **details) -> None:
    trail.record(
        actor=user, action=f"retention.{action}", target=target, request=request, details=details
    )


# --- computing and applying ---------------------------------------------------------------
def _holds(**target) -> list[tuple[str, dt.date | None]]:
    return list(Hold.objects.filter(**target).values_list("hold_type", "event_on"))


def _extensions(**target) -> list[int]:
    return list(Extension.objects.filter(**target).values_list("years", flat=True))


def compute_file(record_file: RecordFile) -> rules.Computed:
    cls = record_file.retention_class
    rule = record_file.rule
    # A file of a fiscal year counts from that year, whatever day it was opened.
    created = (
        fiscal_year_start(record_file.fiscal_year)
        if rule == StartRule.NEXT_FISCAL_YEAR
        else record_file.created_on
    )
    try:
        return rules.compute(
            unit=cls.unit,
            duration=cls.duration,
            rule=rule,
            created_on=created,
            completed_on=record_file.completed_on,
            set_date=record_file.start_date_set,
            reason=record_file.start_date_reason,
            extension_years=_extensions(record_file=record_file),
            holds=_holds(record_file=record_file),
        )
    except rules.RuleError as error:
        raise _from_rule_error(error) from error


def compute_document(entry: DocumentRetention) -> rules.Computed:
    holds = _holds(document_id=entry.document_id)
    if entry.record_file_id:
        record_file = entry.record_file
        base = record_file.base_expiry
        ends = [rules.hold_until(kind, event) for kind, event in holds]
        ends += [rules.hold_until(kind, event) for kind, event in _holds(record_file=record_file)]
        return rules.Computed(
            start=record_file.start_date,
            base_expiry=base,
            effective_expiry=rules.effective_expiry(base, ends),
            open_hold=any(end is None for end in ends),
            warnings=() if base else ("start_undecided",),
        )
    document = entry.document
    cls = entry.retention_class
    try:
        return rules.compute(
            unit=cls.unit,
            duration=cls.duration,
            rule=entry.start_rule or cls.start_rule,
            # An old paper scanned today counts from its own date, not the upload's.
            created_on=document.document_date or document.created_on,
            completed_on=entry.completed_on,
            set_date=entry.start_date_set,
            reason=entry.start_date_reason,
            extension_years=_extensions(document_id=entry.document_id),
            holds=holds,
        )
    except rules.RuleError as error:
        raise _from_rule_error(error) from error


def _apply_to_document(entry: DocumentRetention, *, user, request=None) -> None:
    """Store the computed dates and pass them to the document (lifecycle hooks), then
    queue the store's lock; refuses shortening below what the store already holds."""
    from retention.tasks import sync_store_lock

    computed = compute_document(entry)
    document = entry.document
    new = computed.effective_expiry
    held = entry.lock_until
    if new is not None and held is not None and new < held:
        raise RetentionRefused(
            "store_lock_later",
            f"保存庫は {held.isoformat()} まで削除を禁止しています。それより前に短縮できません。",
            f"The object store locks this document until {held.isoformat()}; "
            "its retention cannot be shortened below that.",
            store_lock_until=held.isoformat(),
        )
    entry.start_date, entry.base_expiry = computed.start, computed.base_expiry
    entry.effective_expiry, entry.open_hold = new, computed.open_hold
    entry.save(update_fields=["start_date", "base_expiry", "effective_expiry", "open_hold"])
    if new is not None and new != document.retain_until:
        document = lifecycle.set_retention(document, new, user=user, request=request)
    if computed.open_hold != document.on_hold:
        document = lifecycle.set_hold(
            document, computed.open_hold, reason="retention", user=user, request=request
        )
    sync_store_lock.enqueue(document.pk)


def refresh_file(record_file: RecordFile, *, user, request=None) -> RecordFile:
    computed = compute_file(record_file)
    record_file.start_date, record_file.base_expiry = computed.start, computed.base_expiry
    record_file.effective_expiry, record_file.open_hold = (
        computed.effective_expiry,
        computed.open_hold,
    )
    record_file.save(
        update_fields=["start_date", "base_expiry", "effective_expiry", "open_hold", "updated_at"]
    )
    entries = DocumentRetention.objects.filter(record_file=record_file).select_related(
        "document", "record_file"
    )
    for entry in entries:
        _apply_to_document(entry, user=user, request=request)
    return record_file


# --- files --------------------------------------------------------------------------------
def create_file(fields: dict, *, user, request=None) -> RecordFile:
    require_officer(user)
    with transaction.atomic():
        record_file = RecordFile(**fields, created_by=user)
        if not record_file.created_on:
            record_file.created_on = timezone.localdate()
        record_file.save()
        refresh_file(record_file, user=user, request=request)
        _audit(user, "create_file", record_file, request, title=record_file.title)
    return record_file


# Fields that change dates: a change recomputes the file and its documents.
DATE_FIELDS = {"retention_class", "fiscal_year", "start_rule", "completed_on", "created_on"}


def update_file(record_file: RecordFile, fields: dict, *, user, request=None) -> RecordFile:
    require_officer(user)
    if "custodian" in fields and fields["custodian"] != record_file.custodian:
        raise ApiError(
            "use_custody_transfer",
            "所管課の変更は所管換で行ってください。",
            "Change the custodian section through a custody transfer (所管換).",
        )
    with transaction.atomic():
        record_file = RecordFile.objects.select_for_update().get(pk=record_file.pk)
        if (
            "retention_class" in fields
            and fields["retention_class"] != record_file.retention_class
            and record_file.documents.exists()
        ):
            raise RetentionRefused(
                "file_has_documents",
                "文書を含むファイルの保存期間は変更できません。",
                "The class of a file that holds documents cannot change.",
            )
        before = {name: str(getattr(record_file, name)) for name in fields}
        for name, value in fields.items():
            setattr(record_file, name, value)
        record_file.save()
        if DATE_FIELDS & fields.keys():
            refresh_file(record_file, user=user, request=request)
        _audit(user, "update_file", record_file, request, before=before)
    return record_file


# --- classification -----------------------------------------------------------------------
def _destroyed_refusal() -> RetentionRefused:
    return RetentionRefused("destroyed", "廃棄済みの文書です。", "The document has been destroyed.")


def classify(
    document: Document,
    *,
    record_file: RecordFile | None = None,
    retention_class: RetentionClass | None = None,
    user,
    request=None,
) -> DocumentRetention:
    """Put ``document`` into ``record_file`` (its class), or give it a class of its own."""
    require_officer(user)
    if document.is_destroyed:
        raise _destroyed_refusal()
    if record_file is None and retention_class is None:
        raise ApiError(
            "file_or_class_required",
            "ファイルまたは保存期間を指定してください。",
            "Give a file or a retention class.",
        )
    with transaction.atomic():
        current = DocumentRetention.objects.select_for_update().filter(document=document).first()
        if record_file is not None:
            if record_file.medium == Medium.PAPER:
                raise RetentionRefused(
                    "paper_file",
                    "紙のファイルに電子文書は追加できません。",
                    "Electronic documents cannot be added to a paper file.",
                )
            if record_file.closed_at is not None:
                raise RetentionRefused(
                    "file_closed", "廃棄・移管済みのファイルです。", "The file is closed."
                )
            wanted = retention_class or (current.retention_class if current else None)
            if wanted is not None and wanted.pk != record_file.retention_class_id:
                raise RetentionRefused(
                    "other_class",
                    f"保存期間が異なる文書（{wanted.name}）は、保存期間"
                    f"「{record_file.retention_class.name}」のファイルに追加できません。",
                    f"A document of class {wanted.code} cannot be added to a file of class "
                    f"{record_file.retention_class.code}.",
                )
            retention_class = record_file.retention_class
        entry = current or DocumentRetention(document=document)
        before = {"file": entry.record_file_id, "class": entry.retention_class_id}
        entry.record_file, entry.retention_class = record_file, retention_class
        entry.classified_by, entry.classified_at = user, timezone.now()
        entry.save()
        _apply_to_document(entry, user=user, request=request)
        _audit(
            user,
            "classify",
            document,
            request,
            before=before,
            file=record_file.pk if record_file else None,
            retention_class=retention_class.code,
        )
    return entry


def classify_many(documents, **kwargs) -> list[DocumentRetention]:
    """All or nothing: one refusal leaves every document as it was, and names the document
    it stopped at (in a list of hundreds, the reason alone does not say which one)."""
    documents = list(documents)
    with transaction.atomic():
        entries = []
        for position, document in enumerate(documents):
            try:
                entries.append(classify(document, **kwargs))
            except ApiError as error:
                kind = type(error) if type(error) in (ApiError, RetentionRefused) else ApiError
                raise kind(
                    error.code,
                    f"文書「{document.title}」（ID {document.pk}、{position + 1}件目）: "
                    f"{error.message} いずれの文書も分類していません。",
                    f"Document {document.pk} ({document.title}, item {position + 1}): "
                    f"{error.message_en} No document was classified.",
                    error.status_code,
                    **error.extra,
                    document_id=document.pk,
                    position=position,
                ) from error
        return entries


# --- holds and extensions -----------------------------------------------------------------
def _target(record_file: RecordFile | None, document: Document | None) -> dict:
    if (record_file is None) == (document is None):
        raise ApiError(
            "one_target", "ファイルか文書の一方を指定してください。", "Give a file or a document."
        )
    if document is not None:
        if document.is_destroyed:
            raise _destroyed_refusal()
        if not DocumentRetention.objects.filter(document=document).exists():
            raise RetentionRefused(
                "not_classified",
                "保存期間が設定されていない文書です。",
                "The document has no retention yet.",
            )
        return {"document": document}
    if record_file.closed_at is not None:
        raise RetentionRefused(
            "destroyed", "廃棄・移管済みのファイルです。", "The file has been disposed of."
        )
    return {"record_file": record_file}


def _refresh_target(target: dict, *, user, request) -> None:
    if "record_file" in target:
        refresh_file(
            RecordFile.objects.select_for_update().get(pk=target["record_file"].pk),
            user=user,
            request=request,
        )
    else:
        entry = DocumentRetention.objects.select_related("document", "record_file").get(
            document=target["document"]
        )
        _apply_to_document(entry, user=user, request=request)


def add_hold(
    *,
    record_file=None,
    document=None,
    hold_type: str,
    reference: str,
    started_on: dt.date,
    event_on: dt.date | None = None,
    note: str = "",
    user,
    request=None,
) -> Hold:
    require_officer(user)
    target = _target(record_file, document)
    with transaction.atomic():
        hold = Hold.objects.create(
            **target,
            hold_type=hold_type,
            reference=reference,
            started_on=started_on,
            event_on=event_on,
            until=rules.hold_until(hold_type, event_on),
            note=note,
            created_by=user,
        )
        _refresh_target(target, user=user, request=request)
        _audit(user, "hold", hold, request, type=hold_type, reference=reference)
    return hold


def end_hold(hold: Hold, event_on: dt.date, *, user, request=None) -> Hold:
    """Record the end, ruling or decision: the hold then runs to its rule's end."""
    require_officer(user)
    target = _target(hold.record_file, hold.document)
    if event_on < hold.started_on:
        raise ApiError(
            "event_before_start",
            "終了・裁決・決定日は開始日より後にしてください。",
            "The end, ruling or decision date cannot precede the start.",
        )
    with transaction.atomic():
        hold.event_on, hold.until = event_on, rules.hold_until(hold.hold_type, event_on)
        hold.save(update_fields=["event_on", "until", "updated_at"])
        _refresh_target(target, user=user, request=request)
        _audit(user, "end_hold", hold, request, event_on=event_on.isoformat())
    return hold


def extend(
    *,
    record_file=None,
    document=None,
    years: int,
    reason: str,
    remark: str = "",
    user,
    request=None,
) -> Extension:
    require_officer(user)
    target = _target(record_file, document)
    if years < 1 or not reason.strip():
        raise ApiError(
            "extension_invalid",
            "延長には1年以上の期間と理由が必要です。",
            "An extension needs at least one year and a reason.",
        )
    if Extension.objects.filter(**target).exists() and not remark.strip():
        raise ApiError(
            "remark_required",
            "2回目以降の延長には備考が必要です。",
            "A second or later extension needs a remark.",
        )
    with transaction.atomic():
        extension = Extension.objects.create(
            **target, years=years, reason=reason, remark=remark, created_by=user
        )
        _refresh_target(target, user=user, request=request)
        _audit(user, "extend", extension, request, years=years, reason=reason)
    return extension


def correct_start_date(
    *, record_file=None, document=None, start_date: dt.date, reason: str, user, request=None
) -> StartDateCorrection:
    """A records officer's correction of the 起算日, with who, why and the history."""
    require_officer(user)
    target = _target(record_file, document)
    if not reason.strip():
        raise ApiError(
            "reason_required", "起算日の訂正には理由が必要です。", "A correction needs a reason."
        )
    with transaction.atomic():
        if record_file is not None:
            holder = RecordFile.objects.select_for_update().get(pk=record_file.pk)
        else:
            holder = DocumentRetention.objects.select_for_update().get(document=document)
            if holder.record_file_id:
                raise RetentionRefused(
                    "correct_the_file",
                    "ファイルに含まれる文書の起算日はファイルで訂正してください。",
                    "Correct the start date of a filed document on its file.",
                )
        correction = StartDateCorrection.objects.create(
            **target, before=holder.start_date, after=start_date, reason=reason, corrected_by=user
        )
        holder.start_date_set, holder.start_date_reason = start_date, reason
        holder.save(update_fields=["start_date_set", "start_date_reason"])
        _refresh_target(target, user=user, request=request)
        _audit(
            user,
            "correct_start_date",
            correction,
            request,
            before=str(correction.before),
            after=start_date.isoformat(),
            reason=reason,
        )
    return correction


def transfer_custody(
    record_files, to_section, *, reason: str = "", effective_on=None, user, request=None
) -> list[CustodyTransfer]:
    """所管換: files move to ``to_section``; the history stays, and their documents' revision
    is bumped so that search re-trims them to the new section."""
    require_officer(user)
    moves = []
    with transaction.atomic():
        for record_file in record_files:
            locked = RecordFile.objects.select_for_update().get(pk=record_file.pk)
            if locked.custodian_id == to_section.pk:
                continue
            moves.append(
                CustodyTransfer.objects.create(
                    record_file=locked,
                    from_section_id=locked.custodian_id,
                    to_section=to_section,
                    effective_on=effective_on or timezone.localdate(),
                    reason=reason,
                    moved_by=user,
                )
            )
            locked.custodian = to_section
            locked.save(update_fields=["custodian", "updated_at"])
            _audit(user, "transfer_custody", locked, request, to=to_section.code, reason=reason)
        ids = DocumentRetention.objects.filter(
            record_file_id__in=[move.record_file_id for move in moves]
        ).values_list("document_id", flat=True)
        events.documents_changed(ids)
    return moves


def documents_needing_lock() -> Q:
    return Q(retention__isnull=False, destroyed_at__isnull=True)


def reapply(document_ids, *, user=None) -> int:
    """After :func:`retention.bulk.recompute_all`: pass the changed documents' dates to
    the documents (lifecycle hooks) and the store (lock jobs)."""
    count = 0
    for entry in DocumentRetention.objects.filter(
        document_id__in=list(document_ids)
    ).select_related("document", "record_file"):
        with transaction.atomic():
            _apply_to_document(entry, user=user)
        count += 1
    return count
