"""Footnotes in the rendered report: numbering in reading order, and the texts of the notes the
renderer adds itself.

Templates and Markdown cite notes through placeholders (`markdown.footnote_placeholder`) and close
each section with SECTION_END; `number_footnotes` turns the whole document's placeholders into
numbered citations and places the note texts for the medium.
"""
from __future__ import annotations

import html as html_lib
import re
from typing import Optional

from ..rating.result import RatedInspection
from .markdown import FOOTNOTE_REF, footnote_placeholder, render_inline
from .view_types import Media

SECTION_END = "<!--footnotes-->"
_GENERATED = "@gen:"
# The word a print citation follows directly ('safe?' in 'safe?<sup ...>'), never part of a tag.
# Searched in the text's last _WORD_TAIL characters only: the search is quadratic in a word's
# length, and a longer 'word' (a pasted run) keeps just its end beside the call.
_LAST_WORD = re.compile(r"[^\s<>]+$")
_WORD_TAIL = 256


def generated_citation(kind: str, subject: str) -> str:
    """A citation of a note whose text the renderer writes (see `_generated_note`), e.g.
    ('discretion', '2.1') for the discretion decision on standard 2.1."""
    return footnote_placeholder(f"{_GENERATED}{kind}:{subject}")


def _generated_note(key: str, rated: RatedInspection) -> Optional[str]:
    """Texts of footnotes the renderer adds itself (keys starting with '@gen:')."""
    kind, _, subject = key[len(_GENERATED):].partition(":")
    if kind in ("lowest", "lowest-unmarked"):
        insp = rated.inspection
        data_annex = next((i for i, a in enumerate(insp.annexes, 1) if a.kind == "inspection-data"), None)
        has_prompts = any(q.prompts for d in insp.domains for s in d.standards for q in s.key_questions)
        where = (f" Prompt-level results are in {insp.labels.annex} {data_annex}."
                 if data_annex and has_prompts else "")
        marked = ", shown in bold in the table" if kind == "lowest" else ""
        return f"The standard's rating follows the band of its lowest key-question result{marked}.{where}"
    if kind == "discretion":
        std = rated.result.standard(subject)
        if std is not None and std.discretion is not None:
            d = std.discretion
            return (
                f"The key-question results alone placed standard {std.id} in the ‘{d.from_.value}’ band; the "
                f"inspection panel used its professional discretion to rate it ‘{d.to.value}’."
            )
        return None
    if kind == "separate":
        return "This domain is rated separately and does not count towards the overall score or rating."
    return None


def number_footnotes(document: str, rated: RatedInspection, media: Media) -> str:
    """Number footnote placeholders in reading order; place the texts for the medium.

    Screen: a superscript link, with the notes listed where the section ends (SECTION_END).
    Print: the note text inline as a `float: footnote` element at its first citation.
    A note cited again in the same section keeps its number; cited in a later section, it is a new
    note with the same text, so it prints on the page (or under the section) that cites it.
    """
    texts = rated.inspection.footnotes
    numbers: dict[str, int] = {}  # the current section's notes
    count = 0
    pending: list[int] = []
    bodies: dict[int, str] = {}

    def note_html(key: str) -> str:
        text = _generated_note(key, rated) if key.startswith(_GENERATED) else texts.get(key)
        if text is None:
            return html_lib.escape(f"[missing footnote: {key}]")
        return FOOTNOTE_REF.sub("", render_inline(text))

    out, pos = [], 0
    pattern = re.compile(FOOTNOTE_REF.pattern + "|" + re.escape(SECTION_END))
    for match in pattern.finditer(document):
        out.append(document[pos:match.start()])
        pos = match.end()
        if match.group(0) == SECTION_END:
            if pending and media == "screen":
                items = "".join(
                    f'<li id="fn-{n}" value="{n}">{bodies[n]} '
                    f'<a class="fn-back" href="#fnref-{n}" aria-label="Back to reference {n}">↩</a></li>'
                    for n in pending
                )
                out.append(f'<aside class="footnotes" aria-label="Footnotes"><ol>{items}</ol></aside>')
            pending = []
            numbers = {}
            continue
        key = html_lib.unescape(match.group(1))
        if key in numbers:
            n = numbers[key]
            out.append(f'<sup class="fnref"><a href="#fn-{n}">{n}</a></sup>' if media == "screen"
                       else f'<sup class="fnref">{n}</sup>')
            continue
        count += 1
        n = numbers[key] = count
        bodies[n] = note_html(key)
        pending.append(n)
        if media == "screen":
            out.append(f'<sup class="fnref" id="fnref-{n}"><a href="#fn-{n}" aria-describedby="fn-{n}">{n}</a></sup>')
        else:
            # The call stays on the line of the word it follows (class fn-keep: no break between them).
            word = _LAST_WORD.search(out[-1], max(0, len(out[-1]) - _WORD_TAIL))
            if word:
                out[-1] = out[-1][:word.start()]
            kept = word.group(0) if word else ""
            out.append(f'<span class="fn-keep">{kept}<span class="footnote">{bodies[n]}</span></span>')
    out.append(document[pos:])
    return "".join(out)
