"""The searchable archive copy of a scanned document: original page images + invisible text.

Tesseract writes, for each page, a text-only PDF (``-c textonly_pdf=1``): invisible text
(render mode 3, its embedded GlyphLessFont) laid out on the page image it read. That page
is placed as a Form XObject over the *original* page, with the matrix that undoes the
rotation and deskew applied before OCR, so the archive shows exactly the pixels that were
scanned:

* PDF input: in the original, opened with pikepdf (lazily, from disk), OCR'd pages get
  the overlay, everything else (born-digital pages of a mixed PDF, bookmarks, …) is kept as
  it is, and the result is written to a new file. The original is never modified.
* Image input (JPEG, PNG, TIFF): each page is a new PDF page holding the original image
  (JPEG bytes passed through unchanged, other images losslessly Flate-encoded) plus the
  overlay. Pages are written one by one to temporary single-page files and merged at the
  end (QPDF copies their streams lazily at write time), so memory does not grow with the
  page count.

PDF/A-2b: for image input the archive is declared PDF/A-2b (XMP ``pdfaid``, an sRGB
OutputIntent, document ID, embedded fonts only, no transparency). It is not validated here
(no veraPDF in the toolchain). For PDF input the original page content (fonts, transparency)
is outside our control, so no conformance is claimed; making it PDF/A would mean
re-rendering through Ghostscript, which re-encodes every image.
"""

from __future__ import annotations

import functools
import io
import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import IO, Any

import pikepdf
from PIL import Image, ImageCms

__all__ = [
    "ImageArchive",
    "PdfArchive",
    "combine_text_pages",
    "fit_words_to_boxes",
    "overlay_matrix",
]

MERGE_CHUNK = 100  # single-page files merged per step (bounded open files)


def overlay_matrix(
    *,
    text_size: tuple[float, float],
    box: tuple[float, float, float, float],
    page_rotate: int,
    applied_rotation: float,
) -> tuple[float, ...]:
    """``cm`` operands placing Tesseract's text page over the original page.

    ``text_size``: the text page (= processed image) in points; ``box``: the original page's
    visible box in user space; ``page_rotate``: its /Rotate; ``applied_rotation``: degrees
    counter-clockwise the image was rotated (orientation + deskew) before OCR.
    """
    theta = math.radians(page_rotate - applied_rotation)
    cos, sin = math.cos(theta), math.sin(theta)
    cpx, cpy = text_size[0] / 2, text_size[1] / 2
    bx, by = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return (
        cos,
        sin,
        -sin,
        cos,
        bx - (cos * cpx - sin * cpy),
        by - (sin * cpx + cos * cpy),
    )


def _format_matrix(matrix: tuple[float, ...]) -> bytes:
    return " ".join(f"{v:.6f}" for v in matrix).encode() + b" cm"


_SPACE = b"\x00 "  # U+0020 in the text layer's two-byte encoding (GlyphLessFont)


def fit_words_to_boxes(pdf: pikepdf.Pdf, page: pikepdf.Page) -> int:
    """Stretch each word of Tesseract's text layer over its own box; returns how many.

    Tesseract's PDF renderer writes each word followed by a space glyph and sets the
    horizontal scaling (``Tz``) so that the word *and* its space fill the word's box: the
    invisible glyphs of a two-character word cover two thirds of the scanned word, those
    of a one-character word half of it, and a viewer highlights that much of a hit. All
    glyphs of the GlyphLessFont have the same width, so scaling by n / (n - 1) makes the
    n - 1 glyphs of the word span its box; the space goes past the end of the box, into
    the gap after the word. Each word is placed by its own ``Td``, so nothing moves.
    """
    operations = pikepdf.parse_content_stream(page)
    fitted = 0
    scaling: int | None = None  # index of the Tz instruction in force
    for index, (operands, operator) in enumerate(operations):
        name = str(operator)
        if name == "Tz":
            scaling = index
        elif name == "TJ" and scaling is not None and operands:
            strings = [item for item in operands[0] if isinstance(item, pikepdf.String)]
            shown = b"".join(bytes(item) for item in strings)
            glyphs = len(shown) // 2
            if glyphs >= 2 and shown.endswith(_SPACE):
                value = float(operations[scaling].operands[0]) * glyphs / (glyphs - 1)
                operations[scaling] = pikepdf.ContentStreamInstruction(
                    [round(value, 3)], pikepdf.Operator("Tz")
                )
                fitted += 1
            scaling = None  # the next word sets its own
    if fitted:
        page.obj.Contents = pikepdf.Stream(pdf, pikepdf.unparse_content_stream(operations))
    return fitted


