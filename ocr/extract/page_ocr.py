"""One page image in, one ``Page`` out: the OCR strategy shared by the PDF and image paths.

Writing direction and skew from a preview, deskew when it pays, one Tesseract run, and
only for a page that reads badly a second reading (orientation detection, or the other
writing direction) of which the more confident wins. Also the page records both paths
build: an OCR'd page, a failed page, and the page list that reports progress.
"""

from __future__ import annotations

import contextlib
import io
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pikepdf
from PIL import Image

from ja.normalize import JAPANESE_CHARS, normalize_text
from ocr import charboxes, imageprep, tesseract, tiers
from ocr.extract.errors import ImageTooLargeError
from ocr.extract.options import ExtractOptions
from ocr.extract.results import Page, PageError, Word

# Tesseract's own line finding copes with a small skew; rotating a 300 dpi page costs
# more CPU (~0.1 s) than it gains below this angle (degrees).
MIN_DESKEW = 1.0
# jpn_vert with --psm 5 finds skewed columns itself: on generated scans (two corpus
# seeds, 300 and 200 dpi, skew up to 2 degrees) deskewing vertical pages changed the error
# rate as often up as down, and at 200 dpi the interpolation blurs small glyphs. Vertical
# pages are deskewed only beyond this angle (the estimate can be a few tenths off).
MIN_DESKEW_VERTICAL = 2.5
# ... unless the columns are long: at 1.3 degrees a 70-glyph column moves a whole column
# pitch sideways and jpn_vert reads across columns (CER 72 % on such a generated page).
MAX_COLUMN_DRIFT = 0.5  # column pitches over the text's height


@dataclass
class OcrOutcome:
    result: tesseract.OcrResult | None
    direction: str
    rotation: int
    skew: float
    size: tuple[int, int]

    @property
    def applied(self) -> float:
        return self.rotation + self.skew


def _score(result: tesseract.OcrResult, most_chars: int) -> float:
    if not result.character_count:
        return 0.0
    return result.mean_confidence * min(1.0, result.character_count / max(1, 0.5 * most_chars))


