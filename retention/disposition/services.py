"""Disposition services: the queue, proposals, their decision, destruction and transfer.

Every refusal is an :class:`dms.errors.ApiError` with Japanese and English text. Document
rows change only through :mod:`dms.documents.lifecycle` (``destroy``); the file row is
retention's own and is closed here.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import time
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dms.accounts.models import Role
from dms.documents import lifecycle
from dms.documents.models import Document
from dms.errors import ApiError
from retention.disposition.models import (
    ItemState,
    Method,
    Proposal,
    ProposalItem,
    ProposalState,
    Tombstone,
)
from retention.models import Action, DocumentRetention, Hold, RecordFile
from retention.register.rows import registered_files, row_of

# States in which a proposal still claims its files (they leave the queue meanwhile).
ACTIVE_STATES = [
    ProposalState.PROPOSED,
    ProposalState.APPROVED,
    ProposalState.EXECUTING,
    ProposalState.AWAITING_RECEIPT,
]
# Test-only: pause this many seconds after the first document is destroyed, so that a
# test can kill the worker half-way (tests/retention_disposition/test_crash.py).
PAUSE_ENV = "KIROKU_TEST_DISPOSITION_PAUSE"
DISPOSAL_MATTER = "disposal"  # approvals/defaults/approval_rules.json


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
            "文書管理者または管理者だけが行えます。",
            "Only records officers and administrators may do this.",
            403,
        )


# --- the queue and the warnings -------------------------------------------------------------


def _claimed() -> Exists:
    return Exists(
        ProposalItem.objects.filter(
            record_file=OuterRef("pk"), proposal__state__in=ACTIVE_STATES
        ).exclude(state=ItemState.REFUSED)
    )


def queue(today: dt.date | None = None) -> QuerySet[RecordFile]:
    """Expired files with no open hold, not closed and not yet proposed, oldest first.

    Served by the partial index ``disposition_queue_idx`` (migration 0001)."""
    today = today or timezone.localdate()
    return (
        RecordFile.objects.filter(
            effective_expiry__lt=today, open_hold=False, closed_at__isnull=True
        )
        .exclude(_claimed())
        .select_related("retention_class", "custodian")
        .order_by("effective_expiry", "id")
    )


def warnings(today: dt.date | None = None, months: int | None = None) -> QuerySet[RecordFile]:
    """Files within N months of expiry (or past it) whose action at expiry is still 未定."""
    today = today or timezone.localdate()
    months = settings.KIROKU_DISPOSITION_WARNING_MONTHS if months is None else months
    undecided = Q(action=Action.UNDECIDED) | Q(action="", retention_class__action=Action.UNDECIDED)
    return (
        RecordFile.objects.filter(
            undecided,
            base_expiry__lte=today + relativedelta(months=months),
            closed_at__isnull=True,
        )
        .select_related("retention_class", "custodian")
        .order_by("base_expiry", "id")
    )


# --- checks made when proposing and again at the moment of deletion -------------------------


def refusal(record_file: RecordFile, today: dt.date | None = None) -> ApiError | None:
    """Why the file cannot be disposed of today, or None. Reads the holds themselves, not
    only the file's cached flags, so a hold added a moment ago is seen."""
    today = today or timezone.localdate()
    if record_file.closed_at is not None:
        return ApiError(
            "file_closed", "廃棄・移管済みのファイルです。", "The file was already disposed of."
        )
    documents = DocumentRetention.objects.filter(record_file=record_file).values("document")
    holds = Hold.objects.filter(Q(record_file=record_file) | Q(document__in=documents))
    if record_file.open_hold or holds.filter(Q(event_on__isnull=True) | Q(until__gte=today)):
        return ApiError(
            "file_on_hold",
            "保留中のファイルは廃棄・移管できません。",
            "The file is on hold and cannot be disposed of.",
            409,
        )
    if record_file.effective_expiry is None or record_file.effective_expiry >= today:
        return ApiError(
            "not_expired",
            "保存期間が満了していないファイルは廃棄・移管できません。",
            "The file's retention period has not expired.",
            409,
        )
    locked = DocumentRetention.objects.filter(record_file=record_file).filter(
        Q(lock_until__gte=today) | Q(lock_legal_hold=True) | Q(open_hold=True)
    )
    held_documents = Document.objects.filter(retention__record_file=record_file).filter(
        Q(on_hold=True) | Q(retain_until__gte=today)
    )
    if locked.exists() or held_documents.exists():
        return ApiError(
            "store_locked",
            "保存先のロック期限が残っている文書があります。",
            "A document is still locked in the store.",
            409,
        )
    return None


# --- proposals ------------------------------------------------------------------------------


def disposal_matter():
    """The approvals matter type ``disposal`` when its delegation rule is loaded
    (``manage.py load_approval_rules``), else None: the two-person review decides."""
    from approvals.models import DelegationRule, MatterType

    matter = MatterType.objects.filter(code=DISPOSAL_MATTER).first()
    if matter and DelegationRule.objects.filter(matter_type=matter).exists():
        return matter
    return None


