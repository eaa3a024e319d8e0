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
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Union

from PIL import Image, ImageOps

from ocr import imageprep, pdftext, tesseract
from ocr.metadata import Metadata, extract_metadata
from ocr.normalize import JAPANESE_CHARS, normalize_text

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

Source = Union[bytes, str, os.PathLike, IO[bytes]]  # noqa: UP007 (a runtime alias)

PDF = "application/pdf"
IMAGE_TYPES = {
    "image/jpeg": "JPEG",
    "image/jpg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
}


# Tesseract's own line finding copes with a small skew; rotating a 300 dpi page costs
# more CPU (~0.1 s) than it gains below this angle (degrees).
MIN_DESKEW = 1.0
# jpn_vert with --psm 5 finds skewed columns itself: on generated scans (two corpus
# seeds, 300 and 200 dpi, skew up to 2 degrees) deskewing vertical pages changed the error
# rate as often up as down, and at 200 dpi the interpolation blurs small glyphs. Vertical
# pages are deskewed only beyond this angle (the estimate can be a few tenths off).
MIN_DESKEW_VERTICAL = 2.5


class ExtractionError(Exception):
    """The document as a whole cannot be extracted."""


class PasswordProtectedError(ExtractionError):
    def __init__(self) -> None:
        super().__init__("パスワード保護されたPDFです (password-protected PDF)")


class UnsupportedMediaTypeError(ExtractionError):
    pass


class PageLimitExceededError(ExtractionError):
    pass


class ImageTooLargeError(ExtractionError):
    """Raised only by :func:`check_image_size`; inside a document it is a page error."""


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
    archive: bool = True  # build the searchable archive PDF for scanned input
    archive_to: str | os.PathLike[str] | IO[bytes] | None = None  # None: bytes in result
    tesseract_cmd: str = field(default_factory=_default_tesseract)
    on_page: Callable[[Page], None] | None = None  # progress: called after each page


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
    text: str = ""  # normalised (ocr.normalize.normalize_text)
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


# --- input -----------------------------------------------------------------------------


@contextlib.contextmanager
def _as_path(source: Source) -> Iterator[Path]:
    if isinstance(source, str | os.PathLike):
        yield Path(source)
        return
    with tempfile.TemporaryDirectory(prefix="kiroku-src-") as tmp:
        path = Path(tmp) / "source"
        with open(path, "wb") as out:
            if isinstance(source, bytes | bytearray | memoryview):
                out.write(source)
            else:
                shutil.copyfileobj(source, out, 1 << 20)
        yield path


def _sniff(path: Path) -> str | None:
    with open(path, "rb") as f:
        head = f.read(1024)
    if b"%PDF-" in head:
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "image/tiff"
    return None


