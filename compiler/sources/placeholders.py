"""Loaded sources (YAML and Markdown) -> diagnostics for `[[placeholder: ...]]` marks left in the text.

A draft may hold placeholders (each is a warning, a work list for the author); a final report
may not (each is an error).
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostics, Span
from .model import PLACEHOLDER_PATTERN
from .yaml_source import Loc, SourceFile, text_span

PLACEHOLDER_RE = re.compile(PLACEHOLDER_PATTERN, re.DOTALL)


def placeholder(what: str) -> str:
    """The mark for text still to be written, e.g. `[[placeholder: the service's full name]]`."""
    return f"[[placeholder: {what}]]"


@dataclass(frozen=True)
class Placeholder:
    span: Span
    what: str


def find_in_text(text: str, path: Path | str, first_line: int = 1) -> list[Placeholder]:
    """Placeholders in a text whose first line is `first_line` of `path`."""
    found = []
    for match in PLACEHOLDER_RE.finditer(text):
        before = text[: match.start()]
        line = first_line + before.count("\n")
        column = match.start() - (before.rfind("\n") + 1) + 1
        found.append(Placeholder(Span(str(path), line, column), _one_line(match["what"])))
    return found


def find_in_source(source: SourceFile) -> list[Placeholder]:
    """Placeholders in one loaded file: a Markdown file's text, or a YAML file's string values."""
    if isinstance(source.data, str) and source.path.suffix.lower() not in (".yaml", ".yml"):
        return find_in_text(source.data, source.path)
    marked = [(loc, value) for loc, value in _strings(source.data, ()) if PLACEHOLDER_RE.search(value)]
    if not marked:
        return []
    raw = source.text
    # Start offsets of every key and value: a scalar's text ends before the next one begins.
    starts = sorted({source.offset(span) for span in source.positions.values()})
    found: list[Placeholder] = []
    for loc, value in marked:
        scalar = text_span(source, loc)
        search_from = source.offset(scalar)
        following = bisect.bisect_right(starts, search_from)
        end = starts[following] if following < len(starts) else len(raw)
        for match in PLACEHOLDER_RE.finditer(value):
            # Find the mark in this scalar's own text, for an exact line and column; if escapes
            # make it differ from the value, fall back to the scalar's start.
            at = raw.find(match.group(0), search_from, end) if raw else -1
            if at < 0:
                span = scalar
            else:
                span = source.span_at(at)
                search_from = at + len(match.group(0))
            found.append(Placeholder(span, _one_line(match["what"])))
    return found


def check_placeholders(status: str, sources: list[SourceFile], diagnostics: Diagnostics) -> None:
    """Record each placeholder left: a warning in a draft, an error in a final report."""
    hint = ("write the text, or set `status: draft` while the report is unfinished",)
    for source in sources:
        for item in find_in_source(source):
            if status == "final":
                # The hint once, on the first placeholder: it is the same for all of them.
                diagnostics.error("placeholder-in-final", f"placeholder left in a final report: {item.what}",
                                  item.span, *hint)
                hint = ()
            else:
                diagnostics.warning("placeholder", f"placeholder left: {item.what}", item.span)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _strings(data: Any, loc: Loc, found: list | None = None) -> list[tuple[Loc, str]]:
    """Every string in `data` with its location (gathered into one list: no generator per level)."""
    found = [] if found is None else found
    if isinstance(data, str):
        found.append((loc, data))
    elif isinstance(data, dict):
        for key, value in data.items():
            _strings(value, loc + (key,), found)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            _strings(value, loc + (index,), found)
    return found
