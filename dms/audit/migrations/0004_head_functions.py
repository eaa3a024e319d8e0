"""On PostgreSQL the head moves only forward, one chained entry at a time.

``kiroku_audit_lock_head()`` locks and returns the head (creating it when missing), and
``kiroku_audit_advance_head()`` moves it to the entry just appended; a trigger refuses any
other change of the head row and its deletion. Both functions are SECURITY DEFINER: once
``manage.py secure_audit`` has given the audit tables to their own owner role, the app's
role may only INSERT and SELECT entries and can change the head through these alone.
"""

from django.db import migrations

CREATE = r"""
CREATE OR REPLACE FUNCTION kiroku_audit_head_continues() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'the audit head cannot be deleted (監査証跡の先頭は削除できません)';
    END IF;
    IF NEW.id <> OLD.id OR NEW.sequence <> OLD.sequence + 1 OR NOT EXISTS (
        SELECT 1 FROM audit_auditentry e
        WHERE e.sequence = NEW.sequence AND e.previous_hash = OLD.entry_hash
          AND e.entry_hash = NEW.entry_hash
    ) THEN
        RAISE EXCEPTION 'the audit head must continue the chain (監査証跡の連鎖が途切れます)';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql SET search_path = pg_catalog, public, pg_temp;
CREATE TRIGGER audit_head_continues BEFORE UPDATE OR DELETE ON audit_audithead
    FOR EACH ROW EXECUTE FUNCTION kiroku_audit_head_continues();

CREATE OR REPLACE FUNCTION kiroku_audit_lock_head(OUT sequence bigint, OUT entry_hash varchar)
AS $$
BEGIN
    SELECT h.sequence, h.entry_hash INTO sequence, entry_hash
        FROM audit_audithead h WHERE h.id = 1 FOR UPDATE;
    IF NOT FOUND THEN
        INSERT INTO audit_audithead (id, sequence, entry_hash)
            VALUES (1, 0, repeat('0', 64)) ON CONFLICT (id) DO NOTHING;
        SELECT h.sequence, h.entry_hash INTO sequence, entry_hash
            FROM audit_audithead h WHERE h.id = 1 FOR UPDATE;
    END IF;
END
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;

CREATE OR REPLACE FUNCTION kiroku_audit_advance_head(new_sequence bigint, new_hash varchar)
RETURNS void AS $$
BEGIN
    UPDATE audit_audithead SET sequence = new_sequence, entry_hash = new_hash WHERE id = 1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the audit head is missing (監査証跡の先頭がありません)';
    END IF;
END
$$ LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public, pg_temp;
"""
DROP = """
DROP FUNCTION IF EXISTS kiroku_audit_advance_head(bigint, varchar);
DROP FUNCTION IF EXISTS kiroku_audit_lock_head();
DROP TRIGGER IF EXISTS audit_head_continues ON audit_audithead;
DROP FUNCTION IF EXISTS kiroku_audit_head_continues();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_chain")]
    operations = [migrations.RunPython(create, drop)]
