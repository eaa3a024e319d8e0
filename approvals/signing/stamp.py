"""The 日付印 (date stamp) drawn from the recorded action, as a one-page PDF that becomes
the visible signature's appearance, and as a PNG for the preview.

Red circle, three bands: section name on top, date in the middle (R6.4.1 / 6.4.1 /
2024.4.1 through ``ja.dates``), surname at the bottom; a 認印 shows only the surname.
代決 and 後閲 are marked on the stamp's rim. reportlab subsets IPAex Mincho, so only the
glyphs used are embedded.
"""

from __future__ import annotations

import io
import subprocess
import tempfile
from pathlib import Path

from reportlab.lib.colors import Color
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from approvals.pdf.cover import MINCHO, register_fonts
from approvals.pdf.layout import StampFacts
from ja.dates import DateStyle, format_date

RED = Color(0.80, 0.10, 0.12)
MARKS = {"proxy": "代決", "post_review": "後閲"}
SIZE = 72.0  # points; the appearance is scaled into the task's StampBox


def mark_for(facts: StampFacts) -> str:
    if facts.action == "post_review" or facts.capacity == "post_review":
        return MARKS["post_review"]
    if facts.action == "proxy_decide" or facts.capacity == "proxy":
        return MARKS["proxy"]
    return ""


def date_text(facts: StampFacts) -> str:
    style = facts.date_style
    if isinstance(style, str):
        style = DateStyle(style)
    return format_date(facts.day, style)


def _fit(text: str, size: float, width: float) -> float:
    while size > 4 and stringWidth(text, MINCHO, size) > width:
        size -= 0.5
    return size


def _centred(c, text: str, cy: float, size: float, width: float) -> None:
    size = _fit(text, size, width)
    c.setFont(MINCHO, size)
    c.drawCentredString(SIZE / 2, cy - size * 0.35, text)


def _draw(c, facts: StampFacts) -> None:
    r = SIZE / 2 - 2.5
    cx = cy = SIZE / 2
    c.setStrokeColor(RED)
    c.setFillColor(RED)
    c.setLineWidth(1.6)
    c.circle(cx, cy, r)
    if facts.personal_seal:
        # 認印: the surname alone, written top to bottom as on a round seal.
        name = facts.surname[:4]
        size = min(22.0, (2 * r - 8) / max(len(name), 1))
        c.setFont(MINCHO, size)
        top = cy + size * len(name) / 2 - size * 0.85
        for i, ch in enumerate(name):
            c.drawCentredString(cx, top - i * size, ch)
    else:
        band = r * 0.36
        c.setLineWidth(0.9)
        for y in (cy + band, cy - band):
            half = (r * r - (y - cy) ** 2) ** 0.5
            c.line(cx - half, y, cx + half, y)
        _centred(c, facts.section_name, cy + band + (r - band) * 0.45, 10.5, 2 * r * 0.72)
        _centred(c, date_text(facts), cy, 10.5, 2 * r * 0.92)
        _centred(c, facts.surname, cy - band - (r - band) * 0.45, 12.0, 2 * r * 0.72)
    mark = mark_for(facts)
    if mark:
        # A small boxed mark at the lower right, outside the circle's bands.
        c.setFont(MINCHO, 8)
        w = stringWidth(mark, MINCHO, 8) + 3
        c.setLineWidth(0.8)
        c.setFillColor(Color(1, 1, 1))
        c.rect(SIZE - w - 0.5, 0.5, w, 11, stroke=1, fill=1)
        c.setFillColor(RED)
        c.drawString(SIZE - w + 1, 3.2, mark)


def render_stamp_pdf(facts: StampFacts) -> bytes:
    """The stamp as a one-page PDF, SIZE × SIZE points, transparent background."""
    register_fonts()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(SIZE, SIZE), pageCompression=1)
    c.setTitle("日付印")
    _draw(c, facts)
    c.showPage()
    c.save()
    return out.getvalue()


def render_stamp_png(facts: StampFacts, *, scale: float = 3.0) -> bytes:
    """The same drawing as a PNG, for the confirmation dialog's preview."""
    # Rasterised by poppler (pdftoppm): the very drawing that is signed, glyph for glyph.
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "stamp.pdf"
        src.write_bytes(render_stamp_pdf(facts))
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-singlefile",
                "-r",
                str(int(72 * scale)),
                str(src),
                str(Path(tmp) / "stamp"),
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )
        return (Path(tmp) / "stamp.png").read_bytes()


# --- 備考 (a note after the decision) ----------------------------------------------------
def note_line(text: str, author: str, day) -> str:
    """What a 備考 line shows: the note, then who wrote it and when (和暦)."""
    from ja.dates import format_wareki

    return f"{text}（{format_wareki(day)} {author}）"


def _wrap(text: str, size: float, room: float) -> list[str]:
    lines, current = [], ""
    for ch in text:
        if current and stringWidth(current + ch, MINCHO, size) > room:
            lines.append(current)
            current = ""
        current += ch
    return [*lines, current]


def render_note_pdf(line: str, width: float, height: float) -> bytes:
    """The 備考 line as a one-page PDF of exactly the box's size (so nothing is scaled
    out of proportion): black Mincho, shrunk to fit, wrapped to two lines if needed."""
    register_fonts()
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=(width, height), pageCompression=1)
    c.setTitle("備考")
    room = width - 4
    size, lines = 9.0, _wrap(line, 9.0, room)
    # The largest size at which the line fits the box in one line, or two stacked ones.
    while size > 2.5 and (len(lines) > 2 or size * 1.1 * len(lines) > height):
        size -= 0.25
        lines = _wrap(line, size, room)
    c.setFont(MINCHO, size)
    step = height / len(lines)
    for i, text in enumerate(lines):
        c.drawString(2, height - step * (i + 1) + (step - size) / 2 + size * 0.15, text)
    c.showPage()
    c.save()
    return out.getvalue()
