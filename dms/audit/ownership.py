"""On PostgreSQL, the audit tables belong to their own owner role, not to the app's role.

The owner role (``kiroku_audit_owner`` by convention) is created by the database
administrator (``scripts/services.sh`` does it on a developer machine; see
docs/security.md for production) as a member of the app's role, so that it may take over
tables the app's migrations created. :func:`secure` runs *as the owner*: it takes the audit
tables and their functions, and leaves the app's role only INSERT and SELECT on the
entries, SELECT on the head, and EXECUTE on the two head functions (migration 0004). The
app can then no longer UPDATE, DELETE or TRUNCATE entries, disable or replace the
triggers, or move the head except one chained entry forward. :func:`release` gives the
tables back for a migration that alters them; run :func:`secure` again after it.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

TABLES = ("audit_auditentry", "audit_audithead")
# Functions the app may call, and functions (triggers) only the owner may replace.
APP_FUNCTIONS = ("kiroku_audit_lock_head()", "kiroku_audit_advance_head(bigint, varchar)")
OWNER_FUNCTIONS = ("kiroku_audit_append_only()", "kiroku_audit_head_continues()")


def _functions(names):
    return [sql.SQL(name) for name in names]  # fixed signatures above, never user input


def _set_owner(cursor, owner: str) -> None:
    for table in TABLES:
        cursor.execute(
            sql.SQL("ALTER TABLE {} OWNER TO {}").format(
                sql.Identifier(table), sql.Identifier(owner)
            )
        )
    for function in _functions(APP_FUNCTIONS + OWNER_FUNCTIONS):
        cursor.execute(
            sql.SQL("ALTER FUNCTION {} OWNER TO {}").format(function, sql.Identifier(owner))
        )


def secure(owner_url: str, app_role: str) -> str:
    """Give the audit tables to the role of ``owner_url``; the owner's name."""
    with psycopg.connect(owner_url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
        if owner == app_role:
            raise ValueError("the audit owner must be another role than the app's")
        _set_owner(cursor, owner)
        app = sql.Identifier(app_role)
        tables = sql.SQL(", ").join(sql.Identifier(table) for table in TABLES)
        cursor.execute(sql.SQL("REVOKE ALL ON {} FROM PUBLIC, {}").format(tables, app))
        cursor.execute(sql.SQL("GRANT SELECT, INSERT ON audit_auditentry TO {}").format(app))
        cursor.execute(sql.SQL("GRANT SELECT ON audit_audithead TO {}").format(app))
        for function in _functions(APP_FUNCTIONS + OWNER_FUNCTIONS):
            cursor.execute(
                sql.SQL("REVOKE ALL ON FUNCTION {} FROM PUBLIC, {}").format(function, app)
            )
        for function in _functions(APP_FUNCTIONS):
            cursor.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {} TO {}").format(function, app))
    return owner


def release(owner_url: str, app_role: str) -> None:
    """Give the audit tables back to the app's role (for a migration of them)."""
    with psycopg.connect(owner_url) as conn, conn.cursor() as cursor:
        _set_owner(cursor, app_role)
        for function in _functions(APP_FUNCTIONS + OWNER_FUNCTIONS):
            cursor.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {} TO PUBLIC").format(function))


def is_secured(connection) -> bool:
    """Whether the audit entries belong to another role than ``connection``'s user."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_userbyid(relowner) <> current_user FROM pg_class "
            "WHERE oid = 'audit_auditentry'::regclass"
        )
        return cursor.fetchone()[0]
