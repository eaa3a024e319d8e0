"""Hit boxes on scans: the invisible text of the archive sits on the characters' ink.

The viewer highlights a search hit on the archive PDF's text layer (pdf.js), so the test
reads that layer back (pdfplumber) and compares each character's box with where the
character was drawn on the generated page.
"""

from __future__ import annotations

import io
import random
import tempfile
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

import ocr
from benchmarks.corpus import tiers as corpus
from ocr import ExtractOptions, charboxes, extract
from tests import services
from tests.ocr.pages import FONT

CONTRACT = [
    "土地建物賃貸借契約書",
    "第一条　甲は乙に対し、備蓄倉庫として使用する目的で",
    "下記の物件を賃貸し、乙はこれを賃借する。",
    "第二条　賃料は月額金十五万円とする。",
]
SIZE, PITCH, LEADING = 42, 44, 90


def _contract(vertical: bool) -> tuple[bytes, dict[tuple[int, int], tuple[int, int, int, int]]]:
    """A scanned-looking 300 dpi A4 contract; the drawn box of every (line, index)."""
    font = ImageFont.truetype(str(FONT), SIZE)
    image = Image.new("L", (2480, 3508), 245)
    draw = ImageDraw.Draw(image)
    truth = {}
    for number, line in enumerate(CONTRACT):
        for index, char in enumerate(line):
            if vertical:
                x, y = 2100 - number * LEADING, 300 + index * (PITCH + 2)
            else:
                x, y = 250 + index * PITCH, 300 + number * LEADING
            draw.text((x, y), char, font=font, fill=20)
            truth[number, index] = draw.textbbox((x, y), char, font=font)
    image = image.filter(ImageFilter.GaussianBlur(0.4))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70, dpi=(300, 300))
    return out.getvalue(), truth


def _hit_boxes(archive: bytes, term: str) -> list[tuple[float, float, float, float]]:
    """The term's characters on the archive's text layer, in pixels at 300 dpi."""
    with pdfplumber.open(io.BytesIO(archive)) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip()]
    text = "".join(c["text"] for c in chars)
    start = text.find(term)
    assert start >= 0, text
    scale = 300 / 72
    return [
        (c["x0"] * scale, c["top"] * scale, c["x1"] * scale, c["bottom"] * scale)
        for c in chars[start : start + len(term)]
    ]


def _on_its_character(box, drawn, vertical: bool) -> bool:
    """Along the line the box's centre is inside the drawn glyph and the box covers at
    least 80 % of it; across the line it overlaps the glyph."""
    a, b = (1, 3) if vertical else (0, 2)
    centre = (box[a] + box[b]) / 2
    covered = min(box[b], drawn[b]) - max(box[a], drawn[a])
    across = (0, 2) if vertical else (1, 3)
    overlaps = min(box[across[1]], drawn[across[1]]) > max(box[across[0]], drawn[across[0]])
    return drawn[a] <= centre <= drawn[b] and covered >= 0.8 * (drawn[b] - drawn[a]) and overlaps


@pytest.mark.tesseract
@pytest.mark.parametrize("vertical", [False, True], ids=["horizontal", "vertical"])
def test_search_hit_boxes_sit_on_the_hit_characters_of_a_scan(vertical):
    services.require("tesseract")
    scan, truth = _contract(vertical)
    term = "備蓄倉庫"
    index = CONTRACT[1].index(term)
    drawn = [truth[1, index + k] for k in range(len(term))]

    result = extract(scan, "image/jpeg", options=ExtractOptions(archive=True))
    assert result.pages[0].writing_direction == ("vertical" if vertical else "horizontal")
    boxes = _hit_boxes(result.archive_pdf, term)
    assert all(_on_its_character(b, d, vertical) for b, d in zip(boxes, drawn, strict=True))

    # Tesseract's own boxes, as the archive had them before: the last characters of the
    # term are highlighted a cell or more further on
    raw = extract(scan, "image/jpeg", options=ExtractOptions(archive=True, char_boxes=False))
    before = _hit_boxes(raw.archive_pdf, term)
    assert not all(_on_its_character(b, d, vertical) for b, d in zip(before, drawn, strict=True))


def test_characters_are_laid_out_on_the_white_between_glyphs():
    em = 10
    # four glyphs of 8 px with 2 px between them, a long white run (a space), a half-width
    profile = [0] * 3 + ([1] * 8 + [0] * 2) * 4 + [0] * 10 + [1] * 5 + [0] * 3
    spans = charboxes.layout_line(profile, "備蓄倉庫a", em)
    assert spans is not None
    starts = [s for s, _ in spans]
    assert starts[:4] == [3, 12, 22, 32]  # the first at its ink, the others mid-white
    assert spans[3] == (32, 41) and spans[4] == (53, 58)  # the space stays empty


def test_characters_that_do_not_fit_the_ink_keep_tesseract_s_boxes():
    em = 10
    profile = [1] * 8 + [0] * 2 + [1] * 8  # two glyphs of ink
    assert charboxes.layout_line(profile, "一二三四五六", em) is None  # six characters read
    assert charboxes.layout_line([0] * 20, "一", em) is None  # no ink at all


def test_refine_leaves_a_result_without_words_alone():
    empty = ocr.tesseract.OcrResult(text="", words=(), pdf=None)
    assert charboxes.refine(empty, Image.new("L", (10, 10), 255), False, 300) is empty


@pytest.mark.tesseract
def test_hit_boxes_on_a_scanned_page_in_tiers():
    """段組: the tiers are OCR'd as parts of one run; their words are laid out on the ink
    too, then placed on the page. The truth is the born-digital page's own glyph boxes."""
    services.require("tesseract")
    page = next(
        p
        for seed in range(40)
        for p in [corpus.tier_page(random.Random(seed), 2, rules=True, headline=False)]
        if "備蓄倉庫" in "".join(c for tier in p.columns for c in tier[:-1])
    )
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.pdf"
        corpus.write(page, path)
        with pdfplumber.open(path) as pdf:
            glyphs = [c for c in pdf.pages[0].chars if c["text"].strip()]
        document = pypdfium2.PdfDocument(str(path))
        image = document[0].render(scale=300 / 72, grayscale=True).to_pil().convert("L")
        document.close()
    term = "備蓄倉庫"
    scale = 300 / 72
    drawn = [
        [(c["x0"] * scale, c["top"] * scale, c["x1"] * scale, c["bottom"] * scale) for c in hit]
        for hit in _occurrences(glyphs, term)
    ]
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(300, 300))
    result = extract(out.getvalue(), "image/png", options=ExtractOptions(archive=True))
    with pdfplumber.open(io.BytesIO(result.archive_pdf)) as pdf:
        read = [c for c in pdf.pages[0].chars if c["text"].strip()]
    hits = [
        [(c["x0"] * scale, c["top"] * scale, c["x1"] * scale, c["bottom"] * scale) for c in hit]
        for hit in _occurrences(read, term)
    ]
    assert hits and len(hits) <= len(drawn)
    for boxes in hits:  # each hit against the drawn occurrence nearest to it
        truth = min(drawn, key=lambda d: abs(d[0][0] - boxes[0][0]) + abs(d[0][1] - boxes[0][1]))
        assert all(_on_its_character(b, d, True) for b, d in zip(boxes, truth, strict=True))


def _occurrences(chars: list[dict], term: str) -> list[list[dict]]:
    text = "".join(c["text"] for c in chars)
    found, start = [], text.find(term)
    while start >= 0:
        found.append(chars[start : start + len(term)])
        start = text.find(term, start + 1)
    return found
