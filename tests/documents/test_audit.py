"""The audit trail: keyed (HMAC) chain, append-only, and verify_audit finds any tampering.

The tampering tests play the attacker the issue describes: someone with full rights on the
database (on PostgreSQL the audit tables' owner role, which may switch off the triggers)
but without the audit key and unable to change the anchors in WORM storage.
"""

import contextlib
import hashlib
import itertools
import os
import subprocess
import sys
import threading

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from dms.audit import anchors, keys, trail
from dms.audit.management.commands.secure_audit import owner_conninfo
from dms.audit.models import HMAC_SHA256, PLAIN_SHA256, AuditEntry, AuditHead

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_owner():
    """A cursor with every right on the audit tables, triggers switched off."""
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            yield cursor
        return
    conninfo = owner_conninfo(os.environ["KIROKU_AUDIT_OWNER_URL"])
    with psycopg.connect(conninfo, autocommit=True) as conn, conn.cursor() as cursor:
        for table in ("audit_auditentry", "audit_audithead"):
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        try:
            yield cursor
        finally:
            for table in ("audit_auditentry", "audit_audithead"):
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def make_entries(org, count=5):
    department = org["bunsho"]
    return [
        trail.record(actor=org["tanaka"], action="view", target=department, details={"n": n})
        for n in range(count)
    ]


def problems_reported() -> str:
    with pytest.raises(CommandError, match="改ざん") as failure:
        call_command("verify_audit", stderr=(errors := _Text()))
    assert failure.value
    return errors.text


class _Text:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def rewrite_from(sequence: int, cursor, *, hash_version: int, hasher) -> None:
    """Edit entry ``sequence``, recompute every later hash with ``hasher``, move the head."""
    entries = list(AuditEntry.objects.filter(sequence__gte=sequence).order_by("sequence"))
    previous = AuditEntry.objects.filter(sequence=sequence - 1).first()
    previous_hash = previous.entry_hash if previous else "0" * 64
    for entry in entries:
        if entry.sequence == sequence:
            entry.actor = "someone-else"
        entry.previous_hash, entry.hash_version = previous_hash, hash_version
        entry.entry_hash = hasher(entry)
        cursor.execute(
            "UPDATE audit_auditentry SET actor = %s, previous_hash = %s, entry_hash = %s, "
            "hash_version = %s WHERE sequence = %s",
            [entry.actor, entry.previous_hash, entry.entry_hash, hash_version, entry.sequence],
        )
        previous_hash = entry.entry_hash
    cursor.execute("UPDATE audit_audithead SET entry_hash = %s WHERE id = 1", [previous_hash])


def plain_sha256(entry) -> str:
    return hashlib.sha256(entry.canonical()).hexdigest()


# --- recording ----------------------------------------------------------------------------
def test_entries_are_chained_keyed_and_timestamped_in_jst(org):
    entries = make_entries(org)
    assert [e.sequence for e in entries] == [1, 2, 3, 4, 5]
    for previous, entry in itertools.pairwise(entries):
        assert entry.previous_hash == previous.entry_hash
    key_id, key = keys.current()
    assert {(e.hash_version, e.key_id) for e in entries} == {(HMAC_SHA256, key_id)}
    assert entries[0].compute_hash(key) == entries[0].entry_hash != plain_sha256(entries[0])
    assert entries[0].timestamp.endswith("+09:00")
    call_command("verify_audit")


def test_the_model_refuses_edits_and_deletion(org):
    entry = make_entries(org, 1)[0]
    entry.action = "download"
    with pytest.raises(Exception, match="append-only"):
        entry.save()
    with pytest.raises(Exception, match="append-only"):
        entry.delete()


@pytest.mark.django_db(transaction=True)
def test_entries_from_before_the_key_keep_verifying(org):
    """Unkeyed (plain SHA-256) entries written before the upgrade stay valid before keyed ones."""
    previous_hash = "0" * 64
    with database_owner() as cursor:  # as migration 0003 leaves them: hash_version 1
        for n in (1, 2):
            legacy = AuditEntry(
                sequence=n,
                timestamp="2024-04-01T09:00:00.000000+09:00",
                actor="tanaka",
                action="view",
                target_type="department",
                target_id="1",
                details={"n": n},
                previous_hash=previous_hash,
                hash_version=PLAIN_SHA256,
            )
            legacy.entry_hash = previous_hash = legacy.compute_hash()
            cursor.execute(
                "INSERT INTO audit_auditentry (sequence, timestamp, actor, action, outcome, "
                "target_type, target_id, client_address, content_sha256, details, "
                "previous_hash, entry_hash, hash_version, key_id) VALUES "
                "(%s, %s, 'tanaka', 'view', 'done', 'department', '1', '', '', %s, %s, %s, 1, '')",
                [n, legacy.timestamp, f'{{"n": {n}}}', legacy.previous_hash, legacy.entry_hash],
            )
        cursor.execute(
            "INSERT INTO audit_audithead (id, sequence, entry_hash) VALUES (1, 2, %s)",
            [previous_hash],
        )
    make_entries(org, 2)
    assert AuditEntry.objects.get(sequence=3).hash_version == HMAC_SHA256
    assert trail.verify() == []


