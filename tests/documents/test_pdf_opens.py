"""One processing job opens the original PDF once per PDF library, however many steps read
it (text layer, scanned images, rendering, archive, thumbnail, page count).

Each library's open function is wrapped with a counter; real files, real Tesseract.
"""

from __future__ import annotations

import io
from collections import Counter
from pathlib import Path

import pdfminer.pdfdocument
import pikepdf
import pypdfium2
import pytest

from tests.corpus import CORPUS
from tests.documents.conftest import run_jobs
from tests.documents.test_api import upload
from tests.documents.test_processing import scanned_invoice_pdf
from tests.services import require

pytestmark = [pytest.mark.django_db, pytest.mark.tesseract]


@pytest.fixture
def opens(monkeypatch):
    """Opens of a PDF file on disk, by library (Tesseract's in-memory text pages are not
    the original and are not counted)."""
    counted: Counter[str] = Counter()

    def counting(library, original):
        def wrapper(*args, **kwargs):
            source = args[1] if library == "pypdfium2" else args[0]
            if library == "pdfminer" or isinstance(source, str | Path):
                counted[library] += 1
            return original(*args, **kwargs)

        return wrapper

    document_init = pdfminer.pdfdocument.PDFDocument.__init__
    monkeypatch.setattr(
        pdfminer.pdfdocument.PDFDocument, "__init__", counting("pdfminer", document_init)
    )
    monkeypatch.setattr(pikepdf, "open", counting("pikepdf", pikepdf.open))
    pdfium_init = pypdfium2.PdfDocument.__init__
    monkeypatch.setattr(pypdfium2.PdfDocument, "__init__", counting("pypdfium2", pdfium_init))
    return counted


def _scan_with_a_ruled_line() -> bytes:
    """A scanned page with one stroke drawn over it: not a bare scan, so it is rendered for
    OCR (pypdfium2) as well as inspected and archived (pikepdf)."""
    with pikepdf.open(io.BytesIO(scanned_invoice_pdf())) as pdf:
        pdf.pages[0].contents_add(pikepdf.Stream(pdf, b"q 72 72 m 144 72 l S Q"))
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


def test_a_scanned_pdf_job_opens_it_once_per_library(store, clients, opens):
    require("tesseract")
    created = upload(clients["tanaka"], _scan_with_a_ruled_line(), "罫線付き.pdf").json()
    opens.clear()  # count the processing job only
    run_jobs()
    detail = clients["tanaka"].get(f"/api/documents/{created['id']}/").json()
    assert detail["status"] == "ready", detail["error"]
    assert detail["page_count"] == 1 and "市民課窓口" in detail["content"]
    assert dict(opens) == {"pdfminer": 1, "pikepdf": 1, "pypdfium2": 1}


def test_a_born_digital_pdf_job_never_opens_it_with_pikepdf(store, clients, opens):
    data = (CORPUS / "nat06_meti_denki-yohin-kaishaku_excerpt.pdf").read_bytes()
    created = upload(clients["tanaka"], data, "電気用品.pdf").json()
    opens.clear()
    run_jobs()
    detail = clients["tanaka"].get(f"/api/documents/{created['id']}/").json()
    assert detail["status"] == "ready" and "ポリエチレン絶縁電線" in detail["content"]
    assert dict(opens) == {"pdfminer": 1, "pypdfium2": 1}  # text layer, thumbnail
