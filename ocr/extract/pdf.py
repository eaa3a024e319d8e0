"""The PDF path: each page from its text layer (pdfplumber) when that is usable, else OCR'd
from its scanned image (pikepdf) or a rendering (pypdfium2), its text layer overlaid on the
original page in the archive.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from PIL import Image

from ja.normalize import normalize_text
from ocr import pdftext
from ocr.extract.errors import ExtractionError, PageLimitExceededError, PasswordProtectedError
from ocr.extract.options import ExtractOptions
from ocr.extract.page_ocr import (
    PageImage,
    ProgressPages,
    failed_page,
    failure_page,
    ocr_page_image,
    page_record,
    with_errors,
)
from ocr.extract.results import Page, PageError, Word
from ocr.source import SourceFile


def _text_layer(source: SourceFile) -> Any:
    """The source's pdfplumber document; a password or a damaged file is the document's error."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        return source.pdfplumber()
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


def _scanned_image(page: Any, options: ExtractOptions) -> tuple[PageImage, float] | None:
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
        return PageImage(lambda: Image.open(io.BytesIO(jpeg)), (width, height), jpeg), round(dpi, 1)
    try:
        image = pikepdf.PdfImage(stream).as_pil_image()
    except Exception:  # JBIG2 without jbig2dec, unusual colour spaces: render instead
        return None
    return PageImage(lambda: image, image.size, None), round(dpi, 1)


def extract_pdf(source: SourceFile, options: ExtractOptions, work: Path) -> tuple[list[Page], Any]:
    """The pages of the PDF; each library reads it through ``source`` (which the caller
    closes), so the file is opened once per library however many pages need it."""
    from ocr.archive import PdfArchive

    pages: list[Page] = ProgressPages(options)
    archive: PdfArchive | None = None
    pdf = _text_layer(source)
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
            scans = source.pikepdf()
            damage = _content_damage(scans.pages[index])
            if damage is not None and text_error is None:
                text_error = PageError(number, "corrupt_page", damage)
            found_image = _scanned_image(scans.pages[index], options)
            if found_image is not None:
                page_image, dpi = found_image
            else:
                rendered, dpi = _render(source.pypdfium2(), index, options)
                page_image = PageImage(lambda r=rendered: r, rendered.size, None)
                del rendered
            outcome = ocr_page_image(page_image, dpi, options, work)
            del page_image
            record = page_record(number, outcome, round(dpi, 1))
            if options.archive and outcome.result and outcome.result.pdf and outcome.result.words:
                if archive is None:
                    archive = PdfArchive(scans)
                archive.add_text_layer(index, outcome.result.pdf, outcome.applied)
        except Exception as exc:
            record = failure_page(number, exc)
            if text_error is not None:
                record = failed_page(number, "corrupt_page", f"{text_error.message}; {exc}")
            pages.append(record)
            continue
        if text_error is not None:
            record = with_errors(record, text_error)
        pages.append(record)
    return pages, archive
