"""Malformed sources: each mistake is one positioned diagnostic, never an exception or exit 3.

Every case edits a copy of the minimal fixture and names the error code it expects and a piece
of text on the line where the diagnostic must point (in the edited inspection.yaml).
"""
from __future__ import annotations

import os
import re
import shutil

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compiler.cli import main
from compiler.rating.compile import compile_inspection
from compiler.sources.validate import load_inspection
from helpers import MINIMAL, line_of, minimal_copy

KQ = '{id: "2.1.1", yes: 6, of: 6}'

# (case id, text replaced, replacement, expected error code, text on the expected line)
SOURCE_CASES = [
    ("nul-byte", "area: Riverside", "area: River\x00side", "yaml-character", "area: River"),
    ("bell", "area: Riverside", "area: River\x07side", "yaml-character", "area: River"),
    ("lone-surrogate", "area: Riverside", 'area: "River\\ud800side"', "yaml-character", "area: "),
    ("surrogate-key", "area: Riverside", 'area: Riverside\n  "\\udc00": x', "yaml-character", '"\\udc00"'),
    ("deep-flow", "area: Riverside", "area: " + "[" * 500 + "]" * 500, "yaml-depth", "area: [[["),
    ("deep-block", "  area: Riverside", "  area:\n" + "".join("  " * (i + 2) + f"k{i}:\n" for i in range(60)),
     "yaml-depth", "  k38:"),
    ("digits-past-python-limit", KQ, '{id: "2.1.1", yes: 6, of: ' + "9" * 5000 + "}", "yaml-value", "yes: 6, of: 999"),
]

# Values of the right shape but the wrong kind or range: errors, never quietly converted.
MODEL_CASES = [
    ("bool-as-count", KQ, '{id: "2.1.1", yes: true, of: 6}', "wrong-type", "yes: true"),
    ("bool-as-cases", "cases: 6", "cases: false", "wrong-type", "cases: false"),
    ("quoted-count", KQ, '{id: "2.1.1", yes: "6", of: 6}', "wrong-type", 'yes: "6"'),
    ("float-count", KQ, '{id: "2.1.1", yes: 6.0, of: 6}', "wrong-type", "yes: 6.0"),
    ("nan-percent", KQ, '{id: "2.1.1", percent: .nan}', "wrong-type", "percent: .nan"),
    ("bool-percent", KQ, '{id: "2.1.1", percent: true}', "wrong-type", "percent: true"),
    ("huge-year", "  area: Riverside", "  area: Riverside\n  copyright_year: 99999999999999999999",
     "invalid-value", "copyright_year:"),
    ("negative-breakdown", "cases: 6", "cases: 6\n      breakdown: {court: -1}", "invalid-value", "breakdown:"),
    ("layout-twice", "status: draft", "status: draft\nlayout: [cover, domains, cover]", "invalid-value", "layout:"),
    ("emphasis-row-missing", "  body:\n    - file: narrative/foreword.md",
     "  body:\n    - file: narrative/foreword.md\n    - table: {rows: [[a, b]], emphasis_rows: [3]}",
     "invalid-value", "emphasis_rows"),
]


@pytest.mark.parametrize(("old", "new", "code", "needle"), [c[1:] for c in SOURCE_CASES + MODEL_CASES],
                         ids=[c[0] for c in SOURCE_CASES + MODEL_CASES])
def test_malformed_source_is_one_positioned_error(tmp_path, old, new, code, needle):
    entry = minimal_copy(tmp_path, "riverside", old, new)
    compiled = compile_inspection(entry.parent)
    found = [(d.code, d.span.line) for d in compiled.diagnostics if d.span.path == str(entry)]
    assert (code, line_of(entry, needle)) in found, compiled.diagnostics.sorted()
    assert all(d.span.line >= 1 and d.span.column >= 1 for d in compiled.diagnostics)


def test_yaml_numbers_are_read_as_yaml_1_2(tmp_path):
    """`010` is ten, not octal eight; `1:30` is text, not ninety (YAML 1.1 sexagesimal)."""
    entry = minimal_copy(tmp_path, "riverside", KQ, '{id: "2.1.1", yes: 010, of: 010}')
    compiled = compile_inspection(entry.parent)
    assert compiled.rated is not None, compiled.diagnostics.sorted()
    question = compiled.rated.result.standard("2.1").key_questions[0]
    assert (question.yes, question.of) == (10, 10)
    entry = minimal_copy(tmp_path, "sexagesimal", "cases: 6", "cases: 1:30")
    [error] = compile_inspection(entry.parent).diagnostics.errors
    assert error.code == "wrong-type" and error.span.line == line_of(entry, "cases: 1:30")


@pytest.mark.parametrize("command", ["validate", "rate"])
@pytest.mark.parametrize(("old", "new", "code", "needle"), [c[1:] for c in SOURCE_CASES[:5]],
                         ids=[c[0] for c in SOURCE_CASES[:5]])
def test_cli_reports_malformed_source_with_exit_1(tmp_path, monkeypatch, command, old, new, code, needle):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("INSPECTION_DEBUG", raising=False)
    entry = minimal_copy(tmp_path, "riverside", old, new)
    result = CliRunner().invoke(main, [command, str(entry.parent)])
    assert result.exit_code == 1, result.output
    assert re.search(rf":{line_of(entry, needle)}:\d+: error: ", result.output)