def _add_overlay(pdf: pikepdf.Pdf, page: pikepdf.Page, text_pdf: bytes, matrix: tuple) -> None:
    with pikepdf.open(io.BytesIO(text_pdf)) as text:
        fit_words_to_boxes(text, text.pages[0])
        form = pdf.copy_foreign(text.pages[0].as_form_xobject())
    name = page.add_resource(form, pikepdf.Name.XObject, prefix="OCR")
    page.contents_add(pikepdf.Stream(pdf, b"q\n"), prepend=True)
    overlay = b"\nQ\nq " + _format_matrix(matrix) + b" " + bytes(name) + b" Do Q\n"
    page.contents_add(pikepdf.Stream(pdf, overlay))


def _write(pdf: pikepdf.Pdf, destination: str | os.PathLike[str] | IO[bytes], **kw: Any) -> None:
    pdf.save(destination, fix_metadata_version=True, compress_streams=True, **kw)


@functools.cache
def _srgb_profile() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _declare_pdfa(pdf: pikepdf.Pdf, title: str) -> None:
    profile = pikepdf.Stream(pdf, _srgb_profile())
    profile.N = 3
    pdf.Root.OutputIntents = pikepdf.Array(
        [
            pikepdf.Dictionary(
                Type=pikepdf.Name.OutputIntent,
                S=pikepdf.Name.GTS_PDFA1,
                OutputConditionIdentifier="sRGB",
                Info="sRGB IEC61966-2.1",
                DestOutputProfile=profile,
            )
        ]
    )
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfaid:part"] = "2"
        meta["pdfaid:conformance"] = "B"
        meta["dc:title"] = title
        meta["xmp:CreatorTool"] = "Kiroku OCR (Tesseract)"
        meta["pdf:Producer"] = "Kiroku OCR (pikepdf)"


class PdfArchive:
    """Overlay OCR text on pages of an open PDF, written to a new file at the end.

    The ``pikepdf.Pdf`` is the caller's (the one extraction inspects the pages with, so the
    file is opened once); the overlays change it in memory only.
    """

    def __init__(self, pdf: pikepdf.Pdf):
        self._pdf = pdf
        self.overlaid = 0

    def add_text_layer(self, index: int, text_pdf: bytes, applied_rotation: float) -> None:
        page = self._pdf.pages[index]
        with pikepdf.open(io.BytesIO(text_pdf)) as text:
            box = [float(v) for v in text.pages[0].mediabox]
        visible = [float(v) for v in page.cropbox]
        matrix = overlay_matrix(
            text_size=(box[2] - box[0], box[3] - box[1]),
            box=tuple(visible),
            page_rotate=int(page.obj.get("/Rotate", 0)) % 360,
            applied_rotation=applied_rotation,
        )
        _add_overlay(self._pdf, page, text_pdf, matrix)
        self.overlaid += 1

    def write(self, destination: str | os.PathLike[str] | IO[bytes]) -> None:
        _write(self._pdf, destination)

    def close(self) -> None:
        """Nothing to release: the Pdf is closed by its owner."""


def _image_xobject(pdf: pikepdf.Pdf, image: Image.Image, jpeg: bytes | None) -> pikepdf.Stream:
    if jpeg is not None and image.mode in ("L", "RGB"):
        stream = pikepdf.Stream(pdf, jpeg)
        stream.Filter = pikepdf.Name.DCTDecode
        bits, mode = 8, image.mode
    else:
        if image.mode not in ("1", "L", "RGB"):
            image = image.convert("RGB") if image.mode not in ("I;16", "I", "F") else image
            if image.mode != "RGB":
                image = image.point(lambda v: v / 256).convert("L")
        stream = pikepdf.Stream(pdf, image.tobytes())  # compressed on save
        bits, mode = (1, "1") if image.mode == "1" else (8, image.mode)
    stream.Type = pikepdf.Name.XObject
    stream.Subtype = pikepdf.Name.Image
    stream.Width, stream.Height = image.width, image.height
    stream.BitsPerComponent = bits
    stream.ColorSpace = pikepdf.Name.DeviceRGB if mode == "RGB" else pikepdf.Name.DeviceGray
    return stream


