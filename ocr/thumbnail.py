"""A document's thumbnail: its first page as a small PNG, for lists and previews."""

from __future__ import annotations

import io
import os
from typing import Any

from PIL import Image

from ocr.media import PDF
from ocr.source import SourceFile

__all__ = ["THUMBNAIL_WIDTH", "render_thumbnail"]

THUMBNAIL_WIDTH = 240  # pixels; an image page is also kept within twice that in height


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


def _render_first_page(pdf: Any) -> Image.Image:
    page = pdf[0]
    try:
        return page.render(scale=THUMBNAIL_WIDTH / max(page.get_width(), 1)).to_pil()
    finally:
        page.close()


def _first_image_frame(source: Thumbnailed) -> Image.Image:
    if isinstance(source, SourceFile):
        source = source.path
    with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as image:
        image.seek(0)
        image.draft("RGB", (THUMBNAIL_WIDTH * 2, THUMBNAIL_WIDTH * 4))  # JPEG: decode small
        frame = image.copy()
    frame.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * 2))
    return frame
