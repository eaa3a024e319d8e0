"""Recording and verifying the audit trail.

Appends are serialised by locking the single :class:`AuditHead` row, so concurrent
requests on any number of machines still build one unbroken chain. An entry is written in
the caller's transaction: an action rolled back leaves no entry, and a recorded refusal
must therefore be written outside the transaction that is being refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from dms.audit.models import GENESIS, AuditEntry, AuditHead, Outcome

JST = ZoneInfo("Asia/Tokyo")


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def record(
    *,
    actor,
    action: str,
    target,
    request=None,
    outcome: str = Outcome.DONE,
    content_sha256: str = "",
    details: dict | None = None,
) -> AuditEntry:
    """Append one entry for ``actor`` doing ``action`` to ``target`` (a model instance)."""
    document_id = getattr(target, "document_id", None)
    if target.__class__.__name__ == "Document":
        document_id = target.pk
    # No savepoint inside a caller's transaction: an entry that cannot be written must
    # fail the action it records (and it saves two round trips per entry).
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        entry = AuditEntry(
            sequence=head.sequence + 1,
            timestamp=timezone.now().astimezone(JST).isoformat(timespec="microseconds"),
            actor_id=getattr(actor, "pk", None),
            actor=getattr(actor, "username", "") or ("system" if actor is None else "anonymous"),
            action=action,
            outcome=outcome,
            target_type=target.__class__.__name__.lower(),
            target_id=str(target.pk),
            document_id=document_id,
            client_address=client_address(request),
            content_sha256=content_sha256,
            details=details or {},
            previous_hash=head.entry_hash,
        )
        entry.entry_hash = entry.compute_hash()
        entry.save()
        head.sequence, head.entry_hash = entry.sequence, entry.entry_hash
        head.save()
    return entry


@dataclass
class Problem:
    sequence: int
    reason: str


def verify() -> list[Problem]:
    """Every edited, removed or reordered entry, as a list of problems (empty: intact)."""
    problems: list[Problem] = []
    expected_previous, expected_sequence = GENESIS, 1
    for entry in AuditEntry.objects.order_by("sequence").iterator():
        if entry.sequence != expected_sequence:
            problems.append(
                Problem(
                    expected_sequence, f"entries {expected_sequence}–{entry.sequence - 1} removed"
                )
            )
        if entry.previous_hash != expected_previous:
            problems.append(
                Problem(entry.sequence, "chain broken: previous entry changed or removed")
            )
        if entry.compute_hash() != entry.entry_hash:
            problems.append(Problem(entry.sequence, "entry edited: its hash does not match"))
        expected_previous, expected_sequence = entry.entry_hash, entry.sequence + 1
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.sequence != expected_sequence - 1 or head.entry_hash != expected_previous):
        problems.append(Problem(head.sequence, "newest entries removed"))
    return problems
