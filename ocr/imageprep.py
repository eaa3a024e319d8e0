"""Cheap page analysis before OCR: writing direction and skew from projection profiles.

Lines of horizontal text make the row profile of a page (ink per pixel row) alternate
sharply between text and gaps; columns of vertical text do the same to the column profile.
Trying a few candidate angles on a small binarised copy of the page and keeping the
angle whose profile has the most blank rows (columns) gives the skew; the profile of the
page rotated by a small angle is made from the profiles of narrow strips of the page,
shifted (:func:`_profile`), so no candidate rotates the image. The writing direction comes
from the sharpness of the two profiles and the widths of their blank runs (see
:func:`_direction`). Pillow only; about ten milliseconds for a 300 dpi A4 page.
Deskewing resamples only the text area (:func:`rotate_page`), with OpenCV's bilinear warp.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image

__all__ = ["Layout", "analyse", "background", "rotate_page", "to_grayscale"]

ANALYSIS_WIDTH = 640
MAX_SKEW = 3.0
COARSE_STEP = 0.5
FINE_STEP = 0.1
STRIPS = 96  # strips of the page whose profiles are shifted to measure a rotation
INK_THRESHOLD = 150  # 0 black .. 255 white; darker than this counts as ink
# A direction wins when its profile is this much sharper than the other's; closer than
# that the page is "ambiguous" (tables, forms, a few words) and the caller may try both.
DIRECTION_MARGIN = 1.25
SHARPNESS_MARGIN = 1.4
BLANK_INK = 0.0005  # less ink than this (a few specks) is a blank page
TEXT_PIXELS = 4  # inked pixels of a row (column) of the analysis image that make it text


@dataclass(frozen=True)
class Layout:
    direction: str  # "horizontal" | "vertical"
    skew: float  # degrees, counter-clockwise rotation that straightens the page
    ambiguous: bool
    ink: float  # fraction of the analysed pixels that are ink
    # Where the text is: (left, top, right, bottom) as fractions of the page's width and
    # height, isolated specks left out; None when there is no text.
    text_box: tuple[float, float, float, float] | None = None
    paper: int | None = None  # the paper's grey level (see :func:`background`)


def to_grayscale(image: Image.Image) -> Image.Image:
    """An 8-bit grayscale copy, transparency composited on white."""
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(background, rgba)
    if image.mode == "I;16" or image.mode.startswith("I;16"):
        image = image.point(lambda v: v / 256).convert("L")
    return image.convert("L") if image.mode != "L" else image


def _ink_image(gray: Image.Image) -> Image.Image:
    factor = max(1, round(max(gray.width, gray.height) / (ANALYSIS_WIDTH * 1.4)))
    small = gray.reduce(factor) if factor > 1 else gray
    # Ink white (255) on black: rotation fills the corners with 0, i.e. no ink.
    return small.point(_INK_TABLE)


_INK_TABLE = [255 if v < INK_THRESHOLD else 0 for v in range(256)]


def _sharpness(profile: list[int]) -> float:
    """Normalised variance of a profile: 0 when flat, high when it alternates."""
    n = len(profile)
    if n < 2:
        return 0.0
    mean = sum(profile) / n
    if mean <= 0:
        return 0.0
    return sum((v - mean) ** 2 for v in profile) / n / (mean * mean)


def _runs(profile: list[int]) -> tuple[list[int], list[int]]:
    """Lengths of the inked runs and of the blank runs between them (margins excluded)."""
    threshold = 0.03 * max(profile) if profile else 0
    runs: list[list] = []
    for value in profile:
        inked = value > threshold
        if runs and runs[-1][0] == inked:
            runs[-1][1] += 1
        else:
            runs.append([inked, 1])
    while runs and not runs[0][0]:
        runs.pop(0)
    while runs and not runs[-1][0]:
        runs.pop()
    return [n for inked, n in runs if inked], [n for inked, n in runs if not inked]


def _median(values: list[int]) -> float:
    ordered = sorted(values)
    return float(ordered[len(ordered) // 2]) if ordered else 0.0


def _weighted_median(runs: list[int]) -> float:
    """The run length that half of the inked length belongs to (specks weigh little)."""
    total, seen = sum(runs), 0
    for length in sorted(runs):
        seen += length
        if 2 * seen >= total:
            return float(length)
    return 0.0


def _direction(rows: list[int], cols: list[int]) -> tuple[str, bool]:
    """Writing direction from the row and column profiles, and whether it is a guess.

    On a page of text the profile across the lines is much sharper than the one along
    them. With a few lines that is not so: Japanese is set on a grid, so the characters of
    horizontal lines also line up in columns and either profile can be the sharper. Then
    the width of the blank runs decides: the leading between lines is a good fraction of
    a character ("wide": at least 0.3 of the smaller of the two axes' typical inked runs),
    the gap between two characters of a line a small one.
    """
    row_ink, row_gaps = _runs(rows)
    col_ink, col_gaps = _runs(cols)
    # A single line (or column): one inked run about one character high (wide).
    if len(row_ink) == 1 and len(col_ink) > 1 and row_ink[0] < 2.5 * _median(col_ink):
        return "horizontal", False
    if len(col_ink) == 1 and len(row_ink) > 1 and col_ink[0] < 2.5 * _median(row_ink):
        return "vertical", False
    # A page of text (five lines or more): one profile is much sharper than the other.
    row_sharpness, col_sharpness = _sharpness(rows), _sharpness(cols)
    many_lines = min(len(row_ink), len(col_ink)) >= 5
    if many_lines and max(row_sharpness, col_sharpness) >= SHARPNESS_MARGIN * min(
        row_sharpness, col_sharpness
    ):
        return ("vertical" if col_sharpness > row_sharpness else "horizontal"), False
    # A few lines: across the lines nearly every blank run is leading (wide); along a line
    # most are the narrow gaps between characters.
    character = min(_weighted_median(row_ink), _weighted_median(col_ink))
    minimum = max(2.0, 0.3 * character)
    row_wide = sum(g >= minimum for g in row_gaps) / max(1, len(row_gaps))
    col_wide = sum(g >= minimum for g in col_gaps) / max(1, len(col_gaps))
    ambiguous = abs(row_wide - col_wide) < 0.2
    if row_wide == col_wide:
        row_wide = sum(g for g in row_gaps if g >= minimum)
        col_wide = sum(g for g in col_gaps if g >= minimum)
    return ("vertical" if col_wide > row_wide else "horizontal"), ambiguous


def _strips(ink: Image.Image) -> tuple[Image.Image, Image.Image]:
    """Row profiles of ``STRIPS`` vertical strips (one column each) and column profiles of
    ``STRIPS`` horizontal strips (one row each): the ink per row (column) of each strip."""
    rows = ink.resize((min(STRIPS, ink.width), ink.height), Image.Resampling.BOX)
    cols = ink.resize((ink.width, min(STRIPS, ink.height)), Image.Resampling.BOX)
    return rows, cols


def _profile(strips: Image.Image, angle: float, axis: int, size: tuple[int, int]) -> Image.Image:
    """The row (``axis`` 0) or column (1) profile of the page rotated by ``angle`` degrees
    counter-clockwise, as a one-pixel-wide (high) image.

    For a small angle the rotation moves each strip of the page along its length by its
    distance from the centre times tan(angle): the strips' profiles are shifted (an affine
    transform of an image ``STRIPS`` pixels wide) and added up. A few microseconds per
    angle instead of rotating the page image.
    """
    t = math.tan(math.radians(angle))
    width, height = size
    if axis == 0:
        step = width / strips.width
        data = (1, 0, 0, t * step, 1, -t * width / 2)
        target = (1, strips.height)
    else:
        step = height / strips.height
        data = (1, -t * step, t * height / 2, 0, 1, 0)
        target = (strips.width, 1)
    shifted = strips.transform(strips.size, Image.Transform.AFFINE, data) if angle else strips
    return shifted.resize(target, Image.Resampling.BOX)


def _profile_score(profile: Image.Image) -> float:
    """The blank fraction of a profile image (values up to 3 % of its maximum) plus a
    thousandth of its :func:`_sharpness`, from its histogram: no Python loop over the
    profile (the variance comes from the sums of the values and of their squares)."""
    histogram = profile.histogram()
    n = profile.width * profile.height
    top = max((v for v in range(255, -1, -1) if histogram[v]), default=0)
    blank = sum(histogram[: int(0.03 * top) + 1]) / max(1, n)
    total = sum(v * c for v, c in enumerate(histogram) if c)
    if n < 2 or total <= 0:
        return blank
    mean = total / n
    squares = sum(v * v * c for v, c in enumerate(histogram) if c)
    variance = max(0.0, squares / n - mean * mean)
    return blank + 0.001 * variance / (mean * mean)


def _text_box(ink: Image.Image) -> tuple[float, float, float, float] | None:
    """Where the text is, as fractions of the page: from the first to the last row that
    holds a few inked pixels, and across those rows every column with any ink.

    A dust speck inks one or two pixels of a row of the analysis image, a line of text
    many, so the specks in the top and bottom margins are left out; across the rows of
    text nothing is (the end of a long line may ink a column or two only).
    """
    width, height = ink.size
    rows = ink.resize((1, height), Image.Resampling.BOX).tobytes()
    least = max(1, round(255 * TEXT_PIXELS / width))  # values are 255 * inked fraction
    inked = [i for i, v in enumerate(rows) if v >= least]
    if not inked:
        return None
    top, bottom = inked[0], inked[-1] + 1
    box = ink.crop((0, top, width, bottom)).getbbox()
    if box is None:
        return None
    return box[0] / width, top / height, box[2] / width, bottom / height


def analyse(gray: Image.Image) -> Layout:
    """Writing direction and skew of an upright (or nearly upright) page image."""
    ink = _ink_image(gray)
    ratio = ink.histogram()[255] / max(1, ink.width * ink.height)
    if ratio < BLANK_INK:
        return Layout("horizontal", 0.0, True, ratio)
    text_box = _text_box(ink)
    # Crop to the inked area so that margins do not dilute the profiles.
    box = ink.getbbox()
    if box:
        ink = ink.crop(box)
    row_strips, col_strips = _strips(ink)
    scores: dict[float, tuple[float, float]] = {}
    profiles: dict[tuple[float, int], Image.Image] = {}

    def score(angle: float, axis: int) -> float:
        """The blank fraction of the profile across the lines (lines are straightest when
        most rows or columns between them are empty), sharpness breaking ties."""
        angle = round(angle, 2)
        if (angle, axis) not in profiles:
            strips = col_strips if axis else row_strips
            profiles[angle, axis] = _profile(strips, angle, axis, ink.size)
        return _profile_score(profiles[angle, axis])

    steps = int(MAX_SKEW / COARSE_STEP)
    for i in range(-steps, steps + 1):
        scores[i * COARSE_STEP] = (score(i * COARSE_STEP, 0), score(i * COARSE_STEP, 1))
    best_row = max(scores, key=lambda a: scores[a][0])
    best_col = max(scores, key=lambda a: scores[a][1])
    direction, ambiguous = _direction(
        list(profiles[round(best_row, 2), 0].tobytes()),
        list(profiles[round(best_col, 2), 1].tobytes()),
    )
    axis = 1 if direction == "vertical" else 0
    coarse = best_col if direction == "vertical" else best_row
    fine = [coarse + k * FINE_STEP for k in range(-4, 5)]
    best = max(fine, key=lambda a: score(a, axis))
    return Layout(direction, round(best, 2), ambiguous, ratio, text_box, background(gray))


def background(gray: Image.Image) -> int:
    """The paper's grey level: the most common value of the page."""
    histogram = gray.histogram()
    return max(range(256), key=histogram.__getitem__)


