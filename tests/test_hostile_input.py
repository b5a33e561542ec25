"""Hostile and pasted input: each case answered with a positioned diagnostic or a safe build.

Characters that do not print, invisible characters, look-alike section ids, pictures from other
websites, escaped table headings, YAML tags, very long words, oversized files and Markdown
nested past its limit. Every case edits a copy of the minimal fixture.
"""
from __future__ import annotations

import re
from collections import Counter

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.rating.compile import compile_inspection
from compiler.render.html import render_html
from compiler.render.long_words import BREAK_EVERY, LONG_RUN
from compiler.render.markdown import render_block
from compiler.sources import limits
from helpers import line_of, minimal_copy

FOREWORD = "narrative/foreword.md"
DOMAIN_TWO = '  - id: "2"\n    sample:'


def _diagnostics(entry):
    return compile_inspection(entry.parent).diagnostics


def _validate(entry):
    return CliRunner().invoke(main, ["validate", str(entry.parent)])


def _append_to_foreword(entry, text: str):
    foreword = entry.parent / FOREWORD
    foreword.write_text(foreword.read_text(encoding="utf-8") + text, encoding="utf-8")
    return foreword


# --------------------------------------------------------------------------- characters


def test_control_characters_written_as_yaml_escapes_are_an_error_shown_escaped(tmp_path):
    entry = minimal_copy(tmp_path, "riverside", "area: Riverside", r'area: "Cere\0dig\eion"')
    [error] = _diagnostics(entry).errors
    assert error.code == "text-control-character"
    assert (error.span.path, error.span.line) == (str(entry), line_of(entry, "area: "))
    assert r"\x00 (a control character)" in error.message
    result = _validate(entry)
    assert result.exit_code == 1 and "\x00" not in result.output and "\x1b" not in result.output


def test_a_terminal_escape_in_an_id_is_refused_and_never_reaches_the_terminal(tmp_path):
    entry = minimal_copy(tmp_path, "riverside", 'id: "1.1"', r'id: "1.1\e]0;PWNED\a"')
    errors = _diagnostics(entry).errors
    assert [e.code for e in errors] == ["id-character"]
    assert errors[0].span.line == line_of(entry, "PWNED")
    assert r"'1.1\x1b]0;PWNED\x07' holds \x1b (a control character)" in errors[0].message
    result = _validate(entry)
    assert result.exit_code == 1
    assert "\x1b" not in result.output and "\x07" not in result.output and r"\x1b]0;PWNED" in result.output


def test_an_invisible_character_in_an_id_is_named(tmp_path):
    entry = minimal_copy(tmp_path, "riverside", 'id: "1.1"', r'id: "1.1\u200b"')
    [error] = _diagnostics(entry).errors
    assert error.code == "id-character" and error.span.line == line_of(entry, "1.1\\u200b")
    assert "'1.1<U+200B>' holds U+200B ZERO WIDTH SPACE" in error.message
    assert "\u200b" not in _validate(entry).output


def test_a_direction_override_in_text_is_a_positioned_warning(tmp_path):
    entry = minimal_copy(tmp_path, "riverside", "area: Riverside", r'area: "River\u202eside"')
    [warning] = _diagnostics(entry).warnings
    assert warning.code == "text-invisible-character" and warning.span.line == line_of(entry, "area: ")
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in warning.message
    assert "\u202e" not in warning.format()


def test_an_invisible_character_in_a_markdown_file_is_placed_at_its_line(tmp_path):
    entry = minimal_copy(tmp_path, "riverside")
    foreword = _append_to_foreword(entry, "\nA pasted\u200bword.\n")
    [warning] = _diagnostics(entry).warnings
    assert (warning.code, warning.span.path) == ("text-invisible-character", str(foreword))
    assert warning.span.line == line_of(foreword, "A pasted")
    assert warning.span.column == len("A pasted") + 1


# --------------------------------------------------------------------------- element ids


@pytest.mark.parametrize("ids", [("Dup!", "dup"), ("Ελληνικά", "العربية"), ("dup", "dup h")],
                         ids=["case-and-punctuation", "non-latin", "slug-of-a-heading-id"])