def _open_case(proposal: Proposal, files: list[RecordFile], *, user, section, matter) -> None:
    """Draft and submit the decision case (廃棄決定, 専決 by the section chief as the
    delegation table says); its body is the list of files as a PDF document."""
    from approvals import services as approvals
    from dms.documents import ingest
    from retention.disposition import decision_pdf

    if section is None:
        section = user.departments.order_by("id").first()
    if section is None:
        raise ApiError(
            "section_required",
            "起案する課を指定してください。",
            "Name the section that drafts the decision.",
            400,
        )
    label = Method(proposal.method).label
    title = f"行政文書ファイルの{label}について({len(files)}件)"
    chosen = registered_files().filter(pk__in=[f.pk for f in files]).order_by("id")
    pdf = decision_pdf.render(
        title=title, method_label=label, rows=[row_of(f) for f in chosen], reason=proposal.reason
    )
    stored = ingest.store_original(io.BytesIO(pdf), filename=f"{title}.pdf")
    body = lifecycle.create(stored, user=user, department=section, title=title)
    case = approvals.draft(user=user, title=title, section=section, body=body, matter_type=matter)
    approvals.submit(case, user=user)
    proposal.case = case
    proposal.save(update_fields=["case"])


def propose(
    *, user, files: Iterable[RecordFile], method: str, reason: str = "", section=None
) -> Proposal:
    """A records officer proposes disposal (廃棄) or transfer (移管) of files, in a batch.

    With the approvals rules loaded, the proposal opens a decision case (matter type
    ``disposal``) drafted in ``section`` (default: the officer's own) and submits it; the
    job reads the case's state (:func:`decision_state`). Without them, another records
    officer approves (:func:`approve`). All or nothing: a refusal creates neither."""
    require_officer(user)
    if method not in Method.values:
        raise ApiError("invalid_method", "措置が正しくありません。", "The method is invalid.")
    files = list(files)
    if not files:
        raise ApiError("no_files", "ファイルを選んでください。", "Choose at least one file.")
    with transaction.atomic():
        claimed = set(
            RecordFile.objects.filter(pk__in=[f.pk for f in files])
            .filter(_claimed())
            .values_list("pk", flat=True)
        )
        for record_file in files:
            problem = refusal(record_file)
            if problem is None and record_file.pk in claimed:
                problem = ApiError(
                    "already_proposed",
                    "既に廃棄・移管の手続中です。",
                    "The file is already in a disposal proposal.",
                    409,
                )
            if problem is not None:
                problem.extra["file"] = record_file.pk
                raise problem
        proposal = Proposal.objects.create(method=method, reason=reason, proposed_by=user)
        ProposalItem.objects.bulk_create(
            ProposalItem(proposal=proposal, record_file=f) for f in files
        )
        matter = disposal_matter()
        if matter is not None:
            _open_case(proposal, files, user=user, section=section, matter=matter)
    return proposal


def attach_case(proposal: Proposal, case) -> Proposal:
    """Link the approvals case that decides the proposal (matter type ``disposal``)."""
    proposal.case = case
    proposal.save(update_fields=["case"])
    return proposal


def approve(proposal: Proposal, *, user) -> Proposal:
    """Two-person review, for a proposal without an approvals case: another officer."""
    require_officer(user)
    if proposal.case_id:
        raise ApiError(
            "decided_by_case",
            "この決定は決裁(廃棄決定の案件)で行います。",
            "This proposal is decided through its approval case.",
            409,
        )
    if user.pk == proposal.proposed_by_id:
        raise ApiError(
            "same_person",
            "起案者以外の文書管理者が決定してください。",
            "Another records officer must approve the proposal.",
            403,
        )
    _require_state(proposal, ProposalState.PROPOSED)
    proposal.state = ProposalState.APPROVED
    proposal.decided_by, proposal.decided_at = user, timezone.now()
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    return proposal


def decision_state(proposal: Proposal) -> Proposal:
    """Bring the proposal in step with its case: read when needed, no signal involved."""
    from approvals.models import CaseState, Task

    if not proposal.case_id or proposal.state != ProposalState.PROPOSED:
        return proposal
    case = proposal.case
    if case.state == CaseState.DECIDED:
        decider = (
            Task.objects.filter(step__case=case, acted_by__isnull=False)
            .order_by("-acted_at")
            .values_list("acted_by", flat=True)
            .first()
        )
        proposal.state = ProposalState.APPROVED
        proposal.decided_by_id, proposal.decided_at = decider, case.decided_at
    elif case.state in {CaseState.REJECTED, CaseState.WITHDRAWN}:
        proposal.state = ProposalState.REJECTED
    else:
        return proposal
    proposal.save(update_fields=["state", "decided_by", "decided_at"])
    return proposal


def _require_state(proposal: Proposal, *states: str) -> None:
    if proposal.state not in states:
        raise ApiError(
            "wrong_state",
            f"この操作はできません(状態: {proposal.get_state_display()})。",
            f"Not possible in the proposal's state ({proposal.state}).",
            409,
        )