class ImageArchive:
    """Pages built from original images, each with its OCR text layer."""

    def __init__(self) -> None:
        self._dir = Path(tempfile.mkdtemp(prefix="kiroku-archive-"))
        self._pages: list[Path] = []

    def add_page(
        self,
        image: Image.Image,
        dpi: float,
        *,
        jpeg: bytes | None,
        text_pdf: bytes | None,
        applied_rotation: float,
    ) -> None:
        width, height = image.width * 72 / dpi, image.height * 72 / dpi
        with pikepdf.new() as pdf:
            pdf.add_blank_page(page_size=(width, height))
            page = pdf.pages[0]
            name = page.add_resource(_image_xobject(pdf, image, jpeg), pikepdf.Name.XObject)
            draw = f"q {width:.4f} 0 0 {height:.4f} 0 0 cm ".encode() + bytes(name) + b" Do Q\n"
            page.contents_add(pikepdf.Stream(pdf, draw))
            if text_pdf is not None:
                with pikepdf.open(io.BytesIO(text_pdf)) as text:
                    box = [float(v) for v in text.pages[0].mediabox]
                matrix = overlay_matrix(
                    text_size=(box[2] - box[0], box[3] - box[1]),
                    box=(0.0, 0.0, width, height),
                    page_rotate=0,
                    applied_rotation=applied_rotation,
                )
                _add_overlay(pdf, page, text_pdf, matrix)
            path = self._dir / f"page-{len(self._pages):05d}.pdf"
            _write(pdf, path)
        self._pages.append(path)

    def _merge(self, parts: list[Path], destination: Any, *, title: str | None) -> None:
        sources = [pikepdf.open(part) for part in parts]
        try:
            with pikepdf.new() as out:
                for source in sources:
                    out.pages.extend(source.pages)
                if title is not None:
                    _declare_pdfa(out, title)
                _write(out, destination, min_version="1.7" if title is not None else "")
        finally:
            for source in sources:
                source.close()

    def write(self, destination: str | os.PathLike[str] | IO[bytes], *, title: str) -> None:
        parts = self._pages
        level = 0
        while len(parts) > MERGE_CHUNK:
            merged = []
            for start in range(0, len(parts), MERGE_CHUNK):
                path = self._dir / f"merge-{level}-{start:06d}.pdf"
                self._merge(parts[start : start + MERGE_CHUNK], path, title=None)
                merged.append(path)
            parts, level = merged, level + 1
        self._merge(parts, destination, title=title)

    def close(self) -> None:
        shutil.rmtree(self._dir, ignore_errors=True)


def combine_text_pages(
    size: tuple[float, float], text: bytes, placements: list[tuple[int, float, float]]
) -> bytes:
    """One text-only page of ``size`` (points) from Tesseract's text pages of parts of it.

    ``text``: a text-only PDF with a page per part, as Tesseract writes for the parts of a
    段組 page OCR'd in one run; ``placements``: (page index, left, top), the part's offset
    on the page in points. Each part's words are fitted to their boxes first
    (:func:`fit_words_to_boxes` does not look inside the forms they become).
    """
    with pikepdf.new() as out, pikepdf.open(io.BytesIO(text)) as parts:
        out.add_blank_page(page_size=size)
        page = out.pages[0]
        drawn = []
        for index, left, top in placements:
            part = parts.pages[index]
            fit_words_to_boxes(parts, part)
            height = float(part.mediabox[3]) - float(part.mediabox[1])
            form = out.copy_foreign(part.as_form_xobject())
            name = page.add_resource(form, pikepdf.Name.XObject, prefix="Tier")
            offset = (1, 0, 0, 1, left, size[1] - top - height)
            drawn.append(b"q " + _format_matrix(offset) + b" " + bytes(name) + b" Do Q")
        page.contents_add(pikepdf.Stream(out, b"\n".join(drawn)))
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()
