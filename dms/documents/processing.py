"""Processing a version after ingest: the job the worker runs for each new version.

For now this is the placeholder step of the documents issue: count the pages and render a
thumbnail. The OCR issue plugs text extraction and the archive PDF in here. The step is
idempotent: running it twice on the same version gives the same result.
"""

from __future__ import annotations

import io
import shutil
import tempfile

import pypdfium2
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from PIL import Image

from dms.documents import events, media
from dms.documents.models import Document, Status, Version
from dms.jobs import PermanentError, on_give_up
from dms.storage import get_object_store

THUMBNAIL_WIDTH = 240


class UnreadableDocument(PermanentError):
    """The file cannot be processed as it is; retrying will not help."""


def _check_page_count(count: int) -> None:
    if count > settings.MAX_PAGES:
        raise UnreadableDocument(
            f"ページ数が上限を超えています: {count} ページ (上限 {settings.MAX_PAGES}) "
            f"(too many pages: {count}, limit {settings.MAX_PAGES})"
        )


def _inspect_pdf(path: str) -> tuple[int, bytes]:
    try:
        pdf = pypdfium2.PdfDocument(path)
    except pypdfium2.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise UnreadableDocument(
                "パスワード保護されたPDFです。保護を解除してから登録してください。"
                " (password-protected PDF)"
            ) from exc
        raise UnreadableDocument(
            f"PDFを読み取れません: 壊れているか不完全です。 (damaged or truncated PDF: {exc})"
        ) from exc
    try:
        count = len(pdf)
        if count == 0:
            raise UnreadableDocument("PDFにページがありません。 (PDF has no pages)")
        _check_page_count(count)
        page = pdf[0]
        scale = THUMBNAIL_WIDTH / max(page.get_width(), 1)
        image = page.render(scale=scale).to_pil()
        return count, _png(image)
    finally:
        pdf.close()


def _inspect_image(path: str) -> tuple[int, bytes]:
    Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
    try:
        with Image.open(path) as image:
            count = getattr(image, "n_frames", 1)
            _check_page_count(count)
            image.seek(0)
            image.thumbnail((THUMBNAIL_WIDTH, THUMBNAIL_WIDTH * 2))
            return count, _png(image)
    except Image.DecompressionBombError as exc:
        raise UnreadableDocument(
            f"画像が大きすぎます (画素数の上限 {settings.MAX_IMAGE_PIXELS:,})。 "
            f"(image exceeds the pixel limit: {exc})"
        ) from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise UnreadableDocument(f"画像を読み取れません。 (unreadable image: {exc})") from exc


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()


@task()
def process_version(version_id: int) -> dict:
    version = Version.objects.select_related("document", "blob").get(pk=version_id)
    Document.objects.filter(pk=version.document_id).update(status=Status.PROCESSING, error="")
    store = get_object_store()
    blob = version.blob
    # Renderers need random access: spool the original to a temporary file, in chunks.
    with tempfile.NamedTemporaryFile(suffix=media.EXTENSIONS[blob.media_type]) as local:
        with store.open(blob.key, blob.store_version_id or None) as original:
            shutil.copyfileobj(original, local, 1024 * 1024)
        local.flush()
        inspect = _inspect_pdf if blob.media_type == media.PDF else _inspect_image
        page_count, thumbnail = inspect(local.name)
    thumbnail_key = f"derived/versions/{version.pk}/thumbnail.png"
    store.put(thumbnail_key, thumbnail, length=len(thumbnail), content_type="image/png")
    with transaction.atomic():
        Version.objects.filter(pk=version.pk).update(
            page_count=page_count, thumbnail_key=thumbnail_key, processed_at=timezone.now()
        )
        Document.objects.filter(pk=version.document_id).update(status=Status.READY, error="")
        events.document_changed(version.document_id)
    return {"page_count": page_count}


@on_give_up(process_version)
def mark_failed(args, kwargs, error: str) -> None:
    version_id = args[0] if args else kwargs["version_id"]
    document_id = Version.objects.filter(pk=version_id).values_list("document_id", flat=True)
    Document.objects.filter(pk__in=document_id).update(status=Status.FAILED, error=error)
