"""What a file is, judged by its first bytes (never by its name or a declared type).

The one signature check for the whole system: upload acceptance (``dms.documents.media``)
and extraction (``ocr.extract``) ask the same question and must get the same answer.
BigTIFF (64-bit offsets, which scanners write for very large multi-page files) is a TIFF:
Pillow reads it, and the OCR pipeline hands Tesseract only images it re-encoded itself.
"""

from __future__ import annotations

import os
import re

__all__ = ["IMAGE_TYPES", "JPEG", "PDF", "PNG", "SNIFF_BYTES", "TIFF", "sniff", "sniff_file"]

PDF = "application/pdf"
TIFF = "image/tiff"
JPEG = "image/jpeg"
PNG = "image/png"
IMAGE_TYPES = (TIFF, JPEG, PNG)

# PDF readers (pdfium, qpdf) look for the header anywhere in the first 1024 bytes, and
# pdfminer does not look at all. We are stricter: the header must be the file's first
# meaningful bytes. Only bytes that carry nothing may come before it (NUL padding, white
# space, a UTF-8 byte order mark: what transfer tools and mail gateways add), so a file
# that starts as HTML, XML or any other text is not a PDF, whatever follows.
SNIFF_BYTES = 1024
_PDF_HEADER = re.compile(rb"%PDF-[0-9]")
_NOTHING_BEFORE_PDF = re.compile(rb"(?:\xef\xbb\xbf|[\x00\t\n\f\r ])*")

_TIFF_SIGNATURES = (
    b"II*\x00",  # little-endian TIFF
    b"MM\x00*",  # big-endian TIFF
    b"II+\x00",  # little-endian BigTIFF
    b"MM\x00+",  # big-endian BigTIFF
)


def sniff(head: bytes) -> str | None:
    """The media type that ``head`` (a file's first bytes) starts, or None when it is none
    of PDF, TIFF, JPEG and PNG."""
    header = _PDF_HEADER.search(head, 0, SNIFF_BYTES)
    if header is not None and _NOTHING_BEFORE_PDF.fullmatch(head, 0, header.start()):
        return PDF
    if head.startswith(_TIFF_SIGNATURES):
        return TIFF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None


def sniff_file(path: str | os.PathLike[str]) -> str | None:
    """:func:`sniff` of the file at ``path``."""
    with open(path, "rb") as file:
        return sniff(file.read(SNIFF_BYTES))
