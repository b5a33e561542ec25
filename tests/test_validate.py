"""Validation diagnostics: each broken fixture holds one defect and names the code it expects.

A YAML fixture line ending in `# expect: <code>` must carry exactly that error; every error
reported must be so annotated. Positions come from the whole pipeline (load, validate, rate).
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from compiler.rating.compile import compile_inspection
from compiler.render.html import render_html
from compiler.sources.validate import load_inspection
from helpers import line_of, minimal_copy

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = FIXTURES / "invalid"
MINIMAL = FIXTURES / "minimal"
_EXPECT = re.compile(r"#\s*expect:\s*([a-z0-9-]+)")
# Expectations that cannot sit in a YAML comment: inside Markdown files and block scalars.
_EXPECTED_ELSEWHERE = {
    "footnote-undefined-markdown": {("narrative/foreword.md", 4, "footnote-undefined")},
    "footnote-undefined-yaml": {("inspection.yaml", 13, "footnote-undefined")},
}


def _annotations(folder: Path) -> set[tuple[str, int, str]]:
    expected = set(_EXPECTED_ELSEWHERE.get(folder.name, ()))
    for path in sorted(folder.rglob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = _EXPECT.search(line)
            if match:
                expected.add((path.relative_to(folder).as_posix(), number, match.group(1)))
    return expected


def _errors(folder: Path) -> set[tuple[str, int, str]]:
    compiled = compile_inspection(folder)
    return {
        (Path(d.span.path).resolve().relative_to(folder.resolve()).as_posix(), d.span.line, d.code)
        for d in compiled.diagnostics.errors
    }


def _annotated_fixtures() -> list[str]:
    return sorted(p.parent.name for p in INVALID.glob("*/inspection.yaml") if _annotations(p.parent))


@pytest.mark.parametrize("name", _annotated_fixtures())
def test_broken_fixture_reports_its_annotated_errors(name):
    folder = INVALID / name
    assert _errors(folder) == _annotations(folder)


def test_every_defect_of_the_brief_has_a_fixture():
    codes = {code for name in _annotated_fixtures() for _, _, code in _annotations(INVALID / name)}
    assert {
        "yaml-syntax",
        "yaml-duplicate-key",
        "unknown-key",
        "missing-key",
        "wrong-type",
        "file-missing",
        "file-outside",
        "footnote-undefined",
        "yes-over-of",
        "percent-over-100",
        "standard-missing",
        "unknown-standard",
        "rating-contradicts-data",
        "discretion-not-allowed",
        "unknown-framework",
        "unknown-wording",
    } <= codes


def test_minimal_fixture_is_valid_and_reads_its_markdown():
    inspection, diagnostics, files = load_inspection(MINIMAL)
    assert inspection is not None, [d.format() for d in diagnostics]
    assert diagnostics.errors == []
    assert [f.path.name for f in files] == ["inspection.yaml", "foreword.md"]
    block = inspection.foreword.body[0]
    assert block.file == "narrative/foreword.md"
    assert block.content == (MINIMAL / "narrative" / "foreword.md").read_text(encoding="utf-8")


def test_entry_file_or_folder_give_the_same_result():
    by_folder, _, _ = load_inspection(MINIMAL)
    by_file, _, _ = load_inspection(MINIMAL / "inspection.yaml")
    assert by_folder == by_file


def test_unknown_framework_suggests_the_closest_known_id():
    compiled = compile_inspection(INVALID / "unknown-framework")
    [error] = compiled.diagnostics.errors
    assert error.span.column == 12
    assert "did you mean 'standards-2021'?" in error.hints
    assert compiled.rated is None


def test_unknown_wording_names_the_printings_there_are():
    compiled = compile_inspection(INVALID / "unknown-wording")
    [error] = compiled.diagnostics.errors
    assert "no printing of its wording called 'children'" in error.message
    assert error.hints == ("it has only the wording as first published: leave out `wording`",)


def test_minimal_fixture_rates_under_standards_2021():
    compiled = compile_inspection(MINIMAL)
    assert compiled.diagnostics.errors == []
    result = compiled.rated.result
    ratings = {s.id: s.rating.value for s in result.standards}
    # Lowest key questions: 2.1 5/6=83% and 4/5=80%; 2.2 4/6=67%; 2.3 3/5=60%; 2.4 2/6=33%.
    assert ratings["2.1"] == "Outstanding"
    assert ratings["2.2"] == "Good"
    assert ratings["2.3"] == "Requires improvement"
    assert ratings["2.4"] == "Inadequate"
    # Domain 1: 2+2+1+2; domain 2: 3+2+1+0; domain 3: 3+2+3, and 3.4 Good (2).
    assert (result.score, result.max_score, result.overall.value) == (23, 36, "Good")
    assert compiled.slug == "minimal"
    assert {p.name for p in compiled.files} >= {"inspection.yaml", "foreword.md", "standards-2021.yaml"}


def test_unknown_key_suggests_the_closest_allowed_key():
    _, diagnostics, _ = load_inspection(INVALID / "unknown-key")
    [error] = diagnostics.errors
    assert error.span.column == 3
    assert "did you mean 'short_name'?" in error.hints
    assert any(h.startswith("allowed keys: ") and "published" in h for h in error.hints)


def test_missing_key_points_at_the_parent_mapping_and_names_the_key():
    _, diagnostics, _ = load_inspection(INVALID / "missing-key")
    [error] = diagnostics.errors
    assert (error.span.line, error.span.column) == (3, 1)
    assert "'area'" in error.message


def test_undefined_footnote_in_markdown_points_into_the_markdown_file():
    folder = INVALID / "footnote-undefined-markdown"
    _, diagnostics, _ = load_inspection(folder)
    [error] = diagnostics.errors
    assert error.code == "footnote-undefined"
    assert Path(error.span.path).resolve() == (folder / "narrative" / "foreword.md").resolve()
    assert (error.span.line, error.span.column) == (4, 28)


def test_undefined_footnote_in_block_scalar_points_at_its_line_and_column():
    _, diagnostics, _ = load_inspection(INVALID / "footnote-undefined-yaml")
    [error] = diagnostics.errors
    assert (error.span.line, error.span.column) == (13, 26)


def test_unused_footnote_is_a_warning(tmp_path):
    entry = minimal_copy(tmp_path, "spare-footnote", append="  spare: Never cited.\n")
    inspection, diagnostics, _ = load_inspection(entry.parent)
    assert inspection is not None
    [warning] = diagnostics.warnings
    assert warning.code == "footnote-unused"
    assert warning.span.line == len(entry.read_text(encoding="utf-8").splitlines())


def test_markdown_symlink_leaving_the_folder_is_refused(tmp_path):
    outside = tmp_path / "outside.md"
    outside.write_text("Text from elsewhere.\n", encoding="utf-8")
    folder = minimal_copy(tmp_path, "linked").parent
    (folder / "narrative" / "foreword.md").unlink()
    (folder / "narrative" / "foreword.md").symlink_to(outside)
    _, diagnostics, _ = load_inspection(folder)
    [error] = diagnostics.errors
    assert error.code == "file-outside"
    assert error.span.path.endswith("inspection.yaml")
    assert error.span.line == line_of(folder / "inspection.yaml", "file: narrative/foreword.md")


def test_absolute_markdown_path_is_refused(tmp_path):
    absolute = (tmp_path / "absolute" / "narrative" / "foreword.md").resolve()
    entry = minimal_copy(tmp_path, "absolute", "file: narrative/foreword.md", f"file: {absolute}")
    assert absolute.is_file()
    _, diagnostics, _ = load_inspection(entry.parent)
    [error] = diagnostics.errors
    assert error.code == "file-outside"


def test_body_of_the_wrong_shape_reports_one_error_naming_both_forms(tmp_path):
    entry = minimal_copy(
        tmp_path, "body-mapping",
        "  body:\n    - file: narrative/foreword.md\n", "  body:\n    text: A mapping, not a list.\n",
    )
    _, diagnostics, _ = load_inspection(entry.parent)
    assert [d.code for d in diagnostics.errors] == ["wrong-type"]
    [error] = diagnostics.errors
    assert "Markdown text or a list of blocks" in error.message
    assert error.span.line == line_of(entry, "text: A mapping, not a list.")


def test_bad_block_inside_a_body_list_reports_only_the_list_branch(tmp_path):
    entry = minimal_copy(
        tmp_path, "bad-block",
        "    - file: narrative/foreword.md\n",
        "    - file: narrative/foreword.md\n    - quote:\n        text: We were listened to.\n",
    )
    _, diagnostics, _ = load_inspection(entry.parent)
    [error] = diagnostics.errors
    assert error.code == "missing-key"
    assert "'speaker'" in error.message
    assert error.span.line == line_of(entry, "- quote:")


def test_all_errors_are_reported_at_once(tmp_path):
    folder = tmp_path / "many"
    folder.mkdir()
    (folder / "inspection.yaml").write_text(
        "framework: standards-2021\n"
        "meta:\n"
        "  service: 5\n"
        "  area: Riverside\n"
        "  published: March 2023\n"
        "  fieldwork: {start: 2023-01-09}\n"
        "  colour: blue\n",
        encoding="utf-8",
    )
    _, diagnostics, _ = load_inspection(folder)
    assert sorted((d.span.line, d.code) for d in diagnostics.errors) == [
        (3, "wrong-type"),
        (5, "invalid-value"),
        (7, "unknown-key"),
    ]


def test_missing_entry_file_is_a_diagnostic_not_an_exception(tmp_path):
    inspection, diagnostics, files = load_inspection(tmp_path)
    assert inspection is None and files == []
    assert [d.code for d in diagnostics.errors] == ["file-missing"]


def test_footnote_positions_in_folded_and_quoted_scalars(tmp_path):
    entry = minimal_copy(
        tmp_path, "folded",
        "    - file: narrative/foreword.md\n",
        "    - file: narrative/foreword.md\n"
        "    - text: >-\n"
        "        A folded paragraph\n"
        "        with a note.[^nope]\n"
        '    - text: "A quoted string\n'
        '        over two lines[^gone]"\n',
    )
    _, diagnostics, _ = load_inspection(entry.parent)
    found = sorted((d.span.line, d.span.column, d.message) for d in diagnostics.errors)
    folded = line_of(entry, "with a note.[^nope]")
    quoted = line_of(entry, "over two lines[^gone]")
    assert [(line, column) for line, column, _ in found] == [(folded, 21), (quoted, 23)]
    assert all(d.code == "footnote-undefined" for d in diagnostics.errors)


def test_a_citation_written_in_code_is_text_not_an_error(tmp_path):
    """`[^key]` in a code span or block prints as written; only the real citation after it counts."""
    entry = minimal_copy(
        tmp_path, "code",
        "    - file: narrative/foreword.md\n",
        "    - file: narrative/foreword.md\n"
        "    - text: Write `[^gone]` to cite a note, as here[^gone].\n",
    )
    markdown = entry.parent / "narrative" / "foreword.md"
    markdown.write_text("Cite notes as `[^key]`.\n\n```\n[^fenced]\n```\n\nIn `[^x]` form, as here[^x].\n",
                        encoding="utf-8")
    _, diagnostics, _ = load_inspection(entry.parent)
    found = {(Path(d.span.path).name, d.span.line, d.span.column, d.code) for d in diagnostics.errors}
    yaml_line = line_of(entry, "as here[^gone]")
    yaml_column = entry.read_text(encoding="utf-8").splitlines()[yaml_line - 1].index("here[^gone]") + 5
    assert found == {("inspection.yaml", yaml_line, yaml_column, "footnote-undefined"),
                     ("foreword.md", 7, len("In `[^x]` form, as here") + 1, "footnote-undefined")}
    assert [d.code for d in diagnostics.warnings] == ["footnote-unused"]  # 'board' was cited in the file


def test_a_citation_in_plain_text_is_a_warning_at_the_citation(tmp_path):
    """Titles, captions printed as written, attributions and names are not Markdown."""
    entry = minimal_copy(
        tmp_path, "plain",
        "    - file: narrative/foreword.md\n  signatory:\n    name: Sam Example\n",
        "    - file: narrative/foreword.md\n"
        '    - quote: {text: It helped., speaker: parent or carer, attribution: "A parent[^board]"}\n'
        "  signatory:\n    name: Sam Example[^sample]\n",
        append="background:\n  title: Background[^board]\n  body: Riverside is small.\n",
    )
    text = entry.read_text(encoding="utf-8").replace(
        '      - id: "1.1"\n        rating: Good\n',
        '      - id: "1.1"\n        rating: Good\n        key_data:\n'
        '          - caption: Staff[^sample]\n            rows: [["Case managers", "4"]]\n',
    )
    entry.write_text(text, encoding="utf-8")
    compiled = compile_inspection(entry.parent)
    assert not compiled.diagnostics.errors
    found = sorted((d.span.line, d.span.column, d.code) for d in compiled.diagnostics.warnings)
    expected = sorted(
        (line_of(entry, needle), text.splitlines()[line_of(entry, needle) - 1].index(needle) + needle.index("[^") + 1,
         "footnote-not-markdown")
        for needle in ('parent[^board]', "Example[^sample]", "Background[^board]", "Staff[^sample]")
    )
    assert found == expected
    assert all("prints literally" in d.message for d in compiled.diagnostics.warnings)
    html = render_html(compiled.rated)
    for written in ("A parent[^board]", "Sam Example[^sample]", "Background[^board]", "Staff[^sample]"):
        assert written in html


@pytest.mark.parametrize("value, ok", [("last", True), ("false", True), ("first", False)])
def test_row_headers_are_true_false_or_last(tmp_path, value, ok):
    table = ("    - table:\n        caption: Population information\n        row_headers: " + value + "\n"
             "        rows:\n          - [\"148\", \"First-time entrants\"]\n")
    entry = minimal_copy(tmp_path, "rows", "    - file: narrative/foreword.md\n",
                         "    - file: narrative/foreword.md\n" + table)
    _, diagnostics, _ = load_inspection(entry.parent)
    messages = [d.message for d in diagnostics.errors]
    if ok:
        assert messages == []
    else:
        assert messages == ["expected true or false or 'last' (got 'first')"]
        assert diagnostics.errors[0].span.line == line_of(entry, "row_headers: first")
