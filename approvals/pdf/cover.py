"""The cover sheet (決裁伺 / 鑑) of a case, drawn with reportlab.

The sheet shows the case's facts, a route table with one stamp box per task, a 備考
(remarks) area for notes after the decision, and the attachments with their SHA-256.
Text is set in IPAex (Mincho for the body, Gothic for headings), embedded as a subset so
the PDF reads the same in any reader. Everything is drawn from the case alone and
reportlab runs in invariant mode, so the same case gives the same bytes.

The layout (where each box went) is returned beside the bytes: the signer stamps into
those boxes later, in incremental updates, so the boxes must never move.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from reportlab.lib.colors import Color, black
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from approvals.models import Case, CaseKind, DecisionLevel, StepKind, Task
from approvals.pdf.layout import StampBox
from ja.dates import format_wareki

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 36.0
BOTTOM = 40.0
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

# One route cell: a header (step kind, assignee), the stamp area and a strip below it
# for the second stamp a cell may get (the decider's 後閲 after a 代決).
CELL_WIDTH = 65.0
CELL_GAP = 0.0
CELLS_PER_ROW = int((CONTENT_WIDTH + CELL_GAP) // (CELL_WIDTH + CELL_GAP))  # 8 on A4
HEADER_HEIGHT = 26.0
STAMP_HEIGHT = 62.0
MARK_HEIGHT = 30.0
CELL_HEIGHT = HEADER_HEIGHT + STAMP_HEIGHT + MARK_HEIGHT
NOTE_LINES = 4
NOTE_LINE_HEIGHT = 16.0

FONT_CANDIDATES = {
    "mincho": (
        "/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf",
        "/usr/share/fonts/truetype/fonts-japanese-mincho.ttf",
    ),
    "gothic": (
        "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
        "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
    ),
}
MINCHO, GOTHIC = "IPAexMincho", "IPAexGothic"
GRID = Color(0.35, 0.35, 0.35)
FAINT = Color(0.55, 0.55, 0.55)

STEP_LABELS = dict(StepKind.choices)  # 承認 / 合議 / 決裁 / 供覧
LEVEL_LABELS = dict(DecisionLevel.choices)


class FontMissing(RuntimeError):
    """No IPAex font: install Debian ``fonts-ipaexfont`` or set ``APPROVALS_PDF_FONTS``."""


def _font_path(kind: str) -> str:
    configured = getattr(settings, "APPROVALS_PDF_FONTS", {}).get(kind)
    for candidate in ([configured] if configured else []) + list(FONT_CANDIDATES[kind]):
        if Path(candidate).is_file():
            return candidate
    raise FontMissing(f"IPAex {kind} font not found (fonts-ipaexfont)")


def register_fonts() -> None:
    """Register the two IPAex faces once; reportlab embeds only the glyphs used."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name, kind in ((MINCHO, "mincho"), (GOTHIC, "gothic")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, _font_path(kind)))


@dataclass
class CoverSheet:
    """The cover pages' bytes and where the boxes were drawn."""

    data: bytes
    page_count: int
    boxes: dict[int, StampBox] = field(default_factory=dict)  # main stamp area per task
    marks: dict[int, StampBox] = field(default_factory=dict)  # second-stamp strip per task
    notes: list[StampBox] = field(default_factory=list)  # 備考 lines, in order


