"""The body of a disposal decision case (廃棄・移管決定書): the files and their register data.

One A4 page per 30 files, in the IPAex fonts the approvals cover sheet uses (embedded, so
the PDF reads the same in 30 years).
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from approvals.pdf.cover import GOTHIC, MINCHO, register_fonts

ROWS_PER_PAGE = 30
COLUMNS = [  # (header, register key, x in points)
    ("No.", None, 40),
    ("行政文書ファイル名", "title", 70),
    ("年度", "fiscal_year", 300),
    ("保存期間", "period", 340),
    ("満了日", "expiry_wareki", 400),
    ("管理者", "custodian", 495),
]


def _fit(canvas: Canvas, text: str, width: float, size: float) -> str:
    while text and canvas.stringWidth(text, MINCHO, size) > width:
        text = text[:-2] + "…"
    return text


def render(*, title: str, method_label: str, rows: list[dict], reason: str = "") -> bytes:
    register_fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setTitle(title)
    width, height = A4
    pages = [rows[i : i + ROWS_PER_PAGE] for i in range(0, len(rows), ROWS_PER_PAGE)] or [[]]
    for page_number, page in enumerate(pages):
        canvas.setFont(GOTHIC, 14)
        canvas.drawString(40, height - 50, title)
        canvas.setFont(MINCHO, 9.5)
        canvas.drawString(
            40, height - 70, f"次の行政文書ファイルを{method_label}してよろしいか伺います。"
        )
        if reason:
            canvas.drawString(40, height - 84, _fit(canvas, f"理由: {reason}", width - 80, 9.5))
        y = height - 110
        canvas.setFont(GOTHIC, 8.5)
        for header, _, x in COLUMNS:
            canvas.drawString(x, y, header)
        canvas.line(40, y - 4, width - 40, y - 4)
        canvas.setFont(MINCHO, 8.5)
        for offset, row in enumerate(page, start=1):
            y -= 20
            number = page_number * ROWS_PER_PAGE + offset
            for index, (_, key, x) in enumerate(COLUMNS):
                value = str(number) if key is None else str(row.get(key) or "")
                right = COLUMNS[index + 1][2] - 6 if index + 1 < len(COLUMNS) else width - 40
                canvas.drawString(x, y, _fit(canvas, value, right - x, 8.5))
        canvas.drawString(width - 90, 30, f"{page_number + 1} / {len(pages)}")
        canvas.showPage()
    canvas.save()
    return out.getvalue()
