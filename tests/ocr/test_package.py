"""ocr is a plain Python library: no Django, and of our packages only ja (written Japanese).

Besides the standard library it may use only the PDF, image and OCR libraries it is built
on (declared in pyproject.toml).
"""

import ast
import sys
from pathlib import Path

import ocr

OCR_ROOT = Path(ocr.__file__).parent
OURS = {"ocr", "ja"}
THIRD_PARTY = {"PIL", "cv2", "numpy", "pdfminer", "pdfplumber", "pikepdf", "pypdfium2", "rapidfuzz"}


def test_ocr_imports_only_the_standard_library_its_pdf_libraries_ja_and_itself():
    for path in OCR_ROOT.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            for root in roots:
                allowed = root in OURS or root in sys.stdlib_module_names or root in THIRD_PARTY
                assert allowed, f"{path}: {root}"
