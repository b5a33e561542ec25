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
import os
import platform
import re
import sys
from functools import lru_cache
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


def library_versions(names: Iterable[str]) -> dict[str, str]:
    """Each distribution's installed version ("absent" if none), as `importlib.metadata.version`
    gives it: the first found along sys.path. Read from the names of the `NAME-VERSION.dist-info`
    folders, which is a millisecond where importing importlib.metadata and asking it costs about 20;
    a distribution first found any other way (an .egg-info, say) is asked of importlib.metadata."""
    wanted = {_normal_name(name): name for name in names}
    found: dict[str, str | None] = {}  # None: ask importlib.metadata
    for entry in sys.path:
        try:
            listing = sorted(os.listdir(entry or "."))
        except OSError:
            continue
        for item in listing:
            stem, dot, kind = item.rpartition(".")
            if not dot or kind not in ("dist-info", "egg-info"):
                continue
            name, _, rest = stem.partition("-")
            key = wanted.get(_normal_name(name))
            if key is not None and key not in found:
                found[key] = rest if kind == "dist-info" and rest and "-" not in rest else None
    return {name: found.get(name) or _metadata_version(name) for name in wanted.values()}


def _normal_name(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _metadata_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

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
        "libraries": library_versions(LIBRARIES),
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
