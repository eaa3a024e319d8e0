"""Every rasterisation of a PDF page is bounded, whatever size the page claims: a 575-byte
PDF with a 10 × 14,400 pt page once rendered a 240 × 345,600 pixel thumbnail (716 MB)."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pypdfium2
import pytest
from PIL import Image

from ocr import media
from ocr.extract.options import ExtractOptions
from ocr.extract.pdf import _render
from ocr.thumbnail import THUMBNAIL_HEIGHT, THUMBNAIL_WIDTH, render_thumbnail


def _pdf(width: float, height: float, rotate: int = 0) -> bytes:
    pdf = pypdfium2.PdfDocument.new()
    page = pdf.new_page(width, height)
    page.set_rotation(rotate)
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


@pytest.mark.parametrize(
    ("width", "height", "rotate"),
    [(10, 14_400, 0), (14_400, 10, 0), (10, 14_400, 90), (14_400, 14_400, 0), (0.01, 14_400, 0)],
    ids=["tall-strip", "wide-strip", "tall-strip-turned", "huge-square", "hairline"],
)
def test_a_pdf_thumbnail_fits_the_box_whatever_the_page_size(width, height, rotate):
    data = _pdf(width, height, rotate)
    assert len(data) < 1000  # a tiny file
    thumbnail = Image.open(io.BytesIO(render_thumbnail(data, media.PDF)))
    assert thumbnail.width <= THUMBNAIL_WIDTH and thumbnail.height <= THUMBNAIL_HEIGHT
    assert max(thumbnail.size) >= min(THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT)  # fitted, not tiny


def test_a_turned_page_is_fitted_as_it_is_shown():
    thumbnail = Image.open(io.BytesIO(render_thumbnail(_pdf(10, 14_400, 90), media.PDF)))
    assert thumbnail.width > thumbnail.height  # a tall page turned a quarter is wide


_CHILD = """
import json, resource, sys
from ocr import media
from ocr.thumbnail import render_thumbnail
data = sys.stdin.buffer.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
render_thumbnail(data, media.PDF)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"grew_kib": after - before}))
"""


def test_thumbnail_of_the_tall_strip_uses_little_memory():
    """Measured in a fresh process: the peak resident size grows by a few MB, not 716."""
    child = subprocess.run(
        [sys.executable, "-c", _CHILD],
        input=_pdf(10, 14_400),
        capture_output=True,
        check=True,
        timeout=120,
    )
    grew_mib = json.loads(child.stdout)["grew_kib"] / 1024
    assert grew_mib < 50, f"the thumbnail took {grew_mib:.0f} MB"


def test_the_extraction_renderer_keeps_to_its_pixel_budget():
    options = ExtractOptions(max_pixels=4_000_000)
    document = pypdfium2.PdfDocument(_pdf(14_400, 14_400))
    try:
        image, dpi = _render(document, 0, options)
    finally:
        document.close()
    assert image.width * image.height <= options.max_pixels
    assert dpi < options.dpi  # read at a lower resolution, not refused