# --- destruction and tombstones -------------------------------------------------------------


def _hashes(record_file: RecordFile) -> list[dict]:
    return [
        {
            "document": v.document_id,
            "title": v.document.title,
            "version": v.number,
            "sha256": v.blob.sha256,
        }
        for v in _versions(record_file)
    ]


def _versions(record_file: RecordFile):
    from dms.documents.models import Version

    return (
        Version.objects.filter(document__retention__record_file=record_file)
        .select_related("blob", "document")
        .order_by("document_id", "number")
    )


def _bury(proposal: Proposal, item: ProposalItem, method: str) -> Tombstone:
    """The tombstone and the closed file, in one transaction (idempotent on retry)."""
    record_file = item.record_file
    with transaction.atomic():
        file_row = registered_files().filter(pk=record_file.pk).first() or record_file
        tombstone, _ = Tombstone.objects.get_or_create(
            record_file=record_file,
            defaults={
                "method": method,
                "register_row": row_of(file_row),
                "hashes": _hashes(record_file),
                "proposal": proposal,
                "decision_reference": proposal.reference,
                "decided_by": proposal.decided_by,
                "decided_at": proposal.decided_at,
            },
        )
        now = timezone.now()
        RecordFile.objects.filter(pk=record_file.pk, closed_at__isnull=True).update(closed_at=now)
        tombstone.register_row["status"] = "移管済" if method == Method.TRANSFER else "廃棄済"
        tombstone.save(update_fields=["register_row"])
        item.state = ItemState.DONE
        item.save(update_fields=["state"])
    return tombstone


def _destroy_documents(proposal: Proposal, record_file: RecordFile) -> None:
    actor = proposal.decided_by or proposal.proposed_by
    documents = Document.objects.filter(
        retention__record_file=record_file, destroyed_at__isnull=True
    ).order_by("id")
    for document in documents:
        lifecycle.destroy(document, decision=proposal.reference, user=actor)
        pause = os.environ.get(PAUSE_ENV)
        if pause:
            time.sleep(float(pause))


def execute(proposal_id: int, today: dt.date | None = None) -> Proposal:
    """Carry out an approved proposal: the destruction job's body (safe to run again).

    Each file is checked again at this moment (holds, expiry, store locks): a file that
    fails is refused and nothing of it is deleted; the others go on. Hashes are taken
    before anything is deleted, and the tombstone is written once every object is gone, so
    a crash in between is finished by the next run (lifecycle.destroy tolerates objects
    that are already gone and skips documents already marked destroyed)."""
    proposal = decision_state(Proposal.objects.get(pk=proposal_id))
    if proposal.state in {ProposalState.DONE, ProposalState.AWAITING_RECEIPT}:
        return proposal  # a repeated run of a finished job
    if proposal.state == ProposalState.APPROVED:
        proposal.state = ProposalState.EXECUTING
        proposal.save(update_fields=["state"])
    _require_state(proposal, ProposalState.EXECUTING)
    for item in proposal.items.filter(state=ItemState.PENDING).select_related("record_file"):
        problem = refusal(item.record_file, today)
        if problem is not None:
            item.state, item.refusal = ItemState.REFUSED, problem.message
            item.save(update_fields=["state", "refusal"])
            continue
        if proposal.method == Method.DESTROY:
            _destroy_documents(proposal, item.record_file)
            _bury(proposal, item, Method.DESTROY)
    if proposal.method == Method.DESTROY:
        proposal.state, proposal.finished_at = ProposalState.DONE, timezone.now()
    else:
        from retention.disposition import transfer

        # Built again from scratch by a retry: the bag has no partial state to resume.
        pending = proposal.items.filter(state=ItemState.PENDING).select_related("record_file")
        proposal.package_key = transfer.build(proposal, [i.record_file for i in pending])
        proposal.state = ProposalState.AWAITING_RECEIPT
    proposal.save(update_fields=["state", "finished_at", "package_key"])
    return proposal


def confirm_receipt(proposal: Proposal, *, user) -> Proposal:
    """The archives confirmed the transfer package: the files' objects go, tombstones stay."""
    require_officer(user)
    _require_state(proposal, ProposalState.AWAITING_RECEIPT)
    proposal.received_at = proposal.received_at or timezone.now()
    proposal.save(update_fields=["received_at"])
    for item in proposal.items.filter(state=ItemState.PENDING).select_related("record_file"):
        _destroy_documents(proposal, item.record_file)
        _bury(proposal, item, Method.TRANSFER)
    proposal.state, proposal.finished_at = ProposalState.DONE, timezone.now()
    proposal.save(update_fields=["state", "finished_at"])
    return proposal


def start(proposal: Proposal, *, user) -> Proposal:
    """Queue the destruction (or the transfer package) of a decided proposal."""
    from retention.disposition.tasks import execute_proposal

    require_officer(user)
    proposal = decision_state(proposal)
    _require_state(proposal, ProposalState.APPROVED, ProposalState.EXECUTING)
    transaction.on_commit(lambda: execute_proposal.enqueue(proposal.pk))
    return proposal
