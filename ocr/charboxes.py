"""Hit boxes on scans: each OCR'd word moved onto its own characters' ink.

Tesseract's LSTM places the boxes of CJK words only roughly: on a clean 300 dpi page the
boxes of 蓄倉庫 in 備蓄倉庫 drifted right by a fifth, one and one and a quarter cells
(measured against the drawn positions), so a search hit's highlight covered the next
characters. The text is right; only the positions along the line are off.

Here the characters of each line are laid out again on the line's ink: along the line the
ink profile has white runs between glyphs; a dynamic programme assigns the line's
characters, in order, to consecutive spans between white runs, each span close to the
character's nominal width (one em for full-width characters, about half for others; the
em is the line's thickness), a long white run may stay empty (a full-width space that
Tesseract does not write). A word's box along the line becomes the span of its
characters; across the line it stays. When the characters do not fit the ink well (the
OCR lost or invented characters, a line of mixed sizes) the line keeps Tesseract's boxes.

The text-only PDF Tesseract wrote is changed to match: each line starts with a ``Tm``,
each word is ``Tz [...] TJ`` and the words of a line are moved along it by ``Td``. The
first word's move goes into the ``Tm``, the others into their ``Td``; ``Tz`` is scaled by
the new width over the old. Plain Python, Pillow and pikepdf.
"""

from __future__ import annotations

import io
import math
from dataclasses import replace

import pikepdf
from PIL import Image

from ocr.tesseract import OcrResult, OcrWord

__all__ = ["layout_line", "refine", "refine_pages", "refined_words"]

INK_THRESHOLD = 150  # as ocr.imageprep
LONG_WHITE = 0.4  # em: a white run this long may be left empty (a space)
HALF_WIDTH = 0.55  # em: nominal width of a character that is not full-width
PULL = 0.05  # weight of Tesseract's position against the fit to the ink (per em²)
MAX_COST = 0.12  # mean squared width error per character (em²) above which a line is kept


def _full_width(char: str) -> bool:
    code = ord(char)
    return code >= 0x2E80 and not 0xFF61 <= code <= 0xFFDC


def _white_runs(profile: list[int]) -> list[tuple[int, int]]:
    runs, start = [], None
    for index, value in enumerate([*profile, 1]):
        if value == 0 and start is None:
            start = index
        elif value and start is not None:
            runs.append((start, index))
            start = None
    return runs


