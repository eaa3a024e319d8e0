"""The project's shape: every package importable with a docstring; the import rules between
packages; the rules of written Japanese defined in ja alone."""

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["ja", "dms", "ocr", "search", "retention", "approvals"]
OURS = set(PACKAGES)


@pytest.mark.parametrize("name", PACKAGES)
def test_package_is_importable_and_says_what_it_owns(name):
    module = importlib.import_module(name)
    doc = (module.__doc__ or "").strip()
    assert len(doc.split()) >= 20, f"{name} needs a one-paragraph docstring"


def test_top_level_layout():
    for entry in [
        "ja",
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


def test_ja_imports_only_the_standard_library():
    imported = _imported_modules(ROOT / "ja") - {"ja", "__future__"}
    assert imported <= sys.stdlib_module_names, imported - sys.stdlib_module_names


def test_ocr_imports_neither_django_nor_other_project_packages_but_ja():
    imported = _imported_modules(ROOT / "ocr")
    assert not imported & {"django", "rest_framework"}
    assert imported & OURS <= {"ocr", "ja"}


@pytest.mark.parametrize("name", ["ja", "ocr"])
def test_imports_without_django_configured(name):
    code = f"import sys, {name}; assert 'django' not in sys.modules, '{name} pulled in Django'"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_dms_does_not_import_the_apps_built_on_it():
    imported = _imported_modules(ROOT / "dms")
    assert not imported & {"search", "approvals", "retention"}


ERA_NAMES = ("明治", "大正", "昭和", "平成", "令和")
KANJI_DIGITS = set("〇一二三四五六七八九壱弐参肆伍陸漆捌玖")


def _string_literals(path: Path) -> list[str]:
    """The string constants of a module, docstrings left out (they may show examples)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if id(node) not in docstrings
    ]


@pytest.mark.parametrize("name", [name for name in PACKAGES if name != "ja"])
def test_era_names_and_kanji_digits_are_defined_in_ja_alone(name):
    """A module naming two eras, or three kanji digits, in its string literals is defining
    an era table or a numeral rule of its own (one era in a message, 令和6年4月1日, is fine)."""
    for path in sorted((ROOT / name).rglob("*.py")):
        literals = "".join(_string_literals(path))
        eras = [era for era in ERA_NAMES if era in literals]
        assert len(eras) < 2, f"{path.relative_to(ROOT)} names {eras}: use ja.eras"
        digits = KANJI_DIGITS & set(literals)
        assert len(digits) < 3, f"{path.relative_to(ROOT)} has {sorted(digits)}: use ja.numerals"


def _module_level_import_graph() -> dict[str, set[str]]:
    """Each module of ours -> the modules of ours that loading it loads (static, via ast).

    Imports inside functions are left out: they run when called, after loading; so are
    those under ``if TYPE_CHECKING:``, which never run. Loading
    ``a.b.c`` also runs the packages ``a`` and ``a.b``, except those the importer is itself
    inside (already running).
    """
    files = {}
    for package in ("dms", "ocr", "search", "approvals", "retention", "ja"):
        for path in sorted((ROOT / package).rglob("*.py")) if (ROOT / package).is_dir() else []:
            parts = path.relative_to(ROOT).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path

    def module_level_imports(node: ast.AST):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import | ast.ImportFrom):
                yield child
            elif isinstance(child, ast.If) and ast.unparse(child.test).endswith("TYPE_CHECKING"):
                yield from (n for n in child.orelse if isinstance(n, ast.Import | ast.ImportFrom))
            elif not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from module_level_imports(child)

    graph = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        named = set()
        for node in module_level_imports(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                named.update(alias.name for alias in node.names)
                continue
            base = node.module or ""
            if node.level:  # relative: from package, one level up per extra dot
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, node.module] if node.module else up)
            for alias in node.names:  # `from a import b` loads a.b when b is a module
                named.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base)
        loaded = set()
        for target in named:
            parts = target.split(".")
            parents = {".".join(parts[:i]) for i in range(1, len(parts))}
            loaded |= {target} | {p for p in parents if not name.startswith(p + ".")}
        graph[name] = {module for module in loaded & files.keys() if module != name}
    return graph


def test_project_modules_have_no_import_cycles():
    graph = _module_level_import_graph()
    # the walk sees what it must: a module-level import, and not one inside a function
    assert "dms.health" in graph["dms.jobs.health"]
    assert "dms.health" not in graph["dms.apps"]

    state: dict[str, str] = {}  # "open" while on the path, then "done"
    path: list[str] = []

    def cycle_from(module: str) -> list[str] | None:
        state[module] = "open"
        path.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state and (cycle := cycle_from(target)):
                return cycle
        state[module] = "done"
        path.pop()
        return None

    for module in sorted(graph):
        cycle = None if module in state else cycle_from(module)
        assert cycle is None, "module-level import cycle: " + " -> ".join(cycle)
