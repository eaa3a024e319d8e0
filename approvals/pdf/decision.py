"""The decision PDF: the cover sheet followed by the body document's archive pages.

Built once, when the case is submitted; every later action adds its stamp and signature
as an incremental update into the boxes recorded here. The boxes are therefore stored
with the case (:func:`layout_to_json`, e.g. in the submit event's
``details["cover_layout"]``), and :func:`stamp_box` / :func:`note_boxes` answer from that
stored layout, never from a fresh drawing.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field

import pikepdf

from approvals import errors
from approvals.models import Capacity, Case, CaseEvent, Task
from approvals.pdf.cover import PAGE_HEIGHT, PAGE_WIDTH, draw_cover
from approvals.pdf.layout import DecisionPdf, StampBox
from dms.documents.models import Version
from dms.storage import get_object_store

LAYOUT_VERSION = 1


@dataclass(frozen=True)
class CoverDecisionPdf(DecisionPdf):
    """A :class:`DecisionPdf` that also knows the cover's other places."""

    marks: Mapping[int, StampBox] = field(default_factory=dict)  # second stamp per task
    notes: tuple[StampBox, ...] = ()  # 備考 lines for notes after the decision
    cover_pages: int = 1


# --- the body ---------------------------------------------------------------------------
def body_pdf_bytes(case: Case) -> bytes:
    """The body document's archive PDF (its current version), read through the store.

    A PDF original that has no archive copy yet is used as it is, as the download API
    does; anything else is refused until processing has made the archive copy."""
    document = case.body
    # Asked afresh: a cached latest_version may predate processing's archive copy.
    versions = Version.objects.filter(document=document).select_related("blob")
    version = versions.order_by("-number").first()
    store = get_object_store()
    if version is not None and version.archive_key:
        reader = store.open(version.archive_key)
    elif version is not None and version.media_type == "application/pdf":
        reader = store.open(version.blob.key, version.blob.store_version_id)
    else:
        raise errors.conflict(
            case,
            "archive_not_ready",
            f"本文「{document.title}」のアーカイブ版（PDF）がまだ作成されていません。",
            f"The archive PDF of the body document {document.pk} is not ready yet.",
        )
    try:
        return reader.read()
    finally:
        reader.close()


def _concatenate(cover: bytes, body: bytes, title: str) -> bytes:
    with pikepdf.open(io.BytesIO(cover)) as pdf, pikepdf.open(io.BytesIO(body)) as appended:
        pdf.pages.extend(appended.pages)
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
        out = io.BytesIO()
        # Deterministic /ID and no object streams: the same case gives the same bytes,
        # and a plain file keeps the signer's incremental updates simple to inspect.
        pdf.save(out, deterministic_id=True, object_stream_mode=pikepdf.ObjectStreamMode.disable)
        return out.getvalue()


def build_decision_pdf(case: Case) -> CoverDecisionPdf:
    """The cover sheet of ``case`` and its body pages, with a stamp box per task."""
    cover = draw_cover(case)
    data = _concatenate(cover.data, body_pdf_bytes(case), f"決裁伺 {case.title}")
    return CoverDecisionPdf(
        data=data,
        boxes=dict(cover.boxes),
        marks=dict(cover.marks),
        notes=tuple(cover.notes),
        cover_pages=cover.page_count,
    )


# --- the stored layout --------------------------------------------------------------------
def _box_json(box: StampBox) -> list:
    # Plain floats: JSON keeps them exactly, so a stored box equals the drawn one.
    return [box.page_index, box.x, box.y, box.width, box.height]


def _box(value) -> StampBox:
    page, x, y, width, height = value
    return StampBox(int(page), float(x), float(y), float(width), float(height))


def layout_to_json(pdf: DecisionPdf) -> dict:
    """The boxes of ``pdf`` as plain JSON (task ids as strings), to store with the case."""
    return {
        "version": LAYOUT_VERSION,
        "page_size": [PAGE_WIDTH, PAGE_HEIGHT],
        "cover_pages": getattr(pdf, "cover_pages", 1),
        "boxes": {str(task): _box_json(box) for task, box in pdf.boxes.items()},
        "marks": {str(task): _box_json(box) for task, box in getattr(pdf, "marks", {}).items()},
        "notes": [_box_json(box) for box in getattr(pdf, "notes", ())],
    }


@dataclass(frozen=True)
class CoverLayout:
    boxes: Mapping[int, StampBox]
    marks: Mapping[int, StampBox]
    notes: tuple[StampBox, ...]
    cover_pages: int


def layout_from_json(data: Mapping) -> CoverLayout:
    if data.get("version") != LAYOUT_VERSION:
        raise ValueError(f"unknown cover layout version {data.get('version')!r}")
    return CoverLayout(
        boxes={int(task): _box(box) for task, box in data.get("boxes", {}).items()},
        marks={int(task): _box(box) for task, box in data.get("marks", {}).items()},
        notes=tuple(_box(box) for box in data.get("notes", [])),
        cover_pages=int(data.get("cover_pages", 1)),
    )


def stored_layout(case: Case) -> CoverLayout:
    """The layout recorded with the case's latest submission (a resubmission after 差戻し
    builds a new decision PDF, so the latest one counts)."""
    event = (
        CaseEvent.objects.filter(case=case, action="submit", details__has_key="cover_layout")
        .order_by("-created_at", "-id")
        .first()
    )
    if event is None:
        raise errors.conflict(
            case,
            "no_cover_layout",
            "この案件の決裁文書（鑑）はまだ作成されていません。",
            "This case has no decision PDF (cover sheet) yet.",
        )
    return layout_from_json(event.details["cover_layout"])


def stamp_box(
    case: Case, task: Task, *, action: str = "", layout: CoverLayout | None = None
) -> StampBox:
    """The box the stamp of ``action`` on ``task`` goes into.

    Each task's stamp goes into its own box. The one exception is the decider's 後閲 after
    a 代決: the deputy's stamp already fills the decider's box, so the 後閲 stamp goes into
    the strip below it (marked 代決・後閲 on the sheet)."""
    layout = layout or stored_layout(case)
    if task.pk not in layout.boxes:
        raise errors.conflict(
            case,
            "no_stamp_box",
            "この処理の押印欄が決裁文書にありません。",
            f"Task {task.pk} has no stamp box on the decision PDF.",
        )
    if action == "post_review" and task.capacity == Capacity.PROXY and task.pk in layout.marks:
        return layout.marks[task.pk]
    return layout.boxes[task.pk]


def note_boxes(case: Case, *, layout: CoverLayout | None = None) -> tuple[StampBox, ...]:
    """The 備考 lines, top to bottom, where notes after the decision (文書番号 …) go."""
    return (layout or stored_layout(case)).notes
