"""The retention part of the browser test's city (run after seed.py, in the server's environment).

watanabe and nakamura are records officers (文書管理者) of 財政課; two documents of 財政課
(uploaded by tanaka) wait to be put into a file; an empty file of 平成31年度 (1年, expired on
2021-03-31) waits in the disposition queue. suzuki of 子育て支援課 (seed.py) is staff elsewhere.
"""

import io
import json
import os
import sys

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dms.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from reportlab.pdfbase import pdfmetrics  # noqa: E402
from reportlab.pdfbase.ttfonts import TTFont  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

from dms.accounts.models import Department, Role  # noqa: E402
from dms.documents import ingest, lifecycle  # noqa: E402
from retention import services  # noqa: E402
from retention.models import RetentionClass  # noqa: E402

PASSWORD, FONT = sys.argv[1], sys.argv[2]
zaisei = Department.objects.get(code="zaisei")  # 財政課 (seed.py)
users = get_user_model().objects


def records_officer(username, display):
    user, _ = users.get_or_create(username=username)
    user.display_name = display
    user.role = Role.RECORDS_OFFICER
    user.set_password(PASSWORD)
    user.save()
    user.departments.set([zaisei])
    return user


officer = records_officer("watanabe", "渡辺 文書管理者")
reviewer = records_officer("nakamura", "中村 文書管理者")
uploader = users.get(username="tanaka")

pdfmetrics.registerFont(TTFont("IPAexGothic", FONT))


def pdf(lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=(595, 842))
    page.setFont("IPAexGothic", 14)
    for i, line in enumerate(lines):
        page.drawString(72, 760 - i * 26, line)
    page.save()
    return buffer.getvalue()


documents = []
for title in ["公用車保守点検委託 契約書", "公用車保守点検委託 仕様書"]:
    stored = ingest.store_original(
        io.BytesIO(pdf([title, "", "令和7年度"])), filename=f"{title}.pdf"
    )
    documents.append(lifecycle.create(stored, user=uploader, department=zaisei, title=title).pk)

expired = services.create_file(
    {
        "retention_class": RetentionClass.objects.get(code="1y"),
        "title": "平成31年度 旧庁舎管理",
        "fiscal_year": 2019,
        "custodian": zaisei,
        "medium": "electronic",
    },
    user=officer,
)

print(
    json.dumps(
        {
            "documents": documents,
            "officer": officer.username,
            "reviewer": reviewer.username,
            "expired": expired.pk,
        }
    )
)
