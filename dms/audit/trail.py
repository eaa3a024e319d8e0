"""Recording and verifying the audit trail.

Appends are serialised by locking the single :class:`AuditHead` row, so concurrent
requests on any number of machines still build one unbroken chain. An entry is written in
the caller's transaction: an action rolled back leaves no entry, and a recorded refusal
must therefore be written outside the transaction that is being refused.

Each entry is an HMAC-SHA256 over its fields and the previous entry's hash, keyed with an
audit key held outside the database (:mod:`dms.audit.keys`). On PostgreSQL the head is
locked and moved through the SECURITY DEFINER functions of migration 0004, the only way the
app's role may change it once ``secure_audit`` has run; that costs no more round trips
than locking and updating the row directly.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from dms.audit import keys
from dms.audit.models import GENESIS, HMAC_SHA256, PLAIN_SHA256, AuditEntry, AuditHead, Outcome

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
    key_id, key = keys.current()
    with transaction.atomic(savepoint=False):
        head_sequence, head_hash = _lock_head()
        entry = AuditEntry(
            sequence=head_sequence + 1,
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
            previous_hash=head_hash,
            hash_version=HMAC_SHA256,
            key_id=key_id,
        )
        entry.entry_hash = entry.compute_hash(key)
        _append(entry)
    return entry


def _lock_head() -> tuple[int, str]:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT sequence, entry_hash FROM kiroku_audit_lock_head()")
            return cursor.fetchone()
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    return head.sequence, head.entry_hash


def _append(entry: AuditEntry) -> None:
    """Insert the entry and move the head to it.

    On PostgreSQL in one statement (the insert in a ``WITH`` and the audit owner's
    function that advances the head): every action writes an entry, so a round trip saved
    here is saved on every upload and every approval.
    """
    if connection.vendor != "postgresql":
        entry.save()
        AuditHead.objects.filter(id=1).update(sequence=entry.sequence, entry_hash=entry.entry_hash)
        return
    fields = [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    values = [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH appended AS (INSERT INTO {quote(AuditEntry._meta.db_table)} ({columns}) "
            f"VALUES ({placeholders}) RETURNING id, sequence, entry_hash) "
            "SELECT id, kiroku_audit_advance_head(sequence, entry_hash) FROM appended",
            values,
        )
        entry.pk = cursor.fetchone()[0]
    entry._state.adding, entry._state.db = False, connection.alias


@dataclass
class Problem:
    sequence: int
    reason: str


def _hash_problem(entry: AuditEntry, keyed_before: bool) -> str | None:
    """Why ``entry``'s own hash cannot be trusted, or None."""
    if entry.hash_version == PLAIN_SHA256:
        if keyed_before:  # a rewrite without the key, passed off as an old entry
            return "unkeyed entry after keyed ones: rewritten without the audit key"
        return None if entry.compute_hash() == entry.entry_hash else "entry edited"
    key = keys.find(entry.key_id) if entry.hash_version == HMAC_SHA256 else None
    if key is None:
        return f"signed with an unknown audit key {entry.key_id!r} (or hash version)"
    if entry.compute_hash(key) != entry.entry_hash:
        return "entry edited: its HMAC does not match"
    return None


def verify() -> list[Problem]:
    """Every edited, removed or reordered entry, as a list of problems (empty: intact)."""
    problems: list[Problem] = []
    expected_previous, expected_sequence, keyed = GENESIS, 1, False
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
        if (reason := _hash_problem(entry, keyed)) is not None:
            problems.append(Problem(entry.sequence, reason))
        keyed = keyed or entry.hash_version != PLAIN_SHA256
        expected_previous, expected_sequence = entry.entry_hash, entry.sequence + 1
    head = AuditHead.objects.filter(id=1).first()
    if head and (head.sequence != expected_sequence - 1 or head.entry_hash != expected_previous):
        problems.append(Problem(head.sequence, "newest entries removed"))
    return problems