def test_range_and_finite_messages_name_the_limit(tmp_path):
    entry = minimal_copy(tmp_path, "riverside", KQ, '{id: "2.1.1", percent: .inf}',
                         append="")
    entry.write_text(entry.read_text().replace("  area: Riverside", "  area: Riverside\n  copyright_year: 12345"))
    messages = sorted(d.message for d in compile_inspection(entry.parent).diagnostics.errors)
    assert messages == ["copyright_year must be at most 9999 (got 12345)", "expected a finite number (got inf)"]


FOREWORD = "    - file: narrative/foreword.md"


@pytest.mark.parametrize(("name", "prepare", "message"), [
    ("loop.md", lambda md: md.symlink_to(md), "cannot read 'narrative/loop.md'"),
    ("a" * 300 + ".md", None, "cannot read 'narrative/aaa"),
    ('fore\\0word.md"', None, "holds a control character"),
    ("pipe.md", lambda md: os.mkfifo(md), "'narrative/pipe.md' is not a file"),
], ids=["symlink-loop", "name-too-long", "nul-in-name", "fifo"])
def test_unusable_markdown_file_is_an_error_at_its_name(tmp_path, name, prepare, message):
    quote = '"' if name.endswith('"') else ""
    entry = minimal_copy(tmp_path, "riverside", FOREWORD, f"    - file: {quote}narrative/{name}")
    if prepare:
        prepare(entry.parent / "narrative" / name)
    [error] = compile_inspection(entry.parent).diagnostics.errors
    assert message in error.message
    assert (error.span.path, error.span.line) == (str(entry), line_of(entry, "- file: "))


def test_a_footnote_citing_a_footnote_is_an_error_at_the_citation(tmp_path):
    entry = minimal_copy(tmp_path, "riverside", "board: The board meets", "board: See[^board]. The board meets")
    [error] = compile_inspection(entry.parent).diagnostics.errors
    assert error.code == "footnote-in-footnote" and "'board' cites [^board]" in error.message
    assert (error.span.line, error.span.column) == (line_of(entry, "board: See"), len("  board: See") + 1)


# --------------------------------------------------------------------------- fuzzing the minimal fixture

_LINES = (MINIMAL / "inspection.yaml").read_text(encoding="utf-8").splitlines()
_ODD_SCALARS = ["", "~", "true", "no", "-1", "1e400", "99999999999999999999", "010", "1:30", "[", "{a: b}", "[]",
                '"\\ud800"', '"\\0"', ".nan", "&a x", "*a", "!!python/object x", "2023-02-30", "|", "- x", "x: y",
                "'", "[^nope]", "[[placeholder: x]]", "Not rated", "../x.md", "\ufeff", "5.5"]
_line = st.integers(0, len(_LINES) - 1)
_MUTATION = st.one_of(
    st.tuples(st.just("delete"), _line),
    st.tuples(st.just("duplicate"), _line),
    st.tuples(st.just("swap"), _line, _line),
    st.tuples(st.just("scalar"), _line, st.one_of(st.sampled_from(_ODD_SCALARS), st.text(max_size=6))),
    st.tuples(st.just("indent"), _line, st.integers(-4, 4)),
)


def _mutate(lines: list[str], mutation: tuple) -> list[str]:
    lines = list(lines)
    if not lines:
        return lines
    kind, i = mutation[0], mutation[1] % len(lines)
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(i, lines[i])
    elif kind == "swap":
        j = mutation[2] % len(lines)
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "scalar":  # the value after 'key: ' or '- ', else the whole line
        line = lines[i]
        cut = line.find(": ") + 2 if ": " in line else line.find("- ") + 2 if "- " in line else 0
        lines[i] = line[:cut] + mutation[2]
    else:
        depth = len(lines[i]) - len(lines[i].lstrip())
        lines[i] = " " * max(0, depth + mutation[2]) + lines[i].lstrip()
    return lines


def test_mutated_minimal_fixture_never_raises_and_every_diagnostic_is_positioned(tmp_path):
    folder = tmp_path / "riverside"
    shutil.copytree(MINIMAL, folder)
    entry = folder / "inspection.yaml"

    @settings(max_examples=200, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(_MUTATION, min_size=1, max_size=4))
    def check(mutations):
        lines = _LINES
        for mutation in mutations:
            lines = _mutate(lines, mutation)
        entry.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
        compiled = compile_inspection(folder)
        for diagnostic in compiled.diagnostics:
            span = diagnostic.span
            assert span.path and span.line >= 1 and span.column >= 1, diagnostic
            diagnostic.format().encode("utf-8")  # printable: no lone surrogates in messages

    check()


def test_a_byte_order_mark_is_not_part_of_a_markdown_file(tmp_path):
    """Editors on Windows may save one; left in, it would turn a first heading into a paragraph."""
    entry = minimal_copy(tmp_path, "riverside")
    (entry.parent / "narrative" / "foreword.md").write_bytes(b"\xef\xbb\xbf# Why it matters [^nope]\r\n\r\nText.\r\n")
    [error] = compile_inspection(entry.parent).diagnostics.errors
    assert error.code == "footnote-undefined"
    assert (error.span.line, error.span.column) == (1, len("# Why it matters ") + 1)
    _, _, sources = load_inspection(entry.parent)
    assert sources[1].data.startswith("# Why it matters")