def rotate_page(
    gray: Image.Image,
    angle: float,
    text_box: tuple[float, float, float, float] | None = None,
    paper: int | None = None,
) -> Image.Image:
    """Rotate counter-clockwise by ``angle`` degrees; quarter turns expand the page.

    The corners uncovered by a small rotation are filled with the paper's own grey: a
    white wedge on grey paper has an edge that Tesseract reads as characters (人, -, .).
    ``paper`` is that grey when known already (:class:`Layout` has it from the preview).

    With ``text_box`` (from :func:`analyse`) only the part of the page that holds the text
    before or after the rotation, with a margin, is resampled; the blank paper around it
    stays as it was. Bilinear resampling is most of the CPU time of a deskew, and most of
    a page's pixels are margins.
    """
    if angle % 360 == 0:
        return gray
    if angle % 90 == 0:
        return gray.rotate(angle, expand=True)
    # OpenCV and numpy (about 40 MB) are loaded when a page is first deskewed: processes
    # that never OCR (the web server) do not carry them.
    import cv2
    import numpy

    cv2.setNumThreads(1)  # one thread, as Tesseract: parallelism comes from worker processes
    fill = background(gray) if paper is None else paper
    region = _rotated_region(gray.size, angle, text_box) if text_box else None
    left, top, right, bottom = region or (0, 0, gray.width, gray.height)
    # Pillow's rotate() as an affine map from output to input pixels, about the page's
    # centre, applied to the region only (output pixel (x, y) of the region is page pixel
    # (x + left, y + top)).
    phi = -math.radians(angle)
    a, b = math.cos(phi), math.sin(phi)
    cx, cy = gray.width / 2, gray.height / 2
    c = a * (left - cx) + b * (top - cy) + cx
    f = -b * (left - cx) + a * (top - cy) + cy
    # OpenCV's bilinear warp (about 4 ns a pixel against Pillow's 18) with Pillow's pixel
    # convention: Pillow maps pixel centres (x + 0.5), OpenCV pixel indices.
    matrix = numpy.array(
        [[a, b, c + (a + b - 1) / 2], [-b, a, f + (a - b - 1) / 2]], dtype=numpy.float64
    )
    part = cv2.warpAffine(
        numpy.asarray(gray),
        matrix,
        (right - left, bottom - top),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=fill,
    )
    if region is None:
        return Image.fromarray(part)
    pixels = numpy.array(gray)  # a copy: the page as scanned around the region
    pixels[top:bottom, left:right] = part
    return Image.fromarray(pixels)