def test_a_rotated_key_keeps_verifying_while_it_is_configured(org, settings):
    make_entries(org, 2)
    old_key = settings.AUDIT_KEYS[0]
    settings.AUDIT_KEYS = ["a-new-audit-key-for-rotation", old_key]
    make_entries(org, 2)
    assert len({e.key_id for e in AuditEntry.objects.all()}) == 2
    assert trail.verify() == []
    settings.AUDIT_KEYS = ["a-new-audit-key-for-rotation"]  # the old key was dropped
    assert [p.sequence for p in trail.verify()] == [1, 2]


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


# --- tampering by someone with the database (committed data: transactional tests) --------
tampering = pytest.mark.django_db(transaction=True)


@tampering
def test_verify_audit_detects_an_edited_entry(org):
    make_entries(org)
    with database_owner() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor = 'someone-else' WHERE sequence = 3")
    assert "#3: entry edited" in problems_reported()


@tampering
def test_verify_audit_detects_a_removed_entry(org):
    make_entries(org)
    with database_owner() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence = 2")
    assert "removed" in problems_reported()


@tampering
def test_verify_audit_detects_removed_newest_entries(org):
    make_entries(org)
    with database_owner() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence >= 4")
    assert "newest entries removed" in problems_reported()


@tampering
def test_a_chain_recomputed_with_plain_sha256_is_detected(org):
    """Before #11 the attacker recomputed every later hash and the head: reported intact."""
    make_entries(org)
    with database_owner() as cursor:
        rewrite_from(2, cursor, hash_version=HMAC_SHA256, hasher=plain_sha256)
    report = problems_reported()
    assert all(f"#{n}: entry edited: its HMAC does not match" in report for n in (2, 3, 4, 5))


@tampering
def test_a_rewrite_passed_off_as_old_unkeyed_entries_is_detected(org):
    make_entries(org)
    with database_owner() as cursor:
        rewrite_from(3, cursor, hash_version=PLAIN_SHA256, hasher=plain_sha256)
    assert "#3: unkeyed entry after keyed ones" in problems_reported()


@tampering
def test_deleting_the_newest_entries_and_rewinding_the_head_is_detected(org, store):
    """The chain left is consistent; only the anchor in WORM storage shows what is gone."""
    make_entries(org)
    assert anchors.anchor_head("test").sequence == 5
    with database_owner() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE sequence >= 4")
        head = AuditEntry.objects.get(sequence=3)
        cursor.execute(
            "UPDATE audit_audithead SET sequence = 3, entry_hash = %s WHERE id = 1",
            [head.entry_hash],
        )
    assert trail.verify() == []  # what verify_audit said before #11
    assert "#5: anchored entry is gone" in problems_reported()


@tampering
def test_rewriting_the_whole_chain_unkeyed_is_detected_by_the_anchor(org, store):
    make_entries(org)
    anchors.anchor_head("test")
    with database_owner() as cursor:
        rewrite_from(1, cursor, hash_version=PLAIN_SHA256, hasher=plain_sha256)
    assert trail.verify() == []  # a consistent unkeyed chain, as if never keyed
    assert "#5: entry differs from its anchor" in problems_reported()


# --- PostgreSQL: the app's role may only append ------------------------------------------
@pytest.mark.postgres
def test_the_apps_role_may_only_append_to_the_audit_tables(org):
    if connection.vendor != "postgresql":
        pytest.fail("this test runs on PostgreSQL: set DATABASE_URL (make test does)")
    make_entries(org, 2)
    head = AuditHead.objects.get(id=1)
    attempts = [
        "TRUNCATE audit_auditentry",
        "TRUNCATE audit_audithead",
        "DELETE FROM audit_auditentry WHERE sequence = 2",
        "UPDATE audit_auditentry SET actor = 'x' WHERE sequence = 1",
        "ALTER TABLE audit_auditentry DISABLE TRIGGER audit_entry_append_only",
        "ALTER TABLE audit_audithead DISABLE TRIGGER ALL",
        "UPDATE audit_audithead SET sequence = 1",
        "DELETE FROM audit_audithead",
        "CREATE OR REPLACE FUNCTION kiroku_audit_append_only() RETURNS trigger AS "
        "$$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql",
        f"SELECT kiroku_audit_advance_head(1, '{head.entry_hash}')",  # rewind: not sequence+1
    ]
    refused = r"permission denied|must be owner|continue the chain"
    for statement in attempts:
        with (
            pytest.raises(DatabaseError, match=refused),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement)
    assert AuditEntry.objects.count() == 2
    make_entries(org, 1)  # appending still works, through the head functions
    assert AuditHead.objects.get(id=1).sequence == 3
    assert trail.verify() == []


# --- the key ------------------------------------------------------------------------------
def _settings_in_a_fresh_process(**environ) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIROKU_AUDIT_KEY")}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env={**env, "DJANGO_SETTINGS_MODULE": "dms.settings", **environ},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_an_audit_key():
    refused = _settings_in_a_fresh_process(KIROKU_SECRET_KEY="a-deployment-secret")
    assert refused.returncode != 0 and "KIROKU_AUDIT_KEY" in refused.stderr
    started = _settings_in_a_fresh_process(
        KIROKU_SECRET_KEY="a-deployment-secret", KIROKU_AUDIT_KEY="an-audit-key"
    )
    assert started.returncode == 0, started.stderr
