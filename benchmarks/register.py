"""File register (ファイル管理簿) export and disposition queue benchmark.

Run with the services' settings loaded (see ``benchmarks/README.md``)::

    set -a; eval "$(scripts/services.sh env)"; set +a
    .venv/bin/python -m benchmarks.register            # 100,000 files; --rows to change

In one run, inside one transaction on the database of ``DATABASE_URL`` that is rolled
back at the end (nothing is left behind, no scratch database to create or drop), it

1. creates ``--rows`` files (行政文書ファイル) with bulk inserts: the shipped retention
   classes in turn, 20 sections, fiscal years 1990–2025, one in fifty under hold;
2. exports the whole register as CSV (UTF-8 with BOM) and XLSX through the same
   generators the API streams (``retention.register``), consuming the bytes as a client
   would, while a thread samples the process's RSS every 20 ms; prints rows/s and the RSS
   growth (peak − before). Baseline, same run: ``values_list().iterator()`` straight into
   ``csv.writer`` (what a bare export of the same rows costs, without 和暦, labels and
   formula guarding). Target: growth ≤ 100 MB for each export;
3. requests the disposition queue's first page (``GET /api/retention/disposition/queue/``
   in process through Django's test client as a records officer: middleware, session
   authentication, view, serializer, database), ``--rounds`` times, against
   ``GET /api/auth/me/`` as the same stack's baseline, taking turns; prints p50/p95/max,
   the queries per request and PostgreSQL's plan. Target: p95 ≤ 100 ms.

Exits 0 whatever the figures; 1 when the benchmark itself broke.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import statistics
import sys
import threading
import time

TARGET_GROWTH_MB = 100.0
TARGET_P95_MS = 100.0


def log(message: str) -> None:
    print(f"[register] {message}", flush=True)


def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sampler:
    """The process's RSS every 20 ms while a block runs: before, peak, growth."""

    def __enter__(self):
        import gc

        gc.collect()
        self.before = self.peak = rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, rss_mb())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mb())

    @property
    def growth(self) -> float:
        return self.peak - self.before


def build(rows: int) -> None:
    from dms.accounts.models import Department, Role, User
    from retention.models import RecordFile, RetentionClass

    classes = list(RetentionClass.objects.filter(registered=True, duration__gte=1))
    if not classes:
        raise SystemExit("no registered retention classes: run migrate first")
    bureau = Department.objects.create(name="ベンチ局", code="bench-kyoku", level="bureau")
    sections = [
        Department.objects.create(
            name=f"ベンチ第{n}課", code=f"bench-{n}", level="section", parent=bureau
        )
        for n in range(20)
    ]
    User.objects.create_user("bench-records", role=Role.RECORDS_OFFICER)
    batch = []
    for n in range(rows):
        klass = classes[n % len(classes)]
        year = 1990 + n % 36
        start = dt.date(year + 1, 4, 1)
        expiry = dt.date(year + 1 + klass.duration, 3, 31)
        held = n % 50 == 0
        batch.append(
            RecordFile(
                retention_class=klass,
                title=f"令和{n % 7 + 1}年度 契約書綴り=第{n}号" if n % 97 else f"=SUM(A{n})",
                fiscal_year=year,
                category_major="総務",
                category_middle="文書",
                medium="electronic",
                custodian=sections[n % len(sections)],
                start_date=start,
                base_expiry=expiry,
                effective_expiry=None if held else expiry,
                open_hold=held,
            )
        )
        if len(batch) == 5000:
            RecordFile.objects.bulk_create(batch)
            batch = []
    RecordFile.objects.bulk_create(batch)


def export(kind: str) -> tuple[float, int, int, Sampler]:
    from retention.register import rows, writers

    count = {"rows": 0}

    def counted():
        for row in rows.register_rows():
            count["rows"] += 1
            yield row

    size = 0
    with Sampler() as sampler:
        started = time.perf_counter()
        if kind == "csv":
            body = writers.csv_stream(counted(), rows.COLUMNS)
        else:
            body = writers.xlsx_stream(counted(), rows.COLUMNS)
        for chunk in body:
            size += len(chunk)
        elapsed = time.perf_counter() - started
    return elapsed, count["rows"], size, sampler