def check_image_size(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise ImageTooLargeError(
            f"画像が大きすぎます (image too large): {width}x{height} = {width * height} "
            f"pixels, limit {max_pixels}"
        )


# --- OCR of one page image ---------------------------------------------------------------


@dataclass
class _OcrPage:
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


class _PageImage:
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


def _ocr_image(page: _PageImage, dpi: float, options: ExtractOptions, work: Path) -> _OcrPage:
    deadline = time.monotonic() + options.page_timeout

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise tesseract.TesseractTimeout(
                f"tesseract did not finish within {options.page_timeout:g} s"
            )
        return left

    def read(rotation: int, direction: str | None, layout: imageprep.Layout | None) -> _OcrPage:
        turned = None
        if rotation:
            turned = imageprep.rotate_page(page.gray(), rotation)
            layout = imageprep.analyse(turned)
        assert layout is not None
        direction = direction or layout.direction
        least = MIN_DESKEW_VERTICAL if direction == "vertical" else MIN_DESKEW
        skew = layout.skew if options.deskew and abs(layout.skew) >= least else 0.0
        if turned is None and not skew and page.jpeg is not None:
            path, size = work / "page.jpg", page.size
            path.write_bytes(page.jpeg)
        else:
            processed = imageprep.rotate_page(
                turned or page.gray(), skew, layout.text_box, layout.paper
            )
            path, size = work / "page.tif", processed.size  # uncompressed: fastest to read
            processed.save(path, compression="raw")  # not the source TIFF's (CCITT G4)
            del processed
        vertical = direction == "vertical"
        result = tesseract.run(
            path,
            lang=options.vertical_language if vertical else options.horizontal_language,
            psm=5 if vertical else 3,
            dpi=round(dpi),
            timeout=remaining(),
            text_layer=options.archive,
            command=options.tesseract_cmd,
        )
        return _OcrPage(result, direction, rotation, skew, size)

    layout = imageprep.analyse(page.preview())
    if layout.ink < imageprep.BLANK_INK:  # blank page: nothing to read
        return _OcrPage(None, "horizontal", 0, 0.0, page.size)
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


_J = f"[{JAPANESE_CHARS}]"
_N = r"[0-9A-Za-z()\[\].,:;%/~+\-]"
# In Japanese OCR output a space between a Japanese character and a digit, Latin letter or
# bracket is Tesseract's spacing, not the writer's (令和 6 年 4 月, 金 1,000 円, (税込 )).
_OCR_SPACE = re.compile(rf"(?<={_J}) +(?={_N})|(?<={_N}) +(?={_J})|(?<=[(\[]) +| +(?=[)\]])")


def ocr_text(raw: str) -> str:
    """Normalised text of an OCR reading: :func:`normalize_text` and Tesseract's spaces."""
    return _OCR_SPACE.sub("", normalize_text(raw)).strip()


def _ocr_page_record(number: int, outcome: _OcrPage, dpi: float) -> Page:
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


def _failed(number: int, code: str, message: str, **size: float) -> Page:
    error = PageError(number, code, message)
    return Page(
        number, size.get("width", 0.0), size.get("height", 0.0), "pt", "none", "horizontal",
        errors=(error,),
    )  # fmt: skip


def _ocr_failure(number: int, exc: Exception) -> Page:
    if isinstance(exc, ImageTooLargeError):
        return _failed(number, "image_too_large", str(exc))
    if isinstance(exc, tesseract.TesseractTimeout):
        return _failed(number, "ocr_timeout", str(exc))
    return _failed(number, "ocr_failed", f"{type(exc).__name__}: {exc}")


# --- PDF -----------------------------------------------------------------------------------


def _open_pdf(path: Path) -> Any:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return pdfplumber.open(path)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise PasswordProtectedError() from exc
    except Exception as exc:
        cause = exc.__cause__ or exc.__context__
        if (
            isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError)
            or "password" in str(exc).lower()
        ):
            raise PasswordProtectedError() from exc
        raise ExtractionError(f"PDFを開けません (cannot open PDF): {exc}") from exc


# Parsed objects kept between pages before all are dropped (a few hundred bytes each).
MAX_CACHED_OBJECTS = 20_000


def _forget_parsed_objects(pdf: Any) -> None:
    """Drop the streams from pdfminer's cache of parsed objects (images, content streams,
    font programs: the data), so that memory does not grow with the page count.

    The small objects stay: the page tree, resource and font dictionaries that the next
    pages share (re-parsing them for every page cost a fifth of a born-digital page's
    time). Fonts themselves stay cached by pdfminer's resource manager.
    """
    from pdfminer.pdftypes import PDFStream

    document = getattr(pdf, "doc", None)
    cached = getattr(document, "_cached_objs", None)
    parsed = getattr(document, "_parsed_objs", None)
    if cached is None or parsed is None:
        return
    if len(cached) + len(parsed) > MAX_CACHED_OBJECTS:
        cached.clear()
        parsed.clear()
        return
    # (the objects unpacked from object streams, ``parsed``, are never streams)
    streams = [objid for objid, (obj, _) in cached.items() if isinstance(obj, PDFStream)]
    for objid in streams:
        del cached[objid]


