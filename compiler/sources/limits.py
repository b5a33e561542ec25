"""The largest inputs the compiler takes, so an unattended build's time and memory stay bounded.

Each is far above what a report needs (the largest example's `inspection.yaml` is 88 KB, its
longest Markdown file 7 KB, its deepest Markdown 4 levels; a 300-page report's source is 0.6 MB).
"""
from __future__ import annotations

MAX_SOURCE_BYTES = 4 * 1024 * 1024  # one inspection.yaml (or rules file)
MAX_MARKDOWN_BYTES = 1024 * 1024  # one Markdown file named by a `file:` block
MAX_INSPECTION_BYTES = 16 * 1024 * 1024  # an inspection's YAML and Markdown files together
MAX_MARKDOWN_DEPTH = 32  # quotes, lists and emphasis inside one another
MAX_NAME_LENGTH = 300  # characters of a name printed on the cover and in running heads (area, service)


def size_text(size: int) -> str:
    """A byte count as people say it: '4 MB', '1.5 MB', '900 KB', '100 bytes'."""
    if size < 1024:
        return f"{size} bytes"
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"
