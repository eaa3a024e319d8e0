"""Processing with real Tesseract: text, archive PDF, metadata from the extracted text."""

import io

import pypdfium2
import pytest
from PIL import Image, ImageDraw, ImageFont

from dms.documents.models import Document
from tests.corpus import CORPUS
from tests.documents.conftest import run_jobs
from tests.documents.test_api import upload
from tests.services import require

pytestmark = [pytest.mark.django_db, pytest.mark.tesseract]

FONT = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf"
INVOICE_LINES = [
    "請求書",
    "株式会社神戸印刷 御中",
    "令和6年4月1日",
    "請求金額 ¥1,234,000-",
    "市民課窓口の案内冊子の印刷代として",
]


def scanned_invoice_pdf() -> bytes:
    """An image-only PDF at 300 dpi: what a scanner sends."""
    page = Image.new("L", (2480, 3508), 255)  # A4 at 300 dpi
    draw = ImageDraw.Draw(page)
    font = ImageFont.truetype(FONT, 64)
    for line_number, line in enumerate(INVOICE_LINES):
        draw.text((200, 300 + line_number * 160), line, font=font, fill=0)
    buffer = io.BytesIO()
    page.save(buffer, "PDF", resolution=300)
    return buffer.getvalue()


def test_a_scanned_invoice_is_read_archived_and_its_metadata_filled(store, clients):
    require("tesseract")
    created = upload(clients["tanaka"], scanned_invoice_pdf(), "請求書スキャン.pdf").json()
    run_jobs()
    detail = clients["tanaka"].get(f"/api/documents/{created['id']}/").json()
    assert detail["status"] == "ready", detail["error"]
    assert "市民課窓口" in detail["content"]
    assert " " not in detail["content"].split("\n")[0]  # no OCR spaces between Japanese
    assert detail["metadata"] == {
        "document_date": "2024-04-01",
        "amount": 1234000,
        "counterparty": "株式会社神戸印刷",
    }
    archive = clients["tanaka"].get(f"/api/documents/{created['id']}/download/?variant=archive")
    assert archive.status_code == 200
    archived = b"".join(archive.streaming_content)
    pdf = pypdfium2.PdfDocument(archived)
    try:
        text = pdf[0].get_textpage().get_text_range()
    finally:
        pdf.close()
    assert "市民課" in text.replace(" ", "")  # the invisible text layer is selectable


def test_metadata_set_by_a_person_is_never_overwritten(store, clients):
    require("tesseract")
    created = upload(clients["tanaka"], scanned_invoice_pdf(), document_date="2024-03-31").json()
    run_jobs()
    document = Document.objects.get(pk=created["id"])
    assert document.document_date.isoformat() == "2024-03-31"  # the person's date stays
    assert document.amount == 1234000  # the rest is filled in


def test_a_born_digital_pdf_is_its_own_archive(store, clients):
    require("tesseract")
    data = (CORPUS / "nat06_meti_denki-yohin-kaishaku_excerpt.pdf").read_bytes()
    created = upload(clients["tanaka"], data, "電気用品.pdf").json()
    run_jobs()
    detail = clients["tanaka"].get(f"/api/documents/{created['id']}/").json()
    assert detail["status"] == "ready"
    assert "ポリエチレン絶縁電線" in detail["content"]
    assert "1.1" in detail["content"]  # full-width digits normalised (１．１)
    archive = clients["tanaka"].get(f"/api/documents/{created['id']}/download/?variant=archive")
    assert b"".join(archive.streaming_content) == data


def test_a_bigtiff_scan_is_accepted_and_read(store, clients):
    require("tesseract")
    page = Image.new("L", (1654, 1000), 255)  # the top of an A4 page at 200 dpi
    draw = ImageDraw.Draw(page)
    for line_number, line in enumerate(INVOICE_LINES):
        draw.text((120, 100 + line_number * 110), line, font=ImageFont.truetype(FONT, 44), fill=0)
    buffer = io.BytesIO()
    page.save(buffer, "TIFF", big_tiff=True, dpi=(200, 200))
    response = upload(clients["tanaka"], buffer.getvalue(), "大判スキャン.tif")
    assert response.status_code == 201, response.content
    run_jobs()
    detail = clients["tanaka"].get(f"/api/documents/{response.json()['id']}/").json()
    assert detail["status"] == "ready", detail["error"]
    assert "市民課窓口" in detail["content"]
