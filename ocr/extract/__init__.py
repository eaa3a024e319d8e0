"""``extract``: a PDF or an image in, pages of text, metadata and a searchable archive out.

Born-digital PDF pages are read from their text layer (pdfplumber, reading order, vertical
columns right to left); pages without a usable text layer, and image files, are OCR'd with
Tesseract one page at a time:

1. take the scan itself when a PDF page is just one full-page image (a scanner's JPEG
   goes to Tesseract unchanged), else render at ``dpi`` (pypdfium2, grayscale); decode
   image files frame by frame; pages over ``max_pixels`` are refused (PDF pages are
   rendered at a lower resolution instead);
2. :func:`ocr.imageprep.analyse`: writing direction and skew from projection profiles
   (about ten milliseconds), then deskew (the text area only) when the skew is at least
   ``MIN_DESKEW`` (``MIN_DESKEW_VERTICAL`` for vertical pages);
3. ONE Tesseract run with ``jpn`` (horizontal) or ``jpn_vert --psm 5`` (vertical) writing
   plain text, TSV word boxes and the page's text-only PDF together;
4. only when that reads badly (mean confidence under ``retry_confidence``): Tesseract's
   OSD on a half-size copy (a page upside down or sideways), and/or the other writing
   direction; the most confident reading wins. An upright page pays for one Tesseract run.

Every page has its own time limit and its own errors: a corrupt or hanging page is listed
in ``Extraction.errors`` and the others are still extracted.

The package, one concern a module:

* ``errors``, ``options``, ``results``: what callers pass in and get back;
* ``page_ocr``: one page image to one ``Page`` (the OCR strategy above, steps 2 to 4);
* ``pdf`` and ``image``: the two input paths (step 1), each building its archive;
* ``document``: the whole-document ``extract`` that chooses the path and joins the pages.
"""

from ocr.extract.document import extract
from ocr.extract.errors import (
    ExtractionError,
    ImageTooLargeError,
    PageLimitExceededError,
    PasswordProtectedError,
    UnsupportedMediaTypeError,
)
from ocr.extract.options import ExtractOptions
from ocr.extract.results import Extraction, Page, PageError, Word

__all__ = [
    "ExtractOptions",
    "Extraction",
    "ExtractionError",
    "ImageTooLargeError",
    "Page",
    "PageError",
    "PageLimitExceededError",
    "PasswordProtectedError",
    "UnsupportedMediaTypeError",
    "Word",
    "extract",
]
