"""ocr.media: the one signature check behind upload acceptance and extraction, on files the
real encoders write (Pillow, pikepdf), BigTIFF included."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image

from dms.documents import media as upload_media
from ocr import ExtractOptions, extract, media
from tests import services
from tests.ocr.pages import HORIZONTAL, cer, render


def _image(fmt: str, **kw) -> bytes:
    out = io.BytesIO()
    Image.new("L", (64, 48), 255).save(out, fmt, **kw)
    return out.getvalue()


def _pdf() -> bytes:
    out = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page()
        pdf.save(out)
    return out.getvalue()


SAMPLES = {
    "pdf": (_pdf(), media.PDF),
    "png": (_image("PNG"), media.PNG),
    "jpeg": (_image("JPEG"), media.JPEG),
    "tiff": (_image("TIFF"), media.TIFF),
    "bigtiff": (_image("TIFF", big_tiff=True), media.TIFF),
    # Pillow writes little-endian only; a big-endian scanner's headers, by hand
    "tiff-big-endian": (b"MM\x00*\x00\x00\x00\x08" + bytes(64), media.TIFF),
    "bigtiff-big-endian": (b"MM\x00+\x00\x08\x00\x00" + bytes(64), media.TIFF),
    "gif": (_image("GIF"), None),
    "elf": (b"\x7fELF\x02\x01\x01" + bytes(200), None),
    "text": ("請求書 %PDF".encode(), None),
    # A PDF header after other content: readers would open it, but it is not a PDF file
    "html-then-pdf": (b"<html><body><script>alert(1)</script>\n" + _pdf(), None),
    "xml-then-pdf": (b'<?xml version="1.0"?>\n' + _pdf(), None),
    "text-then-pdf": (b"Content-Type: application/pdf\r\n\r\n" + _pdf(), None),
    "header-without-version": (b"%PDF-x\n" + bytes(64), None),
    # ... while bytes that carry nothing may come first
    "bom-then-pdf": (b"\xef\xbb\xbf" + _pdf(), media.PDF),
    "blank-lines-then-pdf": (b"\r\n \t\r\n" + _pdf(), media.PDF),
    "empty": (b"", None),
}


@pytest.mark.parametrize("name", SAMPLES)
def test_each_file_is_known_by_its_first_bytes(name):
    data, expected = SAMPLES[name]
    assert media.sniff(data) == expected


def test_a_pdf_header_counts_within_the_first_kilobyte_only():
    pdf = _pdf()
    assert media.sniff(b"\x00" * 1000 + pdf) == media.PDF  # a mail gateway's preamble
    assert media.sniff(b"\x00" * media.SNIFF_BYTES + pdf) is None


def test_sniff_file_reads_the_head_of_a_file(tmp_path):
    path = tmp_path / "scan"  # no suffix: the name never counts
    path.write_bytes(SAMPLES["bigtiff"][0])
    assert media.sniff_file(path) == media.TIFF


def test_uploads_accept_exactly_what_ocr_recognises_and_can_spool_each():
    assert upload_media.sniff is media.sniff  # one judgement, not two that can drift apart
    recognised = {expected for _data, expected in SAMPLES.values() if expected}
    assert set(upload_media.EXTENSIONS) == recognised


@pytest.mark.tesseract
def test_a_bigtiff_is_read_like_any_tiff():
    services.require("tesseract")
    out = io.BytesIO()
    render(HORIZONTAL).save(out, "TIFF", big_tiff=True, dpi=(300, 300))
    assert out.getvalue()[:4] == b"II+\x00"
    result = extract(out.getvalue(), None, options=ExtractOptions(archive=False))
    assert result.media_type == media.TIFF  # no declared type: the bytes decide
    assert result.errors == ()
    assert cer("".join(HORIZONTAL), result.pages[0].text) < 0.1
