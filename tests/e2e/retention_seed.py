"""The retention part of the browser test's city (run after seed.py, in the server's environment).

watanabe is a records officer (文書管理者) of 財政課; two documents of 財政課 (uploaded by
tanaka) wait to be put into a file. suzuki of 子育て支援課 (seed.py) is staff elsewhere.
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

PASSWORD, FONT = sys.argv[1], sys.argv[2]
zaisei = Department.objects.get(code="zaisei")  # 財政課 (seed.py)
users = get_user_model().objects
officer, _ = users.get_or_create(username="watanabe")
officer.display_name = "渡辺 文書管理者"
officer.role = Role.RECORDS_OFFICER
officer.set_password(PASSWORD)
officer.save()
officer.departments.set([zaisei])
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

print(json.dumps({"documents": documents, "officer": officer.username}))
