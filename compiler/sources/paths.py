"""Inspection path (its folder or its inspection.yaml) -> its entry file and slug, without reading either."""
from __future__ import annotations

from pathlib import Path

ENTRY_FILE = "inspection.yaml"


def inspection_entry(path: Path | str) -> Path:
    """The entry file of an inspection given its folder or the entry file itself."""
    path = Path(path)
    return path if path.suffix in (".yaml", ".yml") and not path.is_dir() else path / ENTRY_FILE


def inspection_folder(path: Path | str) -> Path:
    """The inspection's folder, resolved."""
    return inspection_entry(path).resolve().parent


def inspection_slug(path: Path | str) -> str:
    """The slug of an inspection: the name of its folder."""
    return inspection_folder(path).name
