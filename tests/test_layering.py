"""Module layering, read from the source with `ast`: stage packages import back along the pipeline only,
each library has its owners, only `builds/output.py` and `builds/sets.py` write files (and `render/template_cache.py` its cache folder) and only `render/fetch.py` serves the
PDF renderer's resources.

Every check is also run on a small snippet that breaks it, so a check that can no longer fail
fails here instead.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "compiler"
# Every module, named by its path under compiler/: "sources.model", "cli", "builds.__init__".
MODULES = sorted(".".join(path.relative_to(PACKAGE).with_suffix("").parts) for path in PACKAGE.rglob("*.py"))

# The stage packages in pipeline order: a package imports only from itself and the ones before it.
PACKAGES = ["sources", "rating", "render", "builds", "authoring"]
# The top of the package ties the stages together: `cli` over every stage, `__main__` over `cli`;
# `__init__` (the version) may be read from anywhere.
TOP = {"__init__": -1, "cli": len(PACKAGES), "__main__": len(PACKAGES) + 1}
CORE_PACKAGES = {"sources", "rating"}
RENDERING_LIBRARIES = {"jinja2", "markupsafe", "weasyprint"}
# Third-party libraries and the only modules that may import them.
OWNERS = {
    "yaml": {"sources.yaml_source", "sources.yaml_fast", "sources.yaml_slips"},
    "pydantic": {"sources.model", "sources.model_texts", "sources.validate", "rating.ruleset", "rating.result"},
    "jinja2": {"render.html", "render.template_cache"},
    "markupsafe": {"render.view_types", "render.view_standards", "render.view_themes", "render.view", "render.html"},
    "markdown_it": {"sources.markdown_syntax"},
    "mdit_py_plugins": {"sources.markdown_syntax"},
    "weasyprint": {"render.pdf", "render.pdf_tags", "render.font_subsetting"},
    "pydyf": {"render.pdf_tags"},
    "fontTools": {"render.font_subsetting"},
    "watchfiles": {"authoring.preview_watch"},
    "click": {"cli", "rating.text_report"},
    "rich": {"builds.progress"},
}
# The modules that write files: output.py writes files atomically one by one (or several staged
# together); sets.py writes a report's whole set of outputs into a new folder and switches it into
# place with one rename of a link, which no sequence of file replacements can do, and keeps the
# lock and cleanup that go with it. template_cache.py only makes the private folder where Jinja
# keeps compiled templates (never an output; Jinja writes each entry atomically).
WRITERS = {"builds.output", "builds.sets", "render.template_cache"}
# Reading installed distributions' versions (the build cache keys on them) imports nothing dynamically.
ALLOWED_IMPORTLIB = {"importlib.metadata"}
# Modules that could fetch a resource over a network; fetch.py reads local files and data: URIs.
NETWORK = {"urllib.request", "http.client", "socket", "ftplib", "requests", "httpx", "urllib3", "aiohttp"}


def stage(module: str) -> int:
    """The pipeline position of a module: its package's, or its own at the top."""
    first = module.split(".")[0]
    return PACKAGES.index(first) if first in PACKAGES else TOP[module]


def _tree(source: str) -> ast.Module:
    return ast.parse(source)


@lru_cache(maxsize=None)
def _module_tree(module: str) -> ast.Module:
    return _tree((PACKAGE / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))


def _ours(dotted: str) -> str | None:
    """'compiler.render.html' -> 'render.html'; a package -> its '__init__'; None if not ours."""
    if dotted != "compiler" and not dotted.startswith("compiler."):
        return None
    parts = dotted.split(".")[1:]
    if (PACKAGE.joinpath(*parts, "__init__.py")).exists():
        return ".".join([*parts, "__init__"])
    return ".".join(parts) if parts and PACKAGE.joinpath(*parts[:-1], parts[-1] + ".py").exists() else None


def imports(tree: ast.Module, module: str = "cli") -> set[str]:
    """Every import, anywhere in `module`: our own as module names ('render.html'), dotted names otherwise."""
    here = ["compiler", *module.split(".")[:-1]]  # the package the module is in
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(_ours(alias.name) or alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1] + ([node.module] if node.module else [])
            else:
                base = [node.module]
            origin = ".".join(base)
            if _ours(origin) is None:
                names.add(origin)
                continue
            for alias in node.names:  # `from . import chart` imports a module; `from .x import f` a name of x
                names.add(_ours(f"{origin}.{alias.name}") or _ours(origin))
    return names


def own_imports(tree: ast.Module, module: str = "cli") -> set[str]:
    return {name for name in imports(tree, module) if name in MODULES}


