"""The audit trail: chained by hash, append-only, and verify_audit finds any tampering."""

import contextlib
import itertools
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from dms.audit import trail
from dms.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def as_database_owner():
    """What an intruder with the owner's rights could do: switch off the guard trigger."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "ALTER TABLE audit_auditentry ENABLE TRIGGER audit_entry_append_only"
                )


def make_entries(org, count=5):
    department = org["bunsho"]
    return [
        trail.record(actor=org["tanaka"], action="view", target=department, details={"n": n})
        for n in range(count)
    ]


def test_entries_are_chained_and_timestamped_in_jst(org):
    entries = make_entries(org)
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    for previous, entry in itertools.pairwise(entries):
        assert entry.previous_hash == previous.entry_hash
    assert entries[0].timestamp.endswith("+09:00")
    call_command("verify_audit")


def test_the_model_refuses_edits_and_deletion(org):
    entry = make_entries(org, 1)[0]
    entry.action = "download"
    with pytest.raises(Exception, match="append-only"):
        entry.save()
    with pytest.raises(Exception, match="append-only"):
        entry.delete()


@pytest.mark.postgres
def test_postgresql_itself_refuses_edits_and_deletion(org):
    if connection.vendor != "postgresql":
        pytest.fail("this test runs on PostgreSQL: set DATABASE_URL (make test does)")
    make_entries(org, 2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(sequence=1).update(actor="someone-else")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(sequence=2).delete()


def test_verify_audit_detects_an_edited_entry(org):
    make_entries(org)
    with as_database_owner():
        AuditEntry.objects.filter(sequence=3).update(actor="someone-else")
    with pytest.raises(CommandError, match="改ざん"):
        call_command("verify_audit")


def test_verify_audit_detects_a_removed_entry(org):
    make_entries(org)
    with as_database_owner():
        AuditEntry.objects.filter(sequence=2).delete()
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_verify_audit_detects_removed_newest_entries(org):
    make_entries(org)
    with as_database_owner():
        AuditEntry.objects.filter(sequence__gte=4).delete()
    with pytest.raises(CommandError):
        call_command("verify_audit")


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_keep_one_unbroken_chain(org):
    errors = []

    def append(n):
        try:
            trail.record(actor=org["tanaka"], action="view", target=org["bunsho"], details={"n": n})
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == 20
    call_command("verify_audit")