def test_sections_whose_ids_slug_alike_get_unique_element_ids(tmp_path, ids):
    placed = "".join(f'      - {{id: "{i}", title: "{i} title", body: [{{text: "About {i}."}}]}}\n' for i in ids)
    entry = minimal_copy(tmp_path, "riverside", DOMAIN_TWO, DOMAIN_TWO.replace("    sample:", "    sections:\n" + placed + "    sample:"))
    compiled = compile_inspection(entry.parent)
    assert not compiled.diagnostics.has_errors(), compiled.diagnostics.sorted()
    html = render_html(compiled.rated)
    element_ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in element_ids.items() if n > 1] == []
    assert len(re.findall(r'<section class="placed[^"]*" id="sec-placed-', html)) == 2
    for target in re.findall(r'href="#([^"]+)"', html):
        assert target in element_ids, target


# --------------------------------------------------------------------------- Markdown


def test_a_remote_picture_is_an_error_at_its_markdown_line(tmp_path):
    entry = minimal_copy(tmp_path, "riverside")
    foreword = _append_to_foreword(entry, "\n\nSee ![the map](http://example.org/map.png) here.\n")
    [error] = _diagnostics(entry).errors
    assert (error.code, error.span.path) == ("markdown-remote-image", str(foreword))
    assert error.span.line == line_of(foreword, "![the map]")
    assert "'http://example.org/map.png' is on another website" in error.message


def test_a_remote_picture_in_a_yaml_field_is_an_error_at_its_line(tmp_path):
    entry = minimal_copy(tmp_path, "riverside", "- Agree a plan", "- Agree a plan ![x](//example.org/x.png)")
    [error] = _diagnostics(entry).errors
    assert error.code == "markdown-remote-image" and error.span.line == line_of(entry, "![x]")


def test_the_renderer_never_loads_a_remote_picture_and_keeps_its_words():
    html = render_block("A ![map <of> places](https://example.org/m.png) and ![here](local.png)")
    assert "example.org" not in html and "map &lt;of&gt; places" in html
    assert '<img src="local.png" alt="here">' in html


def test_a_table_heading_is_escaped_once_in_its_caption():
    html = render_block("| A & B | <C> |\n|---|---|\n| 1 | 2 |\n")
    assert '<caption class="visually-hidden">Table: A &amp; B, &lt;C&gt;</caption>' in html


@pytest.mark.parametrize(("where", "line_text"), [("file", "*****"), ("field", "Agree a plan")])
def test_markdown_nested_past_the_limit_is_an_error_at_its_line(tmp_path, where, line_text):
    deep = "*" * 600 + "x" + "*" * 600
    if where == "file":
        entry = minimal_copy(tmp_path, "riverside")
        path = _append_to_foreword(entry, "\n\n" + deep + "\n")
    else:
        entry = path = minimal_copy(tmp_path, "riverside", "- Agree a plan", "- Agree a plan " + deep)
    [error] = _diagnostics(entry).errors
    assert (error.code, error.span.path) == ("markdown-too-deep", str(path))
    assert error.span.line == line_of(path, line_text)
    assert f"the limit is {limits.MAX_MARKDOWN_DEPTH}" in error.message