def _render(document: Any, index: int, options: ExtractOptions) -> tuple[Image.Image, float]:
    page = document[index]
    try:
        width, height = page.get_size()
        if page.get_rotation() % 180:
            width, height = height, width
        dpi = float(options.dpi)
        pixels = width * height * (dpi / 72) ** 2
        if pixels > options.max_pixels:  # a poster: read it at a lower resolution
            dpi *= (options.max_pixels / pixels) ** 0.5
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        try:
            image = bitmap.to_pil().copy()
        finally:
            bitmap.close()
    finally:
        page.close()
    return image, dpi


def _content_damage(page: Any) -> str | None:
    """Why the page's content streams cannot be decoded, or None when they can.

    pdfminer skips an undecodable content stream with a log warning and reports an empty
    page; the page is still rendered and OCR'd, but it is listed as damaged.
    """
    import pikepdf

    contents = page.obj.get("/Contents")
    streams = contents if isinstance(contents, pikepdf.Array) else [contents]
    try:
        for stream in streams:
            if stream is not None:
                stream.read_bytes()
    except pikepdf.PdfError as exc:
        return f"content stream cannot be decoded: {exc}"
    return None


def _scanned_image(page: Any, options: ExtractOptions) -> tuple[_PageImage, float] | None:
    """The page's scan itself, when the page is nothing but one image covering it.

    A scanner's PDF page draws one image over the whole page; decoding that image gives
    the scanned pixels at their own resolution, faster than rendering the page (and
    without resampling). Anything else (rotation, several images, masks, text, vector
    content, an unusual resolution or a codec Pillow lacks) returns None: render it.
    """
    import pikepdf

    if int(page.obj.get("/Rotate", 0)) % 360:
        return None
    operations = list(pikepdf.parse_content_stream(page))
    operators = [str(op) for _operands, op in operations]
    if sorted(set(operators)) != ["Do", "Q", "cm", "q"]:
        return None
    if operators.count("Do") != 1 or operators.count("cm") != 1:
        return None
    name = next(operands[0] for operands, op in operations if str(op) == "Do")
    stream = page.obj.get("/Resources", {}).get("/XObject", {}).get(name)
    if stream is None or stream.get("/Subtype") != "/Image":
        return None
    if any(key in stream for key in ("/SMask", "/Mask", "/Decode", "/ImageMask")):
        return None
    matrix = next(operands for operands, op in operations if str(op) == "cm")
    a, b, c, d, e, f = (float(v) for v in matrix)
    x0, y0, x1, y1 = (float(v) for v in page.cropbox)
    if b or c or abs(a - (x1 - x0)) > 1 or abs(d - (y1 - y0)) > 1:
        return None
    if abs(e - x0) > 1 or abs(f - y0) > 1:
        return None
    width, height = int(stream.Width), int(stream.Height)
    dpi = width * 72 / (x1 - x0)
    if not 150 <= dpi <= 600 or abs(height * 72 / (y1 - y0) - dpi) > 1:
        return None
    if width * height > options.max_pixels:
        return None  # rendered at a lower resolution instead
    plain_jpeg = (
        stream.get("/Filter") == "/DCTDecode"
        and stream.get("/ColorSpace") in ("/DeviceGray", "/DeviceRGB")
        and stream.get("/BitsPerComponent") == 8
    )
    if plain_jpeg:
        jpeg = stream.read_raw_bytes()
        return _PageImage(lambda: Image.open(io.BytesIO(jpeg)), (width, height), jpeg), round(
            dpi, 1
        )
    try:
        image = pikepdf.PdfImage(stream).as_pil_image()
    except Exception:  # JBIG2 without jbig2dec, unusual colour spaces: render instead
        return None
    return _PageImage(lambda: image, image.size, None), round(dpi, 1)


