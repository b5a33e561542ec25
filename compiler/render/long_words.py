"""Break points in very long words, so a pasted run of characters cannot stall the layout.

A line-breaker facing a 40,000-character word with nowhere to break tries every position
(WeasyPrint took over a minute for one such word in a cover field). A `<wbr>` every
`BREAK_EVERY` characters of a run longer than `LONG_RUN` gives it places to break: real words
and web addresses in reports are far shorter, so their HTML is unchanged.
"""
from __future__ import annotations

import re

LONG_RUN = 80
BREAK_EVERY = 40

# A run is only looked for where one starts (after a space, a tag's edge or the document's start):
# that halves the time to find there is none.
_RUN = re.compile(rf"(?<![^\s<>])[^\s<>]{{{LONG_RUN},}}")
# Elements whose text is not laid out as words (or where `<wbr>` would show as text), tags,
# and the text between them.
_SEGMENT = re.compile(r"(<(style|script|title|svg)\b.*?</\2\s*>)|(<[^>]*>)|([^<]+)", re.S | re.I)
# One character as the reader sees it: an entity such as '&amp;' is one, never split.
_CHARACTER = re.compile(r"&#?\w+;|.", re.S)


def break_long_words(document: str) -> str:
    """`document` with `<wbr>` in each run of more than LONG_RUN characters of its text."""
    if not _RUN.search(document):
        return document
    return "".join(
        _RUN.sub(_with_breaks, match.group(4)) if match.group(4) else match.group(0)
        for match in _SEGMENT.finditer(document)
    )


def _with_breaks(run: re.Match) -> str:
    characters = _CHARACTER.findall(run.group())
    return "<wbr>".join("".join(characters[i:i + BREAK_EVERY]) for i in range(0, len(characters), BREAK_EVERY))