def layout_line(
    profile: list[int], chars: str, em: float, centres: list[float] | None = None
) -> list[tuple[int, int]] | None:
    """Spans (start, end) along ``profile`` (ink per position) for each of ``chars``, or
    None when they do not fit the ink. ``centres``: where Tesseract put each character
    (its word's box shared evenly); a weak pull towards them keeps the error of a
    character the OCR lost or invented where it is, instead of spread over the line."""
    inked = [i for i, v in enumerate(profile) if v]
    if not chars or not inked or em <= 0:
        return None
    first, last = inked[0], inked[-1] + 1
    # Boundaries: the ink's ends, the middle of each short white run, both ends of a long
    # one (which may then stay empty).
    bounds: list[int] = [first]
    empty: set[int] = set()  # boundary indices k where (k, k + 1) is an empty span
    for a, b in _white_runs(profile[first:last]):
        a, b = a + first, b + first
        if b - a >= LONG_WHITE * em:
            empty.add(len(bounds))
            bounds += [a, b]
        else:
            bounds.append((a + b) // 2)
    bounds.append(last)
    widths = [(1.0 if _full_width(c) else HALF_WIDTH) * em for c in chars]
    n, m = len(chars), len(bounds)
    inf = math.inf
    # cost[i][k]: the first i characters placed, the last one ending at bounds[k]
    cost = [[inf] * m for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * m for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for k in range(m):
            here = cost[i][k]
            if here == inf:
                continue
            if k in empty and here < cost[i][k + 1]:  # leave a long white run empty
                cost[i][k + 1], back[i][k + 1] = here, (i, k)
            if i == n:
                continue
            wanted = widths[i]
            for j in range(k + 1, m):
                width = bounds[j] - bounds[k]
                if width > 2.5 * wanted + em:
                    break
                step = here + ((width - wanted) / em) ** 2
                if centres is not None:
                    middle = (bounds[j] + bounds[k]) / 2
                    step += PULL * ((middle - centres[i]) / em) ** 2
                if step < cost[i + 1][j]:
                    cost[i + 1][j], back[i + 1][j] = step, (i, k)
    if cost[n][m - 1] == inf or cost[n][m - 1] / n > MAX_COST:
        return None
    spans: list[tuple[int, int]] = []
    i, k = n, m - 1
    while i > 0 or k > 0:
        previous = back[i][k]
        if previous is None:
            return None
        if previous[0] == i - 1:
            spans.append((bounds[previous[1]], bounds[k]))
        i, k = previous
    spans.reverse()
    return spans if len(spans) == n else None


def _lines(words: tuple[OcrWord, ...]) -> list[list[int]]:
    lines: dict[tuple[int, int, int, int], list[int]] = {}
    for index, word in enumerate(words):
        lines.setdefault((word.page, word.block, word.paragraph, word.line), []).append(index)
    return list(lines.values())


def refined_words(
    words: tuple[OcrWord, ...], image: Image.Image, vertical: bool
) -> tuple[OcrWord, ...]:
    """``words`` with their boxes along the line laid out on the ink of ``image``."""
    out = list(words)
    for line in _lines(words):
        group = [words[i] for i in line]
        x0 = min(w.left for w in group)
        y0 = min(w.top for w in group)
        x1 = max(w.left + w.width for w in group)
        y1 = max(w.top + w.height for w in group)
        em = float(x1 - x0 if vertical else y1 - y0)
        if em <= 2:
            continue
        # the band of the line, with half an em of room at both ends
        reach = round(em / 2)
        if vertical:
            box = (x0, max(0, y0 - reach), x1, min(image.height, y1 + reach))
        else:
            box = (max(0, x0 - reach), y0, min(image.width, x1 + reach), y1)
        band = image.crop(box).point([1 if v < INK_THRESHOLD else 0 for v in range(256)])
        data, width = band.tobytes(), band.width
        if vertical:  # ink per row, down the column
            profile = [sum(data[y * width : (y + 1) * width]) for y in range(band.height)]
        else:  # ink per pixel column, along the line
            profile = [sum(data[x::width]) for x in range(width)]
        chars = "".join(w.text for w in group)
        origin = box[1] if vertical else box[0]
        centres = []
        for word in group:
            start, length = (word.top, word.height) if vertical else (word.left, word.width)
            step = length / len(word.text)
            centres += [start - origin + (k + 0.5) * step for k in range(len(word.text))]
        spans = layout_line(profile, chars, em, centres)
        if spans is None:
            continue
        offset = 0
        for index, word in zip(line, group, strict=True):
            start = spans[offset][0] + origin
            end = spans[offset + len(word.text) - 1][1] + origin
            offset += len(word.text)
            if vertical:
                out[index] = replace(word, top=start, height=max(1, end - start))
            else:
                out[index] = replace(word, left=start, width=max(1, end - start))
    return tuple(out)


def _move_words(
    pdf: pikepdf.Pdf,
    page: pikepdf.Page,
    old: tuple[OcrWord, ...],
    new: tuple[OcrWord, ...],
    dpi: float,
) -> bool:
    """Move each word of Tesseract's text-only ``page`` from its ``old`` box to its
    ``new`` one along its line; False (page untouched) when its words are not ``old``."""
    operations = pikepdf.parse_content_stream(page)
    shown = [i for i, (_, op) in enumerate(operations) if str(op) == "TJ"]
    if len(shown) != len(old):
        return False
    unit = 72.0 / dpi
    word = -1
    matrix: tuple[float, float] | None = None  # the line's direction (Tm's a, b)
    matrix_at = -1
    scaling_at: int | None = None
    pending: int | None = None  # index of the Td before the next word
    moved_before = 0.0  # along-line move of the previous word of the line (points)
    for index, (operands, operator) in enumerate(operations):
        name = str(operator)
        if name == "Tm":
            values = [float(v) for v in operands]
            norm = math.hypot(values[0], values[1]) or 1.0
            matrix, matrix_at = (values[0] / norm, values[1] / norm), index
            moved_before, pending = 0.0, None
        elif name == "Td":
            pending = index
        elif name == "Tz":
            scaling_at = index
        elif name == "TJ":
            word += 1
            a, b = old[word], new[word]
            if matrix is None:
                return False
            # the move along the line's direction, in points (PDF y points up)
            dx, dy = (b.left - a.left) * unit, -(b.top - a.top) * unit
            along = dx * matrix[0] + dy * matrix[1]
            if pending is None:  # the line's first word: move the line's origin
                values = [float(v) for v in operations[matrix_at].operands]
                values[4] += along * matrix[0]
                values[5] += along * matrix[1]
                operations[matrix_at] = pikepdf.ContentStreamInstruction(
                    [round(v, 4) for v in values], pikepdf.Operator("Tm")
                )
            else:
                values = [float(v) for v in operations[pending].operands]
                values[0] += along - moved_before
                operations[pending] = pikepdf.ContentStreamInstruction(
                    [round(v, 4) for v in values], pikepdf.Operator("Td")
                )
            moved_before, pending = along, None
            vertical_line = abs(matrix[1]) > abs(matrix[0])
            old_length = a.height if vertical_line else a.width
            new_length = b.height if vertical_line else b.width
            if scaling_at is not None and old_length > 0 and new_length != old_length:
                value = float(operations[scaling_at].operands[0]) * new_length / old_length
                operations[scaling_at] = pikepdf.ContentStreamInstruction(
                    [round(value, 3)], pikepdf.Operator("Tz")
                )
            scaling_at = None
    page.obj.Contents = pikepdf.Stream(pdf, pikepdf.unparse_content_stream(operations))
    return True


def refine(result: OcrResult, image: Image.Image, vertical: bool, dpi: float) -> OcrResult:
    """``result`` of Tesseract on ``image`` with word boxes (and its text-only PDF) moved
    onto the characters' ink. Unchanged when nothing could be laid out."""
    if not result.words:
        return result
    words = refined_words(result.words, image, vertical)
    if words == result.words:
        return result
    if result.pdf is None:
        return replace(result, words=words)
    with pikepdf.open(io.BytesIO(result.pdf)) as pdf:
        if not _move_words(pdf, pdf.pages[0], result.words, words, dpi):
            return result  # the text layer's words are not the TSV's: keep both as they were
        buffer = io.BytesIO()
        pdf.save(buffer)
    return replace(result, words=words, pdf=buffer.getvalue())


def refine_pages(
    words: tuple[OcrWord, ...], text_pdf: bytes | None, images: list[Image.Image], dpi: float
) -> tuple[tuple[OcrWord, ...], bytes | None]:
    """:func:`refine` for the vertical parts of a page OCR'd as a multi-page image
    (:func:`ocr.tesseract.run_pages`): ``images`` are the parts, ``words`` carry their
    part's number; a part whose text layer does not match keeps Tesseract's boxes."""
    out: list[OcrWord] = []
    pdf = pikepdf.open(io.BytesIO(text_pdf)) if text_pdf is not None else None
    try:
        for number, image in enumerate(images, 1):
            old = tuple(w for w in words if w.page == number)
            new = refined_words(old, image, True) if old else old
            moved = (
                new == old or pdf is None or _move_words(pdf, pdf.pages[number - 1], old, new, dpi)
            )
            if new != old and not moved:
                new = old
            out += new
        if pdf is None:
            return tuple(out), None
        buffer = io.BytesIO()
        pdf.save(buffer)
        return tuple(out), buffer.getvalue()
    finally:
        if pdf is not None:
            pdf.close()