def _extract_pdf(path: Path, options: ExtractOptions, work: Path) -> tuple[list[Page], Any]:
    import pikepdf
    import pypdfium2

    from ocr.archive import PdfArchive

    pages: list[Page] = _Pages(options)
    archive: PdfArchive | None = None
    document = None
    scans = None
    with _open_pdf(path) as pdf:
        count = len(pdf.pages)
        if count > options.max_pages:
            raise PageLimitExceededError(
                f"ページ数が上限を超えています (too many pages): {count} > {options.max_pages}"
            )
        for index in range(count):
            number = index + 1
            problem: str | None = "OCR forced"
            text_error: PageError | None = None
            width = height = 0.0
            try:
                page = pdf.pages[index]
                width, height = float(page.width), float(page.height)
                try:
                    found = pdftext.page_text(page)
                    if not options.force_ocr:
                        problem = pdftext.text_layer_problem(page, found)
                finally:
                    page.close()
                    _forget_parsed_objects(pdf)
            except Exception as exc:  # a corrupt page: try to render it instead
                text_error = PageError(number, "corrupt_page", f"{type(exc).__name__}: {exc}")
                problem = "text layer unreadable"
            if problem is None:
                raw = found.text
                pages.append(
                    Page(
                        number=number,
                        width=width,
                        height=height,
                        unit="pt",
                        source="text_layer",
                        writing_direction=found.direction,
                        text=normalize_text(raw).strip(),
                        raw_text=raw,
                        words=tuple(
                            Word(w.text, w.x0, w.top, w.x1, w.bottom, 100.0) for w in found.words
                        ),
                    )
                )
                continue
            try:
                if scans is None:
                    scans = pikepdf.open(path)
                damage = _content_damage(scans.pages[index])
                if damage is not None and text_error is None:
                    text_error = PageError(number, "corrupt_page", damage)
                found_image = _scanned_image(scans.pages[index], options)
                if found_image is not None:
                    page_image, dpi = found_image
                else:
                    if document is None:
                        document = pypdfium2.PdfDocument(str(path))
                    rendered, dpi = _render(document, index, options)
                    page_image = _PageImage(lambda r=rendered: r, rendered.size, None)
                    del rendered
                outcome = _ocr_image(page_image, dpi, options, work)
                del page_image
                record = _ocr_page_record(number, outcome, round(dpi, 1))
                if (
                    options.archive
                    and outcome.result
                    and outcome.result.pdf
                    and outcome.result.words
                ):
                    if archive is None:
                        archive = PdfArchive(path)
                    archive.add_text_layer(index, outcome.result.pdf, outcome.applied)
            except Exception as exc:
                record = _ocr_failure(number, exc)
                if text_error is not None:
                    record = _failed(number, "corrupt_page", f"{text_error.message}; {exc}")
                pages.append(record)
                continue
            if text_error is not None:
                record = _with_errors(record, text_error)
            pages.append(record)
    if document is not None:
        document.close()
    if scans is not None:
        scans.close()
    return pages, archive


class _Pages(list):
    """The pages extracted so far; reports each new one to ``options.on_page``."""

    def __init__(self, options: ExtractOptions):
        super().__init__()
        self._on_page = options.on_page

    def append(self, page: Page) -> None:
        super().append(page)
        if self._on_page is not None:
            self._on_page(page)


def _with_errors(page: Page, *errors: PageError) -> Page:
    from dataclasses import replace

    return replace(page, errors=page.errors + errors)


# --- images --------------------------------------------------------------------------------


def _loader(path: Path) -> Callable[[], Image.Image]:
    def load() -> Image.Image:
        with Image.open(path) as image:
            image.load()
            return image

    return load


