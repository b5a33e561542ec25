"""RatedInspection -> one HTML document (screen or print) through the Jinja templates.

The view (`view.py`) prepares every value; the templates only format it, with the filters
below; footnote placeholders are numbered last, over the whole document (`footnotes.py`).
"""
from __future__ import annotations

import html as html_lib
import re
from functools import lru_cache
from typing import Optional

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..rating.result import RatedInspection
from .footnotes import SECTION_END, number_footnotes
from .formatting import RATING_CLASS, format_percent, number_words
from .long_words import break_long_words
from .markdown import FOOTNOTE_REF, footnote_placeholder, render_block, render_inline
from .phrases import phrases
from .resources import TEMPLATES_DIR
from .template_cache import bytecode_cache
from .view import build_view
from .view_types import Media


def _md(text: Optional[str]) -> Markup:
    return Markup(render_block(text)) if text else Markup("")


def _mdi(text: Optional[str]) -> Markup:
    return Markup(render_inline(text)) if text else Markup("")


_TAGS = re.compile(r"<[^>]+>")


def _plain(text: Optional[str]) -> str:
    """Inline Markdown as plain text (no tags, no footnote citations), e.g. for a hidden caption."""
    if not text:
        return ""
    return html_lib.unescape(_TAGS.sub("", FOOTNOTE_REF.sub("", render_inline(text))))


_SLASH_IN_WORD = re.compile(r"(?<=[^\W\d_])/(?=[^\W\d_])")
_TAG_OR_TEXT = re.compile(r"(<[^>]+>)|([^<]+)")


def _slash_breaks(html: Markup) -> Markup:
    """A line may break after the slash of 'Race/ethnicity' in a table cell's text (never inside a tag),
    so a narrow column need not push the table out of sight."""
    return Markup("".join(
        tag or _SLASH_IN_WORD.sub("/<wbr>", text) for tag, text in _TAG_OR_TEXT.findall(str(html))
    ))


def _fn(key: Optional[str]) -> Markup:
    return Markup(footnote_placeholder(key)) if key else Markup("")


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The one Jinja environment of every template (the report's and the corpus index's)."""
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(enabled_extensions=("html", "j2", "svg"), default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache(__file__),  # compiled templates from an earlier run
    )
    env.filters.update(md=_md, mdi=_mdi, fn=_fn, plain=_plain, percent=format_percent, words=number_words,
                       slash_breaks=_slash_breaks)
    env.globals.update(SECTION_END=Markup(SECTION_END), rating_class=lambda r: RATING_CLASS.get(r, ""))
    return env


def render_html(rated: RatedInspection, *, media: Media = "screen") -> str:
    """The whole report as one HTML document; `media='print'` is the input for the PDF."""
    if media not in ("screen", "print"):
        raise ValueError(f"unknown media {media!r} (use 'screen' or 'print')")
    view = build_view(rated, media)
    template = environment().get_template("report.html.j2")
    document = template.render(
        r=rated, i=rated.inspection, v=view, media=media, ph=phrases(rated.inspection.meta.language)
    )
    return break_long_words(_plain_line_breaks(number_footnotes(document, rated, media)))


_SEPARATORS = {0x2028: "\n", 0x2029: "\n"}


def _plain_line_breaks(document: str) -> str:
    """Line and paragraph separators (U+2028, U+2029: Word's manual line break, pasted; validation
    warns of them) as the line break they stand for, which HTML reads as a space."""
    if "\u2028" in document or "\u2029" in document:
        return document.translate(_SEPARATORS)
    return document
