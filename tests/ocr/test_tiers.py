"""Multi-tier vertical pages (段組) read tier by tier, and born-digital vertical punctuation.

Pages come from ``benchmarks.corpus.tiers`` with a seed of their own (the benchmark
measures on other seeds: held out). The ground truth is the text in reading order
(headline, then each tier right to left), so the CER here is order-sensitive: a page read
as one block, column N of the upper tier running into column N of the lower one, has a
CER far above 50 %.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from PIL import Image, ImageDraw, ImageFont

import ocr
from benchmarks.corpus import tiers as corpus
from ocr import ExtractOptions, extract, tiers
from ocr.pdftext import _vertical_text
from tests import services
from tests.ocr.pages import FONT, VERTICAL, cer, encode, render

PDF = "application/pdf"
FIXTURES = Path(__file__).parent / "fixtures"
SEED = 1405  # the benchmark's held-out pages use other seeds


def _page(tier_count: int, *, rules: bool, headline: bool, seed: int = SEED) -> corpus.TierPage:
    return corpus.tier_page(
        random.Random(seed + tier_count), tier_count, rules=rules, headline=headline
    )


def _truth(page: corpus.TierPage) -> str:
    return ocr.normalize_text(page.truth)


# --- text layer -----------------------------------------------------------------------------


@pytest.mark.parametrize("tier_count", [2, 3, 4])
@pytest.mark.parametrize("rules", [False, True], ids=["gaps", "rules"])
@pytest.mark.parametrize("headline", [False, True], ids=["", "headline"])
def test_text_layer_tiers_are_read_tier_by_tier(tmp_path, tier_count, rules, headline):
    page = _page(tier_count, rules=rules, headline=headline)
    path = tmp_path / "page.pdf"
    corpus.write(page, path)
    got = extract(path, PDF).pages[0]
    assert got.source == "text_layer" and got.writing_direction == "vertical"
    assert cer(_truth(page), got.text) == 0.0
    # the lines are the columns in reading order, headline first
    lines = [line for line in got.text.splitlines() if line.strip()]
    expected = [ocr.normalize_text(line) for line in page.truth.splitlines()]
    assert lines == expected


def test_the_same_text_in_one_tier_is_still_read_right_to_left(tmp_path):
    page = corpus.single_tier(_page(3, rules=True, headline=True))
    path = tmp_path / "single.pdf"
    corpus.write(page, path)
    got = extract(path, PDF).pages[0]
    assert cer(_truth(page), got.text) == 0.0


def test_read_as_one_block_the_tiers_would_interleave(tmp_path):
    """What the tiers fix: the old column grouping, ignoring tiers, reads each column of
    the upper tier straight into the lower one (order-sensitive CER far above zero)."""
    page = _page(2, rules=False, headline=False)
    boxes = [(x, 0.0, x + 10, 100.0) for x in range(0, 200, 17)]  # one tier of columns
    assert tiers.order_segments(boxes, 10.0) == sorted(range(len(boxes)), key=lambda i: -i)
    upper = [(x, 0.0, x + 10, 100.0) for x in range(0, 100, 17)]
    lower = [(x, 130.0, x + 10, 230.0) for x in range(0, 100, 17)]
    order = tiers.order_segments(upper + lower, 10.0)
    # all of the upper tier (right to left) before any of the lower one
    assert order == [5, 4, 3, 2, 1, 0, 11, 10, 9, 8, 7, 6]
    assert page.tiers == 2


def test_a_short_column_at_the_foot_does_not_make_a_tier():
    """A single-tier letter: body columns, then a date and a signature low on the page. The
    foot holds fewer than MIN_COLUMNS columns, so the page stays one block."""
    body = [(x, 0.0, x + 10, 200.0) for x in range(100, 300, 17)]
    foot = [(60.0, 240.0, 70.0, 300.0), (40.0, 260.0, 50.0, 300.0)]
    boxes = body + foot
    order = tiers.order_segments(boxes, 10.0)
    assert order == sorted(range(len(boxes)), key=lambda i: -boxes[i][0])


def test_a_headline_crossing_the_gap_is_read_first():
    head = (300.0, 0.0, 316.0, 230.0)
    upper = [(x, 0.0, x + 10, 100.0) for x in range(100, 200, 17)]
    lower = [(x, 130.0, x + 10, 230.0) for x in range(100, 200, 17)]
    order = tiers.order_segments([*upper, head, *lower], 10.0)
    assert order[0] == len(upper)
    assert order[1 : len(upper) + 1] == list(range(len(upper)))[::-1]


# --- born-digital punctuation ---------------------------------------------------------------


@pytest.mark.parametrize("tier_count", [1, 2, 4])
def test_vertical_punctuation_drawn_in_the_cell_corner_stays_in_its_place(tmp_path, tier_count):
    """reportlab-style 縦書き: 、。，drawn with horizontal glyphs in the upper right of the
    cell. Ordered by their glyph box they jumped ahead one cell (or into the next column)."""
    page = _page(max(2, tier_count), rules=True, headline=False)
    if tier_count == 1:
        page = corpus.single_tier(page)
    path = tmp_path / "reportlab.pdf"
    corpus.write_reportlab(page, path)
    got = extract(path, PDF).pages[0]
    assert got.source == "text_layer" and got.writing_direction == "vertical"
    truth = _truth(page)
    assert truth.count("。") > 5 and truth.count("、") > 2
    assert cer(truth, got.text) == 0.0


def test_punctuation_anchor_against_glyph_order():
    size = 10.0

    def glyph(text, x0, top, shift=0.0):
        return {
            "text": text, "x0": x0 + shift, "x1": x0 + size + shift,
            "top": top - shift, "bottom": top + size - shift, "upright": True,
        }  # fmt: skip

    # one column: 市 民 。 (the 。 drawn half a glyph right and up), then the next column
    column = [glyph("市", 100, 0), glyph("民", 100, 10), glyph("。", 100, 20, shift=5.5)]
    column += [glyph("次", 83, 0)]
    assert _vertical_text(column).text.splitlines() == ["市民。", "次"]


# --- scans ----------------------------------------------------------------------------------


def _rendered(page: corpus.TierPage, tmp_path, dpi: int = 300, seed: int = 7) -> bytes:
    path = tmp_path / "page.pdf"
    corpus.write(page, path)
    return corpus.scan(path, dpi, random.Random(seed))


def test_tiers_are_found_on_a_page_image(tmp_path):
    page = _page(3, rules=False, headline=True)
    path = tmp_path / "page.pdf"
    corpus.write(page, path)
    document = pypdfium2.PdfDocument(str(path))
    image = document[0].render(scale=300 / 72, grayscale=True).to_pil().convert("L")
    document.close()
    blocks = tiers.image_blocks(image)
    assert blocks is not None and len(blocks) == 4  # headline, then three tiers
    head, *rest = blocks
    assert head.box[2] - head.box[0] < image.width / 10  # one narrow column
    assert head.box[0] > rest[0].box[0]  # at the right of the page
    tops = [b.box[1] for b in rest]
    assert tops == sorted(tops)
    for block in rest:  # each tier blanks the headline out of its crop
        assert block.blank and block.blank[0][0] >= head.box[0] - 1


def test_a_single_tier_page_image_is_one_block(tmp_path):
    assert tiers.image_blocks(render(VERTICAL, vertical=True, size=(1000, 1240))) is None
    single = corpus.single_tier(_page(2, rules=False, headline=False))
    path = tmp_path / "single.pdf"
    corpus.write(single, path)
    document = pypdfium2.PdfDocument(str(path))
    image = document[0].render(scale=200 / 72, grayscale=True).to_pil().convert("L")
    document.close()
    assert tiers.image_blocks(image) is None


def test_a_short_signature_under_vertical_text_is_not_a_tier():
    image = render(VERTICAL * 2, vertical=True, size=(1600, 1600))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT), 40)
    for index, char in enumerate("宮澤賢治"):  # one column at the foot, left
        draw.text((200, 1200 + 46 * index), char, font=font, fill=0)
    assert tiers.image_blocks(image) is None


@pytest.mark.tesseract
@pytest.mark.parametrize(
    ("tier_count", "rules", "headline"),
    [(2, True, False), (4, False, True)],
    ids=["2-tiers-rules", "4-tiers-headline"],
)
def test_scanned_tiers_are_ocr_d_tier_by_tier(tmp_path, tier_count, rules, headline):
    services.require("tesseract")
    page = _page(tier_count, rules=rules, headline=headline)
    scan = _rendered(page, tmp_path)
    result = extract(scan, "image/jpeg", options=ExtractOptions(archive=True))
    got = result.pages[0]
    assert got.source == "ocr" and got.writing_direction == "vertical"
    truth = _truth(page)
    error = cer(truth, got.text)
    assert error <= 0.04, got.text
    lines = [line for line in got.text.splitlines() if line.strip()]
    assert len(lines) >= tier_count * 10
    assert result.archive_pdf is not None
    with pdfplumber.open(io.BytesIO(result.archive_pdf)) as pdf:
        chars = pdf.pages[0].chars
        height = float(pdf.pages[0].height)
    assert chars and all(0 <= c["top"] <= height for c in chars)
    # the words are back in page coordinates: each tier's words lie in its band
    band = got.height / tier_count
    for index in range(tier_count):
        assert any(index * band < (w.y0 + w.y1) / 2 < (index + 1) * band for w in got.words)


@pytest.mark.tesseract
def test_without_tiers_the_scan_reads_across_them(tmp_path):
    """The baseline the tiers are measured against, on the same scan."""
    services.require("tesseract")
    page = _page(2, rules=False, headline=False)
    scan = _rendered(page, tmp_path, dpi=200, seed=3)
    truth = _truth(page)
    whole = extract(scan, "image/jpeg", options=ExtractOptions(archive=False, tiers=False))
    tiered = extract(scan, "image/jpeg", options=ExtractOptions(archive=False))
    assert cer(truth, whole.pages[0].text) > 0.3
    assert cer(truth, tiered.pages[0].text) <= 0.04


def test_tiered_crop_offsets_are_mapped_back_to_the_page():
    block = tiers.Block((10, 20, 110, 220), ((50, 20, 60, 220),))
    from ocr.extract.page_ocr import _scaled

    scaled = _scaled(block, (200, 400), (400, 800))
    assert scaled.box == (20, 40, 220, 440)
    assert scaled.blank == ((100, 40, 120, 440),)


@pytest.mark.tesseract
def test_tiers_are_ocr_d_in_one_tesseract_run_page_by_page(tmp_path):
    services.require("tesseract")
    first = render(VERTICAL[:2], vertical=True, size=(700, 900))
    second = render(VERTICAL[2:], vertical=True, size=(800, 1240))
    path = tmp_path / "tiers.tif"
    first.save(path, compression="raw", save_all=True, append_images=[second], dpi=(300, 300))
    texts, words, pdf = ocr.tesseract.run_pages(
        path, 2, lang="jpn_vert", psm=5, dpi=300, timeout=60, text_layer=True
    )
    assert cer("".join(VERTICAL[:2]), texts[0]) < 0.1
    assert cer("".join(VERTICAL[2:]), texts[1]) < 0.1
    assert {w.page for w in words} == {1, 2}
    assert pdf is not None
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        assert len(document.pages) == 2


@pytest.mark.tesseract
def test_long_skewed_columns_are_straightened_before_ocr(tmp_path):
    """One tier of 70-glyph columns at 1.4 degrees: below the vertical deskew threshold,
    but each column drifts a whole pitch sideways, and jpn_vert read across columns."""
    services.require("tesseract")
    page = corpus.single_tier(_page(2, rules=False, headline=False))
    path = tmp_path / "single.pdf"
    corpus.write(page, path)
    document = pypdfium2.PdfDocument(str(path))
    image = document[0].render(scale=300 / 72, grayscale=True).to_pil().convert("L")
    document.close()
    scan = image.rotate(1.4, resample=Image.Resampling.BICUBIC, fillcolor=255)
    assert tiers.column_drift(scan, -1.4) > 0.5
    data = encode(scan)
    truth = _truth(page)
    got = extract(data, "image/png", options=ExtractOptions(archive=False)).pages[0]
    assert got.skew != 0.0
    assert cer(truth, got.text) <= 0.04
    old = extract(data, "image/png", options=ExtractOptions(archive=False, tiers=False))
    assert old.pages[0].skew == 0.0


def test_tier_analysis_copes_with_odd_page_images():
    """Random columns, rules, specks and skews (as the regression that found a "gap"
    below the text rows): the analysis answers, it does not raise."""
    for seed in range(60):
        rng = random.Random(seed)
        image = Image.new("L", (rng.randrange(80, 500), rng.randrange(80, 700)), 255)
        draw = ImageDraw.Draw(image)
        for _ in range(rng.randrange(0, 40)):
            x, y = rng.randrange(image.width), rng.randrange(image.height)
            w, h = rng.choice([(1, 1), (2, 3), (8, rng.randrange(300)), (rng.randrange(400), 1)])
            draw.rectangle((x, y, x + w, y + h), fill=rng.randrange(0, 140))
        skew = rng.uniform(-3, 3)
        blocks = tiers.image_blocks(image, skew)
        assert blocks is None or all(b.box[0] <= b.box[2] and b.box[1] <= b.box[3] for b in blocks)
        assert tiers.column_drift(image, skew) >= 0.0


def test_a_gap_found_below_the_text_rows_is_ignored():
    """The quarter-size preview of a generated 200 dpi vertical letter (binarised): its
    speck rows under the text made a "gap" below the last text row, and the tier cut
    there raised instead of leaving the page one block."""
    image = Image.open(FIXTURES / "vertical-page-specks-below-text.png").convert("L")
    assert tiers.image_blocks(image, 1.9) is None
    assert tiers.column_drift(image, 1.9) < 0.5
