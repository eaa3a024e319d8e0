"""``ExtractOptions``: resolution, languages, limits and the archive target of one extraction."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

if TYPE_CHECKING:
    from ocr.extract.results import Page


def _default_tesseract() -> str:
    return os.environ.get("KIROKU_TESSERACT_CMD", "tesseract")


@dataclass(frozen=True)
class ExtractOptions:
    dpi: int = 300  # rendering resolution for scanned PDF pages; assumed for images without
    horizontal_language: str = "jpn"  # "jpn+eng" reads English better at ~2x the time
    vertical_language: str = "jpn_vert"
    page_timeout: float = 180.0  # seconds of Tesseract per page, all passes together
    max_pixels: int = 80_000_000  # per page (A1 at 300 dpi is 70 M); PDFs render smaller
    max_pages: int = 1000
    force_ocr: bool = False  # OCR even pages with a good text layer
    retry_confidence: float = 60.0  # below it, try OSD rotation / the other direction
    deskew: bool = True
    tiers: bool = True  # read vertical pages set in tiers (段組) tier by tier
    char_boxes: bool = True  # word boxes moved onto the characters' ink (ocr.charboxes)
    archive: bool = True  # build the searchable archive PDF for scanned input
    archive_to: str | os.PathLike[str] | IO[bytes] | None = None  # None: bytes in result
    tesseract_cmd: str = field(default_factory=_default_tesseract)
    on_page: Callable[[Page], None] | None = None  # progress: called after each page