def test_markdown_nested_to_the_limit_builds(tmp_path):
    quotes = "> " * (limits.MAX_MARKDOWN_DEPTH // 2) + "quoted"
    entry = minimal_copy(tmp_path, "riverside")
    _append_to_foreword(entry, "\n\n" + quotes + "\n")
    compiled = compile_inspection(entry.parent)
    assert not compiled.diagnostics.has_errors()
    assert "quoted" in render_html(compiled.rated)


# --------------------------------------------------------------------------- YAML tags


@pytest.mark.parametrize(("value", "message"), [
    ("!list [a, b]", "unsupported YAML tag !list on a list"),
    ("!!omap {a: 1}", "unsupported YAML tag !!omap on a mapping"),
    ("!thing\n    name: x", "unsupported YAML tag !thing on a mapping"),
])
def test_a_tag_on_a_mapping_or_list_is_an_error(tmp_path, value, message):
    entry = minimal_copy(tmp_path, "riverside", "area: Riverside", f"area: Riverside\n  extra: {value}")
    errors = _diagnostics(entry).errors
    assert [e.code for e in errors] == ["yaml-tag"]
    assert errors[0].message == message and errors[0].span.line == line_of(entry, "extra: ")


# --------------------------------------------------------------------------- sizes and long words


def test_a_long_word_gets_break_points_and_short_words_none(tmp_path):
    word = "x" * 40_000
    entry = minimal_copy(tmp_path, "riverside", "- Agree a plan", f"- Agree a plan {word}[^sample]")
    _append_to_foreword(entry, f"\n\nA pasted {word} run.\n")
    compiled = compile_inspection(entry.parent)
    assert not compiled.diagnostics.has_errors(), compiled.diagnostics.sorted()
    html = render_html(compiled.rated, media="print")
    text = re.sub(r"<(style|title)\b.*?</\1>", "", html, flags=re.S)
    runs = [len(run) for run in re.findall(r"[^\s<>]+", re.sub(r"<[^>]+>", " ", text))]
    assert max(runs) <= LONG_RUN
    assert html.count("x" * BREAK_EVERY + "<wbr>") >= 2 * (len(word) // BREAK_EVERY - 1)
    assert "Agree a plan" in html and "A pasted" in html


def test_a_name_too_long_for_the_cover_is_an_error(tmp_path):
    entry = minimal_copy(tmp_path, "riverside", "area: Riverside", "area: Riverside" + "x" * 40_000)
    [error] = _diagnostics(entry).errors
    assert error.span.line == line_of(entry, "area: ")
    assert error.message == f"area may be at most {limits.MAX_NAME_LENGTH} characters (it has 40,009)"


def test_a_source_file_past_the_limit_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr("compiler.sources.yaml_source.MAX_SOURCE_BYTES", 2000)
    entry = minimal_copy(tmp_path, "riverside")
    [error] = _diagnostics(entry).errors
    assert error.code == "file-too-large" and error.span.path == str(entry)
    assert re.search(r"the file is \d+ KB; a YAML source may be at most 2 KB", error.message), error.message


def test_a_markdown_file_past_the_limit_is_an_error_at_its_name(tmp_path, monkeypatch):
    monkeypatch.setattr("compiler.sources.validate.MAX_MARKDOWN_BYTES", 100)
    entry = minimal_copy(tmp_path, "riverside")
    _append_to_foreword(entry, "\nMore words. " * 20)
    [error] = _diagnostics(entry).errors
    assert error.code == "file-too-large" and error.span.line == line_of(entry, f"- file: {FOREWORD}")
    assert f"'{FOREWORD}' is" in error.message and "a Markdown file may be at most 100 bytes" in error.message


def test_an_inspection_past_the_total_limit_is_an_error(tmp_path, monkeypatch):
    monkeypatch.setattr("compiler.sources.validate.MAX_INSPECTION_BYTES", 3000)
    entry = minimal_copy(tmp_path, "riverside")
    _append_to_foreword(entry, "\nMore words. " * 200)
    errors = _diagnostics(entry).errors
    assert [e.code for e in errors] == ["inspection-too-large"]


def test_a_pasted_line_separator_is_warned_of_and_printed_as_a_line_break(tmp_path):
    entry = minimal_copy(tmp_path, "riverside")
    foreword = _append_to_foreword(entry, "\nOne line\u2028and the next\u2029and a third.\n")
    compiled = compile_inspection(entry.parent)
    [warning] = compiled.diagnostics.warnings
    assert warning.code == "text-invisible-character" and warning.span.path == str(foreword)
    assert "U+2028 LINE SEPARATOR" in warning.message
    html = render_html(compiled.rated)
    assert "\u2028" not in html and "\u2029" not in html and "One line\nand the next\nand a third." in html
