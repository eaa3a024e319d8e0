"""The image path: JPEG, PNG and (multi-page) TIFF files OCR'd frame by frame, each frame a
page of the PDF/A archive built from the original images.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PIL import Image, ImageOps

from ocr import tesseract
from ocr.extract.errors import ExtractionError, ImageTooLargeError, PageLimitExceededError
from ocr.extract.options import ExtractOptions
from ocr.extract.page_ocr import (
    PageImage,
    ProgressPages,
    failed_page,
    failure_page,
    ocr_page_image,
    page_record,
)
from ocr.extract.results import Page


def check_image_size(width: int, height: int, max_pixels: int) -> None:
    if width * height > max_pixels:
        raise ImageTooLargeError(
            f"画像が大きすぎます (image too large): {width}x{height} = {width * height} "
            f"pixels, limit {max_pixels}"
        )


def _loader(path: Path) -> Callable[[], Image.Image]:
    def load() -> Image.Image:
        with Image.open(path) as image:
            image.load()
            return image

    return load


def extract_image(path: Path, options: ExtractOptions, work: Path) -> tuple[list[Page], Any]:
    from ocr.archive import ImageArchive

    pages: list[Page] = ProgressPages(options)
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
                        page_image = PageImage(_loader(path), image.size, jpeg)
                    else:
                        jpeg = None
                        frame = ImageOps.exif_transpose(image.copy())
                        page_image = PageImage(lambda f=frame: f, frame.size, None)
                    outcome = ocr_page_image(page_image, dpi, options, work)
                    del page_image
                    pages.append(page_record(number, outcome, dpi))
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
                    pages.append(failed_page(number, "image_too_large", str(exc)))
                except (tesseract.TesseractError, OSError, ValueError) as exc:
                    pages.append(failure_page(number, exc))
    except Image.DecompressionBombError as exc:
        pages.append(failed_page(1, "image_too_large", str(exc)))
    except (Image.UnidentifiedImageError, OSError) as exc:
        if archive is not None:
            archive.close()
        raise ExtractionError(f"画像を読めません (cannot read image): {exc}") from exc
    return pages, archive
