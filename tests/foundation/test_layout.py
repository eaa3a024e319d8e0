"""The project's shape: every package importable with a docstring; ocr stays Django-free."""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["dms", "ocr", "search", "retention", "approvals"]


@pytest.mark.parametrize("name", PACKAGES)
def test_package_is_importable_and_says_what_it_owns(name):
    module = importlib.import_module(name)
    doc = (module.__doc__ or "").strip()
    assert len(doc.split()) >= 20, f"{name} needs a one-paragraph docstring"


def test_top_level_layout():
    for entry in [
        "dms",
        "ocr",
        "search",
        "retention",
        "approvals",
        "frontend",
        "tests",
        "benchmarks",
        "scripts",
        "docs",
        "docker-compose.yml",
        "pyproject.toml",
        "manage.py",
        "Makefile",
        "README.md",
        "requirements.lock",
        ".env.example",
        ".ci/run",
    ]:
        assert (ROOT / entry).exists(), entry


def _imported_modules(package: Path) -> set[str]:
    names = set()
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
    return names


def test_ocr_imports_neither_django_nor_other_project_packages():
    imported = _imported_modules(ROOT / "ocr")
    assert not imported & {"django", "rest_framework", "dms", "search", "approvals", "retention"}


def test_ocr_imports_without_django_configured():
    code = "import sys, ocr; assert 'django' not in sys.modules, 'ocr pulled in Django'"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_dms_does_not_import_the_apps_built_on_it():
    imported = _imported_modules(ROOT / "dms")
    assert not imported & {"search", "approvals", "retention"}
