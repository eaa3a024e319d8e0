"""Decision PDF benchmark: the cover sheet (決裁伺) and a 20-page body, against pikepdf.

Run with the services' settings loaded (see ``benchmarks/README.md``)::

    set -a; eval "$(scripts/services.sh env)"; set +a
    .venv/bin/python -m benchmarks.cover

In one run it creates a scratch database ``kiroku_bench_cover`` on the PostgreSQL server of
``DATABASE_URL`` (or uses ``DATABASE_URL`` itself without the CREATEDB privilege), migrates
it, builds a small city and one case drafted through the services (課長決裁 with a 係長
approval and a 合議 of three sections, one attachment) whose body is a 20-page PDF in a
local object store. It then times, taking turns call by call so that load from other
processes hits both alike:

* ``build_decision_pdf(case)``: reading the case, drawing the cover with the subset
  IPAex fonts, reading the body's PDF through the storage protocol, appending its pages
  and saving;
* the baseline: pikepdf alone concatenating the same cover pages and the same body bytes
  (already in memory) and saving, i.e. the floor of any cover-plus-body PDF.

It prints the median and p90 of each, their ratio, the phases of the build (cover drawing,
body read, concatenation) and the file sizes. Exits 0 whatever the figures; 1 when the
benchmark itself broke. The scratch database and the temporary directory are removed.
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

BENCH_DB = "kiroku_bench_cover"
BODY_PAGES = 20


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(f"[cover] {message}", flush=True)


class ScratchDatabase:
    def __init__(self, url: str):
        self.admin_url, self.url, self.created = url, url, False

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


def body_pdf(pages: int) -> bytes:
    """A text body like a real 起案文書: a heading and twenty lines of Japanese per page."""
    from reportlab.pdfgen.canvas import Canvas

    from approvals.pdf.cover import MINCHO, register_fonts

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, initialFontName=MINCHO)
    for page in range(1, pages + 1):
        canvas.setFont(MINCHO, 14)
        canvas.drawString(72, 770, f"庁用備品の購入について（{page}／{pages}）")
        canvas.setFont(MINCHO, 10.5)
        for line in range(20):
            canvas.drawString(
                72, 740 - line * 18, f"{line + 1}．契約の相手方、金額及び納期は別紙のとおりとする。"
            )
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def build_case():
    import datetime as dt

    from approvals import services
    from approvals.models import (
        DecisionLevel,
        DelegationRule,
        MatterType,
        RouteTemplate,
        StepKind,
        TemplateStep,
    )
    from approvals.routing import Assignee
    from dms.accounts.models import Department, Post, PostAssignment, PostLevel, Role, User
    from dms.documents import ingest, lifecycle

    since = dt.date(2020, 4, 1)
    bureau = Department.objects.create(name="総務局", code="soumu", level="bureau")
    division = Department.objects.create(
        name="総務部", code="soumu-bu", level="division", parent=bureau
    )
    section = Department.objects.create(
        name="文書課", code="bunsho", level="section", parent=division
    )
    drafter = User.objects.create_user("drafter", role=Role.STAFF, display_name="田中 一郎")
    drafter.departments.add(section)
    for code, title, level, head in [
        ("kakaricho", "文書係長", PostLevel.SUBSECTION_CHIEF, False),
        ("kacho", "文書課長", PostLevel.SECTION_CHIEF, True),
    ]:
        holder = User.objects.create_user(code, role=Role.APPROVER, display_name=title)
        holder.departments.add(section)
        post = Post.objects.create(
            code=code, title=title, level=level, department=section, is_head=head
        )
        PostAssignment.objects.create(post=post, user=holder, valid_from=since)
    consulted = []
    for n in range(3):
        other = Department.objects.create(
            name=f"第{n + 1}事業課", code=f"jigyo{n}", level="section", parent=division
        )
        chief = User.objects.create_user(f"jigyo{n}", role=Role.APPROVER)
        post = Post.objects.create(
            code=f"jigyo{n}-kacho",
            title=f"第{n + 1}事業課長",
            level=PostLevel.SECTION_CHIEF,
            department=other,
            is_head=True,
        )
        PostAssignment.objects.create(post=post, user=chief, valid_from=since)
        consulted.append(other)
    keiyaku = MatterType.objects.create(code="keiyaku", name="契約の締結")
    DelegationRule.objects.create(matter_type=keiyaku, decision_level=DecisionLevel.SECTION_CHIEF)
    template = RouteTemplate.objects.create(
        code="kacho", name="課長決裁", decision_level=DecisionLevel.SECTION_CHIEF
    )
    TemplateStep.objects.create(
        template=template,
        position=1,
        kind=StepKind.APPROVAL,
        relative_level=PostLevel.SUBSECTION_CHIEF,
    )
    TemplateStep.objects.create(
        template=template,
        position=2,
        kind=StepKind.DECISION,
        relative_level=PostLevel.SECTION_CHIEF,
    )

    def document(title, data):
        stored = ingest.store_original(io.BytesIO(data), filename=f"{title}.pdf")
        return lifecycle.create(stored, user=drafter, department=section, title=title)

    body = document("庁用備品の購入について", body_pdf(BODY_PAGES))
    attachment = document("見積書", body_pdf(1))
    case = services.draft(
        user=drafter,
        title="庁用備品の購入について",
        section=section,
        body=body,
        matter_type=keiyaku,
        amount=876_000,
        attachments=[attachment],
    )
    services.add_step(
        case,
        user=drafter,
        kind=StepKind.CONSULTATION,
        position=2,
        assignees=[Assignee(section=s) for s in consulted],
    )
    services.submit(case, user=drafter)
    return case


def measure(case, rounds: int) -> None:
    import pikepdf

    from approvals.pdf import decision
    from approvals.pdf.cover import draw_cover

    def concatenate(cover: bytes, body: bytes) -> bytes:
        with pikepdf.open(io.BytesIO(cover)) as pdf, pikepdf.open(io.BytesIO(body)) as extra:
            pdf.pages.extend(extra.pages)
            out = io.BytesIO()
            pdf.save(out)
            return out.getvalue()

    cover = draw_cover(case).data
    body = decision.body_pdf_bytes(case)
    built = decision.build_decision_pdf(case)  # warm-up: fonts registered, caches filled
    plain = concatenate(cover, body)
    timings = {"build_decision_pdf": [], "pikepdf concatenation": []}
    phases = {"draw cover": [], "read body": [], "concatenate": []}
    for _ in range(rounds):
        start = time.perf_counter()
        decision.build_decision_pdf(case)
        timings["build_decision_pdf"].append(time.perf_counter() - start)
        start = time.perf_counter()
        concatenate(cover, body)
        timings["pikepdf concatenation"].append(time.perf_counter() - start)
        start = time.perf_counter()
        drawn = draw_cover(case).data
        phases["draw cover"].append(time.perf_counter() - start)
        start = time.perf_counter()
        read = decision.body_pdf_bytes(case)
        phases["read body"].append(time.perf_counter() - start)
        start = time.perf_counter()
        decision._concatenate(drawn, read, case.title)
        phases["concatenate"].append(time.perf_counter() - start)

    def line(name, values):
        ms = sorted(v * 1000 for v in values)
        p90 = ms[min(len(ms) - 1, int(len(ms) * 0.9))]
        print(f"  {name:<24} median {statistics.median(ms):8.1f} ms   p90 {p90:8.1f} ms")
        return statistics.median(ms)

    print(f"\nCase with {len(built.boxes)} stamp boxes, body {BODY_PAGES} pages; {rounds} rounds")
    ours = line("build_decision_pdf", timings["build_decision_pdf"])
    floor = line("pikepdf concatenation", timings["pikepdf concatenation"])
    print(f"  ratio (median)           {ours / floor:8.2f}×")
    print("Phases of the build:")
    for name, values in phases.items():
        line(name, values)
    print(
        f"Sizes: cover alone {len(cover) / 1024:.1f} KB, body {len(body) / 1024:.1f} KB, "
        f"decision PDF {len(built.data) / 1024:.1f} KB, plain concatenation "
        f"{len(plain) / 1024:.1f} KB"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args(argv)
    database = ScratchDatabase(os.environ.get("DATABASE_URL", ""))
    temporary = tempfile.TemporaryDirectory(prefix="kiroku-bench-cover-")
    try:
        database.create()
        os.environ["DATABASE_URL"] = database.url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dms.settings")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command

        settings.OBJECT_STORE = {"BACKEND": "local", "ROOT": str(Path(temporary.name) / "objects")}
        log(f"database {database.url.rsplit('/', 1)[-1]}: migrating")
        call_command("migrate", verbosity=0)
        log("drafting and submitting the case through the services")
        case = build_case()
        measure(case, args.rounds)
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
