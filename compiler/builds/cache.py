"""An inspection's inputs -> its cache key: the sha256 of everything its outputs depend on.

The key covers the bytes of every file the compile read (inspection.yaml, its Markdown files, the
rules file), the slug, the formats asked for, and the toolchain: this package's code and version,
the templates, the fonts, Python's version and the versions of the libraries that shape the
outputs. Nothing here imports a renderer or parses YAML, so checking that a report is up to date
costs a few file reads.
"""
from __future__ import annotations

import hashlib
import json
import platform
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Iterable

from .. import __version__
from ..render.resources import FONTS_DIR, TEMPLATES_DIR

_PACKAGE = Path(__file__).resolve().parent.parent  # the compiler package
# Distributions whose version can change an output's bytes (WeasyPrint and what it lays out with,
# the template and Markdown engines, the model and YAML readers).
LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "pyphen", "fonttools", "pillow",
             "jinja2", "markupsafe", "markdown-it-py", "mdit-py-plugins", "pydantic", "pydantic-core", "pyyaml")


def file_digest(path: Path | str) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _tree_digest(folder: Path, pattern: str) -> list[list[str]]:
    return [[p.relative_to(folder).as_posix(), file_digest(p)]
            for p in sorted(folder.rglob(pattern)) if p.is_file() and "__pycache__" not in p.parts]


def _library_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


@lru_cache(maxsize=1)
def toolchain_digest() -> str:
    """One digest of everything besides an inspection's own files that its outputs depend on."""
    parts = {
        "compiler": __version__,
        "code": _tree_digest(_PACKAGE, "*.py"),
        "templates": _tree_digest(TEMPLATES_DIR, "*"),
        "fonts": _tree_digest(FONTS_DIR, "*"),
        "python": platform.python_version(),
        "libraries": {name: _library_version(name) for name in LIBRARIES},
    }
    return digest(parts)


def input_name(path: Path | str, folder: Path) -> str:
    """How an input is named in the key: relative to the inspection folder, else its absolute path."""
    resolved = Path(path).resolve()
    return resolved.relative_to(folder).as_posix() if resolved.is_relative_to(folder) else str(resolved)


def input_path(name: str, folder: Path) -> Path:
    """The file an input name stands for (the inverse of `input_name`)."""
    return Path(name) if Path(name).is_absolute() else folder / name


def hash_inputs(paths: Iterable[Path | str], folder: Path) -> list[list[str]]:
    """[name, sha256] of each input file, sorted by name; raises OSError if one cannot be read."""
    named = {input_name(p, folder): Path(p) for p in paths}
    return [[name, file_digest(named[name])] for name in sorted(named)]


def cache_key(slug: str, formats: Iterable[str], inputs: list[list[str]], toolchain: str) -> str:
    return digest({"slug": slug, "formats": sorted(formats), "inputs": inputs, "toolchain": toolchain})


def up_to_date(manifest: dict | None, folder: Path, formats: Iterable[str], toolchain: str) -> bool:
    """Whether a report's current set (its manifest) was built from the files as they are now."""
    if not manifest or manifest.get("slug") != folder.name:
        return False
    try:
        names = [name for name, _ in manifest["inputs"]]
        current = hash_inputs([input_path(name, folder) for name in names], folder)
    except (OSError, KeyError, TypeError, ValueError):
        return False
    return manifest.get("key") == cache_key(folder.name, formats, current, toolchain)


def digest(value) -> str:
    """sha256 of a JSON-able value, keys sorted."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()
