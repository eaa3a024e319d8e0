"""Generated multi-tier vertical pages (段組): 2, 3 or 4 tiers of 縦書き columns, with or
without rules between the tiers, optionally a headline column spanning them, and the same
text set as one tier for comparison. Deterministic for a seed; the ground truth is the
text in reading order (headline, then tier by tier, each right to left).

Born-digital pages go through :mod:`benchmarks.corpus.pdfwriter` (IPAex through
Identity-V, as real vertical PDFs); scans are pdfium renderings degraded like the corpus.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
from PIL import Image

from benchmarks.corpus.build import FONT, degrade
from benchmarks.corpus.pdfwriter import PAGE_SIZE, Run, write_pdf

SUBJECTS = [
    "市議会", "本委員会", "防災課", "市民の皆様", "教育委員会", "福祉部", "水道局",
    "各地区の自治会",
    "子育て支援課", "観光協会", "商工会議所", "環境保全課", "図書館", "消防本部", "保健所",
]  # fmt: skip
OBJECTS = [
    "備蓄倉庫の整備", "道路の補修計画", "新年度の予算案", "避難所の運営方針", "ごみの分別方法",
    "公園の改修工事", "図書館の開館時間", "給付金の申請手続", "高齢者の見守り事業", "河川の水位",
    "市営住宅の入居者募集", "空き家の活用", "学校給食の献立", "花火大会の開催", "健康診断の日程",
]  # fmt: skip
VERBS = [
    "について審議しました", "を報告しました", "を決定しました", "について説明を受けました",
    "を見直すこととしました", "について意見を交わしました", "を公表しました", "を承認しました",
]  # fmt: skip
LINKS = ["また、", "なお、", "さらに、", "一方、", "このため、", "そこで、", ""]
HEADLINES = [
    "令和六年度第三回定例会の報告", "議会だより第百二十号のお知らせ", "市政のうごきと暮らしの情報",
    "広報みなとがわ十二月号特集記事",
]  # fmt: skip
HEAD_WIDTH = 36.0  # points reserved at the right for the headline column


@dataclass(frozen=True)
class TierPage:
    tiers: int
    rules: bool
    headline: str | None
    columns: list[list[str]]  # per tier, its columns right to left
    size: float = 10.0

    @property
    def truth(self) -> str:
        lines = [self.headline] if self.headline else []
        return "\n".join(lines + [c for tier in self.columns for c in tier])

    @property
    def body(self) -> str:
        return "".join(c for tier in self.columns for c in tier)


MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 60.0, 70.0, 70.0
GAP = 26.0  # between tiers, points
PITCH = 1.7  # column pitch, in glyph sizes


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(LINKS)}{rng.choice(SUBJECTS)}は{rng.choice(OBJECTS)}{rng.choice(VERBS)}。"


def _wrap(text: str, per_column: int) -> list[str]:
    return [text[i : i + per_column] for i in range(0, len(text), per_column)]


def tier_page(rng: random.Random, tiers: int, *, rules: bool, headline: bool) -> TierPage:
    size = 10.0
    usable = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM
    per_column = int((usable - GAP * (tiers - 1)) / tiers / size)
    left = PAGE_SIZE[0] - 2 * MARGIN_X - (HEAD_WIDTH if headline else 0)
    count = int(left / (PITCH * size))
    columns = []
    for _ in range(tiers):
        text = ""
        while len(text) < per_column * (count - 1):  # last column partly filled
            text += _sentence(rng)
        columns.append(
            _wrap(text[: per_column * count - rng.randrange(1, per_column // 2)], per_column)
        )
    return TierPage(tiers, rules, rng.choice(HEADLINES) if headline else None, columns, size)


def runs(page: TierPage) -> tuple[list[Run], list[tuple[float, float, float, float]]]:
    """The page's text runs, and its rules as (x0, top, x1, bottom) in points from the top."""
    size, tiers = page.size, page.tiers
    usable = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM
    height = (usable - GAP * (tiers - 1)) / tiers
    x_right = PAGE_SIZE[0] - MARGIN_X
    out: list[Run] = []
    if page.headline:
        head, pitch = _headline(page, height)
        x = x_right - 12.0
        for index, char in enumerate(page.headline):  # spaced glyph by glyph (字間)
            out.append(Run(char, x, MARGIN_TOP + index * pitch, head, vertical=True))
        x_right -= HEAD_WIDTH
    rules = []
    for index, tier in enumerate(page.columns):
        top = MARGIN_TOP + index * (height + GAP)
        x = x_right - size / 2
        for column in tier:
            out.append(Run(column, x, top, size, vertical=True))
            x -= PITCH * size
        if page.rules and index:
            y = top - GAP / 2
            rules.append((MARGIN_X, y - 0.4, x_right, y + 0.4))
    return out, rules


def _headline(page: TierPage, height: float) -> tuple[float, float]:
    """(glyph size, pitch) of the headline: it runs down through the first tier, across
    the gap and well into the second, as a 見出し set over two tiers does."""
    if page.tiers == 1:
        return 16.0, 16.0
    span = 1.3 * height + GAP
    assert page.headline is not None
    size = min(24.0, max(16.0, span / len(page.headline)))
    return size, min(1.5 * size, max(size, span / len(page.headline)))


def single_tier(page: TierPage) -> TierPage:
    """The same body text set in one tier (full-height columns), for the comparison."""
    usable = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM
    per_column = int(usable / page.size)
    return TierPage(1, False, page.headline, [_wrap(page.body, per_column)], page.size)


def write(page: TierPage, path: Path) -> None:
    laid, rules = runs(page)
    write_pdf([laid], path, FONT, f"段組 {page.tiers}", rules=[rules])


def scan(pdf_path: Path, dpi: int, rng: random.Random) -> bytes:
    """A degraded grayscale JPEG of the PDF's first page at ``dpi``."""
    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        page = document[0]
        bitmap = page.render(scale=dpi / 72, grayscale=True)
        clean: Image.Image = bitmap.to_pil().convert("L")
        bitmap.close()
        page.close()
    finally:
        document.close()
    image, how = degrade(clean, rng)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=how["jpeg"], dpi=(dpi, dpi))
    return out.getvalue()


def pages(seed: int, count: int) -> list[TierPage]:
    """``count`` pages cycling through 2, 3, 4 tiers, rules on every other, a headline on
    every third."""
    rng = random.Random(seed)
    return [tier_page(rng, 2 + i % 3, rules=bool(i % 2), headline=i % 3 == 1) for i in range(count)]


def write_reportlab(page: TierPage, path: Path) -> None:
    """The page drawn glyph by glyph with reportlab and IPAex's horizontal glyphs, the way
    many generators make 縦書き PDFs: each glyph in its cell, and 、。，drawn in the upper
    right of the cell (their horizontal glyphs shifted right and up by half a glyph)."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if "IPAexMincho" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("IPAexMincho", str(FONT)))
    laid, rules = runs(page)
    pdf = canvas.Canvas(str(path), pagesize=PAGE_SIZE, invariant=1)
    height = PAGE_SIZE[1]
    for x0, top, x1, bottom in rules:
        pdf.rect(x0, height - bottom, x1 - x0, bottom - top, stroke=0, fill=1)
    for run in laid:
        pdf.setFont("IPAexMincho", run.size)
        for index, char in enumerate(run.text):
            x = run.x - run.size / 2
            baseline = height - run.y - (index + 0.88) * run.size
            if char in "、。，":
                x, baseline = x + 0.55 * run.size, baseline + 0.55 * run.size
            pdf.drawString(x, baseline, char)
    pdf.showPage()
    pdf.save()
