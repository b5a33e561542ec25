"""Module boundaries of the render stage, read from the source: who may import and write what."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "compiler"
RENDER_MODULES = ["markdown", "chart", "render_html", "render_pdf", "fetch", "output", "build"]


def _imports(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(("." * node.level) + (node.module or ""))
    return names


def test_only_render_pdf_imports_weasyprint():
    for path in PACKAGE.glob("*.py"):
        imports = _imports(path.stem)
        uses = any(name == "weasyprint" or name.startswith("weasyprint.") for name in imports)
        assert uses == (path.stem == "render_pdf"), path.name


@pytest.mark.parametrize("module", ["markdown", "chart", "render_html"])
def test_rendering_never_rates_writes_or_lays_out_pdfs(module):
    imports = _imports(module)
    assert not {".scoring", ".output", ".render_pdf", ".build"} & imports


@pytest.mark.parametrize("module", RENDER_MODULES)
def test_only_output_writes_files(module):
    source = (PACKAGE / f"{module}.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("write_text", "write_bytes", "mkstemp", "fdopen"):
            assert module == "output", f"{module} writes with {node.attr}"
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "open":
            modes = [a.value for a in node.args[1:2] if isinstance(a, ast.Constant)]
            assert not any(set(m) & set("wax+") for m in modes), f"{module} opens a file for writing"
