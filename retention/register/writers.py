"""File register (ファイル管理簿) writers: pure functions from row dicts to streamed bytes.

They take any iterable of rows and yield bytes, so a view can hand them a queryset iterator
and stream: memory stays flat however long the register is. Every cell goes through
:func:`safe_cell` first (spreadsheet formula injection).
"""

from __future__ import annotations

import codecs
import csv
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

# A value starting with one of these is read as a formula by Excel and LibreOffice (OWASP
# "CSV injection"); a leading apostrophe makes it text, and is what a clerk typing it would do.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# cp932 lacks some characters (e.g. 𠮷, emoji, some variants): they become 〓 (geta, the
# customary mark for a missing glyph) so the loss is visible and the export never fails.
REPLACEMENT = "〓"
_ERROR_HANDLER = "kiroku_register_geta"


def _geta(error: UnicodeError):
    if not isinstance(error, UnicodeEncodeError):
        raise error
    return REPLACEMENT * (error.end - error.start), error.end


codecs.register_error(_ERROR_HANDLER, _geta)


@dataclass(frozen=True)
class Column:
    key: str
    ja: str
    en: str
    public: bool = True


def safe_cell(value) -> str | int:
    """A cell value safe to open in a spreadsheet: None is empty, numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "○" if value else ""
    if isinstance(value, int):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def _header(columns: Sequence[Column], english: bool) -> list[str]:
    return [column.en if english else column.ja for column in columns]


def _cells(row: Mapping, columns: Sequence[Column]) -> list:
    return [safe_cell(row.get(column.key)) for column in columns]


class _Line:
    """A file-like object csv.writer writes one line into, handed back at once."""

    def write(self, text: str) -> str:
        return text


def csv_stream(
    rows: Iterable[Mapping],
    columns: Sequence[Column],
    *,
    encoding: str = "utf-8",
    english: bool = False,
    batch: int = 500,
) -> Iterator[bytes]:
    """CSV as bytes: UTF-8 with a BOM (Excel needs it to read UTF-8), or cp932 (Shift_JIS)."""
    cp932 = encoding.lower().replace("-", "_") in {"cp932", "shift_jis", "sjis", "ms932"}
    writer = csv.writer(_Line(), lineterminator="\r\n")

    def encode(text: str) -> bytes:
        if cp932:
            return text.encode("cp932", errors=_ERROR_HANDLER)
        return text.encode("utf-8")

    yield (b"" if cp932 else codecs.BOM_UTF8) + encode(writer.writerow(_header(columns, english)))
    buffered: list[str] = []
    for row in rows:
        buffered.append(writer.writerow(_cells(row, columns)))
        if len(buffered) >= batch:
            yield encode("".join(buffered))
            buffered = []
    if buffered:
        yield encode("".join(buffered))


def xlsx_stream(
    rows: Iterable[Mapping],
    columns: Sequence[Column],
    *,
    english: bool = False,
    sheet_title: str = "ファイル管理簿",
    chunk_size: int = 64 * 1024,
) -> Iterator[bytes]:
    """XLSX as bytes. openpyxl's write-only mode spools rows to a temporary file as they
    come; the finished workbook is then read back in chunks (a ZIP is only complete at the
    end, so no byte can be sent before the last row)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title)
    sheet.append(_header(columns, english))
    for row in rows:
        sheet.append(_cells(row, columns))
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        while chunk := spool.read(chunk_size):
            yield chunk