def backward_imports(module: str, tree: ast.Module) -> set[str]:
    """Our modules that `module` imports from a later stage (or, at the top, from its own level)."""
    own = stage(module)
    top = module in TOP
    return {name for name in own_imports(tree, module)
            if stage(name) > own or (top and stage(name) == own and name != module)}


def libraries(tree: ast.Module, module: str = "cli") -> set[str]:
    return {name.split(".")[0] for name in imports(tree, module) if name not in MODULES and name != "compiler"}


_WRITE_CALLS = {"write_text", "write_bytes", "mkstemp", "mkdtemp", "NamedTemporaryFile", "TemporaryFile",
                "TemporaryDirectory", "SpooledTemporaryFile", "copy2", "copyfile", "copytree", "move", "touch",
                "mkdir", "makedirs", "rmtree", "unlink", "rmdir", "rename"}
# Names too common to flag on their own (str.replace, list.remove, copy.copy): writes only as
# os.<name> or shutil.<name>.
_OS_WRITE_CALLS = {"replace", "remove"}
_SHUTIL_WRITE_CALLS = {"copy"}
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
        on = func.value.id if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) else ""
        if (name in _WRITE_CALLS or (on == "os" and name in _OS_WRITE_CALLS)
                or (on == "shutil" and name in _SHUTIL_WRITE_CALLS)):
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


def dynamic_imports(tree: ast.Module, module: str = "cli") -> set[str]:
    """importlib (but for reading distributions' metadata), __import__ or import_module anywhere in `tree`."""
    found = {name for name in imports(tree, module)
             if (name == "importlib" or name.startswith("importlib.")) and name not in ALLOWED_IMPORTLIB}
    return found | (names_used(tree) & {"__import__", "import_module"})


def names_used(tree: ast.Module) -> set[str]:
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | {
        n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)
    } | {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}


# --------------------------------------------------------------------------- the package


def test_the_top_holds_only_what_ties_the_stages_together():
    top = {m for m in MODULES if "." not in m}
    assert top == set(TOP)
    assert {m.split(".")[0] for m in MODULES if "." in m} == set(PACKAGES)
    for package in PACKAGES:  # each says in one line what comes in and what goes out
        doc = ast.get_docstring(_module_tree(f"{package}.__init__")) or ""
        assert "->" in doc and "\n" not in doc.strip(), package


@pytest.mark.parametrize("module", MODULES)
def test_imports_run_with_the_pipeline(module):
    backward = backward_imports(module, _module_tree(module))
    assert not backward, f"{module} (stage {stage(module)}) imports from a later stage: {sorted(backward)}"


def test_no_package_has_an_import_cycle():
    graph = {m: {n for n in own_imports(_module_tree(m), m) if n != m and not n.endswith("__init__")} for m in MODULES}
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        assert module not in path, " -> ".join((*path, module))
        if module not in done:
            for name in graph[module]:
                visit(name, (*path, module))
            done.add(module)

    for module in MODULES:
        visit(module, ())


CORE = [m for m in MODULES if m.split(".")[0] in CORE_PACKAGES]


@pytest.mark.parametrize("module", CORE)
def test_core_knows_nothing_of_rendering(module):
    tree = _module_tree(module)
    assert not {m.split(".")[0] for m in own_imports(tree, module)} - CORE_PACKAGES - {"__init__"}
    assert not libraries(tree, module) & RENDERING_LIBRARIES


HTML_RENDERING = [m for m in MODULES
                  if m.startswith("render.") and m not in ("render.pdf", "render.pdf_tags", "render.fetch")]


@pytest.mark.parametrize("module", HTML_RENDERING)
def test_html_rendering_never_loads_rates_or_lays_out_pdfs(module):
    forbidden = {"sources.yaml_source", "sources.validate", "rating.scoring", "rating.compile", "rating.text_report",
                 "render.pdf", "render.pdf_tags"}
    assert not own_imports(_module_tree(module), module) & forbidden


@pytest.mark.parametrize("library", sorted(OWNERS))
def test_each_library_has_its_owners(library):
    users = {module for module in MODULES if library in libraries(_module_tree(module), module)}
    assert users <= OWNERS[library], f"{library} imported by {sorted(users - OWNERS[library])}"
    assert users, f"{library} is imported nowhere: update OWNERS"


@pytest.mark.parametrize("module", MODULES)
def test_no_dynamic_imports(module):  # they would hide imports from these checks
    tree = _module_tree(module)
    assert not dynamic_imports(tree, module)


@pytest.mark.parametrize("module", MODULES)
def test_only_output_writes_files(module):
    writes = file_writes(_module_tree(module))
    assert bool(writes) == (module in WRITERS), f"{module}: {writes}"


