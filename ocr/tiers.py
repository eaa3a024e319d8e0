"""Tiers (段組) of vertical text: blocks of columns stacked one above the other.

官報, 公報, 例規集, council bulletins and older books set vertical text in two to four tiers,
often with a rule between them, sometimes with a headline column spanning the tiers. Read
as one block, column N of the upper tier runs into column N of the lower one. Here a page
is cut into tiers where a horizontal band crosses (nearly) no text: the band must be at
least ``MIN_GAP`` glyphs tall (the leading between two glyphs of a column is far less) and
every tier must hold at least ``MIN_COLUMNS`` columns, so that a single-tier letter with a
short date column or a signature at the foot stays one block. A column that crosses a
gap (a headline) is read first, then the tiers top to bottom, each right to left.

Both paths use it: the text layer on the column pieces it formed from glyphs
(:func:`order_segments`), the scan path on the page image (:func:`image_blocks`), whose
blocks are then OCR'd one by one. Plain Python and Pillow: no NumPy in the toolchain.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image

__all__ = ["Block", "column_drift", "image_blocks", "order_segments"]

MIN_GAP = 1.5  # glyph sizes: the smallest horizontal band that separates two tiers
MIN_COLUMNS = 3  # columns each tier must have
RULE_LENGTH = 0.3  # of the text width: a longer horizontal ink run is a rule, not text
INK_THRESHOLD = 150  # as ocr.imageprep
ANALYSIS_HEIGHT = 900  # px of the image the tiers are found on


Box = tuple[float, float, float, float]  # x0, top, x1, bottom


def _gaps(covered: list[bool], min_gap: int) -> list[tuple[int, int]]:
    """Runs of uncovered positions at least ``min_gap`` long, with cover on both sides."""
    gaps, start, seen = [], None, False
    for index, value in enumerate(covered):
        if value:
            if start is not None and seen and index - start >= min_gap:
                gaps.append((start, index))
            start, seen = None, True
        elif start is None:
            start = index
    return gaps


def _count_columns(spans: list[tuple[float, float]], tolerance: float) -> int:
    """How many distinct columns the horizontal spans (x0, x1) make."""
    count, right = 0, None
    for x0, x1 in sorted(spans):
        if right is None or x0 > right - tolerance:
            count += 1
            right = x1
        else:
            right = max(right, x1)
    return count


def order_segments(boxes: list[Box], size: float) -> list[int]:
    """Reading order of the column pieces ``boxes`` (indices): spanning pieces, then tiers.

    ``size``: the body glyph size, in the boxes' unit. Without tiers the order is the
    single-tier one: right to left, each column top to bottom.
    """
    single = sorted(range(len(boxes)), key=lambda i: (-(boxes[i][0] + boxes[i][2]), boxes[i][1]))
    if len(boxes) < 2 * MIN_COLUMNS:
        return single
    top = min(b[1] for b in boxes)
    bottom = max(b[3] for b in boxes)
    step = size / 4  # bins of a quarter glyph
    bins = int((bottom - top) / step) + 1

    def bin_of(y: float) -> int:
        return min(bins - 1, max(0, int((y - top) / step)))

    # Cover of each bin by the pieces; a piece crossing a gap is found after the cut.
    count = [0] * bins
    for _x0, t, _x1, b in boxes:
        for k in range(bin_of(t), bin_of(b) + 1):
            count[k] += 1
    peak = max(count)
    # A headline column crosses the gaps: a band where at most two pieces pass (and far
    # fewer than the tiers hold) is still a gap.
    level = min(2, peak // 4)
    gaps = _gaps([c > level for c in count], int(MIN_GAP * 4))
    if not gaps:
        return single
    cuts = [top + (a + b) / 2 * step for a, b in gaps]
    spanning = {i for i, (x0, t, x1, b) in enumerate(boxes) if any(t < cut < b for cut in cuts)}
    edges = [top - 1, *cuts, bottom + 1]
    tiers: list[list[int]] = [[] for _ in range(len(edges) - 1)]
    for i, (_x0, t, _x1, b) in enumerate(boxes):
        if i in spanning:
            continue
        middle = (t + b) / 2
        for k in range(len(tiers)):
            if edges[k] <= middle < edges[k + 1]:
                tiers[k].append(i)
                break
    for tier in tiers:
        spans = [(boxes[i][0], boxes[i][2]) for i in tier]
        if _count_columns(spans, size / 4) < MIN_COLUMNS:
            return single
    order = sorted(spanning, key=lambda i: (-(boxes[i][0] + boxes[i][2]), boxes[i][1]))
    for tier in tiers:
        order += sorted(tier, key=lambda i: (-(boxes[i][0] + boxes[i][2]), boxes[i][1]))
    return order


@dataclass(frozen=True)
class Block:
    """A part of the page image to OCR on its own, in reading order."""

    box: tuple[int, int, int, int]  # left, top, right, bottom in the image's pixels
    blank: tuple[tuple[int, int, int, int], ...] = ()  # parts to whiten (other blocks' ink)


def _merged(runs: list[tuple[int, int]], gap: int) -> list[tuple[int, int]]:
    """``runs`` with holes narrower than ``gap`` closed (the strokes of one glyph)."""
    out: list[tuple[int, int]] = []
    for start, end in runs:
        if out and start - out[-1][1] < gap:
            out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _ink_runs(values: list[int], least: int) -> list[tuple[int, int]]:
    runs, start = [], None
    for index, value in enumerate([*values, 0]):
        if value >= least and start is None:
            start = index
        elif value < least and start is not None:
            runs.append((start, index))
            start = None
    return runs


STRIP = 24  # rows of the analysis image whose columns are counted together (skew-proof)


def _columns_in(ink: Image.Image, top: int, bottom: int) -> tuple[int, int]:
    """(columns, their typical width) between two rows: medians over short strips, so that
    columns slanted by a skew of a degree or two do not merge in the profile."""
    counts, widths = [], []
    if bottom <= top:
        return 0, 0
    for y in range(top, max(top + 1, bottom - STRIP // 2), STRIP):
        strip = ink.crop((0, y, ink.width, min(bottom, y + STRIP)))
        profile = list(strip.resize((ink.width, 1), Image.Resampling.BOX).tobytes())
        runs = _ink_runs(profile, 8)
        counts.append(len(runs))
        widths += [b - a for a, b in runs]
    if not widths:
        return 0, 0
    return sorted(counts)[len(counts) // 2], sorted(widths)[len(widths) // 2]


def column_drift(gray: Image.Image, skew: float) -> float:
    """How far a column of the vertical page ``gray`` moves sideways over the text's
    height at ``skew`` degrees, in column pitches. Past about half a pitch, Tesseract's
    column finding on the unstraightened page reads into the neighbouring column."""
    factor = max(1, round(gray.height / ANALYSIS_HEIGHT))
    small = gray.reduce(factor) if factor > 1 else gray
    ink = small.point([255 if v < INK_THRESHOLD else 0 for v in range(256)])
    if skew:
        ink = ink.rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor=0)
    box = ink.getbbox()
    if box is None:
        return 0.0
    columns, _ = _columns_in(ink, box[1], box[3])
    if columns < 2:
        return 0.0
    pitch = (box[2] - box[0]) / columns
    return (box[3] - box[1]) * abs(math.tan(math.radians(skew))) / pitch


def image_blocks(gray: Image.Image, skew: float = 0.0) -> list[Block] | None:
    """The tiers of a vertical page image (with spanning columns first), or None when the
    page is a single block. ``skew``: degrees counter-clockwise that would straighten the
    page; the blocks are then those of the straightened page."""
    factor = max(1, round(gray.height / ANALYSIS_HEIGHT))
    small = gray.reduce(factor) if factor > 1 else gray
    ink = small.point([255 if v < INK_THRESHOLD else 0 for v in range(256)])
    if skew:
        ink = ink.rotate(skew, resample=Image.Resampling.BILINEAR, fillcolor=0)
    width, height = ink.size
    data = ink.tobytes()
    rows = [data[y * width : (y + 1) * width] for y in range(height)]
    counts = [row.count(255) for row in rows]
    text_rows = [y for y, c in enumerate(counts) if c >= 2]
    if not text_rows:
        return None
    box = ink.getbbox()
    assert box is not None
    left, right = box[0], box[2]
    # Rules: rows with a long unbroken ink run; they separate tiers like white space does.
    rule_length = RULE_LENGTH * (right - left)
    rules = [y for y in text_rows if max(map(len, rows[y].split(b"\x00"))) >= rule_length]
    for y in rules:
        for k in range(max(0, y - 1), min(height, y + 2)):  # with its anti-aliased edges
            counts[k] = 0
            ink.paste(0, (0, k, width, k + 1))
    columns, size = _columns_in(ink, text_rows[0], text_rows[-1] + 1)
    if columns < MIN_COLUMNS:
        return None
    # (a column is about one glyph wide: ``size`` is the glyph size)
    # A row is covered when many columns pass through it: count the columns (ink runs) in
    # strips of a third of a glyph. A headline crossing a gap is one column (two or three
    # runs for a glyph like 川), the tiers hold far more.
    strip = max(1, size // 3)
    runs = [0] * height
    for y in range(0, height, strip):
        profile = ink.crop((0, y, width, min(height, y + strip)))
        found = _ink_runs(list(profile.resize((width, 1), Image.Resampling.BOX).tobytes()), 1)
        runs[y : y + strip] = [len(_merged(found, max(1, size // 2)))] * min(strip, height - y)
    level = min(3, max(runs) // 4)
    gaps = _gaps([c > level for c in runs], max(2, round(MIN_GAP * size)))
    if not gaps:
        return None
    top, bottom = text_rows[0], text_rows[-1] + 1
    # (a speck or a one-pixel stroke outside the text rows may make a "gap" out there)
    gaps = [(a, b) for a, b in gaps if top < (a + b) // 2 < bottom]
    if not gaps:
        return None
    spanning: list[tuple[int, int]] = []
    for a, b in gaps:
        band = ink.crop((0, a, width, b))
        profile = list(band.resize((width, 1), Image.Resampling.BOX).tobytes())
        for x0, x1 in _merged(_ink_runs(profile, 1), max(1, size // 2)):
            if x1 - x0 < size // 2:
                continue
            # a headline passes through most of the gap (its glyphs, spaced or not); dust
            # specks ink a few rows
            rows = band.crop((x0, 0, x1, b - a)).resize((1, b - a), Image.Resampling.BOX)
            if sum(v > 0 for v in rows.tobytes()) < (b - a) // 4:
                continue
            if not any(s0 <= x1 and x0 <= s1 for s0, s1 in spanning):
                spanning.append((x0, x1))
    # The blocks are cut from the image as it is: a skew left in it (``skew``) moves a
    # column sideways along its length, and the text's ends up and down along the page.
    # The outer tiers therefore reach to the image's edges, the headline gets more room.
    drift = math.ceil(abs(math.tan(math.radians(skew))) * height / 2)
    pad = size // 2 + drift
    spanning = [(max(0, x0 - pad), min(width, x1 + pad)) for x0, x1 in spanning]
    edges = [top, *[(a + b) // 2 for a, b in gaps], bottom]
    blocks: list[Block] = []
    for x0, x1 in sorted(spanning, key=lambda s: -s[0]):
        blocks.append(Block((x0, 0, x1, height)))
    for k in range(len(edges) - 1):
        t, b = edges[k], edges[k + 1]
        tier = ink.copy()
        for x0, x1 in spanning:
            tier.paste(0, (x0, t, x1, b))
        if _columns_in(tier, t, b)[0] < MIN_COLUMNS:
            return None
        t = 0 if k == 0 else t
        b = height if k == len(edges) - 2 else b
        blank = tuple((x0, t, x1, b) for x0, x1 in spanning)
        blocks.append(Block((0, t, width, b), blank))
    return [
        Block(
            _scale(block.box, factor, gray.size),
            tuple(_scale(box, factor, gray.size) for box in block.blank),
        )
        for block in blocks
    ]


def _scale(box: tuple[int, int, int, int], factor: int, size: tuple[int, int]):
    x0, y0, x1, y1 = box
    return (
        max(0, x0 * factor),
        max(0, y0 * factor),
        min(size[0], x1 * factor),
        min(size[1], y1 * factor),
    )