def _extract_image(path: Path, options: ExtractOptions, work: Path) -> tuple[list[Page], Any]:
    from ocr.archive import ImageArchive

    pages: list[Page] = _Pages(options)
    archive = ImageArchive() if options.archive else None
    try:
        with Image.open(path) as image:
            count = getattr(image, "n_frames", 1)
            if count > options.max_pages:
                raise PageLimitExceededError(
                    f"ページ数が上限を超えています (too many pages): {count} > {options.max_pages}"
                )
            for index in range(count):
                number = index + 1
                try:
                    image.seek(index)
                    check_image_size(image.width, image.height, options.max_pixels)
                    dpi_info = image.info.get("dpi") or (0, 0)
                    dpi = round(float(dpi_info[0])) if dpi_info[0] >= 50 else options.dpi
                    upright = image.getexif().get(0x0112, 1) == 1
                    if image.format == "JPEG" and image.mode in ("L", "RGB") and upright:
                        jpeg = path.read_bytes()  # passed to Tesseract and archived as it is
                        frame = image
                        page_image = _PageImage(_loader(path), image.size, jpeg)
                    else:
                        jpeg = None
                        frame = ImageOps.exif_transpose(image.copy())
                        page_image = _PageImage(lambda f=frame: f, frame.size, None)
                    outcome = _ocr_image(page_image, dpi, options, work)
                    del page_image
                    pages.append(_ocr_page_record(number, outcome, dpi))
                    if archive is not None:
                        archive.add_page(
                            frame,
                            dpi,
                            jpeg=jpeg,
                            text_pdf=outcome.result.pdf if outcome.result else None,
                            applied_rotation=outcome.applied,
                        )
                    del frame
                except ImageTooLargeError as exc:
                    pages.append(_failed(number, "image_too_large", str(exc)))
                except (tesseract.TesseractError, OSError, ValueError) as exc:
                    pages.append(_ocr_failure(number, exc))
    except Image.DecompressionBombError as exc:
        pages.append(_failed(1, "image_too_large", str(exc)))
    except (Image.UnidentifiedImageError, OSError) as exc:
        if archive is not None:
            archive.close()
        raise ExtractionError(f"画像を読めません (cannot read image): {exc}") from exc
    return pages, archive


# --- whole document ----------------------------------------------------------------------


def _language(text: str) -> str:
    japanese = len(re.findall(f"[{JAPANESE_CHARS}]", text))
    latin = len(re.findall(r"[A-Za-z]", text))
    if japanese and japanese * 5 >= latin:
        return "ja"
    if latin:
        return "en"
    return "und"


def extract(
    source: Source, media_type: str | None, *, options: ExtractOptions | None = None
) -> Extraction:
    """Extract the text of a PDF or image (bytes, a path, or a binary file).

    Raises :class:`PasswordProtectedError`, :class:`PageLimitExceededError`,
    :class:`UnsupportedMediaTypeError` or :class:`ExtractionError` for the document as a
    whole; page-level failures are reported in ``Extraction.errors``.
    """
    options = options or ExtractOptions()
    with _as_path(source) as path, tempfile.TemporaryDirectory(prefix="kiroku-ocr-") as tmp:
        work = Path(tmp)
        declared = (media_type or "").split(";")[0].strip().lower()
        sniffed = _sniff(path)
        kind = declared if declared in (PDF, *IMAGE_TYPES) else sniffed
        if (
            sniffed is not None
            and kind != sniffed
            and not (kind in IMAGE_TYPES and sniffed in IMAGE_TYPES)
        ):
            kind = sniffed  # the bytes decide (Pillow reads any image type by content)
        if kind == PDF:
            pages, archive = _extract_pdf(path, options, work)
        elif kind in IMAGE_TYPES:
            pages, archive = _extract_image(path, options, work)
        else:
            raise UnsupportedMediaTypeError(
                f"対応していない形式です (unsupported media type): {media_type!r}"
            )
        archive_pdf = None
        written = pdfa = False
        if archive is not None:
            try:
                built = getattr(archive, "overlaid", 1) > 0 and any(
                    p.source == "ocr" for p in pages
                )
                if built:
                    target = options.archive_to if options.archive_to is not None else io.BytesIO()
                    if kind == PDF:
                        archive.write(target)
                    else:
                        archive.write(target, title=Path(str(path)).name)
                        pdfa = True
                    if isinstance(target, io.BytesIO) and options.archive_to is None:
                        archive_pdf = target.getvalue()
                    else:
                        written = True
            finally:
                archive.close()
    raw = "\f".join(p.raw_text for p in pages)
    text = "\n\n".join(p.text for p in pages)
    return Extraction(
        media_type=kind,
        pages=tuple(pages),
        text=text,
        raw_text=raw,
        language=_language(text),
        metadata=extract_metadata(text),
        errors=tuple(e for p in pages for e in p.errors),
        archive_pdf=archive_pdf,
        # a PDF that gained no text layer (born-digital, or only blank pages OCR'd)
        archive_is_original=kind == PDF and archive_pdf is None and not written,
        archive_pdfa=pdfa,
        archive_written=written,
    )