# Around the text box: blank paper resampled with it (fraction of the page's larger side).
TEXT_MARGIN = 0.02


def _rotated_region(
    size: tuple[int, int], angle: float, text_box: tuple[float, float, float, float]
) -> tuple[int, int, int, int] | None:
    """The pixels to resample: the text box (with a margin) before and after the rotation,
    so that outside it the rotated page is blank paper just as the original is. None when
    that is most of the page anyway."""
    width, height = size
    margin = TEXT_MARGIN * max(width, height)
    x0 = text_box[0] * width - margin
    y0 = text_box[1] * height - margin
    x1 = text_box[2] * width + margin
    y1 = text_box[3] * height + margin
    theta = math.radians(angle)
    cos, sin = math.cos(theta), math.sin(theta)
    cx, cy = width / 2, height / 2
    xs, ys = [x0, x1], [y0, y1]
    for x, y in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        # counter-clockwise on the screen (y down)
        xs.append(cx + cos * (x - cx) + sin * (y - cy))
        ys.append(cy - sin * (x - cx) + cos * (y - cy))
    left, top = max(0, math.floor(min(xs)) - 2), max(0, math.floor(min(ys)) - 2)
    right, bottom = min(width, math.ceil(max(xs)) + 2), min(height, math.ceil(max(ys)) + 2)
    if right <= left or bottom <= top or (right - left) * (bottom - top) > 0.9 * width * height:
        return None
    return left, top, right, bottom
