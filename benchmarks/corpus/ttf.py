"""Just enough of a TrueType reader to embed a font in a PDF: cmap, advance widths."""

from __future__ import annotations

import struct
from functools import cached_property
from pathlib import Path


class TrueTypeFont:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.data = self.path.read_bytes()
        count = struct.unpack_from(">H", self.data, 4)[0]
        self.tables: dict[str, tuple[int, int]] = {}
        for i in range(count):
            tag, _checksum, offset, length = struct.unpack_from(">4sIII", self.data, 12 + 16 * i)
            self.tables[tag.decode("latin-1")] = (offset, length)

    def _table(self, tag: str) -> int:
        return self.tables[tag][0]

    @cached_property
    def units_per_em(self) -> int:
        return struct.unpack_from(">H", self.data, self._table("head") + 18)[0]

    @cached_property
    def cmap(self) -> dict[int, int]:
        """Unicode code point → glyph id (format 12 if present, else format 4)."""
        base = self._table("cmap")
        _version, count = struct.unpack_from(">HH", self.data, base)
        subtables = {}
        for i in range(count):
            platform, encoding, offset = struct.unpack_from(">HHI", self.data, base + 4 + 8 * i)
            fmt = struct.unpack_from(">H", self.data, base + offset)[0]
            subtables[(platform, encoding, fmt)] = base + offset
        for key in ((3, 10, 12), (0, 4, 12), (3, 1, 4), (0, 3, 4)):
            if key in subtables:
                return (
                    self._format12(subtables[key])
                    if key[2] == 12
                    else self._format4(subtables[key])
                )
        raise ValueError("no Unicode cmap")

    def _format12(self, at: int) -> dict[int, int]:
        groups = struct.unpack_from(">I", self.data, at + 12)[0]
        mapping = {}
        for i in range(groups):
            start, end, glyph = struct.unpack_from(">III", self.data, at + 16 + 12 * i)
            for code in range(start, end + 1):
                mapping[code] = glyph + code - start
        return mapping

    def _format4(self, at: int) -> dict[int, int]:
        segments = struct.unpack_from(">H", self.data, at + 6)[0] // 2
        ends = struct.unpack_from(f">{segments}H", self.data, at + 14)
        starts = struct.unpack_from(f">{segments}H", self.data, at + 16 + 2 * segments)
        deltas = struct.unpack_from(f">{segments}h", self.data, at + 16 + 4 * segments)
        range_at = at + 16 + 6 * segments
        offsets = struct.unpack_from(f">{segments}H", self.data, range_at)
        mapping = {}
        for i in range(segments):
            for code in range(starts[i], ends[i] + 1):
                if code == 0xFFFF:
                    continue
                if offsets[i] == 0:
                    glyph = (code + deltas[i]) & 0xFFFF
                else:
                    where = range_at + 2 * i + offsets[i] + 2 * (code - starts[i])
                    glyph = struct.unpack_from(">H", self.data, where)[0]
                    glyph = (glyph + deltas[i]) & 0xFFFF if glyph else 0
                if glyph:
                    mapping[code] = glyph
        return mapping

    @cached_property
    def advances(self) -> list[int]:
        metrics = struct.unpack_from(">H", self.data, self._table("hhea") + 34)[0]
        hmtx = self._table("hmtx")
        return [struct.unpack_from(">H", self.data, hmtx + 4 * i)[0] for i in range(metrics)]

    def width(self, glyph: int) -> int:
        """Advance width in 1/1000 em."""
        advances = self.advances
        advance = advances[glyph] if glyph < len(advances) else advances[-1]
        return round(advance * 1000 / self.units_per_em)
