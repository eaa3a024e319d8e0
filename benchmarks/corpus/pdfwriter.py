"""A minimal born-digital PDF writer: IPAex embedded as a CID font, horizontal and vertical.

Each run of text is drawn with one ``Tj``: horizontal runs with an Identity-H font, vertical
columns with the same glyphs through Identity-V (the way Japanese vertical PDFs are made).
Codes are glyph ids; a ToUnicode CMap maps them back to the text, so the PDF has a real,
extractable text layer. In vertical runs the punctuation and brackets are drawn with their
vertical presentation forms (、→︑, 「→﹁ …) but extract as the characters written.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path

import pikepdf

from benchmarks.corpus.ttf import TrueTypeFont

VERTICAL_FORMS = {
    "、": "︑",
    "。": "︒",
    "「": "﹁",
    "」": "﹂",
    "『": "﹃",
    "』": "﹄",
    "（": "︵",
    "）": "︶",
    "ー": "丨",
    "―": "︱",
    "…": "︙",
    "〜": "≀",
}
PAGE_SIZE = (595.28, 841.89)  # A4 in points


@dataclass(frozen=True)
class Run:
    text: str
    x: float  # points from the left; for vertical runs the centre of the column
    y: float  # points from the top: the top of the line box / of the column
    size: float
    vertical: bool = False


class CidFontWriter:
    def __init__(self, font_path: str | Path):
        self.font = TrueTypeFont(font_path)
        self.used: dict[int, str] = {}

    def encode(self, text: str, vertical: bool) -> bytes:
        codes = []
        for char in text:
            shown = VERTICAL_FORMS.get(char, char) if vertical else char
            glyph = self.font.cmap.get(ord(shown)) or self.font.cmap.get(ord(char), 0)
            self.used.setdefault(glyph, char)
            codes.append(glyph)
        return b"".join(code.to_bytes(2, "big") for code in codes)

    def text_width(self, text: str, size: float) -> float:
        return sum(self.font.width(self.font.cmap.get(ord(c), 0)) for c in text) * size / 1000

    def _to_unicode(self) -> bytes:
        lines = [
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap",
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def",
            "1 begincodespacerange <0000> <FFFF> endcodespacerange",
        ]
        items = sorted(self.used.items())
        for start in range(0, len(items), 100):
            chunk = items[start : start + 100]
            lines.append(f"{len(chunk)} beginbfchar")
            for glyph, char in chunk:
                utf16 = char.encode("utf-16-be").hex().upper()
                lines.append(f"<{glyph:04X}> <{utf16}>")
            lines.append("endbfchar")
        lines += ["endcmap CMapName currentdict /CMap defineresource pop end end"]
        return "\n".join(lines).encode()

    def fonts(self, pdf: pikepdf.Pdf, name: str) -> tuple[pikepdf.Object, pikepdf.Object]:
        file = pikepdf.Stream(pdf, zlib.compress(self.font.data, 6))
        file.Filter = pikepdf.Name.FlateDecode
        file.Length1 = len(self.font.data)
        descriptor = pikepdf.Dictionary(
            Type=pikepdf.Name.FontDescriptor,
            FontName=pikepdf.Name("/" + name),
            Flags=6,
            FontBBox=[-100, -150, 1100, 900],
            ItalicAngle=0,
            Ascent=880,
            Descent=-120,
            CapHeight=700,
            StemV=80,
            FontFile2=file,
        )
        widths = pikepdf.Array()
        for glyph in sorted(self.used):
            widths.extend([glyph, pikepdf.Array([self.font.width(glyph)])])
        cid_font = pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Font,
                Subtype=pikepdf.Name.CIDFontType2,
                BaseFont=pikepdf.Name("/" + name),
                CIDSystemInfo=pikepdf.Dictionary(
                    Registry="Adobe", Ordering="Identity", Supplement=0
                ),
                FontDescriptor=descriptor,
                DW=1000,
                W=widths,
                CIDToGIDMap=pikepdf.Name.Identity,
            )
        )
        to_unicode = pdf.make_indirect(pikepdf.Stream(pdf, self._to_unicode()))

        def type0(encoding: str) -> pikepdf.Object:
            return pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Font,
                    Subtype=pikepdf.Name.Type0,
                    BaseFont=pikepdf.Name("/" + name),
                    Encoding=pikepdf.Name("/" + encoding),
                    DescendantFonts=[cid_font],
                    ToUnicode=to_unicode,
                )
            )

        return type0("Identity-H"), type0("Identity-V")


def write_pdf(
    pages: list[list[Run]],
    path: Path,
    font_path: Path,
    title: str,
    rules: list[list[tuple[float, float, float, float]]] | None = None,
) -> None:
    """``rules``: per page, filled rectangles (x0, top, x1, bottom; points from the top)."""
    writer = CidFontWriter(font_path)
    streams = []
    height = PAGE_SIZE[1]
    for number, runs in enumerate(pages):
        ops = []
        for x0, top, x1, bottom in (rules or [])[number] if rules else []:
            ops.append(f"{x0:.2f} {height - bottom:.2f} {x1 - x0:.2f} {bottom - top:.2f} re f")
        for run in runs:
            font = "/FV" if run.vertical else "/FH"
            codes = writer.encode(run.text, run.vertical).hex().upper()
            if run.vertical:
                x, y = run.x, height - run.y  # the vertical origin is the top centre
            else:
                x, y = run.x, height - run.y - run.size * 0.88  # baseline
            ops.append(f"BT {font} {run.size:g} Tf {x:.2f} {y:.2f} Td <{codes}> Tj ET")
        streams.append("\n".join(ops).encode())
    with pikepdf.new() as pdf:
        horizontal, vertical = writer.fonts(pdf, "IPAexMincho")
        for content in streams:
            pdf.add_blank_page(page_size=PAGE_SIZE)
            page = pdf.pages[-1]
            page.obj.Resources = pikepdf.Dictionary(
                Font=pikepdf.Dictionary(FH=horizontal, FV=vertical)
            )
            page.obj.Contents = pdf.make_stream(content)
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["dc:title"] = title
        pdf.save(path, compress_streams=True, deterministic_id=True)
