"""Text of a born-digital PDF page in reading order, horizontal or vertical (縦書き).

pdfplumber gives every glyph with its box in display space (the page's /Rotate applied).
Vertical Japanese reaches us in two shapes: an Identity-V (or UniJIS-UCS2-V) font whose
glyphs are upright but advance downwards, or horizontal glyphs drawn with a rotated text
matrix. In both the *content stream order* of consecutive glyphs runs down the page, so
the writing direction is read from geometry, not from font names: each pair of
consecutive glyphs that sit one under the other (same column, next glyph just below)
is a vertical link, each pair side by side on one line a horizontal link; the page is
vertical when vertical links outnumber horizontal ones. Vertical pages are read column by
column, right to left, each column top to bottom.

A page whose text layer is missing or junk (``(cid:NN)`` glyphs without a Unicode
mapping, U+FFFD, private-use code points) is reported as such so the caller can OCR it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ocr import tiers

__all__ = ["PageText", "page_text", "text_layer_problem"]


@dataclass(frozen=True)
class TextWord:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


@dataclass(frozen=True)
class PageText:
    text: str
    words: tuple[TextWord, ...]
    direction: str  # "horizontal" | "vertical"
    images: tuple[tuple[float, float, float, float], ...] = ()  # x0, top, x1, bottom


def _glyphs_and_images(page: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """pdfplumber's char and image dicts, without converting every other object.

    ``page.chars`` makes pdfplumber turn every object of the page into a dict, the curves
    and rectangles of a table included (a third of the time on table-heavy pages); only
    glyphs and images are needed here. The dicts are made by pdfplumber's own
    ``process_object``, so they are the same as ``page.chars`` gives.
    """
    from pdfminer.layout import LTChar, LTContainer, LTImage

    chars: list[dict[str, Any]] = []
    images: list[dict[str, Any]] = []
    char = _char_maker(page)

    def walk(objects: Any) -> None:
        for obj in objects:
            if isinstance(obj, LTContainer):
                walk(obj._objs)
            elif isinstance(obj, LTChar):
                chars.append(char(obj))
            elif isinstance(obj, LTImage):
                images.append(page.process_object(obj))

    walk(page.layout._objs)
    return chars, images


def _char_maker(page: Any) -> Any:
    """A function making the dict of a glyph, with the keys and values that pdfplumber's
    ``process_object`` gives it and that the text functions read.

    ``process_object`` runs ``resolve_all`` over every attribute of every glyph (colours,
    graphics state, font objects), two thirds of the time of a born-digital page; the
    glyph's position, size, font name and text are plain values already.
    """
    from unicodedata import normalize as normalize_unicode

    height = page.height
    mb_top = page.mediabox[1]
    doctop = page.initial_doctop
    number = page.page_number
    norm = page.pdf.unicode_norm

    def make(obj: Any) -> dict[str, Any]:
        text = _visible(obj.get_text())
        top = (height - obj.y1) + mb_top
        fontname = obj.fontname
        if isinstance(fontname, bytes):  # rare byte-encoded font names, as pdfplumber
            char = page.process_object(obj)
            char["text"] = _visible(char["text"])
            return char
        return {
            "fontname": fontname,
            "adv": obj.adv,
            "upright": obj.upright,
            "x0": obj.x0,
            "y0": obj.y0,
            "x1": obj.x1,
            "y1": obj.y1,
            "width": obj.width,
            "height": obj.height,
            "size": obj.size,
            "matrix": obj.matrix,
            "object_type": "char",
            "page_number": number,
            "text": normalize_unicode(norm, text) if norm is not None else text,
            "top": top,
            "bottom": (height - obj.y0) + mb_top,
            "doctop": doctop + top,
        }

    return make


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _visible(text: str) -> str:
    """A glyph's text with control characters as U+FFFD.

    A font whose ToUnicode map sends a glyph to U+0000 (a character missing from the
    embedded subset) would otherwise put a NUL into the page text, which PostgreSQL refuses
    in a text column. U+FFFD keeps the glyph's place (hit boxes count characters) and is
    counted as an unmapped glyph by ``text_layer_problem``.
    """
    return text if text.isprintable() else _CONTROL.sub("\ufffd", text)


def _is_space(text: str) -> bool:
    return not text.strip()


def _size(char: dict[str, Any]) -> float:
    return max(char["x1"] - char["x0"], char["bottom"] - char["top"], 0.1)


def writing_direction(chars: list[dict[str, Any]]) -> str:
    vertical = horizontal = 0
    previous = None
    for char in chars:
        if _is_space(char["text"]):
            continue
        if previous is not None:
            size = _size(previous)
            dx = (char["x0"] + char["x1"] - previous["x0"] - previous["x1"]) / 2
            dy = (char["top"] + char["bottom"] - previous["top"] - previous["bottom"]) / 2
            if 0 < dy < 2.5 * size and abs(dx) < 0.35 * size:
                vertical += 1
            elif 0 < dx < 2.5 * size and abs(dy) < 0.35 * size:
                horizontal += 1
        previous = char
    return "vertical" if vertical > horizontal else "horizontal"


# Punctuation that vertical typesetting puts in the upper right of its cell. Drawn with a
# horizontal font, its glyph box is shifted out of the cell (half a glyph to the right and
# up), so its centre falls into the next column or cell; its ink, in the lower left of
# the glyph box, is in the right cell. Vertical-form glyphs (︑ ︒) have the cell as box.
CELL_PUNCTUATION = frozenset("、。，．,.")


def _anchor(char: dict[str, Any]) -> tuple[float, float]:
    """The point of a glyph that lies inside its cell of the column."""
    if char["text"] in CELL_PUNCTUATION:
        width, height = char["x1"] - char["x0"], char["bottom"] - char["top"]
        return char["x0"] + 0.25 * width, char["bottom"] - 0.25 * height
    return (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2


def _columns(chars: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group glyphs into columns (right to left), each sorted top to bottom by cell."""
    columns: list[dict[str, Any]] = []
    # Other glyphs first: they set the columns' extents, punctuation then joins by anchor.
    for char in sorted(chars, key=lambda c: (c["text"] in CELL_PUNCTUATION, -(c["x0"] + c["x1"]))):
        centre = _anchor(char)[0]
        for column in columns:
            if column["x0"] <= centre <= column["x1"]:
                column["chars"].append(char)
                break
        else:
            columns.append({"x0": char["x0"], "x1": char["x1"], "chars": [char]})
    ordered = sorted(columns, key=lambda c: -(c["x0"] + c["x1"]))
    return [sorted(column["chars"], key=lambda c: (_anchor(c)[1], c["x0"])) for column in ordered]


