"""Retention benchmark: every effective expiry on PostgreSQL, and Object Lock on S3.

Run with the services' settings loaded (see ``benchmarks/README.md``)::

    set -a; eval "$(scripts/services.sh env)"; set +a
    .venv/bin/python -m benchmarks.retention                 # 100,000 documents, 300 objects
    .venv/bin/python -m benchmarks.retention --documents 1000000

In one run it

1. creates a scratch database ``kiroku_bench_retention`` on the PostgreSQL server of
   ``DATABASE_URL`` (or uses ``DATABASE_URL`` itself without the CREATEDB privilege),
   migrates it and fills it in SQL with N documents in N/10 record files (簿冊) of the
   default schedule's classes (1 to 30 years, 常用 and 永年), fiscal years 2010–2025, a
   tenth of the files counted from their 完結日, one file in 50 and one document in 500
   with a hold (audit, litigation, appeal or disclosure, open or ended), one file in 100
   extended;
2. wipes every stored date and times :func:`retention.bulk.recompute_all` (every file's
   起算日, 満了日 and effective expiry through :mod:`retention.rules`, then every
   document's from its file and its own holds), then a second pass that finds nothing to
   change; checks 200 random files and documents against the per-row services
   (:func:`retention.services.compute_file` / ``compute_document``);
3. on the S3 server of ``KIROKU_S3_ENDPOINT``, in a scratch bucket with Object Lock,
   puts M small objects and extends their GOVERNANCE retention in rounds, taking turns:
   Kiroku's :func:`retention.locks.bulk_lock` (the store's ``set_retention`` with the
   current lock known, so no read per object) and, the baseline, a plain loop of the
   ``minio`` client's ``set_object_retention`` with the same client object.

Targets (issue #13): 1,000,000 documents ≤ 60 s; Kiroku's lock rate ≥ 0.8× the plain
loop's. Exits 0 whatever the figures; 1 when the benchmark itself broke. The scratch
database and bucket are removed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = "kiroku_bench_retention"
BENCH_BUCKET = "kiroku-bench-retention"
TARGET_DOCUMENTS = 1_000_000
TARGET_SECONDS = 60.0
TARGET_LOCK_RATIO = 0.8


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(f"[retention] {message}", flush=True)


# --- scratch database ----------------------------------------------------------------------
class ScratchDatabase:
    def __init__(self, url: str):
        self.admin_url = url
        self.url = url
        self.created = False

    def _run(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    def create(self) -> None:
        if urlsplit(self.admin_url).scheme not in ("postgres", "postgresql"):
            raise BenchError(f"DATABASE_URL must name a PostgreSQL server, not {self.admin_url!r}")
        import psycopg

        try:
            self._run(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            self._run(f'CREATE DATABASE "{BENCH_DB}"')
        except psycopg.errors.InsufficientPrivilege as exc:
            log(f"no CREATEDB privilege: using DATABASE_URL itself ({exc})")
            return
        except Exception as exc:
            raise BenchError(f"PostgreSQL at DATABASE_URL: {exc}") from exc
        self.url = urlunsplit(urlsplit(self.admin_url)._replace(path=f"/{BENCH_DB}"))
        self.created = True

    def drop(self) -> None:
        if self.created:
            try:
                self._run(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            except Exception as exc:
                log(f"warning: could not drop database {BENCH_DB}: {exc}")


# --- 1. effective expiry -------------------------------------------------------------------
def build(documents: int) -> None:
    """N documents in N/10 files, in a few INSERT … SELECT statements."""
    from django.db import connection

    from dms.accounts.models import Department, User

    section = Department.objects.create(name="文書課", code="bench", level="section")
    user = User.objects.create_user("bench-retention", password=None)
    files = max(1, documents // 10)
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM retention_retentionclass ORDER BY id")
        classes = [row[0] for row in cursor.fetchall()]
        params = {"section": section.pk, "user": user.pk, "classes": classes, "files": files}
        cursor.execute(
            """
            INSERT INTO retention_recordfile (id, retention_class_id, title, fiscal_year,
                category_major, category_middle, creator_post, medium, location, remarks,
                start_rule, action, created_on, completed_on, start_date_reason, open_hold,
                created_at, updated_at, custodian_id, created_by_id)
            SELECT i, (%(classes)s::bigint[])[1 + i %% cardinality(%(classes)s::bigint[])],
                   '簿冊' || i, 2010 + i %% 16, '総務', '文書', '係長', 'electronic', '', '',
                   CASE WHEN i %% 10 = 0 THEN 'day_after_completion' ELSE '' END, '',
                   make_date(2010 + i %% 16, 4 + i %% 9, 1),
                   CASE WHEN i %% 10 = 0 THEN make_date(2011 + i %% 15, 1 + i %% 12, 10) END,
                   '', false, now(), now(), %(section)s, %(user)s
            FROM generate_series(1, %(files)s) AS i
            """,
            params,
        )
        cursor.execute(
            """
            INSERT INTO documents_document (id, title, created_on, document_number, fiscal_year,
                source, status, error, counterparty, extra_metadata, metadata_set_by_person,
                contains_personal_number, frozen_reason, on_hold, created_at, updated_at,
                created_by_id, department_id, revision)
            SELECT i, '文書' || i, date '2024-05-01', '', 2024, 'upload', 'ready', '', '',
                   '{}', '{}', false, '', false, now(), now(), %(user)s, %(section)s, 1
            FROM generate_series(1, %(documents)s) AS i
            """,
            {**params, "documents": documents},
        )
        cursor.execute(
            """
            INSERT INTO retention_documentretention (document_id, record_file_id,
                retention_class_id, start_rule, start_date_reason, open_hold, lock_legal_hold,
                classified_at, updated_at)
            SELECT d.id, f.id, f.retention_class_id, '', '', false, false, now(), now()
            FROM generate_series(1, %(documents)s) AS d(id)
            JOIN retention_recordfile f ON f.id = 1 + (d.id - 1) %% %(files)s
            """,
            {**params, "documents": documents},
        )
        # Holds: one file in 50, one document in 500; every kind, open and ended.
        for column, every, count in (
            ("record_file_id", 50, files),
            ("document_id", 500, documents),
        ):
            cursor.execute(
                f"""
                INSERT INTO retention_hold ({column}, hold_type, reference, started_on,
                    event_on, until, note, created_by_id, created_at, updated_at)
                SELECT i, (ARRAY['audit','litigation','appeal','disclosure'])[1 + i %% 4],
                       '第' || i || '号', date '2025-06-01',
                       CASE WHEN i %% 3 = 0 THEN NULL ELSE date '2031-06-30' END,
                       NULL, '', %(user)s, now(), now()
                FROM generate_series({every}, %(count)s, {every}) AS i
                """,
                {**params, "count": count},
            )
        cursor.execute(
            """
            INSERT INTO retention_extension (record_file_id, years, reason, remark,
                created_by_id, created_at)
            SELECT i, 3, '監査のため', '', %(user)s, now()
            FROM generate_series(100, %(files)s, 100) AS i
            """,
            params,
        )
        # The holds' own end dates, as the services store them.
        from retention import rules
        from retention.models import Hold

        ended = list(Hold.objects.exclude(event_on=None).only("hold_type", "event_on"))
        for hold in ended:
            hold.until = rules.hold_until(hold.hold_type, hold.event_on)
        Hold.objects.bulk_update(ended, ["until"], batch_size=2000)
        cursor.execute("ANALYZE")


def check_sample(seed: int) -> int:
    """The bulk pass against the per-row services, for random files and documents."""
    from retention import services
    from retention.models import DocumentRetention, RecordFile

    rng = random.Random(seed)
    wrong = 0
    file_ids = list(RecordFile.objects.values_list("pk", flat=True))
    for pk in rng.sample(file_ids, min(100, len(file_ids))):
        record_file = RecordFile.objects.select_related("retention_class").get(pk=pk)
        computed = services.compute_file(record_file)
        stored = (record_file.start_date, record_file.base_expiry, record_file.effective_expiry)
        wrong += stored != (computed.start, computed.base_expiry, computed.effective_expiry)
    total = DocumentRetention.objects.count()
    for pk in rng.sample(range(1, total + 1), min(100, total)):
        entry = DocumentRetention.objects.select_related("record_file", "document").get(pk=pk)
        computed = services.compute_document(entry)
        wrong += (entry.effective_expiry, entry.open_hold) != (
            computed.effective_expiry,
            computed.open_hold,
        )
    return wrong


def run_expiry(documents: int, seed: int) -> None:
    from django.db import connection

    from retention import bulk

    started = time.perf_counter()
    build(documents)
    log(
        f"built {documents:,} documents in {documents // 10:,} files: "
        f"{time.perf_counter() - started:.1f} s"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE retention_recordfile SET start_date = NULL, base_expiry = NULL, "
            "effective_expiry = NULL"
        )
        cursor.execute(
            "UPDATE retention_documentretention SET start_date = NULL, base_expiry = NULL, "
            "effective_expiry = NULL"
        )
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    first = bulk.recompute_all()
    full = time.perf_counter() - started
    started = time.perf_counter()
    second = bulk.recompute_all()
    again = time.perf_counter() - started
    wrong = check_sample(seed)
    extrapolated = full * TARGET_DOCUMENTS / documents
    print("\n## Effective expiry (PostgreSQL)\n")
    print(f"documents: {documents:,} in {documents // 10:,} files")
    print(
        f"full recomputation: {full:.2f} s ({documents / full:,.0f} documents/s), "
        f"{first['files_changed']:,} files and {len(first['documents_changed']):,} documents "
        "changed"
    )
    print(
        f"second pass (nothing to change): {again:.2f} s, "
        f"{len(second['documents_changed'])} documents changed"
    )
    print(f"sample of 200 against the per-row services: {wrong} differ")
    if documents == TARGET_DOCUMENTS:
        verdict = "PASS" if full <= TARGET_SECONDS else "FAIL"
        print(f"{verdict}: 1,000,000 documents in {full:.1f} s (target ≤ {TARGET_SECONDS:.0f} s)")
    else:
        verdict = "PASS" if extrapolated <= TARGET_SECONDS else "FAIL"
        print(
            f"{verdict} (extrapolated, linear): 1,000,000 documents ≈ {extrapolated:.0f} s "
            f"(target ≤ {TARGET_SECONDS:.0f} s); measured at {documents:,} only — run "
            "--documents 1000000 to measure it"
        )
    if wrong:
        print("FAIL: the bulk pass disagrees with the services")


# --- 2. Object Lock --------------------------------------------------------------------------
def run_locks(objects: int, rounds: int) -> None:
    from minio.commonconfig import GOVERNANCE
    from minio.retention import Retention as MinioRetention

    from dms.storage import Retention
    from dms.storage.s3 import S3ObjectStore
    from retention import locks
    from tests.storage.helpers import (
        empty_bucket,
        grant_governance_bypass,
        raw_client,
        root_credentials,
    )

    root = raw_client()
    if root.bucket_exists(BENCH_BUCKET):
        empty_bucket(root, BENCH_BUCKET)
    root.make_bucket(BENCH_BUCKET, object_lock=True)
    try:
        grant_governance_bypass(root, BENCH_BUCKET)
        access, secret = root_credentials()
        store = S3ObjectStore(
            os.environ["KIROKU_S3_ENDPOINT"],
            access,
            secret,
            BENCH_BUCKET,
            os.environ.get("KIROKU_S3_REGION", "us-east-1"),
        )
        client = store._client  # the same client object for both ways
        stored = []
        for i in range(objects):
            data = f"object {i}".encode()
            put = client.put_object(BENCH_BUCKET, f"bench/{i:06d}", io.BytesIO(data), len(data))
            stored.append((f"bench/{i:06d}", put.version_id))
        # Every round extends the lock by a day, each way in turn (an extension in the
        # same mode: no bypass, as Kiroku's nightly work mostly is).
        base = dt.datetime.now(dt.UTC).replace(microsecond=0) + dt.timedelta(days=1)
        current = None
        times: dict[str, list[float]] = {"kiroku": [], "plain": []}
        day = 0
        for round_number in range(rounds + 1):  # the first round warms up
            order = ["kiroku", "plain"] if round_number % 2 else ["plain", "kiroku"]
            for way in order:
                day += 1
                until = base + dt.timedelta(days=day)
                started = time.perf_counter()
                if way == "kiroku":
                    locks.bulk_lock(stored, until, "GOVERNANCE", current=current, store=store)
                else:
                    retention = MinioRetention(GOVERNANCE, until)
                    for key, version_id in stored:
                        client.set_object_retention(
                            BENCH_BUCKET, key, retention, version_id=version_id
                        )
                elapsed = time.perf_counter() - started
                current = Retention("GOVERNANCE", until)
                if round_number:
                    times[way].append(elapsed)
        check = store.get_retention(*stored[-1])
        assert check is not None and check.until == current.until, check
        rate = {way: objects / statistics.median(values) for way, values in times.items()}
        ratio = rate["kiroku"] / rate["plain"]
        print("\n## Object Lock on the S3 server\n")
        print(f"objects: {objects}, rounds: {rounds} (median round shown)")
        print(f"plain set_object_retention loop: {rate['plain']:,.0f} objects/s")
        print(f"Kiroku bulk_lock (store.set_retention): {rate['kiroku']:,.0f} objects/s")
        verdict = "PASS" if ratio >= TARGET_LOCK_RATIO else "FAIL"
        print(f"{verdict}: Kiroku / plain = {ratio:.2f}× (target ≥ {TARGET_LOCK_RATIO}×)")
        print(
            "rounds (s), kiroku: "
            + ", ".join(f"{t:.2f}" for t in times["kiroku"])
            + "; plain: "
            + ", ".join(f"{t:.2f}" for t in times["plain"])
        )
    finally:
        try:
            empty_bucket(root, BENCH_BUCKET)  # every version (bypassing GOVERNANCE), the bucket
        except Exception as exc:
            log(f"warning: could not remove bucket {BENCH_BUCKET}: {exc}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--objects", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--skip-locks", action="store_true", help="PostgreSQL part only")
    args = parser.parse_args(argv)

    database = ScratchDatabase(os.environ.get("DATABASE_URL", ""))
    try:
        database.create()
        os.environ["DATABASE_URL"] = database.url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dms.settings")
        import django

        django.setup()
        from django.core.management import call_command

        log(f"database {database.url.rsplit('/', 1)[-1]}: migrating")
        call_command("migrate", verbosity=0)
        run_expiry(args.documents, args.seed)
        if not args.skip_locks:
            if not os.environ.get("KIROKU_S3_ENDPOINT"):
                raise BenchError("KIROKU_S3_ENDPOINT is not set (scripts/services.sh env)")
            run_locks(args.objects, args.rounds)
        print(
            "\nNoise: PostgreSQL, the S3 server and this process share the machine's cores "
            "with other work; compare within one run rather than across runs."
        )
        return 0
    except BenchError as exc:
        log(f"broken: {exc}")
        return 1
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):  # nothing was opened if setup failed early
            connections.close_all()
        database.drop()


if __name__ == "__main__":
    sys.exit(main())