class PageImage:
    """A page image, decoded only as far as each step needs.

    A scanner's JPEG that needs no turning or deskewing goes to Tesseract as it is (which
    then decodes it once, exactly as plain ``tesseract page.jpg`` does); the analysis
    reads a quarter-size preview that libjpeg decodes at a fraction of the cost.
    """

    def __init__(self, load: Callable[[], Image.Image], size: tuple[int, int], jpeg: bytes | None):
        self._load = load
        self._gray: Image.Image | None = None
        self.size = size
        self.jpeg = jpeg

    def gray(self) -> Image.Image:
        if self._gray is None:
            self._gray = imageprep.to_grayscale(self._load())
        return self._gray

    def preview(self) -> Image.Image:
        if self.jpeg is None:
            return self.gray()
        image = Image.open(io.BytesIO(self.jpeg))
        image.draft("L", (image.width // 4, image.height // 4))
        return imageprep.to_grayscale(image)


def ocr_page_image(page: PageImage, dpi: float, options: ExtractOptions, work: Path) -> OcrOutcome:
    deadline = time.monotonic() + options.page_timeout

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise tesseract.TesseractTimeout(
                f"tesseract did not finish within {options.page_timeout:g} s"
            )
        return left

    def read(rotation: int, direction: str | None, layout: imageprep.Layout | None) -> OcrOutcome:
        turned = None
        if rotation:
            turned = imageprep.rotate_page(page.gray(), rotation)
            layout = imageprep.analyse(turned)
        assert layout is not None
        direction = direction or layout.direction
        least = MIN_DESKEW_VERTICAL if direction == "vertical" else MIN_DESKEW
        if (
            direction == "vertical"
            and options.tiers
            and turned is None
            and MIN_DESKEW <= abs(layout.skew) < least
            and (
                _tier_blocks(page.preview(), layout.skew)
                or _column_drift(page.preview(), layout.skew) > MAX_COLUMN_DRIFT
            )
        ):
            # a 段組 page is cut along straight rows, and long columns drift into their
            # neighbours: straighten those from MIN_DESKEW on
            least = MIN_DESKEW
        skew = layout.skew if options.deskew and abs(layout.skew) >= least else 0.0
        vertical = direction == "vertical"
        processed = None
        if turned is None and not skew and page.jpeg is not None:
            path, size = work / "page.jpg", page.size
            path.write_bytes(page.jpeg)
        else:
            processed = imageprep.rotate_page(
                turned or page.gray(), skew, layout.text_box, layout.paper
            )
            path, size = work / "page.tif", processed.size  # uncompressed: fastest to read
            processed.save(path, compression="raw")  # not the source TIFF's (CCITT G4)
        blocks = None
        if vertical and options.tiers:
            # 段組: found on the image Tesseract reads (the preview when it reads the JPEG)
            found = processed if processed is not None else page.preview()
            # a skew below MIN_DESKEW is left in the image: the rows are found across it
            blocks = _tier_blocks(found, 0.0 if skew else layout.skew)
            if blocks:
                full = processed if processed is not None else page.gray()
                blocks = [_scaled(b, found.size, full.size) for b in blocks]
                paper = 255 if layout.paper is None else layout.paper
                result = _read_blocks(full, blocks, paper, dpi, options, work, remaining)
                return OcrOutcome(result, direction, rotation, skew, size)
        result = tesseract.run(
            path,
            lang=options.vertical_language if vertical else options.horizontal_language,
            psm=5 if vertical else 3,
            dpi=round(dpi),
            timeout=remaining(),
            text_layer=options.archive,
            command=options.tesseract_cmd,
        )
        if options.char_boxes:  # hit boxes on the characters, not where the LSTM put them
            ink = processed if processed is not None else page.gray()
            # on any surprise: Tesseract's boxes, as before, rather than no page
            with contextlib.suppress(ValueError, ArithmeticError, IndexError, pikepdf.PdfError):
                result = charboxes.refine(result, ink, vertical, dpi)
        return OcrOutcome(result, direction, rotation, skew, size)

    layout = imageprep.analyse(page.preview())
    if layout.ink < imageprep.BLANK_INK:  # blank page: nothing to read
        return OcrOutcome(None, "horizontal", 0, 0.0, page.size)
    first = read(0, None, layout)
    assert first.result is not None
    if first.result.mean_confidence >= options.retry_confidence:
        return first
    candidates = [first]
    half_path = work / "osd.tif"
    page.gray().reduce(2).save(half_path, compression="raw")
    orientation = tesseract.detect_osd(
        half_path, timeout=remaining(), command=options.tesseract_cmd
    )
    if orientation is not None and orientation.rotate and orientation.confidence >= 2.0:
        candidates.append(read(orientation.rotate, None, None))
    else:
        other = "horizontal" if first.direction == "vertical" else "vertical"
        candidates.append(read(0, other, layout))
    most = max(c.result.character_count for c in candidates if c.result)
    return max(candidates, key=lambda c: _score(c.result, most) if c.result else 0.0)


def _tier_blocks(image: Image.Image, skew: float) -> list[tiers.Block] | None:
    # The tiers are an improvement on the one-block reading: a page on which their
    # analysis trips over some geometry is read as one block rather than lost.
    try:
        return tiers.image_blocks(image, skew)
    except (ValueError, ArithmeticError, IndexError):
        return None


def _column_drift(image: Image.Image, skew: float) -> float:
    try:
        return tiers.column_drift(image, skew)
    except (ValueError, ArithmeticError, IndexError):
        return 0.0


def _scaled(block: tiers.Block, found: tuple[int, int], full: tuple[int, int]) -> tiers.Block:
    if found == full:
        return block
    fx, fy = full[0] / found[0], full[1] / found[1]

    def scale(box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        return (
            round(box[0] * fx), round(box[1] * fy),
            min(full[0], round(box[2] * fx)), min(full[1], round(box[3] * fy)),
        )  # fmt: skip

    return tiers.Block(scale(block.box), tuple(scale(b) for b in block.blank))


# white margin around a tier's crop (px at 300 dpi): Tesseract's line finding wants some
TIER_MARGIN = 24


def _read_blocks(
    image: Image.Image,
    blocks: list[tiers.Block],
    paper: int,
    dpi: float,
    options: ExtractOptions,
    work: Path,
    remaining: Callable[[], float],
) -> tesseract.OcrResult:
    """OCR each tier (and spanning headline) of a 段組 page on its own, in reading order;
    words are moved back to page coordinates and the text pages combined into one."""
    from ocr.archive import combine_text_pages

    margin = round(TIER_MARGIN * dpi / 300)
    crops, origins = [], []
    for block in blocks:
        x0, y0, x1, y1 = block.box
        x0, y0 = max(0, x0 - margin), max(0, y0 - margin)
        x1, y1 = min(image.width, x1 + margin), min(image.height, y1 + margin)
        crop = image.crop((x0, y0, x1, y1))
        for bx0, by0, bx1, by1 in block.blank:
            crop.paste(paper, (bx0 - x0, by0 - y0, bx1 - x0, by1 - y0))
        crops.append(crop)
        origins.append((x0, y0))
    # one multi-page TIFF, one Tesseract run: the model loads once, not once per tier
    path = work / "tiers.tif"
    crops[0].save(path, compression="raw", save_all=True, append_images=crops[1:])
    texts, found, text_pdf = tesseract.run_pages(
        path,
        len(crops),
        lang=options.vertical_language,
        psm=5,
        dpi=round(dpi),
        timeout=remaining(),
        text_layer=options.archive,
        command=options.tesseract_cmd,
    )
    texts = [t.strip("\n") for t in texts]
    if options.char_boxes:  # as for a page read whole (see ocr_page_image)
        with contextlib.suppress(ValueError, ArithmeticError, IndexError, pikepdf.PdfError):
            found, text_pdf = charboxes.refine_pages(found, text_pdf, crops, dpi)
    words = []
    for w in found:
        x0, y0 = origins[w.page - 1]
        # blocks numbered apart per tier: lines of different tiers never merge downstream
        words.append(replace(w, left=w.left + x0, top=w.top + y0, block=w.block + 1000 * w.page))
    pdf = None
    if options.archive and text_pdf is not None:
        size = (image.width * 72 / dpi, image.height * 72 / dpi)
        placements = [(i, x * 72 / dpi, y * 72 / dpi) for i, (x, y) in enumerate(origins)]
        pdf = combine_text_pages(size, text_pdf, placements)
    return tesseract.OcrResult(
        text="\n".join(t for t in texts if t) + "\n", words=tuple(words), pdf=pdf
    )


_J = f"[{JAPANESE_CHARS}]"
_N = r"[0-9A-Za-z()\[\].,:;%/~+\-]"
# In Japanese OCR output a space between a Japanese character and a digit, Latin letter or
# bracket is Tesseract's spacing, not the writer's (令和 6 年 4 月, 金 1,000 円, (税込 )).
_OCR_SPACE = re.compile(rf"(?<={_J}) +(?={_N})|(?<={_N}) +(?={_J})|(?<=[(\[]) +| +(?=[)\]])")


def ocr_text(raw: str) -> str:
    """Normalised text of an OCR reading: :func:`normalize_text` and Tesseract's spaces."""
    return _OCR_SPACE.sub("", normalize_text(raw)).strip()


def page_record(number: int, outcome: OcrOutcome, dpi: float) -> Page:
    result = outcome.result
    if result is None:
        return Page(
            number, outcome.size[0], outcome.size[1], "px", "ocr", "horizontal", dpi=dpi,
            confidence=None,
        )  # fmt: skip
    raw = result.text
    words = tuple(
        Word(w.text, w.left, w.top, w.left + w.width, w.top + w.height, round(w.confidence, 1))
        for w in result.words
    )
    return Page(
        number=number,
        width=outcome.size[0],
        height=outcome.size[1],
        unit="px",
        source="ocr",
        writing_direction=outcome.direction,
        rotation=outcome.rotation,
        skew=outcome.skew,
        dpi=dpi,
        text=ocr_text(raw),
        raw_text=raw,
        words=words,
        confidence=round(result.mean_confidence, 1),
    )


def failed_page(number: int, code: str, message: str, **size: float) -> Page:
    error = PageError(number, code, message)
    return Page(
        number, size.get("width", 0.0), size.get("height", 0.0), "pt", "none", "horizontal",
        errors=(error,),
    )  # fmt: skip


def failure_page(number: int, exc: Exception) -> Page:
    if isinstance(exc, ImageTooLargeError):
        return failed_page(number, "image_too_large", str(exc))
    if isinstance(exc, tesseract.TesseractTimeout):
        return failed_page(number, "ocr_timeout", str(exc))
    return failed_page(number, "ocr_failed", f"{type(exc).__name__}: {exc}")


class ProgressPages(list):
    """The pages extracted so far; reports each new one to ``options.on_page``."""

    def __init__(self, options: ExtractOptions):
        super().__init__()
        self._on_page = options.on_page

    def append(self, page: Page) -> None:
        super().append(page)
        if self._on_page is not None:
            self._on_page(page)


def with_errors(page: Page, *errors: PageError) -> Page:
    return replace(page, errors=page.errors + errors)
