"""A document's thumbnail: its first page as a small PNG, for lists and previews."""

from __future__ import annotations

import io
import os
from typing import Any

from PIL import Image

from ocr.media import PDF
from ocr.source import SourceFile

__all__ = ["THUMBNAIL_HEIGHT", "THUMBNAIL_WIDTH", "render_thumbnail"]

THUMBNAIL_WIDTH = 240  # pixels
# A page is fitted into the box by its larger side: scaled by width alone, a 10 × 14,400 pt
# page was rendered 240 × 345,600 pixels (716 MB, from a 575-byte PDF).
THUMBNAIL_HEIGHT = THUMBNAIL_WIDTH * 2


Thumbnailed = bytes | str | os.PathLike[str] | SourceFile


def render_thumbnail(source: Thumbnailed, media_type: str) -> bytes:
    """A PNG of the first page of the PDF or image ``source``: its bytes, its path, or the
    :class:`~ocr.source.SourceFile` it was extracted from (no second PDF open)."""
    image = _first_pdf_page(source) if media_type == PDF else _first_image_frame(source)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def _first_pdf_page(source: Thumbnailed) -> Image.Image:
    if isinstance(source, SourceFile):
        return _render_first_page(source.pypdfium2())
    import pypdfium2  # loaded on first use, like the extraction's renderer

    pdf = pypdfium2.PdfDocument(source if isinstance(source, bytes) else str(source))
    try:
        return _render_first_page(pdf)
    finally:
        pdf.close()


def _fit_scale(width: float, height: float) -> float:
    """The scale that fits a ``width`` × ``height`` page (points) into the thumbnail box."""
    return min(THUMBNAIL_WIDTH / max(width, 1e-3), THUMBNAIL_HEIGHT / max(height, 1e-3))


def _render_first_page(pdf: Any) -> Image.Image:
    page = pdf[0]
    try:
        # (pdfium's page size is the page as shown: /Rotate already applied)
        bitmap = page.render(scale=_fit_scale(*page.get_size()))
        try:
            return bitmap.to_pil().copy()
        finally:
            bitmap.close()
    finally:
        page.close()


def _first_image_frame(source: Thumbnailed) -> Image.Image:
    if isinstance(source, SourceFile):
        source = source.path
    with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
        image.seek(0)
        image.draft("RGB", (THUMBNAIL_WIDTH * 2, THUMBNAIL_HEIGHT * 2))  # JPEG: decode small
        frame = image.copy()
    frame.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT))
    return frame
