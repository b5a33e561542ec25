"""Module layering, read from the source with `ast`: the pipeline runs one way, each library has
one owner, only `output` writes files and only `fetch` serves the PDF renderer's resources.

Every check is also run on a small snippet that breaks it, so a check that can no longer fail
fails here instead.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "compiler"
MODULES = sorted(path.stem for path in PACKAGE.glob("*.py"))

# The stage of each module, in pipeline order: a module imports only from earlier stages.
STAGE = {
    "__init__": 0, "diagnostics": 0, "resources": 0,
    "source": 1, "model": 1, "markdown_syntax": 1,
    "placeholders": 2, "schema": 2,
    "validate": 3, "ruleset": 3,
    "scoring": 4, "ratings_json": 4,
    "pipeline": 5,
    "markdown": 6, "fetch": 6, "output": 6, "formatting": 6, "view_types": 6,
    "footnotes": 7, "chart": 7,
    "view_standards": 8, "view_themes": 8, "view_annexes": 8,
    "view": 9,
    "render_html": 10, "text_report": 10,
    "render_pdf": 11,
    "build": 12, "scaffold": 12,
    "serve": 13,
    "cli": 14,
    "__main__": 15,
}
CORE = ["diagnostics", "source", "model", "markdown_syntax", "placeholders", "schema", "validate", "ruleset", "scoring", "ratings_json",
        "pipeline"]
RENDERING = {"markdown", "chart", "formatting", "view_types", "footnotes", "view_standards", "view_themes",
             "view_annexes", "view", "render_html", "text_report", "render_pdf", "fetch", "output", "build", "scaffold",
             "serve", "cli"}
# Markdown is parsed in the core (validation checks footnote citations as the renderer reads them)
# and rendered to HTML in `markdown`.
RENDERING_LIBRARIES = {"jinja2", "markupsafe", "weasyprint"}
# Third-party libraries and the only modules that may import them.
OWNERS = {
    "yaml": {"source"},
    "pydantic": {"model", "ruleset", "validate"},
    "jinja2": {"render_html"},
    "markupsafe": {"view_types", "view_standards", "view_themes", "view", "render_html"},
    "markdown_it": {"markdown_syntax"},
    "mdit_py_plugins": {"markdown_syntax"},
    "weasyprint": {"render_pdf"},
    "watchfiles": {"serve"},
    "click": {"cli", "text_report"},
}
# Modules that could fetch a resource over a network; fetch.py reads local files and data: URIs.
NETWORK = {"urllib.request", "http.client", "socket", "ftplib", "requests", "httpx", "urllib3", "aiohttp"}


def _tree(source: str) -> ast.Module:
    return ast.parse(source)


@lru_cache(maxsize=None)
def _module_tree(module: str) -> ast.Module:
    return _tree((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))


def imports(tree: ast.Module) -> set[str]:
    """Every import, anywhere in the module: 'compiler.<module>' for our own, dotted names otherwise."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                names.add(node.module)
                if node.module == "compiler":
                    names.update(f"compiler.{a.name}" for a in node.names if (PACKAGE / f"{a.name}.py").exists())
            elif node.module:
                names.add(f"compiler.{node.module}")
            else:  # from . import chart, __version__
                names.update(
                    f"compiler.{a.name}" if (PACKAGE / f"{a.name}.py").exists() else "compiler.__init__"
                    for a in node.names
                )
    return names


def own_imports(tree: ast.Module) -> set[str]:
    return {name.split(".", 1)[1] for name in imports(tree) if name.startswith("compiler.")}


def later_imports(module: str, tree: ast.Module) -> set[str]:
    """Our modules that `module` imports from its own stage or a later one."""
    return {name for name in own_imports(tree) if STAGE[name] >= STAGE[module]}


def libraries(tree: ast.Module) -> set[str]:
    return {name.split(".")[0] for name in imports(tree) if not name.startswith("compiler")}


_WRITE_CALLS = {"write_text", "write_bytes", "mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile",
                "TemporaryDirectory", "SpooledTemporaryFile", "copy", "copy2", "copyfile", "copytree", "move", "touch",
                "mkdir", "makedirs", "rmtree", "unlink", "rmdir", "rename"}
# Names too common to flag on their own (str.replace, list.remove): writes only as os.<name>.
_OS_WRITE_CALLS = {"replace", "remove"}
_WRITE_FLAGS = {"O_WRONLY", "O_RDWR", "O_CREAT", "O_APPEND", "O_TRUNC"}


