"""Inbox (決裁箱) benchmark: 1,000 open cases and 50 approvers on PostgreSQL.

Run with the services' settings loaded (see ``benchmarks/README.md``)::

    set -a; eval "$(scripts/services.sh env)"; set +a
    .venv/bin/python -m benchmarks.approvals_inbox

In one run it

1. creates a scratch database ``kiroku_bench_approvals`` on the PostgreSQL server of
   ``DATABASE_URL`` (or uses ``DATABASE_URL`` itself without the CREATEDB privilege),
   migrates it and builds a city: 2 bureaus (局長), 8 divisions (部長), 20 sections (係長
   and 課長 each) = 50 approvers, one drafter per section, the delegation table and
   templates of the tests (課長 / 部長 / 局長 by amount), and 1,000 open cases drafted and
   submitted through the services, each moved along its route by a random number of
   approvals (every fifth with a 合議 of another section, one in fifty returned to its
   drafter, one in twenty left as a draft), documents in a local object store in a
   temporary directory;
2. measures, in process through Django's test client with each approver's API token
   (middleware, token authentication, view, serializer and database: everything but the
   WSGI server and the network), for every approver in turn and several rounds:
   ``GET /api/approvals/inbox/`` (the counts of the six tabs),
   ``GET /api/approvals/inbox/?tab=approval`` (the first page of 承認待ち) and, as the
   baseline of the same stack, ``GET /api/auth/me/`` (a bare authenticated DRF endpoint);
   the three take turns request by request so load from other processes hits them alike;
3. prints p50 / p95 / max per endpoint, the ratio to the baseline, the queries each
   request makes, and PostgreSQL's plan of the inbox's task query.

Target (issue #12): inbox p95 ≤ 100 ms. Exits 0 whatever the figures; 1 when the
benchmark itself broke. The scratch database and the temporary directory are removed.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DB = "kiroku_bench_approvals"
TARGET_P95_MS = 100.0
SECTIONS = 20
DIVISIONS = 8
BUREAUS = 2


class BenchError(Exception):
    pass


def log(message: str) -> None:
    print(f"[approvals-inbox] {message}", flush=True)


# --- scratch database --------------------------------------------------------------------------
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


# --- the city ------------------------------------------------------------------------------------
def build_city(cases: int, seed: int) -> dict:
    """The organisation, the rules and ``cases`` open cases, through the services."""
    import io

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
    from tests.documents.conftest import pdf_bytes

    since = __import__("datetime").date(2020, 4, 1)
    rng = random.Random(seed)

    def person(name, department=None, role=Role.APPROVER):
        user = User.objects.create_user(name, password=None, role=role, display_name=name)
        if department is not None:
            user.departments.add(department)
        return user

    def post(code, title, level, department, holder):
        created = Post.objects.create(
            code=code, title=title, level=level, department=department, is_head=True
        )
        PostAssignment.objects.create(post=created, user=holder, valid_from=since)

    approvers, drafters, sections = [], [], []
    for b in range(BUREAUS):
        bureau = Department.objects.create(name=f"第{b + 1}局", code=f"kyoku{b}", level="bureau")
        head = person(f"kyokucho{b}", bureau)
        post(f"kyokucho{b}", f"第{b + 1}局長", PostLevel.BUREAU_DIRECTOR, bureau, head)
        approvers.append(head)
        for d in range(DIVISIONS // BUREAUS):
            index = b * (DIVISIONS // BUREAUS) + d
            division = Department.objects.create(
                name=f"第{index + 1}部", code=f"bu{index}", level="division", parent=bureau
            )
            head = person(f"bucho{index}", division)
            post(f"bucho{index}", f"第{index + 1}部長", PostLevel.DIVISION_DIRECTOR, division, head)
            approvers.append(head)
            for _ in range(SECTIONS // DIVISIONS + (1 if index < SECTIONS % DIVISIONS else 0)):
                number = len(sections)
                section = Department.objects.create(
                    name=f"第{number + 1}課", code=f"ka{number}", level="section", parent=division
                )
                sections.append(section)
                chief = person(f"kacho{number}", section)
                post(
                    f"kacho{number}", f"第{number + 1}課長", PostLevel.SECTION_CHIEF, section, chief
                )
                sub = person(f"kakaricho{number}", section)
                sub_post = Post.objects.create(
                    code=f"kakaricho{number}",
                    title=f"第{number + 1}課係長",
                    level=PostLevel.SUBSECTION_CHIEF,
                    department=section,
                )
                PostAssignment.objects.create(post=sub_post, user=sub, valid_from=since)
                approvers += [chief, sub]
                drafters.append(person(f"drafter{number}", section, Role.STAFF))
    keiyaku = MatterType.objects.create(code="keiyaku", name="契約の締結")
    for low, high, level in [
        (None, 1_000_000, DecisionLevel.SECTION_CHIEF),
        (1_000_000, 10_000_000, DecisionLevel.DIVISION_DIRECTOR),
        (10_000_000, None, DecisionLevel.BUREAU_DIRECTOR),
    ]:
        DelegationRule.objects.create(
            matter_type=keiyaku, amount_from=low, amount_below=high, decision_level=level
        )
    ladder = [
        PostLevel.SUBSECTION_CHIEF,
        PostLevel.SECTION_CHIEF,
        PostLevel.DIVISION_DIRECTOR,
        PostLevel.BUREAU_DIRECTOR,
    ]
    for decider in (
        DecisionLevel.SECTION_CHIEF,
        DecisionLevel.DIVISION_DIRECTOR,
        DecisionLevel.BUREAU_DIRECTOR,
    ):
        template = RouteTemplate.objects.create(
            code=f"default-{decider}", name=f"{decider.label}決裁", decision_level=decider
        )
        below = ladder[: ladder.index(PostLevel(decider.value))]
        for position, level in enumerate(below, start=1):
            TemplateStep.objects.create(
                template=template, position=position, kind=StepKind.APPROVAL, relative_level=level
            )
        TemplateStep.objects.create(
            template=template,
            position=len(below) + 1,
            kind=StepKind.DECISION,
            relative_level=decider.value,
        )

    bodies = []
    for number, (drafter, section) in enumerate(zip(drafters, sections, strict=True)):
        stored = ingest.store_original(
            io.BytesIO(pdf_bytes(pages=1 + number % 3)), filename=f"本文{number}.pdf"
        )
        bodies.append(
            lifecycle.create(stored, user=drafter, department=section, title=f"本文{number}")
        )

    started = time.perf_counter()
    for n in range(cases):
        if n and n % 100 == 0:
            log(f"  {n} cases ({time.perf_counter() - started:.0f} s)")
        at = n % SECTIONS
        drafter, section = drafters[at], sections[at]
        case = services.draft(
            user=drafter,
            title=f"案件{n + 1}: 物品の購入について",
            section=section,
            body=bodies[at],
            matter_type=keiyaku,
            amount=rng.choice([500_000, 2_000_000, 20_000_000]),
        )
        if n % 20 == 19:
            continue  # left as a draft (起案中)
        if n % 5 == 0:  # a 合議 of another section, before the decision
            decision_at = case.steps.get(kind=StepKind.DECISION).position
            services.add_step(
                case,
                user=drafter,
                kind=StepKind.CONSULTATION,
                position=decision_at,
                assignees=[Assignee(section=sections[(at + 7) % SECTIONS])],
            )
        services.submit(case, user=drafter)
        if n % 50 == 49:
            first = case.tasks.filter(state="pending").select_related("holder").first()
            services.return_case(case, user=first.holder, comment="差戻し")
            continue
        for _ in range(rng.randrange(case.steps.count())):  # never the decision itself
            task = case.tasks.filter(state="pending").select_related("holder", "step").first()
            if task is None or task.step.kind == StepKind.DECISION:
                break
            act = services.agree if task.step.kind == StepKind.CONSULTATION else services.approve
            act(case, user=task.holder)
    return {"approvers": approvers, "drafters": drafters}


# --- measuring ------------------------------------------------------------------------------
def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


ENDPOINTS = {
    "baseline: GET /api/auth/me/": "/api/auth/me/",
    "inbox counts: GET /api/approvals/inbox/": "/api/approvals/inbox/",
    "inbox tab: GET /api/approvals/inbox/?tab=approval": "/api/approvals/inbox/?tab=approval",
}


def measure(approvers, rounds: int) -> dict[str, list[float]]:
    from django.test import Client
    from knox.models import AuthToken

    clients = []
    for user in approvers:
        _, token = AuthToken.objects.create(user=user)
        clients.append(Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="localhost"))
    timings: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
    names = list(ENDPOINTS)
    for round_number in range(rounds + 1):  # round 0 warms up
        for index, client in enumerate(clients):
            order = names[index % 3 :] + names[: index % 3]  # rotate who goes first
            for name in order:
                began = time.perf_counter()
                response = client.get(ENDPOINTS[name])
                elapsed = (time.perf_counter() - began) * 1000
                if response.status_code != 200:
                    raise BenchError(f"{ENDPOINTS[name]}: {response.status_code}")
                if round_number:
                    timings[name].append(elapsed)
    return timings


def queries_and_plan(approver) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from knox.models import AuthToken

    _, token = AuthToken.objects.create(user=approver)
    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="localhost")
    client.get("/api/auth/me/")
    print(f"\nQueries per request (approver {approver.username}):")
    heaviest = ""
    for name, path in ENDPOINTS.items():
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        print(f"  {len(captured):3d}  {name}")
        for query in captured.captured_queries:
            if '"approvals_task"' in query["sql"] and "holder_id" in query["sql"]:
                heaviest = heaviest or query["sql"]
    if heaviest:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF) " + heaviest)
            plan = [row[0] for row in cursor.fetchall()]
        print("\nPostgreSQL's plan of the inbox's task query:")
        for line in plan:
            print("  " + line)


def report(timings: dict[str, list[float]], sizes: list[int]) -> None:
    baseline = timings[next(iter(ENDPOINTS))]
    base_p95 = percentile(baseline, 0.95)
    print(f"\n{'endpoint':<52} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95 ×':>7}")
    for name, values in timings.items():
        p95 = percentile(values, 0.95)
        print(
            f"{name:<52} {len(values):>5} {statistics.median(values):>8.1f} {p95:>8.1f} "
            f"{max(values):>8.1f} {p95 / base_p95:>7.2f}"
        )
    print(
        f"\nInbox size per approver (pending + 後閲 tasks): min {min(sizes)}, "
        f"median {statistics.median(sizes):.0f}, max {max(sizes)}"
    )
    for name in list(ENDPOINTS)[1:]:
        p95 = percentile(timings[name], 0.95)
        verdict = "PASS" if p95 <= TARGET_P95_MS else "FAIL"
        print(f"{verdict}: {name} p95 {p95:.1f} ms (target ≤ {TARGET_P95_MS:.0f} ms)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds over all approvers")
    parser.add_argument("--seed", type=int, default=12)
    args = parser.parse_args(argv)

    url = os.environ.get("DATABASE_URL", "")
    database = ScratchDatabase(url)
    temporary = tempfile.TemporaryDirectory(prefix="kiroku-bench-approvals-")
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
        log(f"building the city and {args.cases} open cases through the services")
        city = build_city(args.cases, args.seed)
        from approvals import access

        sizes = [
            sum(
                access.inbox(user).counts[tab]
                for tab in ("approval", "consultation", "post_review")
            )
            for user in city["approvers"]
        ]
        log(f"measuring {len(city['approvers'])} approvers × {args.rounds} rounds")
        timings = measure(city["approvers"], args.rounds)
        report(timings, sizes)
        busiest = max(city["approvers"], key=lambda user: access.inbox(user).counts["approval"])
        queries_and_plan(busiest)
        print(
            "\nNoise: client, Django and PostgreSQL share this machine's cores with other "
            "work; compare the ratio to the baseline rather than the absolute milliseconds."
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
        temporary.cleanup()


if __name__ == "__main__":
    sys.exit(main())
