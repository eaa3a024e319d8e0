"""The approvals part of the browser test's city (run after seed.py, in the server's environment).

文書課 (under 総務局 › 総務部) drafts a 契約 of 5,000,000 円: the delegation table sends it
to the 総務部長, who is registered absent today; his first deputy is the 総務部次長. The
route template: 文書係長 承認 → 文書課長 承認 → 財政課長 and 経理課長 合議 in parallel →
総務部長 決裁. suzuki of 子育て支援課 (seed.py) sees none of it. Two documents of 文書課
(the body and an attachment) are stored like any upload.
"""

import datetime as dt
import io
import json
import os
import sys

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dms.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils import timezone  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from approvals.models import (  # noqa: E402
    DecisionLevel,
    DelegationRule,
    MatterType,
    RouteTemplate,
    StepKind,
    TemplateStep,
)
from dms.accounts.models import (  # noqa: E402
    Absence,
    Department,
    Deputy,
    Post,
    PostAssignment,
    PostLevel,
    Role,
)
from dms.documents import ingest, lifecycle  # noqa: E402

PASSWORD, FONT = sys.argv[1], sys.argv[2]
SINCE = dt.date(2020, 4, 1)


def department(code, name, name_en, level, parent=None):
    obj, _ = Department.objects.update_or_create(
        code=code, defaults={"name": name, "name_en": name_en, "level": level, "parent": parent}
    )
    return obj


kyoku = department("soumu", "総務局", "General Affairs Bureau", "bureau")
bu = department("soumu-bu", "総務部", "General Affairs Division", "division", kyoku)
bunsho = department("bunsho", "文書課", "Records Section", "section", bu)
zaisei = Department.objects.get(code="zaisei")  # 財政課 (seed.py), under 総務局
keiri = department("keiri", "経理課", "Accounts Section", "section", kyoku)

users = get_user_model().objects


def person(username, display, dept, role=Role.APPROVER):
    user, _ = users.get_or_create(username=username)
    user.display_name = display
    user.role = role
    user.set_password(PASSWORD)
    user.save()
    user.departments.set([dept])
    return user


drafter = person("sasaki", "佐々木 翔", bunsho, Role.STAFF)


def post(code, title, level, dept, holder, head=True):
    created, _ = Post.objects.update_or_create(
        code=code, defaults={"title": title, "level": level, "department": dept, "is_head": head}
    )
    PostAssignment.objects.get_or_create(post=created, user=holder, valid_from=SINCE)
    return created


post("bunsho-kakaricho", "文書係長", PostLevel.SUBSECTION_CHIEF, bunsho,
     person("kimura", "木村 健", bunsho), head=False)  # fmt: skip
kacho = post("bunsho-kacho", "文書課長", PostLevel.SECTION_CHIEF, bunsho,
             person("yamada", "山田 太郎", bunsho))  # fmt: skip
zaisei_kacho = post("zaisei-kacho", "財政課長", PostLevel.SECTION_CHIEF, zaisei,
                    person("ito", "伊藤 誠", zaisei))  # fmt: skip
keiri_kacho = post("keiri-kacho", "経理課長", PostLevel.SECTION_CHIEF, keiri,
                   person("kato", "加藤 恵", keiri))  # fmt: skip
bucho_user = person("sato", "佐藤 部長", bu)
bucho = post("soumu-bucho", "総務部長", PostLevel.DIVISION_DIRECTOR, bu, bucho_user)
jicho = person("kobayashi", "小林 次長", bu)
Deputy.objects.update_or_create(post=bucho, order=1, defaults={"user": jicho})
now = timezone.now()
# The decider is away on a business trip all through the test: the 次長 decides (代決).
Absence.objects.get_or_create(
    user=bucho_user,
    reason="出張",
    defaults={"starts_at": now - dt.timedelta(hours=1), "ends_at": now + dt.timedelta(days=2)},
)

keiyaku, _ = MatterType.objects.update_or_create(
    code="keiyaku", defaults={"name": "契約の締結", "name_en": "Contracts"}
)
DelegationRule.objects.get_or_create(
    matter_type=keiyaku,
    amount_from=None,
    amount_below=None,
    defaults={"decision_level": DecisionLevel.DIVISION_DIRECTOR},
)
template, _ = RouteTemplate.objects.update_or_create(
    code="e2e-bucho",
    defaults={"name": "部長決裁(合議あり)", "decision_level": DecisionLevel.DIVISION_DIRECTOR},
)
template.steps.all().delete()
for position, kind, fields in [
    (1, StepKind.APPROVAL, {"relative_level": PostLevel.SUBSECTION_CHIEF}),
    (2, StepKind.APPROVAL, {"assignee_post": kacho}),
    (3, StepKind.CONSULTATION, {"assignee_post": zaisei_kacho}),
    (3, StepKind.CONSULTATION, {"assignee_post": keiri_kacho}),
    (4, StepKind.DECISION, {"relative_level": PostLevel.DIVISION_DIRECTOR}),
]:
    TemplateStep.objects.create(template=template, position=position, kind=kind, **fields)

pdfmetrics.registerFont(TTFont("IPAexGothic", FONT))


def pdf(lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(595, 842))
    page.setFont("IPAexGothic", 14)
    for i, line in enumerate(lines):
        page.drawString(72, 760 - i * 26, line)
    page.save()
    return buffer.getvalue()


documents = {}
for key, title, lines in [
    ("body", "庁舎清掃業務委託契約の締結について（伺い）",
     ["庁舎清掃業務委託契約の締結について（伺い）", "", "契約金額 金5,000,000円",
      "契約相手方 株式会社みどり総合サービス", "下記のとおり契約を締結してよろしいか伺います。"]),
    ("attachment", "庁舎清掃業務 見積書",
     ["見積書", "", "庁舎清掃業務 一式", "金5,000,000円（消費税込み）"]),
]:  # fmt: skip
    stored = ingest.store_original(io.BytesIO(pdf(lines)), filename=f"{title}.pdf")
    documents[key] = lifecycle.create(stored, user=drafter, department=bunsho, title=title).pk

print(json.dumps(documents))
