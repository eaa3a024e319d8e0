"""Recomputing every file's and document's dates at once (after a schedule change, and
nightly as a check): files and standalone documents through :mod:`retention.rules` in
Python, written back through a temporary table; filed documents in one SQL statement
from their file's dates and their own holds.

Only the retention tables change here. The documents whose effective expiry or hold
changed are returned, for :func:`retention.services.reapply` to pass through the
lifecycle hooks (and so to the store's locks): usually none or few.

PostgreSQL only (COPY, ``bool_or``, row comparison): the quick start on SQLite never runs it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import connection, transaction

from ja.fiscal import fiscal_year_start
from retention import rules
from retention.models import RetentionClass, StartRule

_FILE_SQL = """
SELECT f.id, f.retention_class_id, f.fiscal_year, f.start_rule, f.created_on,
       f.completed_on, f.start_date_set, f.start_date_reason
FROM retention_recordfile f WHERE f.closed_at IS NULL
"""

_STANDALONE_SQL = """
SELECT r.document_id, r.retention_class_id, NULL, r.start_rule,
       COALESCE(d.document_date, d.created_on), r.completed_on, r.start_date_set,
       r.start_date_reason
FROM retention_documentretention r JOIN documents_document d ON d.id = r.document_id
WHERE r.record_file_id IS NULL AND d.destroyed_at IS NULL
"""

# Filed documents: their file's dates, later for their own holds, none if any hold is open.
_FILED_SQL = """
WITH own AS (
    SELECT document_id, bool_or(event_on IS NULL) AS open, max(until) AS until
    FROM retention_hold WHERE document_id IS NOT NULL GROUP BY document_id
), wanted AS (
    SELECT r.document_id, f.start_date, f.base_expiry,
           CASE WHEN f.open_hold OR COALESCE(own.open, false) THEN NULL
                ELSE GREATEST(f.effective_expiry, own.until) END AS effective_expiry,
           f.open_hold OR COALESCE(own.open, false) AS open_hold
    FROM retention_documentretention r
    JOIN retention_recordfile f ON f.id = r.record_file_id
    LEFT JOIN own ON own.document_id = r.document_id
)
UPDATE retention_documentretention r
SET start_date = w.start_date, base_expiry = w.base_expiry,
    effective_expiry = w.effective_expiry, open_hold = w.open_hold
FROM wanted w
WHERE r.document_id = w.document_id
  AND (r.start_date, r.base_expiry, r.effective_expiry, r.open_hold) IS DISTINCT FROM
      (w.start_date, w.base_expiry, w.effective_expiry, w.open_hold)
RETURNING r.document_id
"""


def _by_target(column: str):
    extensions, holds = defaultdict(list), defaultdict(list)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column}, years FROM retention_extension WHERE {column} IS NOT NULL"
        )
        for target, years in cursor.fetchall():
            extensions[target].append(years)
        cursor.execute(
            f"SELECT {column}, hold_type, event_on FROM retention_hold WHERE {column} IS NOT NULL"
        )
        for target, kind, event in cursor.fetchall():
            holds[target].append((kind, event))
    return extensions, holds


def _rows(sql: str, column: str):
    """(pk, computed) for each row of ``sql``: pk, class, fiscal year (files; None for a
    document), rule, creation date, completion, set date, reason."""
    classes = {c.pk: c for c in RetentionClass.objects.all()}
    extensions, holds = _by_target(column)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = cursor.fetchall()
    for pk, class_id, fiscal_year, rule, created, completed, set_date, reason in rows:
        cls = classes[class_id]
        rule = rule or cls.start_rule
        if fiscal_year is not None and rule == StartRule.NEXT_FISCAL_YEAR:
            created = fiscal_year_start(fiscal_year)  # a file counts from its fiscal year
        try:
            computed = rules.compute(
                unit=cls.unit,
                duration=cls.duration,
                rule=rule,
                created_on=created,
                completed_on=completed,
                set_date=set_date,
                reason=reason,
                extension_years=extensions.get(pk, ()),
                holds=holds.get(pk, ()),
            )
        except rules.RuleError:  # stored before a rule changed: left for a person to fix
            continue
        yield pk, computed


def _write(table: str, key: str, rows, *, returning: bool) -> list[int]:
    """Write computed dates through a temporary table (COPY, then one UPDATE)."""
    # Computed before COPY starts: a COPY holds the connection, and computing reads it.
    rows = list(rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMPORARY TABLE retention_computed (pk bigint, start_date date, "
            "base_expiry date, effective_expiry date, open_hold boolean) ON COMMIT DROP"
        )
        with cursor.copy("COPY retention_computed FROM STDIN") as copy:
            for pk, c in rows:
                copy.write_row((pk, c.start, c.base_expiry, c.effective_expiry, c.open_hold))
        cursor.execute(
            f"UPDATE {table} t SET start_date = c.start_date, base_expiry = c.base_expiry, "
            "effective_expiry = c.effective_expiry, open_hold = c.open_hold "
            f"FROM retention_computed c WHERE t.{key} = c.pk AND "
            "(t.start_date, t.base_expiry, t.effective_expiry, t.open_hold) IS DISTINCT FROM "
            "(c.start_date, c.base_expiry, c.effective_expiry, c.open_hold)"
            + (f" RETURNING t.{key}" if returning else "")
        )
        changed = [row[0] for row in cursor.fetchall()] if returning else []
        cursor.execute("DROP TABLE retention_computed")
    return changed


def recompute_all() -> dict:
    """Every file's and document's dates; returns counts and the changed documents."""
    started = dt.datetime.now()
    with transaction.atomic():
        files = _write(
            "retention_recordfile", "id", _rows(_FILE_SQL, "record_file_id"), returning=True
        )
        standalone = _write(
            "retention_documentretention",
            "document_id",
            _rows(_STANDALONE_SQL, "document_id"),
            returning=True,
        )
        with connection.cursor() as cursor:
            cursor.execute(_FILED_SQL)
            filed = [row[0] for row in cursor.fetchall()]
    return {
        "files_changed": len(files),
        "documents_changed": sorted(set(standalone) | set(filed)),
        "seconds": (dt.datetime.now() - started).total_seconds(),
    }
