"""ocr.thumbnail on real files: a corpus PDF, images Pillow writes, from a path and from bytes."""

from __future__ import annotations

import io

import pikepdf
import pytest
from PIL import Image

from ocr import media
from ocr.thumbnail import THUMBNAIL_WIDTH, render_thumbnail
from tests.corpus import CORPUS

NAT23 = CORPUS / "nat23_courts_hanrei-092891_keiji.pdf"


def _png(data: bytes) -> Image.Image:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(data))
    assert image.mode == "RGB"
    return image


def _encoded(image: Image.Image, fmt: str, **kw) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **kw)
    return out.getvalue()


def test_a_pdf_thumbnail_is_its_first_page_at_the_thumbnail_width():
    with pikepdf.open(NAT23) as pdf:
        width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
    thumbnail = _png(render_thumbnail(NAT23, media.PDF))
    assert thumbnail.width == THUMBNAIL_WIDTH
    assert thumbnail.height == pytest.approx(THUMBNAIL_WIDTH * height / width, abs=1)


def test_the_first_pdf_page_is_drawn_from_bytes_as_from_a_path():
    assert render_thumbnail(NAT23.read_bytes(), media.PDF) == render_thumbnail(NAT23, media.PDF)


def test_a_scanned_a4_jpeg_is_shrunk_to_the_thumbnail_width(tmp_path):
    path = tmp_path / "scan.jpg"
    path.write_bytes(_encoded(Image.new("L", (2480, 3508), 200), "JPEG"))
    thumbnail = _png(render_thumbnail(path, media.JPEG))
    assert thumbnail.size == (THUMBNAIL_WIDTH, round(THUMBNAIL_WIDTH * 3508 / 2480))
    assert thumbnail.getpixel((10, 10)) == (200, 200, 200)  # grey stays grey, as RGB


def test_a_tall_strip_is_kept_within_twice_the_width_in_height():
    strip = _encoded(Image.new("RGB", (600, 6000), "white"), "PNG")
    assert _png(render_thumbnail(strip, media.PNG)).size == (48, 2 * THUMBNAIL_WIDTH)


def test_a_small_image_is_not_enlarged():
    small = _encoded(Image.new("RGB", (100, 50), "white"), "PNG")
    assert _png(render_thumbnail(small, media.PNG)).size == (100, 50)


def test_a_multi_page_tiff_shows_its_first_page():
    first, second = Image.new("L", (800, 1000), 0), Image.new("L", (800, 1000), 255)
    tiff = _encoded(first, "TIFF", save_all=True, append_images=[second])
    thumbnail = _png(render_thumbnail(tiff, media.TIFF))
    assert thumbnail.size == (THUMBNAIL_WIDTH, 300)
    assert thumbnail.getpixel((THUMBNAIL_WIDTH // 2, 150)) == (0, 0, 0)  # black: page 1
