"""Characters that do not print: shown escaped in messages, refused in ids, warned of in text.

Text pasted from other documents brings invisible characters (a zero-width space, a direction
mark) and YAML escapes can write control characters (`"\\e"`, `"\\0"`). In an id they make two
ids that look the same differ; in text they reach the report unseen. Every diagnostic shows
them escaped (`printable`), so a message can neither hide them nor act on the terminal.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterator

from .diagnostics import Diagnostics, Span, escaped, printable

# C0 and C1 controls and DEL; tab and line breaks are text.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Invisible characters that pasted text brings and that change what a reader sees or where
# text runs: zero-width spaces and joiners' kin, word joiners, byte-order marks, direction
# marks, embeddings, overrides and isolates, line and paragraph separators.
_INVISIBLE = re.compile("[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\u2028\u2029\ufeff]")
# Keys whose values name something (a standard, a footnote, a rules file): ids, never text.
ID_KEYS = frozenset({"id", "framework", "wording", "footnote", "standard", "after", "language"})
# Keys whose values are checked where they are used: a Markdown file's name and its text.
CHECKED_ELSEWHERE = frozenset({"file", "content"})


def describe(char: str) -> str:
    """'U+200B ZERO WIDTH SPACE', or '\\x1b (a control character)'."""
    code = ord(char)
    if _CONTROL.match(char):
        return f"{escaped(char)} (a control character)"
    return f"U+{code:04X} {unicodedata.name(char, 'unnamed character')}"


def _bad_in_id(char: str) -> bool:
    return char != " " and unicodedata.category(char)[0] in "CZ"


def check_id(value: str, what: str, span: Span, diagnostics: Diagnostics) -> bool:
    """An id that holds a control or invisible character is an error; True when it is clean."""
    bad = next((c for c in value if _bad_in_id(c)), None)
    if bad is None:
        return True
    diagnostics.error(
        "id-character",
        f"{what} '{printable(value)}' holds {describe(bad)}, which does not print; an id must be "
        "written with visible characters only",
        span,
        "delete the character (retype the id if you cannot see where it is)",
    )
    return False


def check_text(value: str, span: Span, diagnostics: Diagnostics) -> None:
    """Control characters in text are errors (they cannot print); invisible ones are warnings."""
    control = _CONTROL.search(value)
    if control:
        diagnostics.error(
            "text-control-character",
            f"the text holds {describe(control.group())}, which cannot be printed",
            span,
            "delete it; a YAML escape such as \\0, \\a or \\e writes one",
        )
    invisible = _INVISIBLE.search(value)
    if invisible:
        diagnostics.warning(
            "text-invisible-character",
            f"the text holds an invisible character, {describe(invisible.group())}, often pasted in "
            "from another document",
            span,
            "delete it unless it is meant to be there",
        )


def scan_data(data: Any, positions: dict, path: str, diagnostics: Diagnostics) -> None:
    """Check every key and string of a loaded YAML file (positions as `SourceFile.positions`)."""
    for loc, value, label in _strings(data, ()):
        span = positions.get(loc) or Span(path)
        if label:
            check_id(value, label, span, diagnostics)
        else:
            check_text(value, span, diagnostics)


def _id_label(key: str) -> str:
    return {"id": "the id", "footnote": "the footnote key"}.get(key, f"the {key}")


_ASCII_CONTROL = re.compile("[\x00-\x1f\x7f]")


def _has_bad_id_char(text: str) -> bool:
    if text.isascii():  # the quick answer for almost every id
        return _ASCII_CONTROL.search(text) is not None
    return any(_bad_in_id(c) for c in text)


def _strings(value: Any, loc: tuple) -> Iterator[tuple[tuple, str, str]]:
    """Each key or string that holds a character to report: (loc, text, label of an id or '')."""
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _has_bad_id_char(key):
                yield loc + (key, "<key>"), key, "the key"
            if isinstance(item, str) and key in ID_KEYS:
                if _has_bad_id_char(item):
                    yield loc + (key,), item, _id_label(key)
            elif isinstance(item, str):
                if key not in CHECKED_ELSEWHERE and (_CONTROL.search(item) or _INVISIBLE.search(item)):
                    yield loc + (key,), item, ""
            else:
                yield from _strings(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                if _CONTROL.search(item) or _INVISIBLE.search(item):
                    yield loc + (i,), item, ""
            else:
                yield from _strings(item, loc + (i,))


def scan_text_file(text: str, span_at, diagnostics: Diagnostics) -> None:
    """Check a Markdown file's text; each kind of problem placed where its first character stands."""
    for pattern in (_CONTROL, _INVISIBLE):
        found = pattern.search(text)
        if found:
            check_text(found.group(), span_at(found.start()), diagnostics)
