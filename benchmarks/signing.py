"""Signing benchmark: one approval's signature on a 20-page decision PDF, against pyHanko.

Run with the services' settings loaded (the signing service: SoftHSM2 and the test TSA)::

    set -a; eval "$(scripts/services.sh env)"; set +a
    .venv/bin/python -m benchmarks.signing

It creates a scratch database ``kiroku_bench_signing_<pid>`` on the PostgreSQL server
of ``DATABASE_URL``, drafts and submits the case of ``benchmarks.cover`` (20-page body, 5
stamp boxes), which stores revision 0 of its decision PDF, and gives the 係長 a key in the
token and a certificate from Kiroku's CA. Then, taking turns call by call so that load
from other processes hits both alike:

* Kiroku: ``approvals.signing.signer.sign_pdf`` on revision 0: the 日付印 drawn from the
  action's facts (subset IPAex), a visible signature field in the task's stamp box, the
  PKCS#11 signature in SoftHSM2 and the RFC 3161 timestamp from the TSA;
* the baseline: pyHanko's ``PdfSigner`` alone, the same key (``PKCS11Signer``), the same
  TSA, an invisible signature on the same bytes: the floor of any such signature.

Then it chains 10 signatures on one file and times ``verify_pdf`` over all of them, and
reports the bytes each signature adds. Exits 0 whatever the figures; 1 when the benchmark
itself broke.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# Its own name per run: a DROP DATABASE can wait on other sessions of a shared server, so
# a database left behind by an earlier run never collides with this one.
BENCH_DB = f"kiroku_bench_signing_{os.getpid()}"


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(f"[signing] {message}", flush=True)


class ScratchDatabase:
    """A fresh database, dropped at the end (with a timeout)."""

    def __init__(self, url: str):
        self.admin_url, self.url = url, url

    def _run(self, sql: str) -> None:
        import psycopg

        maintenance = urlunsplit(urlsplit(self.admin_url)._replace(path="/postgres"))
        with psycopg.connect(maintenance, autocommit=True, connect_timeout=10) as conn:
            conn.execute("SET statement_timeout = '20s'")
            conn.execute(sql)

    def create(self) -> None:
        if urlsplit(self.admin_url).scheme not in ("postgres", "postgresql"):
            raise BenchError(f"DATABASE_URL must name a PostgreSQL server, not {self.admin_url!r}")
        import psycopg

        try:
            self._run(f'CREATE DATABASE "{BENCH_DB}"')
        except psycopg.errors.InsufficientPrivilege as exc:
            log(f"no CREATEDB privilege: using DATABASE_URL itself ({exc})")
            return
        self.url = urlunsplit(urlsplit(self.admin_url)._replace(path=f"/{BENCH_DB}"))

    def drop(self) -> None:
        if self.url != self.admin_url:
            try:
                self._run(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            except Exception as exc:
                log(f"warning: could not drop database {BENCH_DB}: {exc}")


def line(name: str, values: list[float]) -> float:
    ms = sorted(v * 1000 for v in values)
    p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
    print(f"  {name:<34} median {statistics.median(ms):8.1f} ms   p90 {p90:8.1f} ms")
    return statistics.median(ms)


def measure(case, rounds: int) -> None:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.pkcs11 import PKCS11Signer

    from approvals.models import Task
    from approvals.pdf.decision import stamp_box
    from approvals.pdf.layout import StampFacts
    from approvals.signing import flow, keys
    from approvals.signing.signer import sign_pdf, timestamper, tsa_trust_roots, verify_pdf
    from ja.dates import DateStyle

    revision = flow.latest_revision(case)
    if revision is None:
        raise BenchError("no revision 0: is signing configured (KIROKU_TSA_URL, PIN)?")
    data = flow.read_revision(revision)
    task = Task.objects.filter(case=case).select_related("holder").order_by("id").first()
    identity = keys.ensure_identity(task.holder)
    authority = keys.ensure_authority()
    cert = keys.from_pem(identity.certificate_pem)
    chain = [keys.from_pem(authority.certificate_pem)]
    box = stamp_box(case, task, action="approve")
    facts = StampFacts(
        section_name="文書課",
        surname="木村",
        day=revision.created_at.date(),
        date_style=DateStyle.ERA_LETTER,
        action="approve",
    )

    def kiroku(source: bytes, name: str) -> bytes:
        return sign_pdf(
            source,
            key_label=identity.key_label,
            certificate=cert,
            ca_chain=chain,
            facts=facts,
            box=box,
            field_name=name,
            reason="approve",
        )

    def pyhanko_alone(source: bytes, name: str) -> bytes:
        out = io.BytesIO()
        with keys.token_session() as session:
            signer = PKCS11Signer(
                session, key_label=identity.key_label, signing_cert=cert, ca_chain=chain
            )
            signers.PdfSigner(
                signers.PdfSignatureMetadata(
                    field_name=name, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
                ),
                signer=signer,
                timestamper=timestamper(),
            ).sign_pdf(IncrementalPdfFileWriter(io.BytesIO(source), strict=False), output=out)
        return out.getvalue()

    kiroku(data, "warm-up-1")  # fonts registered, token and TSA connections made
    pyhanko_alone(data, "warm-up-2")
    timings: dict[str, list[float]] = {"Kiroku sign_pdf (stamp)": [], "pyHanko alone": []}
    sizes: dict[str, list[int]] = {"Kiroku sign_pdf (stamp)": [], "pyHanko alone": []}
    for i in range(rounds):
        for name, call in (("Kiroku sign_pdf (stamp)", kiroku), ("pyHanko alone", pyhanko_alone)):
            start = time.perf_counter()
            signed = call(data, f"Bench-{i}")
            timings[name].append(time.perf_counter() - start)
            sizes[name].append(len(signed) - len(data))

    size = len(data) / 1024
    print(f"\nOne signature on a {size:.1f} KB decision PDF (20-page body); {rounds} rounds")
    ours = line("Kiroku sign_pdf (stamp)", timings["Kiroku sign_pdf (stamp)"])
    floor = line("pyHanko alone (invisible)", timings["pyHanko alone"])
    print(f"  ratio (median)                     {ours / floor:8.2f}×")
    for name, added in sizes.items():
        print(f"  bytes added: {name:<22} {statistics.median(added) / 1024:6.1f} KB")

    chained = data
    for i in range(10):
        chained = kiroku(chained, f"Chain-{i}")
    roots = chain + tsa_trust_roots()
    verify_pdf(chained, roots)  # warm-up
    checks = []
    for _ in range(max(3, rounds // 3)):
        start = time.perf_counter()
        reports = verify_pdf(chained, roots)
        checks.append(time.perf_counter() - start)
    if len(reports) != 10 or not all(r.intact and r.valid for r in reports):
        raise BenchError(f"the chained signatures do not verify: {reports}")
    print(f"\nVerify 10 signatures ({len(chained) / 1024:.1f} KB file, all intact and valid)")
    line("verify_pdf (10 signatures)", checks)
    print(
        f"  bytes added per signature (mean of 10) {(len(chained) - len(data)) / 10 / 1024:.1f} KB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args(argv)
    database = ScratchDatabase(os.environ.get("DATABASE_URL", ""))
    temporary = tempfile.TemporaryDirectory(prefix="kiroku-bench-signing-")
    try:
        database.create()
        os.environ["DATABASE_URL"] = database.url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dms.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        from approvals.signing import flow
        from benchmarks.cover import build_case

        if not flow.enabled():
            raise BenchError("signing is off: load scripts/services.sh env (KIROKU_TSA_URL)")
        settings.OBJECT_STORE = {"BACKEND": "local", "ROOT": str(Path(temporary.name) / "objects")}
        log(f"database {database.url.rsplit('/', 1)[-1]}: migrating")
        call_command("migrate", verbosity=0)
        log("drafting and submitting the case through the services")
        measure(build_case(), args.rounds)
        print(
            "\nNoise: this machine's two cores are shared with other work; compare the ratio "
            "rather than the absolute milliseconds."
        )
        return 0
    except BenchError as exc:
        log(f"broken: {exc}")
        return 1
    finally:
        from django.db import connections

        with contextlib.suppress(Exception):
            connections.close_all()
        database.drop()
        temporary.cleanup()


if __name__ == "__main__":
    sys.exit(main())
