"""Narrative Markdown -> safe HTML fragments (raw HTML off) with footnote placeholders.

Footnotes are cited as `[^key]` and defined once per report (`Inspection.footnotes`), so a
fragment cannot number them: each citation becomes a placeholder that `footnotes.py` numbers
in reading order once the whole report has been rendered.
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

from ..sources.markdown_syntax import is_remote, new_parser, without_definitions

# Placeholders are real markup: user text can never produce them, because raw HTML is off and
# every template value is escaped.
FOOTNOTE_REF = re.compile(r'<sup class="fnref" data-fnkey="([^"]*)"></sup>')
HEADING_OFFSET = 3  # a '#' heading inside narrative sits below the standard's h3


def footnote_placeholder(key: str) -> str:
    """The marker for a citation of footnote `key` (a key of `Inspection.footnotes`)."""
    return f'<sup class="fnref" data-fnkey="{html.escape(key, quote=True)}"></sup>'


def _render_footnote_ref(self, tokens, idx, options, env) -> str:
    return footnote_placeholder(tokens[idx].meta["label"])


def _shifted_heading(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    level = min(6, int(token.tag[1]) + HEADING_OFFSET)
    return f"<h{level}>" if token.nesting == 1 else f"</h{level}>\n"


def _render_image(self, tokens, idx, options, env) -> str:
    """A picture from another website is never loaded (validation refuses it): its words stay."""
    token = tokens[idx]
    if is_remote(str(token.attrGet("src") or "")):
        return html.escape(self.renderInlineAsText(token.children or [], options, env), quote=False)
    return self.image(tokens, idx, options, env)


@lru_cache(maxsize=1)
def _parser():
    md = new_parser()
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    md.add_render_rule("heading_open", _shifted_heading)
    md.add_render_rule("heading_close", _shifted_heading)
    md.add_render_rule("image", _render_image)
    return md


# Rendering is a function of the text alone, so the HTML of recent texts is kept: a text checked for
# citations is rendered once, and a preview rebuilt after one file's save renders only that file's.
# Texts longer than REMEMBERED_CHARS are rendered each time, so the memo holds some 20 MB at most.
REMEMBERED_TEXTS = 512
REMEMBERED_CHARS = 20_000


def _remembered(render):
    kept = lru_cache(maxsize=REMEMBERED_TEXTS)(render)

    def remembered(text: str) -> str:
        return kept(text) if len(text) <= REMEMBERED_CHARS else render(text)

    remembered.__doc__, remembered.cache_info = render.__doc__, kept.cache_info
    return remembered


@_remembered
def render_block(text: str) -> str:
    """Markdown paragraphs, lists and tables -> HTML."""
    md = _parser()
    env: dict = {}
    tokens = without_definitions(md.parse(text, env))
    rendered = md.renderer.render(tokens, md.options, env)
    # Markdown tables only put <th> in their header row: those are column headers.
    rendered = rendered.replace("<th>", '<th scope="col">').replace("<th style", '<th scope="col" style')
    return _TABLE.sub(_captioned_table, rendered).replace("</table>", "</table></div>")


_TABLE = re.compile(r"<table>\n<thead>(.*?)</thead>", flags=re.S)
_TAG = re.compile(r"<[^>]+>")


def _captioned_table(match: re.Match) -> str:
    """Wrap a Markdown table for narrow screens and name it after its column headings.

    Why: Markdown has no caption syntax, and a table without a name is hard to find with a
    screen reader; the headings are the best name the author gave it.
    """
    headings = [" ".join(_TAG.sub("", cell).split()) for cell in re.findall(r"<th[^>]*>(.*?)</th>", match.group(1), re.S)]
    name = ", ".join(h for h in headings if h)  # already escaped: the cells' HTML without tags
    caption = f'<caption class="visually-hidden">Table: {name}</caption>\n' if name else ""
    return f'<div class="table-wrap"><table class="data">\n{caption}<thead>{match.group(1)}</thead>'



@_remembered
def render_inline(text: str) -> str:
    """One line of Markdown (a table cell, a bullet, a caption) -> HTML without a paragraph."""
    md = _parser()
    env: dict = {}
    return md.renderer.render(md.parseInline(text, env), md.options, env)


def cited_keys(text: str) -> list[str]:
    """Footnote keys cited in a Markdown text, in order (for checks before rendering)."""
    return FOOTNOTE_REF.findall(render_block(text))
