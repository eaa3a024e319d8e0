"""Fixtures for the registry tests: the documents tests' organisation and clients, the local
object store (the registry does not depend on the store; tests/documents runs both), and
born-digital PDFs with a text layer, which processing reads without OCR."""

import io

import pytest
from django.test import override_settings
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from tests.documents.conftest import (  # noqa: F401 (fixtures shared with tests/documents)
    LOCKED,
    QUARANTINE_SECONDS,
    clients,
    org,
)

FONT = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"


@pytest.fixture
def local_store(tmp_path):
    config = {"BACKEND": "local", "ROOT": str(tmp_path / "objects"), **LOCKED}
    with override_settings(OBJECT_STORE=config, UPLOAD_QUARANTINE_SECONDS=QUARANTINE_SECONDS):
        yield


def text_pdf(lines: list[str]) -> bytes:
    """An A4 page with ``lines`` as real text (IPAex Gothic), top to bottom."""
    if "IPAexGothic" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("IPAexGothic", FONT))
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont("IPAexGothic", 12)
    y = 780
    for line in lines:
        canvas.drawString(60, y, line)
        y -= 24
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


@pytest.fixture
def document_types(db):
    """The default types (a flushing test elsewhere may have removed the migration's rows)."""
    from dms.documents.models import DocumentType

    for code, name in [("invoice", "請求書"), ("contract", "契約書")]:
        DocumentType.objects.get_or_create(code=code, defaults={"name": name})