def baseline_export() -> tuple[float, int, int, Sampler]:
    from retention.register import rows

    class Sink:
        size = 0

        def write(self, text):
            self.size += len(text.encode())

    fields = ["id", "fiscal_year", "title", "start_date", "base_expiry", "custodian__name"]
    sink, count = Sink(), 0
    with Sampler() as sampler:
        started = time.perf_counter()
        writer = csv.writer(sink)
        for values in rows.registered_files().values_list(*fields).iterator(chunk_size=2000):
            writer.writerow(values)
            count += 1
        elapsed = time.perf_counter() - started
    return elapsed, count, sink.size, sampler


def queue_latency(rounds: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from dms.accounts.models import User
    from retention.disposition import services

    client = Client()
    client.force_login(User.objects.get(username="bench-records"))
    urls = {"queue": "/api/retention/disposition/queue/", "me": "/api/auth/me/"}
    times: dict[str, list[float]] = {name: [] for name in urls}
    queries: dict[str, int] = {}
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        for name, url in urls.items():  # warm-up, and the query count
            with CaptureQueriesContext(connection) as captured:
                answer = client.get(url)
            if answer.status_code != 200:
                raise RuntimeError(f"{url}: {answer.status_code} {answer.content[:200]!r}")
            queries[name] = len(captured)
        total = client.get(urls["queue"]).json().get("count")
        for _ in range(rounds):
            for name, url in urls.items():
                started = time.perf_counter()
                client.get(url)
                times[name].append((time.perf_counter() - started) * 1000)
    log(f"queue: {total} files in the queue; first page {queries['queue']} queries")
    for name, values in times.items():
        values.sort()
        p95 = values[max(0, int(len(values) * 0.95) - 1)]
        log(
            f"  {name:6} p50 {statistics.median(values):7.1f} ms  p95 {p95:7.1f} ms  "
            f"max {values[-1]:7.1f} ms"
        )
        if name == "queue":
            verdict = "PASS" if p95 <= TARGET_P95_MS else "FAIL"
            log(f"  {verdict}: queue first page p95 {p95:.1f} ms (target ≤ {TARGET_P95_MS:.0f})")
    sql, params = services.queue()[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        for (line,) in cursor.fetchall():
            log("  plan: " + line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000, help="files (default 100,000)")
    parser.add_argument("--rounds", type=int, default=50, help="queue requests per endpoint")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dms.settings")
    import django

    django.setup()
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        log(f"warning: running on {connection.vendor}, not PostgreSQL")

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            started = time.perf_counter()
            build(args.rows)
            log(f"{args.rows:,} files created in {time.perf_counter() - started:.1f} s")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE retention_recordfile")
            for label, run in [
                ("baseline csv", baseline_export),
                ("csv", lambda: export("csv")),
                ("xlsx", lambda: export("xlsx")),
            ]:
                elapsed, count, size, sampler = run()
                log(
                    f"{label:12} {count:,} rows, {size / 1e6:.1f} MB in {elapsed:.1f} s "
                    f"({count / elapsed:,.0f} rows/s); RSS {sampler.before:.0f} → "
                    f"{sampler.peak:.0f} MB, growth {sampler.growth:.1f} MB"
                )
                if label != "baseline csv":
                    ok = sampler.growth <= TARGET_GROWTH_MB
                    log(
                        f"  {'PASS' if ok else 'FAIL'}: {label} memory growth "
                        f"{sampler.growth:.1f} MB (target ≤ {TARGET_GROWTH_MB:.0f})"
                    )
            queue_latency(args.rounds)
            raise Rollback
    except Rollback:
        log("rolled back: nothing left in the database")
    except Exception as exc:  # the benchmark broke, not a figure
        log(f"error: {exc!r}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
