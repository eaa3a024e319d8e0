"""ocr is a plain Python library: no Django, no other project package."""

import ast
import sys
from pathlib import Path

import ocr

OCR_ROOT = Path(ocr.__file__).parent


def test_ocr_imports_only_the_standard_library_and_itself():
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
                assert root == "ocr" or root in sys.stdlib_module_names, f"{path}: {root}"
