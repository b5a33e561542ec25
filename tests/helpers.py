"""Helpers shared by the tests: lines in files, edited copies of the minimal fixture, and reading
a built PDF's bookmarks and contents page back; the example inspections by name."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
ROOT = Path(__file__).resolve().parent.parent
# The example inspections the tests know. An author's own reports may sit beside them in
# inspections/ (the README's first step puts one there): the tests never count those.
EXAMPLE_SLUGS = ("blaenau-gwent-caerphilly-2022", "ceredigion-2024", "merton-2021", "powys-2013", "western-bay-2019")
EXAMPLE_PATHS = tuple(ROOT / "inspections" / slug for slug in EXAMPLE_SLUGS)


def examples_checkout(tmp_path: Path) -> Path:
    """A folder whose inspections/ holds the examples only (linked, so locks land beside the real
    sources): a command's default of every inspection under inspections/, whatever else is there."""
    folder = tmp_path / "checkout"
    (folder / "inspections").mkdir(parents=True)
    for path in EXAMPLE_PATHS:
        (folder / "inspections" / path.name).symlink_to(path, target_is_directory=True)
    return folder


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