@pytest.mark.parametrize("module", MODULES)
def test_nothing_fetches_over_a_network(module):
    assert not imports(_module_tree(module), module) & NETWORK


def test_the_pdf_renderer_fetches_only_through_fetch():
    tree = _module_tree("render.pdf")
    assert "render.fetch" in own_imports(tree, "render.pdf")
    assert "fetch" in {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "fetch"
                       for a in n.names}
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and n.func.attr == "HTML"]
    assert calls and not renderer_calls_without_fetcher(tree)
    for module in MODULES:
        assert "default_url_fetcher" not in names_used(_module_tree(module)), module


# --------------------------------------------------------------------------- the checks can fail


@pytest.mark.parametrize("module, snippet, expected", [
    ("render.view_standards", "from . import chart", {"render.chart"}),
    ("render.view", "from .html import render_html", {"render.html"}),
    ("builds.inspection", "from ..render.html import render_html", {"render.html"}),
    ("cli", "from compiler.builds import inspection", {"builds.inspection"}),
    ("cli", "from compiler import builds", {"builds.__init__"}),
    ("cli", "import compiler.authoring.serve", {"authoring.serve"}),
    ("rating.scoring", "def f():\n    from ..cli import main", {"cli"}),
    ("cli", "from . import __version__", {"__init__"}),
    ("cli", "from .rating import ruleset as r", {"rating.ruleset"}),
])
def test_own_imports_are_found_wherever_they_are(module, snippet, expected):
    assert own_imports(_tree(snippet), module) == expected


@pytest.mark.parametrize("module, snippet, expected", [
    ("sources.model", "from ..rating.result import RatedInspection", {"rating.result"}),
    ("rating.scoring", "from ..render.formatting import anchor", {"render.formatting"}),
    ("render.view", "from ..builds.output import write_atomic", {"builds.output"}),
    ("builds.inspection", "from ..authoring import serve", {"authoring.serve"}),
    ("authoring.serve", "from .. import cli", {"cli"}),
    ("cli", "from . import __main__", {"__main__"}),
    ("rating.text_report", "from ..cli import main", {"cli"}),
    ("render.view", "from .view_standards import domain_views\nfrom ..rating.result import RatedInspection", set()),
    ("cli", "from .authoring.serve import PreviewServer\nfrom . import __version__", set()),
])
def test_imports_against_the_pipeline_are_found(module, snippet, expected):
    assert backward_imports(module, _tree(snippet)) == expected


@pytest.mark.parametrize("snippet", ["import weasyprint", "from weasyprint.urls import URLFetcher",
                                     "def f():\n    import weasyprint.text"])
def test_library_imports_are_found(snippet):
    assert libraries(_tree(snippet), "render.pdf") == {"weasyprint"}


@pytest.mark.parametrize("snippet", [
    "open(path, 'w')", "open(path, mode='ab')", "open(path, 'r+')", "path.open('w', encoding='utf-8')",
    "Path(p).write_text(t)", "p.write_bytes(b)", "tempfile.mkstemp()", "os.fdopen(fd, 'wb')",
    "os.open(p, os.O_WRONLY | os.O_CREAT)", "os.fdopen(fd, mode='w')", "shutil.copyfile(a, b)", "Path(p).touch()",
    "tempfile.mkdtemp()", "shutil.rmtree(p)", "p.mkdir(parents=True)", "os.replace(a, b)", "p.unlink()",
    "shutil.copy(a, b)",
])
def test_file_writes_are_found(snippet):
    assert file_writes(_tree(snippet))


@pytest.mark.parametrize("snippet", [
    "open(path)", "open(path, 'rb')", "path.open(encoding='utf-8')", "p.read_text()", "self.wfile.write(b)",
    "webbrowser.open(url)", "os.open(p, os.O_RDONLY)", "os.fdopen(fd)", "text.replace('a', 'b')", "items.remove(x)",
    "copy.copy(element)", "options.copy()",
])
def test_reads_are_not_writes(snippet):
    assert not file_writes(_tree(snippet))


@pytest.mark.parametrize("snippet", ["import importlib", "from importlib import import_module",
                                     "import importlib.util", "__import__('os')"])
def test_dynamic_imports_are_found(snippet):
    assert dynamic_imports(_tree(snippet))


def test_reading_distribution_versions_is_not_a_dynamic_import():
    assert not dynamic_imports(_tree("from importlib.metadata import version"))


def test_a_renderer_call_without_the_fetcher_is_found():
    tree = _tree("weasyprint.HTML(string=html, base_url=base)\nweasyprint.HTML(string=h, url_fetcher=f)")
    assert renderer_calls_without_fetcher(tree) == [1]
