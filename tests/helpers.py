"""Helpers shared by the tests: lines in files, edited copies of the minimal fixture, and reading
a built PDF's bookmarks and contents page back."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first occurrence of `needle` in a file, found by plain text search."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def minimal_copy(tmp_path: Path, name: str, old: str | None = None, new: str = "", append: str = "") -> Path:
    """The minimal fixture copied to `tmp_path/name`, with `old` (which must be there) replaced by
    `new` in its inspection.yaml and `append` added at the end; returns that inspection.yaml."""
    folder = tmp_path / name
    shutil.copytree(MINIMAL, folder)
    entry = folder / "inspection.yaml"
    text = entry.read_text(encoding="utf-8")
    if old is not None:
        assert old in text, f"{old!r} not in the minimal fixture"
        text = text.replace(old, new)
    entry.write_text(text + append, encoding="utf-8")
    return entry


def pdf_outline(reader) -> list[tuple[int, str, int]]:
    """A pypdf reader's bookmarks in order as (depth from 0, title, 1-based page)."""
    entries = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return entries


def contents_number(contents: str, label: str) -> int:
    """The page number the text of a contents page gives for `label` (dot leaders optional)."""
    match = re.search(rf"^{re.escape(label)}\s*\.*\s*(\d+)\s*$", contents, flags=re.M)
    assert match, f"{label!r} not in the contents"
    return int(match.group(1))
