"""What ``extract`` returns: the document's ``Extraction``, its ``Page``s, their ``Word``s and
``PageError``s."""

from __future__ import annotations

from dataclasses import dataclass

from ocr.metadata import Metadata


@dataclass(frozen=True, slots=True)
class Word:
    text: str
    x0: float
    y0: float  # top; origin top left, in the page's unit
    x1: float
    y1: float
    confidence: float  # 0..100; 100 for a text layer


@dataclass(frozen=True)
class PageError:
    page: int | None
    code: str  # "corrupt_page" | "ocr_failed" | "ocr_timeout" | "image_too_large" | ...
    message: str


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    width: float
    height: float
    unit: str  # "pt" (text layer) or "px" (OCR'd image after rotation and deskew)
    source: str  # "text_layer" | "ocr" | "none" (the page failed)
    writing_direction: str  # "horizontal" | "vertical"
    rotation: int = 0  # quarter turns applied before OCR, degrees counter-clockwise
    skew: float = 0.0  # deskew applied before OCR, degrees counter-clockwise
    dpi: float | None = None
    text: str = ""  # normalised (ja.normalize.normalize_text)
    raw_text: str = ""
    words: tuple[Word, ...] = ()
    confidence: float | None = None  # mean OCR word confidence
    errors: tuple[PageError, ...] = ()


@dataclass(frozen=True)
class Extraction:
    media_type: str
    pages: tuple[Page, ...]
    text: str  # normalised, pages separated by a blank line
    raw_text: str  # as read, pages separated by form feeds
    language: str  # "ja" | "en" | "und"
    metadata: Metadata
    errors: tuple[PageError, ...]
    archive_pdf: bytes | None  # searchable PDF when built and no archive_to was given
    archive_is_original: bool  # the input is its own archive copy (born-digital PDF)
    archive_pdfa: bool  # the archive is declared PDF/A-2b
    archive_written: bool = False  # written to options.archive_to

    @property
    def page_count(self) -> int:
        return len(self.pages)
