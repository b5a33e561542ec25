"""markdown: narrative Markdown to safe HTML with footnote placeholders."""
from __future__ import annotations

from compiler.markdown import FOOTNOTE_REF, cited_keys, render_block, render_inline


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
