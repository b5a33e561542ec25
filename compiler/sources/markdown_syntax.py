"""Markdown syntax shared by validation and rendering: one parser configuration, and the footnote
citations it finds in a text, with where each stands.

Validation asks here which `[^key]` the renderer (`markdown.py`) will turn into footnotes, so
one written in a code span, a code block or a definition line is not taken for a citation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_ref

_NEWLINE = re.compile(r"\r\n?|\n")  # as markdown-it normalises line breaks


@dataclass(frozen=True)
class Citation:
    key: str
    offset: int  # where `[^key]` starts in the text


def new_parser() -> MarkdownIt:
    """The parser the renderer and the checks share; each footnote_ref token records its offset
    in its inline token's content (meta 'offset')."""
    # Linkify stays off: output must not depend on whether an optional package is installed.
    md = MarkdownIt("js-default", {"linkify": False}).disable("linkify")
    footnote_plugin(md, inline=False, move_to_end=False, always_match_refs=True)
    md.inline.ruler.at("footnote_ref", _positioned_ref)
    return md


def _positioned_ref(state, silent: bool) -> bool:
    start = state.pos
    if not footnote_ref(state, silent, always_match=True):
        return False
    if not silent:
        state.tokens[-1].meta["offset"] = start
    return True


def without_definitions(tokens):
    """Drop `[^key]: text` definitions written inside narrative; texts live in `footnotes`."""
    kept, depth = [], 0
    for token in tokens:
        if token.type == "footnote_reference_open":
            depth += 1
        elif token.type == "footnote_reference_close":
            depth -= 1
        elif depth == 0 and not token.type.startswith("footnote_block") and token.type not in (
            "footnote_open", "footnote_close", "footnote_anchor"
        ):
            kept.append(token)
    return kept


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return new_parser()


def citations(text: str, inline: bool = False) -> list[Citation]:
    """The footnote citations the renderer makes of `text`, in order: as paragraphs (`md`) or,
    with `inline`, as one line (`mdi`)."""
    if "[^" not in text:  # no citation without it (entities and escapes make text, not syntax)
        return []
    md = _parser()
    if inline:
        return [Citation(c.meta["label"], _unnormalised(text, c.meta["offset"]))
                for token in md.parseInline(text, {}) for c in token.children or [] if c.type == "footnote_ref"]
    starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]
    lines = [text[start:end] for start, end in zip(starts, [m.start() for m in _NEWLINE.finditer(text)] + [len(text)])]
    found: list[Citation] = []
    passed: dict[int, int] = {}  # line -> columns used by earlier cells of a table row
    for token in without_definitions(md.parse(text, {})):
        if token.type != "inline" or not token.map:
            continue
        pieces = token.content.split("\n")
        first = token.map[0]
        column = _column(lines[first] if first < len(lines) else "", pieces[0], passed.get(first, 0))
        if column >= 0:
            passed[first] = column + len(pieces[0])
        for child in token.children or []:
            if child.type != "footnote_ref":
                continue
            at = child.meta["offset"]
            k = token.content.count("\n", 0, at)
            line = first + k
            within = at - (token.content.rfind("\n", 0, at) + 1)
            col = column if k == 0 else _column(lines[line] if line < len(lines) else "", pieces[k], 0)
            found.append(Citation(child.meta["label"], _verified(text, starts, line, col, within, child.meta["label"])))
    return found


def _unnormalised(text: str, offset: int) -> int:
    """An offset in the parser's text (line breaks as '\\n') -> the same place in `text`."""
    shift = 0
    for match in _NEWLINE.finditer(text):
        if match.start() - shift >= offset:
            break
        shift += len(match.group()) - 1
    return offset + shift


def _column(line: str, piece: str, start: int) -> int:
    """Where a line of an inline token's content stands in its source line (-1: not found).

    The content is the line less its block markers (indent, '>', '-', '#', '|'), so it is the
    line's end, except for a heading's closing '#'s and a table cell."""
    piece = piece.rstrip()
    if start == 0 and piece and line.rstrip().endswith(piece):
        return len(line.rstrip()) - len(piece)
    return line.find(piece, start)


def _verified(text: str, starts: list[int], line: int, column: int, within: int, key: str) -> int:
    """The citation's offset in `text`; if the line mapping missed (tabs turned into spaces,
    escaped table pipes), the first `[^key]` on its line."""
    written = f"[^{key}]"
    start = starts[min(line, len(starts) - 1)]
    if column >= 0 and text.startswith(written, start + column + within):
        return start + column + within
    found = text.find(written, start)
    return found if found >= 0 else start


# --------------------------------------------------------------------------- structure checks

_REMOTE = re.compile(r"^\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\)")
_NESTING_MARKS = "*_>-+[~`"


def is_remote(src: str) -> bool:
    """A link or picture address with a scheme or host (`http://`, `//host`): not a file here.
    `data:` pictures are inside the text, so they are not remote."""
    return bool(_REMOTE.match(src)) and not src.strip().lower().startswith("data:")


@dataclass(frozen=True)
class Structure:
    depth: int  # the deepest nesting of quotes, lists and emphasis
    depth_line: int  # 0-based line of the text where it is reached
    remote_images: tuple[tuple[str, int], ...]  # (address, 0-based line)


def structure(text: str, inline: bool = False, max_depth: int = 0) -> Structure | None:
    """How deep the Markdown nests and the remote pictures it shows; None when the text cannot
    hold either (too few nesting marks for `max_depth`, no picture), without parsing it."""
    if "![" not in text and sum(text.count(mark) for mark in _NESTING_MARKS) < max_depth:
        return None
    md = _parser()
    tokens = md.parseInline(text, {}) if inline else md.parse(text, {})
    depth, depth_line, images = 0, 0, []
    for token in tokens:
        line = token.map[0] if token.map else 0
        if token.level > depth:
            depth, depth_line = token.level, line
        stack = [(child, 0) for child in token.children or []]
        while stack:
            child, extra = stack.pop()
            if token.level + child.level + extra > depth:
                depth, depth_line = token.level + child.level + extra, line
            if child.type == "image" and is_remote(str(child.attrGet("src") or "")):
                images.append((str(child.attrGet("src")), line))
            stack.extend((grandchild, extra + child.level + 1) for grandchild in child.children or [])
    return Structure(depth, depth_line, tuple(images))
