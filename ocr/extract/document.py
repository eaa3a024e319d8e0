"""The whole-document ``extract``: the input made a file, its type decided, the PDF or image
path run, the archive written, and the pages joined into one ``Extraction``.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Union

from ja.normalize import JAPANESE_CHARS
from ocr.extract.errors import UnsupportedMediaTypeError
from ocr.extract.image import extract_image
from ocr.extract.options import ExtractOptions
from ocr.extract.pdf import extract_pdf
from ocr.extract.results import Extraction
from ocr.media import IMAGE_TYPES, PDF, sniff_file
from ocr.metadata import extract_metadata
from ocr.source import SourceFile

Source = Union[bytes, str, os.PathLike, IO[bytes], SourceFile]  # noqa: UP007 (a runtime alias)

# Image types a caller may declare ("image/jpg": a common misspelling of image/jpeg).
DECLARED_IMAGE_TYPES = (*IMAGE_TYPES, "image/jpg")


@contextlib.contextmanager
def _as_path(source: Source) -> Iterator[Path]:
    if isinstance(source, SourceFile):
        yield source.path
        return
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
    """Extract the text of a PDF or image (bytes, a path, a binary file, or a
    :class:`~ocr.source.SourceFile` whose opened PDF the caller goes on using).

    Raises :class:`PasswordProtectedError`, :class:`PageLimitExceededError`,
    :class:`UnsupportedMediaTypeError` or :class:`ExtractionError` for the document as a
    whole; page-level failures are reported in ``Extraction.errors``.
    """
    options = options or ExtractOptions()
    with contextlib.ExitStack() as stack:
        path = stack.enter_context(_as_path(source))
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kiroku-ocr-")))
        declared = (media_type or "").split(";")[0].strip().lower()
        sniffed = sniff_file(path)
        kind = declared if declared in (PDF, *DECLARED_IMAGE_TYPES) else sniffed
        if (
            sniffed is not None
            and kind != sniffed
            and not (kind in DECLARED_IMAGE_TYPES and sniffed in IMAGE_TYPES)
        ):
            kind = sniffed  # the bytes decide (Pillow reads any image type by content)
        if kind == PDF:
            # the caller's SourceFile stays open for its next step; ours closes after the archive
            pdf = (
                source if isinstance(source, SourceFile) else stack.enter_context(SourceFile(path))
            )
            pages, archive = extract_pdf(pdf, options, work)
        elif kind in DECLARED_IMAGE_TYPES:
            pages, archive = extract_image(path, options, work)
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
