"""``SourceFile``: a document on local disk, opened at most once by each PDF library.

A scanned PDF is read by three libraries: pdfplumber (its text layer), pikepdf (page
objects, the scans themselves, the archive) and pypdfium2 (rendering pages for OCR, the
thumbnail). Each parses the cross-reference table and page tree when it opens a file,
which for a large PDF is not free; passing one ``SourceFile`` from step to step
(``extract``, then ``render_thumbnail``) opens the file once per library, on first use,
and closes them together. An image file simply never opens any of them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

__all__ = ["SourceFile"]


class SourceFile:
    def __init__(self, path: str | os.PathLike[str]):
        self.path = Path(path)
        self._pdfplumber: Any = None
        self._pikepdf: Any = None
        self._pypdfium2: Any = None

    def pdfplumber(self) -> Any:
        """The ``pdfplumber.PDF`` (pdfminer underneath): the text layer."""
        if self._pdfplumber is None:
            import pdfplumber

            self._pdfplumber = pdfplumber.open(self.path)
        return self._pdfplumber

    def pikepdf(self) -> Any:
        """The ``pikepdf.Pdf``: page objects. The searchable archive adds its text layers to
        these pages in memory (the file itself is never written)."""
        if self._pikepdf is None:
            import pikepdf

            self._pikepdf = pikepdf.open(self.path)
        return self._pikepdf

    def pypdfium2(self) -> Any:
        """The ``pypdfium2.PdfDocument``: rendering."""
        if self._pypdfium2 is None:
            import pypdfium2

            self._pypdfium2 = pypdfium2.PdfDocument(str(self.path))
        return self._pypdfium2

    def close(self) -> None:
        for handle in (self._pdfplumber, self._pikepdf, self._pypdfium2):
            if handle is not None:
                handle.close()
        self._pdfplumber = self._pikepdf = self._pypdfium2 = None

    def __enter__(self) -> SourceFile:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