def _vertical_text(chars: list[dict[str, Any]]) -> PageText:
    runs: list[list[dict[str, Any]]] = []
    for column in _columns([c for c in chars if not _is_space(c["text"]) or c["text"] == "\u3000"]):
        # Split a column where a gap of more than two glyphs separates two runs of text.
        run: list[dict[str, Any]] = []
        for char in [*column, None]:
            if run and (char is None or char["top"] - run[-1]["bottom"] > 2 * _size(run[-1])):
                runs.append(run)
                run = []
            if char is not None:
                run.append(char)
    boxes = [
        (min(c["x0"] for c in run), run[0]["top"], max(c["x1"] for c in run), run[-1]["bottom"])
        for run in runs
    ]
    sizes = sorted(_size(c) for run in runs for c in run)
    order = tiers.order_segments(boxes, sizes[len(sizes) // 2]) if sizes else []
    lines: list[str] = []
    words: list[TextWord] = []
    for index in order:
        run, (x0, top, x1, bottom) = runs[index], boxes[index]
        text = "".join(c["text"] for c in run)
        lines.append(text)
        if text.strip():
            words.append(TextWord(text=text.strip(), x0=x0, top=top, x1=x1, bottom=bottom))
    return PageText("\n".join(lines), tuple(words), "vertical")


def page_text(page: Any) -> PageText:
    """Reading-order text and words of a pdfplumber page."""
    from pdfplumber import utils

    chars, images = _glyphs_and_images(page)
    boxes = tuple((i["x0"], i["top"], i["x1"], i["bottom"]) for i in images)
    if writing_direction(chars) == "vertical":
        vertical = _vertical_text(chars)
        return PageText(vertical.text, vertical.words, "vertical", boxes)
    # what page.extract_text() and page.extract_words() do, on these chars
    textmap = utils.chars_to_textmap(
        chars, layout_bbox=page.bbox, layout_width=page.width, layout_height=page.height
    )
    words = tuple(
        TextWord(w["text"], w["x0"], w["top"], w["x1"], w["bottom"])
        for w in utils.extract_words(chars)
    )
    return PageText(textmap.as_string, words, "horizontal", boxes)


def text_layer_problem(page: Any, found: PageText) -> str | None:
    """Why this page's text layer cannot be used (then OCR it), or None when it can."""
    text = found.text
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return "no text layer"
    junk = text.count("(cid:") * 6  # "(cid:12)" counts as the glyph it replaces, ~1 char
    junk += sum(1 for ch in visible if ch == "\ufffd" or "\ue000" <= ch <= "\uf8ff")
    if junk / len(visible) > 0.1:
        return "text layer is unmapped glyphs ((cid:NN), U+FFFD)"
    if len(visible) < 20 and found.images:
        covered = sum(
            max(0.0, (min(x1, page.width) - max(x0, 0)))
            * max(0.0, (min(bottom, page.height) - max(top, 0)))
            for x0, top, x1, bottom in found.images
        )
        if covered > 0.5 * page.width * page.height:
            return "scanned page with a few words of text"
    return None
