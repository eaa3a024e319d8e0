"""A small city for the approval tests: its organisation, posts, people and rules.

総務局 › 総務部 › 文書課 drafts; 財政局 › 財政部 › 財政課 is consulted (合議). Posts are
held from 2020-04-01; the delegation table sends a 契約 under 100万円 to the 文書課長,
under 1000万円 to the 総務部長 and above that to the 総務局長. Documents are real
Kiroku documents, stored in a local object store and recorded by ``lifecycle.create``.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.test import override_settings
from django.utils import timezone

from approvals import services
from approvals.models import (
    Case,
    DecisionLevel,
    DelegationRule,
    MatterType,
    RouteTemplate,
    StepKind,
    TemplateStep,
)
from dms.accounts.models import (
    Absence,
    Department,
    Deputy,
    Post,
    PostAssignment,
    PostLevel,
    Role,
    User,
)
from dms.documents import ingest, lifecycle
from tests.documents.conftest import pdf_bytes

SINCE = dt.date(2020, 4, 1)
_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def local_store(tmp_path):
    with override_settings(OBJECT_STORE={"BACKEND": "local", "ROOT": str(tmp_path / "objects")}):
        yield


def make_document(user, department, title="起案文書"):
    # Distinct bytes per document: identical bytes would share one blob (still fine).
    data = pdf_bytes(pages=1 + next(_counter) % 3)
    stored = ingest.store_original(io.BytesIO(data), filename=f"{title}.pdf")
    return lifecycle.create(stored, user=user, department=department, title=title)


class City(dict):
    """The fixture's objects by name (``city["kacho"]``) plus helpers."""

    def post(self, code) -> Post:
        return Post.objects.get(code=code)

    def absent(self, user, *, hours_ago=1, hours=24):
        now = timezone.now()
        return Absence.objects.create(
            user=user,
            starts_at=now - dt.timedelta(hours=hours_ago),
            ends_at=now + dt.timedelta(hours=hours),
            reason="出張",
        )

    def document(self, title="起案文書", user=None, department=None):
        return make_document(user or self["drafter"], department or self["bunsho"], title)

    def case(self, amount=500_000, **options) -> Case:
        options.setdefault("title", "庁用備品の購入について")
        options.setdefault("section", self["bunsho"])
        options.setdefault("matter_type", self["keiyaku"])
        user = options.pop("user", self["drafter"])
        body = options.pop("body", None) or self.document(user=user)
        return services.draft(user=user, body=body, amount=amount, **options)


@pytest.fixture
def city(db) -> City:
    kyoku = Department.objects.create(name="総務局", code="soumu", level="bureau")
    bu = Department.objects.create(name="総務部", code="soumu-bu", level="division", parent=kyoku)
    bunsho = Department.objects.create(name="文書課", code="bunsho", level="section", parent=bu)
    zaisei_kyoku = Department.objects.create(name="財政局", code="zaisei", level="bureau")
    zaisei_bu = Department.objects.create(
        name="財政部", code="zaisei-bu", level="division", parent=zaisei_kyoku
    )
    zaisei = Department.objects.create(
        name="財政課", code="zaisei-ka", level="section", parent=zaisei_bu
    )
    keiri = Department.objects.create(
        name="経理課", code="keiri", level="section", parent=zaisei_bu
    )

    def person(name, department=None, role=Role.STAFF):
        user = User.objects.create_user(name, password="kiroku-test-pw", role=role)
        if department is not None:
            user.departments.add(department)
        return user

    def post(code, title, level, department, holder, head=True):
        created = Post.objects.create(
            code=code, title=title, level=level, department=department, is_head=head
        )
        PostAssignment.objects.create(post=created, user=holder, valid_from=SINCE)
        return created

    city = City(
        bunsho=bunsho,
        soumu_bu=bu,
        soumu_kyoku=kyoku,
        zaisei=zaisei,
        keiri=keiri,
        drafter=person("tanaka", bunsho),
        colleague=person("nakamura", bunsho),
        kakaricho=person("kimura", bunsho, Role.APPROVER),
        kacho=person("yamada", bunsho, Role.APPROVER),
        bucho=person("sato", bu, Role.APPROVER),
        jicho=person("kobayashi", bu, Role.APPROVER),  # 総務部次長: the 部長's deputy
        jicho2=person("watanabe", bu, Role.APPROVER),  # second deputy
        kyokucho=person("takahashi", kyoku, Role.APPROVER),
        zaisei_kacho=person("ito", zaisei, Role.APPROVER),
        keiri_kacho=person("kato", keiri, Role.APPROVER),
        outsider=person("suzuki", zaisei),
        records=person("records", None, Role.RECORDS_OFFICER),
    )
    post(
        "bunsho-kakaricho", "文書係長", PostLevel.SUBSECTION_CHIEF, bunsho, city["kakaricho"], False
    )
    post("bunsho-kacho", "文書課長", PostLevel.SECTION_CHIEF, bunsho, city["kacho"])
    bucho = post("soumu-bucho", "総務部長", PostLevel.DIVISION_DIRECTOR, bu, city["bucho"])
    post("soumu-kyokucho", "総務局長", PostLevel.BUREAU_DIRECTOR, kyoku, city["kyokucho"])
    post("zaisei-kacho", "財政課長", PostLevel.SECTION_CHIEF, zaisei, city["zaisei_kacho"])
    post("keiri-kacho", "経理課長", PostLevel.SECTION_CHIEF, keiri, city["keiri_kacho"])
    Deputy.objects.create(post=bucho, order=1, user=city["jicho"])
    Deputy.objects.create(post=bucho, order=2, user=city["jicho2"])

    keiyaku = MatterType.objects.create(code="keiyaku", name="契約の締結")
    city["keiyaku"] = keiyaku
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
                template=template,
                position=position,
                kind=StepKind.APPROVAL,
                relative_level=level,
            )
        TemplateStep.objects.create(
            template=template,
            position=len(below) + 1,
            kind=StepKind.DECISION,
            relative_level=decider.value,
        )
    return city


def route_of(case: Case) -> list[tuple[str, list[str]]]:
    """The route as (kind, [assignee or holder]) per step, for readable assertions."""
    return [
        (step.kind, [str(task.holder or task.assignee_label) for task in step.tasks.all()])
        for step in case.steps.order_by("position").prefetch_related("tasks")
    ]


def states_of(case: Case) -> list[str]:
    return [task.state for task in case.tasks.order_by("step__position", "id")]
