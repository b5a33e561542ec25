"""Authors' usual YAML slips: each is one error on the line of the slip, saying what to do in plain
words, with the parser's own words kept as a hint."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.rating.compile import compile_inspection
from compiler.sources.yaml_slips import quoted
from helpers import minimal_copy

AREA = "  area: Riverside"
ITEM = "        - Agree a plan for out-of-court work with its partners."
QUOTE = "put the text in quotes"
BACKGROUND = "background:\n  title: Background: the area\n  body: The area has two towns.\n"

# (case, text replaced, replacement, text appended, line:column of the error, its message, a hint)
SLIPS = [
    ("tab-indent", "  service: Riverside", "\tservice: Riverside", "", "6:1",
     "a tab in the indentation: indent with spaces, not tabs", "found character '\\t' that cannot start any token"),
    ("tab-after-spaces", AREA, "  \tarea: Riverside", "", "8:3",
     "a tab in the indentation: indent with spaces, not tabs", "cannot start any token"),
    ("colon-in-value", None, "", BACKGROUND, "93:20",
     f"a colon and a space inside text start a new key in YAML: {QUOTE}",
     'write it as: title: "Background: the area"'),
    ("colon-in-list-item", ITEM, "        - Staff told us: they felt supported", "", "28:11",
     f"this list item's text holds a colon and a space, so YAML reads it as a key and a value: {QUOTE}",
     'write it as: - "Staff told us: they felt supported"'),
    ("colon-in-item-text", "        - text: Check the quality", "        - text: Check: the quality", "", "29:22",
     f"a colon and a space inside text start a new key in YAML: {QUOTE}",
     "the YAML parser said: mapping values are not allowed here"),
    ("star-value", AREA, "  area: *Riverside* and district", "", "8:9",
     f"YAML reads text that starts with '*' as an alias (a reference to an anchor): {QUOTE}",
     'write it as: area: "*Riverside* and district"'),
    ("star-item", ITEM, "        - *Agree* a plan", "", "28:11",
     f"YAML reads text that starts with '*' as an alias (a reference to an anchor): {QUOTE}",
     "the YAML parser said: expected alphabetic or numeric character, but found '*'"),
    ("ampersand-value", AREA, "  area: & Riverside", "", "8:9",
     f"YAML reads text that starts with '&' as an anchor (a name to reuse a value by): {QUOTE}",
     'write it as: area: "& Riverside"'),
    ("ampersand-word", AREA, "  area: &Riverside and district", "", "8:9",
     f"YAML reads text that starts with '&' as an anchor (a name to reuse a value by): {QUOTE}",
     "anchors and aliases are not allowed in inspection sources"),
    ("bang-value", AREA, "  area: !Riverside", "", "8:9",
     f"YAML reads text that starts with '!' as a tag (a type name): {QUOTE}", "the YAML parser read the tag !Riverside"),
    ("percent-item", ITEM, "        - %20 of plans", "", "28:11",
     f"YAML reads text that starts with '%' as a directive: {QUOTE}", 'write it as: - "%20 of plans"'),
    ("at-value", AREA, "  area: @Riverside", "", "8:9",
     f"YAML reserves '@' at the start of text: {QUOTE}", "found character '@' that cannot start any token"),
    ("backtick-item", ITEM, "        - `Agree` a plan", "", "28:11",
     f"YAML reserves '`' at the start of text: {QUOTE}", 'write it as: - "`Agree` a plan"'),
    ("quote-closed-early", AREA, '  area: "Riverside" and district', "", "8:9",
     f"the text starts with a quote mark (\"), so YAML ends it at the next one and cannot read what follows: "
     f"{QUOTE}, all of it", "write it as: area: '\"Riverside\" and district'"),
    ("apostrophe-item", ITEM, "        - 'Children's' plans", "", "28:11",
     f"the text starts with a quote mark ('), so YAML ends it at the next one and cannot read what follows: "
     f"{QUOTE}, all of it", "write it as: - \"'Children's' plans\""),
    ("unclosed-double-quote", AREA, '  area: "Riverside', "", "8:9",
     'the quote mark (") that opens this text is not closed on its line: end the text with " too',
     "expected <block end>, but found '<scalar>' (at line 33)"),
    ("unclosed-quote-item", ITEM, '        - "Agree a plan', "", "28:11",
     'the quote mark (") that opens this text is not closed on its line: end the text with " too',
     "(at line 33)"),
    ("unclosed-single-quote", AREA, "  area: 'Riverside", "", "8:9",
     "the quote mark (') that opens this text is not closed on its line: end the text with ' too",
     "found unexpected end of stream (at line 92)"),
    ("no-space-after-colon", "        rating: Good\n      - id: \"1.2\"", "        rating:Good\n      - id: \"1.2\"",
     "", "36:15", "no space after the colon: put a space after the colon", "write it as: rating: Good"),
    ("no-space-last-key", "    role: HM Inspector\n\nforeword", "    role:HM Inspector\n\nforeword", "", "15:9",
     "no space after the colon: put a space after the colon", "could not find expected ':' (at line 17)"),
    ("indented-further", AREA, "   area: Riverside", "", "8:4",
     "this line is indented further than the line above it, so YAML reads it as more of that line's text: "
     "line it up with the key above (2 spaces)", "mapping values are not allowed here"),
    ("text-without-key", AREA, AREA + "\n  and district", "", "9:3",
     "a line of text where a key is expected: write it as 'key: value', or indent it under the value it continues",
     "could not find expected ':' (at line 10)"),
    ("open-bracket", AREA, "  area: [Riverside", "", "8:9",
     f"text cannot start with '[' (YAML reads it as a list that must end with ']'): {QUOTE}",
     "expected ',' or ']', but got ':' (at line 9)"),
]


@pytest.mark.parametrize(("old", "new", "append", "where", "message", "hint"),
                         [case[1:] for case in SLIPS], ids=[case[0] for case in SLIPS])
def test_a_slip_is_one_error_on_its_line_saying_what_to_do(tmp_path, old, new, append, where, message, hint):
    entry = minimal_copy(tmp_path, "riverside", old, new, append)
    errors = compile_inspection(entry.parent).diagnostics.errors
    assert len(errors) == 1, [e.format() for e in errors]
    [error] = errors
    assert f"{error.span.line}:{error.span.column}" == where
    assert error.message == message
    assert any(hint in h for h in error.hints), error.hints
    assert any(h.startswith(("the YAML parser", "YAML read", "anchors and aliases")) for h in error.hints)


def test_the_command_line_prints_the_slip_and_the_parsers_words(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.chdir(tmp_path)
    minimal_copy(tmp_path, "riverside", "        rating: Good\n", "        rating:Good\n")
    run = CliRunner().invoke(main, ["validate", "riverside"])
    assert run.exit_code == 1
    assert run.stdout.splitlines()[:3] == [
        "riverside/inspection.yaml:36:15: error: no space after the colon: put a space after the colon",
        "  hint: write it as: rating: Good",
        "  hint: the YAML parser said: could not find expected ':' (at line 37)",
    ]


@pytest.mark.parametrize("text", ["Background: the area", 'Staff said "good"', "Children's plans", 'a \\ "b" \'c\''])
def test_the_suggested_quotes_read_back_as_the_same_text(text):
    import yaml

    assert yaml.safe_load(f"key: {quoted(text)}") == {"key": text}


def test_keys_and_list_items_that_are_not_slips_stay_valid(tmp_path):
    # Real one-key items (`- file: ...`, `- text: ...`) and text with a colon but no space after it.
    entry = minimal_copy(tmp_path, "riverside", ITEM, "        - Agree a plan by 10:30 with its partners.")
    assert compile_inspection(entry.parent).diagnostics.errors == []



def test_text_read_as_a_one_key_mapping_says_to_quote_it(tmp_path):
    # A lowercase first word could be a key, so the model says what it expected, and how to quote.
    entry = minimal_copy(tmp_path, "riverside", '  - id: "1"\n    standards:',
                         '  - id: "1"\n    strengths:\n      - note: staff felt supported\n    standards:')
    [error] = compile_inspection(entry.parent).diagnostics.errors
    assert (error.span.line, error.message) == (35, "expected text (got a mapping)")
    assert error.hints == ("text with a colon and a space in it reads as a key and a value: put the text in quotes",)