# --- text helpers ----------------------------------------------------------------------
def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width``, character by character (Japanese
    has no spaces to break at); explicit newlines are kept."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if line and pdfmetrics.stringWidth(line + char, font, size) > width:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def fit(text: str, font: str, size: float, width: float, smallest: float = 5.0) -> float:
    """The largest size from ``size`` down to ``smallest`` at which ``text`` fits."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def yen(amount: int | None) -> str:
    return "—" if amount is None else f"{amount:,}円"


def flags_text(case: Case) -> str:
    flags = [
        label
        for label, on in (
            ("重要", case.is_important),
            ("異例", case.is_unusual),
            ("疑義", case.is_doubtful),
        )
        if on
    ]
    return "・".join(flags) if flags else "なし"


def person(user) -> str:
    return (getattr(user, "display_name", "") or user.get_username()) if user else ""


def drafting_day(case: Case) -> dt.date:
    moment = case.submitted_at or case.created_at
    return timezone.localdate(moment)


def date_text(day: dt.date) -> str:
    return f"{format_wareki(day)}（{day.isoformat()}）"


def assignee_lines(task: Task) -> tuple[str, str]:
    """Two short lines for a route cell: who (post, section or person) and where."""
    if task.assignee_post_id:
        post = task.assignee_post
        return post.title, str(post.department) if post.department_id else ""
    if task.assignee_section_id:
        return f"{task.assignee_section}長", ""
    user = task.assignee_user or task.holder
    section = ""
    if user is not None:
        first = user.departments.order_by("id").first()
        section = str(first) if first else ""
    return person(user), section


# --- the drawing ----------------------------------------------------------------------
class _Pages:
    """A canvas with a cursor that starts a continuation page when a block won't fit."""

    def __init__(self, case: Case):
        self.case = case
        self.buffer = io.BytesIO()
        self.canvas = Canvas(
            self.buffer,
            pagesize=A4,
            invariant=1,
            pageCompression=1,
            # Otherwise every page names Helvetica, an unembedded font.
            initialFontName=MINCHO,
        )
        self.canvas.setTitle(f"決裁伺 {case.title}")
        self.canvas.setAuthor("Kiroku")
        self.canvas.setCreator("Kiroku approvals")
        self.page = 0
        self.y = PAGE_HEIGHT - MARGIN

    def ensure(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.canvas.showPage()
            self.page += 1
            self.y = PAGE_HEIGHT - MARGIN
            self._continuation_header()

    def _continuation_header(self) -> None:
        c = self.canvas
        c.setFont(GOTHIC, 11)
        c.drawString(MARGIN, self.y - 11, f"{_heading(self.case)}（続き）")
        c.setFont(MINCHO, 8)
        c.drawRightString(
            PAGE_WIDTH - MARGIN, self.y - 10, f"案件番号 {self.case.pk}　{self.case.title}"[:60]
        )
        self.y -= 24


def _heading(case: Case) -> str:
    return "供　覧" if case.kind == CaseKind.CIRCULATION else "決　裁　伺"


def _title_block(pages: _Pages) -> None:
    c, case = pages.canvas, pages.case
    c.setFont(GOTHIC, 20)
    c.drawCentredString(PAGE_WIDTH / 2, pages.y - 20, _heading(case))
    c.setFont(MINCHO, 9)
    c.drawRightString(PAGE_WIDTH - MARGIN, pages.y - 8, f"案件番号 {case.pk}")
    pages.y -= 34


def _facts(case: Case) -> list[tuple[str, str]]:
    level = LEVEL_LABELS.get(case.decision_level, "") if case.decision_level else ""
    matter = case.matter_type.name + (f"（{level}決裁）" if level else "")
    return [
        ("件名", case.title),
        ("事案種別", matter),
        ("金額", yen(case.amount)),
        ("区分", flags_text(case)),
        ("起案者", person(case.drafter)),
        ("起案課", str(case.section)),
        ("起案日", date_text(drafting_day(case))),
    ]


def _facts_table(pages: _Pages, case: Case) -> None:
    c = pages.canvas
    label_width, size, leading = 70.0, 10.0, 14.0
    value_width = CONTENT_WIDTH - label_width - 8
    c.setStrokeColor(GRID)
    c.setLineWidth(0.6)
    for label, value in _facts(case):
        lines = wrap(value, MINCHO, size, value_width)
        height = max(1, len(lines)) * leading + 6
        pages.ensure(height)
        top = pages.y
        c.rect(MARGIN, top - height, CONTENT_WIDTH, height)
        c.line(MARGIN + label_width, top, MARGIN + label_width, top - height)
        c.setFont(GOTHIC, 9)
        c.drawString(MARGIN + 6, top - 13, label)
        c.setFont(MINCHO, size)
        for index, line in enumerate(lines):
            c.drawString(MARGIN + label_width + 6, top - 13 - index * leading, line)
        pages.y -= height
    pages.y -= 12


def _section_title(pages: _Pages, text: str, after: float) -> None:
    pages.ensure(18 + after)
    pages.canvas.setFont(GOTHIC, 11)
    pages.canvas.setFillColor(black)
    pages.canvas.drawString(MARGIN, pages.y - 12, text)
    pages.y -= 18


def _cell(pages: _Pages, x: float, top: float, task: Task, kind: str) -> tuple[StampBox, StampBox]:
    c = pages.canvas
    c.setStrokeColor(GRID)
    c.setLineWidth(0.6)
    c.rect(x, top - CELL_HEIGHT, CELL_WIDTH, CELL_HEIGHT)
    c.line(x, top - HEADER_HEIGHT, x + CELL_WIDTH, top - HEADER_HEIGHT)
    c.setDash(2, 2)
    mark_top = top - HEADER_HEIGHT - STAMP_HEIGHT
    c.line(x, mark_top, x + CELL_WIDTH, mark_top)
    c.setDash()
    label = STEP_LABELS.get(kind, kind)
    who, where = assignee_lines(task)
    c.setFillColor(black)
    c.setFont(GOTHIC, 7.5)
    c.drawCentredString(x + CELL_WIDTH / 2, top - 9, label)
    inner = CELL_WIDTH - 4
    c.setFont(MINCHO, fit(who, MINCHO, 7, inner))
    c.drawCentredString(x + CELL_WIDTH / 2, top - 17, who)
    if where:
        c.setFillColor(FAINT)
        c.setFont(MINCHO, fit(where, MINCHO, 5.5, inner, smallest=4))
        c.drawCentredString(x + CELL_WIDTH / 2, top - 24, where)
        c.setFillColor(black)
    c.setFillColor(FAINT)
    c.setFont(MINCHO, 5)
    c.drawString(x + 2, mark_top - 6, "代決・後閲")
    c.setFillColor(black)
    stamp = StampBox(pages.page, x, mark_top, CELL_WIDTH, STAMP_HEIGHT)
    mark = StampBox(pages.page, x, top - CELL_HEIGHT, CELL_WIDTH, MARK_HEIGHT - 7)
    return stamp, mark


def _route_table(pages: _Pages, tasks: Sequence[Task], sheet: CoverSheet) -> None:
    _section_title(pages, "決裁経路", CELL_HEIGHT)
    for start in range(0, len(tasks), CELLS_PER_ROW):
        pages.ensure(CELL_HEIGHT + 6)
        top = pages.y
        for column, task in enumerate(tasks[start : start + CELLS_PER_ROW]):
            x = MARGIN + column * (CELL_WIDTH + CELL_GAP)
            stamp, mark = _cell(pages, x, top, task, task.step.kind)
            sheet.boxes[task.pk], sheet.marks[task.pk] = stamp, mark
        pages.y -= CELL_HEIGHT + 6
    pages.y -= 8


def _remarks(pages: _Pages, sheet: CoverSheet) -> None:
    height = NOTE_LINES * NOTE_LINE_HEIGHT + 6
    _section_title(pages, "備考", height)
    c = pages.canvas
    top = pages.y
    c.setStrokeColor(GRID)
    c.rect(MARGIN, top - height, CONTENT_WIDTH, height)
    for line in range(NOTE_LINES):
        y = top - 3 - (line + 1) * NOTE_LINE_HEIGHT
        if line < NOTE_LINES - 1:
            c.setDash(1, 2)
            c.line(MARGIN + 4, y, MARGIN + CONTENT_WIDTH - 4, y)
            c.setDash()
        sheet.notes.append(StampBox(pages.page, MARGIN + 4, y, CONTENT_WIDTH - 8, NOTE_LINE_HEIGHT))
    pages.y -= height + 12


def _attachments(pages: _Pages, attachments: Iterable[tuple[str, str]]) -> None:
    attachments = list(attachments)
    _section_title(pages, f"添付文書（{len(attachments)}件）", 14)
    c = pages.canvas
    if not attachments:
        c.setFont(MINCHO, 9)
        c.drawString(MARGIN + 6, pages.y - 10, "なし")
        pages.y -= 16
        return
    for number, (title, sha256) in enumerate(attachments, start=1):
        lines = wrap(f"{number}. {title}", MINCHO, 9, CONTENT_WIDTH - 12)
        pages.ensure(len(lines) * 12 + 12)
        c.setFont(MINCHO, 9)
        for line in lines:
            c.drawString(MARGIN + 6, pages.y - 10, line)
            pages.y -= 12
        c.setFont(GOTHIC, 6.5)
        c.setFillColor(FAINT)
        c.drawString(MARGIN + 18, pages.y - 8, f"SHA-256 {sha256}")
        c.setFillColor(black)
        pages.y -= 13


def route_tasks(case: Case) -> list[Task]:
    """The route's tasks in route order, one stamp box each."""
    return list(
        case.tasks.select_related(
            "step", "assignee_post__department", "assignee_section", "assignee_user", "holder"
        ).order_by("step__position", "id")
    )


def attachment_facts(case: Case) -> list[tuple[str, str]]:
    facts = []
    for attachment in case.attachments.select_related("document").order_by("added_at", "id"):
        version = attachment.document.latest_version
        facts.append((attachment.document.title, version.sha256 if version else "—"))
    return facts


def draw_cover(case: Case) -> CoverSheet:
    """Draw the cover pages of ``case`` (no body pages) and report where the boxes are."""
    register_fonts()
    pages = _Pages(case)
    sheet = CoverSheet(data=b"", page_count=0)
    _title_block(pages)
    _facts_table(pages, case)
    _route_table(pages, route_tasks(case), sheet)
    _remarks(pages, sheet)
    _attachments(pages, attachment_facts(case))
    pages.canvas.showPage()
    pages.canvas.save()
    sheet.data = pages.buffer.getvalue()
    sheet.page_count = pages.page + 1
    return sheet
