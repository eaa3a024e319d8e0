"""OCR: bytes of a PDF or an image in, pages of text out; Japanese normalisation; metadata
candidates.

The scanned image is the evidence; the text read from it is a derived index, never a
replacement (domain.md §1). This package is plain Python (no Django): ``ocr.extract``
reads a PDF or an image (text layer, or Tesseract page by page) and builds the searchable
archive PDF of a scan, ``ocr.normalize`` prepares text for display and search,
``ocr.metadata`` reads dates, amounts, the counterparty and identifiers from it.
``ocr.media`` tells the file types apart by their first bytes, ``ocr.thumbnail`` draws a
first page small, and an ``ocr.SourceFile`` carries one opened PDF from step to step.
"""

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
from ocr.normalize import join_broken_lines, normalize_text, search_key
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