def file_writes(tree: ast.Module) -> list[str]:
    """Calls that create or write files: open() in a writing mode, os.open with writing flags,
    Path.write_text/write_bytes/touch, temp files and folders, shutil copies, moves and removals,
    folders made or removed, files renamed or unlinked."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
        on_os = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "os"
        if name in _WRITE_CALLS or (on_os and name in _OS_WRITE_CALLS):
            found.append(f"{name}() at line {node.lineno}")
        elif name in ("open", "fdopen"):
            values = [*node.args, *(k.value for k in node.keywords if k.arg in ("mode", "flags"))]
            modes = [v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
            flags = {n.attr for v in values for n in ast.walk(v) if isinstance(n, ast.Attribute)}
            if any(set(m) <= set("rwxabtU+") and set(m) & set("wxa+") for m in modes) or flags & _WRITE_FLAGS:
                found.append(f"open() for writing at line {node.lineno}")
    return found


def renderer_calls_without_fetcher(tree: ast.Module) -> list[int]:
    """Lines where WeasyPrint is given a document or stylesheet without our URL fetcher."""
    lines = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("HTML", "CSS")
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "weasyprint"
                and "url_fetcher" not in {k.arg for k in node.keywords}):
            lines.append(node.lineno)
    return lines


def names_used(tree: ast.Module) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
    } | {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}


# --------------------------------------------------------------------------- the package


def test_every_module_has_a_stage():
    assert set(MODULES) == set(STAGE)


@pytest.mark.parametrize("module", MODULES)
def test_imports_run_with_the_pipeline(module):
    later = later_imports(module, _module_tree(module))
    assert not later, f"{module} (stage {STAGE[module]}) imports from the same or a later stage: {sorted(later)}"


@pytest.mark.parametrize("module", CORE)
def test_core_knows_nothing_of_rendering(module):
    tree = _module_tree(module)
    assert not own_imports(tree) & RENDERING
    assert not libraries(tree) & RENDERING_LIBRARIES


HTML_RENDERING = ["markdown", "chart", "formatting", "view_types", "footnotes", "view_standards", "view_themes",
                  "view_annexes", "view", "render_html"]


@pytest.mark.parametrize("module", HTML_RENDERING)
def test_html_rendering_never_loads_rates_writes_or_lays_out_pdfs(module):
    forbidden = {"source", "validate", "scoring", "pipeline", "output", "render_pdf", "build", "serve", "cli",
                 "text_report"}
    assert not own_imports(_module_tree(module)) & forbidden


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_each_library_has_its_owners(library):
    users = {module for module in MODULES if library in libraries(_module_tree(module))}
    assert users <= OWNERS[library], f"{library} imported by {sorted(users - OWNERS[library])}"
    assert users, f"{library} is imported nowhere: update OWNERS"


@pytest.mark.parametrize("module", MODULES)
def test_no_dynamic_imports(module):  # they would hide imports from these checks
    tree = _module_tree(module)
    assert "importlib" not in libraries(tree)
    assert not names_used(tree) & {"__import__", "import_module"}


@pytest.mark.parametrize("module", MODULES)
def test_only_output_writes_files(module):
    writes = file_writes(_module_tree(module))
    assert bool(writes) == (module == "output"), f"{module}: {writes}"


@pytest.mark.parametrize("module", MODULES)
def test_nothing_fetches_over_a_network(module):
    assert not imports(_module_tree(module)) & NETWORK


def test_the_pdf_renderer_fetches_only_through_fetch():
    tree = _module_tree("render_pdf")
    assert "fetch" in own_imports(tree)
    assert "fetch" in {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "fetch"
                       for a in n.names}
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr == "HTML"]
    assert calls and not renderer_calls_without_fetcher(tree)
    for module in MODULES:
        assert "default_url_fetcher" not in names_used(_module_tree(module)), module


# --------------------------------------------------------------------------- the checks can fail


@pytest.mark.parametrize("snippet, expected", [
    ("from . import chart", {"chart"}),
    ("from .render_html import render_html", {"render_html"}),
    ("from compiler import build", {"build"}),
    ("import compiler.serve", {"serve"}),
    ("def f():\n    from .cli import main", {"cli"}),
    ("from . import __version__", {"__init__"}),
])
def test_own_imports_are_found_wherever_they_are(snippet, expected):
    assert own_imports(_tree(snippet)) == expected


@pytest.mark.parametrize("module, snippet, expected", [
    ("view", "from .render_html import render_html", {"render_html"}),
    ("view_standards", "from .view import build_view", {"view"}),
    ("view_themes", "from .view_standards import ratings_rows", {"view_standards"}),
    ("footnotes", "from . import view_annexes", {"view_annexes"}),
    ("formatting", "from .view_types import Media", {"view_types"}),
    ("text_report", "from .cli import main", {"cli"}),
    ("view", "from .view_standards import domain_views\nfrom .footnotes import SECTION_END", set()),
])
def test_imports_against_the_pipeline_are_found(module, snippet, expected):
    assert later_imports(module, _tree(snippet)) == expected


@pytest.mark.parametrize("snippet", ["import weasyprint", "from weasyprint.urls import URLFetcher",
                                     "def f():\n    import weasyprint.text"])
def test_library_imports_are_found(snippet):
    assert libraries(_tree(snippet)) == {"weasyprint"}


@pytest.mark.parametrize("snippet", [
    "open(path, 'w')", "open(path, mode='ab')", "open(path, 'r+')", "path.open('w', encoding='utf-8')",
    "Path(p).write_text(t)", "p.write_bytes(b)", "tempfile.mkstemp()", "os.fdopen(fd, 'wb')",
    "os.open(p, os.O_WRONLY | os.O_CREAT)", "os.fdopen(fd, mode='w')", "shutil.copyfile(a, b)", "Path(p).touch()",
    "tempfile.mkdtemp()", "shutil.rmtree(p)", "p.mkdir(parents=True)", "os.replace(a, b)", "p.unlink()",
])
def test_file_writes_are_found(snippet):
    assert file_writes(_tree(snippet))


@pytest.mark.parametrize("snippet", [
    "open(path)", "open(path, 'rb')", "path.open(encoding='utf-8')", "p.read_text()", "self.wfile.write(b)",
    "webbrowser.open(url)", "os.open(p, os.O_RDONLY)", "os.fdopen(fd)", "text.replace('a', 'b')", "items.remove(x)",
])
def test_reads_are_not_writes(snippet):
    assert not file_writes(_tree(snippet))


def test_a_renderer_call_without_the_fetcher_is_found():
    tree = _tree("weasyprint.HTML(string=html, base_url=base)\nweasyprint.HTML(string=h, url_fetcher=f)")
    assert renderer_calls_without_fetcher(tree) == [1]
