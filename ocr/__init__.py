"""OCR: bytes of a PDF or an image in, pages of text out; metadata candidates.

The scanned image is the evidence; the text read from it is a derived index, never a
replacement (domain.md §1). This package is plain Python (no Django): ``ocr.extract``
reads a PDF or an image (text layer, or Tesseract page by page) and builds the searchable
archive PDF of a scan, ``ocr.metadata`` reads dates, amounts, the counterparty and
identifiers from it. ``ocr.media`` tells the file types apart by their first bytes,
``ocr.thumbnail`` draws a first page small, and an ``ocr.SourceFile`` carries one opened
PDF from step to step. The rules of written Japanese (normalisation, numerals, eras) are
the ``ja`` package's, the one package of ours ``ocr`` imports.
"""

from ja.normalize import join_broken_lines, normalize_text, search_key
from ocr.extract import (
    Extraction,
    ExtractionError,
    ExtractOptions,
    ImageTooLargeError,
    Page,
    PageError,
    PageLimitExceededError,
    PasswordProtectedError,
    UnsupportedMediaTypeError,
    Word,
    extract,
)
from ocr.metadata import Metadata, extract_metadata
from ocr.source import SourceFile

__all__ = [
    "ExtractOptions",
    "Extraction",
    "ExtractionError",
    "ImageTooLargeError",
    "Metadata",
    "Page",
    "PageError",
    "PageLimitExceededError",
    "PasswordProtectedError",
    "SourceFile",
    "UnsupportedMediaTypeError",
    "Word",
    "extract",
    "extract_metadata",
    "join_broken_lines",
    "normalize_text",
    "search_key",
]
