"""markdown: narrative Markdown to safe HTML with footnote placeholders."""
from __future__ import annotations

import pytest

from compiler.render.markdown import FOOTNOTE_REF, cited_keys, render_block, render_inline
from compiler.sources.markdown_syntax import citations


def test_raw_html_is_escaped_not_rendered():
    out = render_block('Hello <script>alert(1)</script> <img src=x onerror="y">')
    assert "<script>" not in out and "<img" not in out
    assert "&lt;script&gt;" in out


def test_javascript_links_are_not_links():
    assert "href" not in render_block("[click](javascript:alert(1))")
    assert '<a href="https://example.org">' in render_block("[site](https://example.org)")


def test_footnote_citations_become_placeholders_in_order():
    text = "One[^b] two[^a] and one again[^b].\n\n- item[^c]"
    assert cited_keys(text) == ["b", "a", "b", "c"]
    assert FOOTNOTE_REF.findall(render_inline("cell[^k]")) == ["k"]


def test_definitions_written_in_narrative_are_dropped():
    out = render_block("Text[^a].\n\n[^a]: a definition that belongs in footnotes")
    assert "a definition" not in out and FOOTNOTE_REF.findall(out) == ["a"]


def test_headings_sit_below_the_report_structure():
    assert "<h4>Part</h4>" in render_block("# Part")
    assert "<h6>Deep</h6>" in render_block("#### Deep")


def test_tables_get_column_scopes_a_wrapper_and_a_name():
    out = render_block("| Band | Rating |\n|---|---|\n| 80%+ | Outstanding |")
    assert '<th scope="col">Band</th>' in out
    assert '<caption class="visually-hidden">Table: Band, Rating</caption>' in out
    assert out.startswith('<div class="table-wrap">') and out.rstrip().endswith("</div>")


def test_inline_keeps_emphasis_without_paragraphs():
    assert render_inline("a **b** & c") == "a <strong>b</strong> &amp; c"


def test_bare_addresses_stay_text_whether_or_not_linkify_is_installed():
    # Output must not depend on an optional package: linkify is always off.
    for render in (render_block, render_inline):
        out = render("Details at www.example.org and https://example.org/data.")
        assert "<a" not in out and "https://example.org/data" in out


# What validation reads as citations (`markdown_syntax.citations`) is what the renderer makes of a
# text: code spans and blocks, escapes, definitions, tables, headings, quotes and nested lists.
_TRICKY = [
    "Plain[^a] and `[^b]` in code.",
    "# Heading [^h] ##\n\nA paragraph\nover two lines [^c] and [^d].",
    "    indented code [^no]\n\nText[^yes]",
    "```\n[^fenced]\n```\n",
    "[^def]: a definition [^inside]\n\nAfter[^x]",
    "> quoted\n> more [^q]",
    "- item [^l1]\n  - nested [^l2]\n",
    "| a [^t1] | b |\n|---|---|\n| c | d [^t2] |\n| e [^t3] | e [^t4]\n",
    "| a \\| b [^p] | c |\n|---|---|\n| x | y |",
    "\\[^escaped] and [a link [^inl]](https://example.org)",
    "Windows\r\nline breaks[^cr]\r\n",
    "[^x] b [^x] `[^x]` [^x]",
    "[^with space] [^] [^ok]",
    "Setext heading [^s]\n===",
]


@pytest.mark.parametrize("text", _TRICKY)
def test_citations_found_for_validation_are_those_the_renderer_makes(text):
    block, inline = citations(text), citations(text, inline=True)
    assert [c.key for c in block] == cited_keys(text)
    assert [c.key for c in inline] == FOOTNOTE_REF.findall(render_inline(text))
    for citation in block + inline:
        assert text.startswith(f"[^{citation.key}]", citation.offset), citation


def test_code_and_definition_lines_are_not_citations_where_the_renderer_prints_them():
    assert [c.key for c in citations("`[^a]` and\n\n    [^b]\n\n[^c]: text")] == []
    # One line (a table cell, a bullet) has no code blocks or definitions.
    assert [c.key for c in citations("    [^b]", inline=True)] == ["b"]
    assert [c.key for c in citations("[^c]: text", inline=True)] == ["c"]


def test_recent_texts_are_rendered_once_and_long_ones_are_not_kept():
    from compiler.render import markdown

    short = "A *recent* text, rendered for the memo test."
    first = markdown.render_block(short)
    hits = markdown.render_block.cache_info().hits
    assert markdown.render_block(short) == first and markdown.render_block.cache_info().hits == hits + 1
    long = "word " * (markdown.REMEMBERED_CHARS // 5 + 1)
    kept = markdown.render_block.cache_info().currsize
    assert markdown.render_block(long).startswith("<p>word word")
    assert markdown.render_block.cache_info().currsize == kept
