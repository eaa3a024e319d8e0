"""Processing a version after ingest: what the job ``dms.documents.tasks.process_version``
does for each new version.

Extract the text (the PDF's own text layer, or OCR of scanned pages), write the searchable
archive PDF and a thumbnail to the object store, store the text and page summary on the
version, and fill the document's metadata from the best candidates unless a person set
them. The step is idempotent: running it twice on the same version gives the same result.
The original is only ever read.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from PIL import Image

import ocr
from dms.documents import ingest, lifecycle, media
from dms.documents.models import Version
from dms.jobs import PermanentError
from dms.storage import get_object_store
from ocr.media import PDF
from ocr.thumbnail import render_thumbnail

PAGE_ERRORS = {  # ocr's page error codes, as staff should read them
    "image_too_large": "画像が大きすぎます (image exceeds the pixel limit)",
    "corrupt_page": "ページが壊れています (damaged page)",
    "ocr_timeout": "文字認識が時間内に終わりませんでした (OCR timed out)",
    "ocr_failed": "文字認識に失敗しました (OCR failed)",
}


def _reasons(extraction: ocr.Extraction) -> str:
    return "、".join(
        dict.fromkeys(PAGE_ERRORS.get(error.code, error.message) for error in extraction.errors)
    )


class UnreadableDocument(PermanentError):
    """The file cannot be processed as it is; retrying will not help."""


def _extract(source: ocr.SourceFile, media_type: str, archive_path: Path) -> ocr.Extraction:
    options = ocr.ExtractOptions(
        max_pages=settings.MAX_PAGES,
        max_pixels=settings.MAX_IMAGE_PIXELS,
        archive_to=archive_path,
        tesseract_cmd=settings.TESSERACT_CMD,
    )
    try:
        extraction = ocr.extract(source, media_type, options=options)
    except ocr.PasswordProtectedError as exc:
        raise UnreadableDocument(
            "パスワード保護されたPDFです。保護を解除してから登録してください。"
            " (password-protected PDF)"
        ) from exc
    except ocr.PageLimitExceededError as exc:
        raise UnreadableDocument(
            f"ページ数が上限を超えています: {exc} (上限 {settings.MAX_PAGES} ページ)"
        ) from exc
    except ocr.ExtractionError as exc:
        raise UnreadableDocument(
            f"ファイルを読み取れません: 壊れているか不完全です。 ({exc})"
        ) from exc
    if not extraction.pages:
        raise UnreadableDocument("ページがありません。 (the document has no pages)")
    if all(page.source == "none" for page in extraction.pages):
        raise UnreadableDocument(f"どのページも読み取れませんでした: {_reasons(extraction)}")
    return extraction


def _page_summary(extraction: ocr.Extraction) -> list[dict]:
    return [
        {
            "number": page.number,
            "source": page.source,
            "writing_direction": page.writing_direction,
            "rotation": page.rotation,
            "confidence": page.confidence,
            "errors": [error.message for error in page.errors],
        }
        for page in extraction.pages
    ]


def _partial_failure(extraction: ocr.Extraction) -> str:
    failed = [page.number for page in extraction.pages if page.source == "none"]
    if not failed:
        return ""
    pages = ", ".join(str(number) for number in failed)
    return f"一部のページを読み取れませんでした (pages not read): {pages} — {_reasons(extraction)}"


def _extracted_values(document, extraction: ocr.Extraction) -> dict:
    """The document fields extraction proposes (None: nothing found): date, amount,
    counterparty, title and type read with the registry and the city's own names."""
    from dms.counterparties.services import extract_fields

    found = extraction.metadata
    return {
        **extract_fields(document, extraction.text),
        "document_number": found.document_numbers[0][:100] if found.document_numbers else None,
        "contains_personal_number": found.contains_individual_number or None,
    }


def process(version_id: int) -> dict:
    """Process the version (see above); the job's return value: page count and the
    metadata fields filled."""
    version = Version.objects.select_related("document", "blob").get(pk=version_id)
    lifecycle.processing_started(version.document_id)
    store = get_object_store()
    blob = version.blob
    ingest.lock_original(blob)  # in case the lock after recording failed (idempotent)
    with tempfile.TemporaryDirectory(prefix="kiroku-process-") as work:
        # Renderers need random access: spool the original to a local file, in chunks.
        local = Path(work) / f"original{media.EXTENSIONS[blob.media_type]}"
        with (
            store.open(blob.key, blob.store_version_id or None) as original,
            local.open("wb") as out,
        ):
            shutil.copyfileobj(original, out, 1024 * 1024)
        archive_path = Path(work) / "archive.pdf"
        # one SourceFile for extraction and thumbnail: each PDF library opens the file once
        with ocr.SourceFile(local) as source:
            extraction = _extract(source, blob.media_type, archive_path)
            derived = f"derived/versions/{version.pk}"
            archive_key = ""
            if extraction.archive_written:
                with archive_path.open("rb") as archive:
                    store.put(
                        f"{derived}/archive.pdf",
                        archive,
                        length=archive_path.stat().st_size,
                        content_type=PDF,
                    )
                archive_key = f"{derived}/archive.pdf"
            # Pillow's decompression-bomb limit, process-wide: the documents' own pixel
            # limit, for the thumbnail of a first page that extraction found too large.
            Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
            thumbnail = render_thumbnail(source, blob.media_type)
    store.put(
        f"{derived}/thumbnail.png", thumbnail, length=len(thumbnail), content_type="image/png"
    )

    changed = lifecycle.processing_finished(
        version,
        derived={
            "page_count": extraction.page_count,
            "thumbnail_key": f"{derived}/thumbnail.png",
            "archive_key": archive_key,
            "content": extraction.text,
            "raw_content": extraction.raw_text,
            "language": extraction.language,
            "pages": _page_summary(extraction),
            "processed_at": timezone.now(),
        },
        extracted=_extracted_values(version.document, extraction),
        error=_partial_failure(extraction),
    )
    return {"page_count": extraction.page_count, "metadata_filled": changed}
