"""`inspection new`: a starter inspection per framework that validates, rates and builds as a draft."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import main
from compiler.sources.diagnostics import Diagnostics
from compiler.rating.compile import compile_inspection
from compiler.sources.placeholders import PLACEHOLDER_RE, check_placeholders, find_in_text, placeholder
from compiler.rating.ruleset import framework_ids, load_ruleset
from compiler.authoring.scaffold import SOURCE_NAME, ScaffoldError, create_inspection, scaffold_files
from compiler.sources.schema import SCHEMA_FILE_NAME, inspection_schema
from compiler.sources.yaml_source import load_yaml
from helpers import line_of

FRAMEWORKS = framework_ids()


def _new(tmp_path: Path, framework_id: str, slug: str = "new-area-2025") -> Path:
    folder = tmp_path / slug
    create_inspection(folder, load_ruleset(framework_id), framework_ids=FRAMEWORKS)
    return folder


def _codes(diagnostics) -> list[str]:
    return [d.code for d in diagnostics]


def test_known_frameworks_are_there():
    assert {"fji-2013", "standards-2018", "standards-2021", "standards-2024"} <= set(FRAMEWORKS)


@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_scaffold_has_every_section_the_framework_needs(tmp_path, framework_id):
    rules = load_ruleset(framework_id)
    folder = _new(tmp_path, framework_id)
    text = (folder / SOURCE_NAME).read_text(encoding="utf-8")
    assert text.startswith(f"# yaml-language-server: $schema={SCHEMA_FILE_NAME}\n")
    schema = json.loads((folder / SCHEMA_FILE_NAME).read_text(encoding="utf-8"))
    assert schema == inspection_schema(FRAMEWORKS)

    source = load_yaml(folder / SOURCE_NAME, Diagnostics())
    data = source.data
    assert data["framework"] == framework_id
    assert data["status"] == "draft"
    if rules.family == "themes":
        assert [t["id"] for t in data["themes"]] == [t.id for t in rules.themes]
        for theme, rule in zip(data["themes"], rules.themes):
            assert ("score" in theme) == rule.scored
            assert ("descriptor" in theme) != rule.scored
        return
    assert [d["id"] for d in data["domains"]] == [d.id for d in rules.domains]
    for domain, domain_rule in zip(data["domains"], rules.domains):
        assert [s["id"] for s in domain["standards"]] == [s.id for s in domain_rule.standards]
        for standard, rule in zip(domain["standards"], domain_rule.standards):
            assert [q["id"] for q in standard.get("key_questions", [])] == [q.id for q in rule.key_questions]
            if rule.method == "case-based":
                assert all({"yes", "of"} <= set(q) for q in standard["key_questions"])
            else:
                assert "rating" in standard


@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_scaffold_validates_and_rates_as_a_draft_with_placeholder_warnings(tmp_path, framework_id):
    folder = _new(tmp_path, framework_id)
    compiled = compile_inspection(folder)
    assert compiled.diagnostics.errors == [], [d.format() for d in compiled.diagnostics.errors]
    assert compiled.rated is not None
    assert compiled.slug == "new-area-2025"
    placeholders = [d for d in compiled.diagnostics.warnings if d.code == "placeholder"]
    yaml_lines = (folder / SOURCE_NAME).read_text(encoding="utf-8").splitlines()
    expected = len(PLACEHOLDER_RE.findall("\n".join(l for l in yaml_lines if not l.startswith("#"))))
    expected += len(PLACEHOLDER_RE.findall((folder / "narrative" / "foreword.md").read_text(encoding="utf-8")))
    assert len(placeholders) == expected > 10


@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_scaffold_builds_html_with_a_draft_mark(tmp_path, framework_id):
    from compiler.builds.inspection import build_inspection

    folder = _new(tmp_path, framework_id)
    result = build_inspection(folder, tmp_path / "out", {"html"})
    assert result.diagnostics.errors == [], [d.format() for d in result.diagnostics.errors]
    page = tmp_path / "out" / "new-area-2025" / "new-area-2025.html"
    assert page in [Path(p) for p in result.outputs]
    text = page.read_text(encoding="utf-8")
    assert re.search(r"\bDRAFT\b", text, re.IGNORECASE)
    assert "placeholder: full name of the inspected service" in text


def test_draft_pdf_is_marked_on_every_page_and_the_final_pdf_is_not(tmp_path):
    from pypdf import PdfReader

    from compiler.builds.inspection import build_inspection

    folder = _new(tmp_path, "standards-2021")
    draft = build_inspection(folder, tmp_path / "draft", {"pdf"})
    assert draft.diagnostics.errors == []
    pages = [page.extract_text() for page in PdfReader(tmp_path / "draft" / "new-area-2025" / "new-area-2025.pdf").pages]
    assert len(pages) > 3 and all("DRAFT" in text for text in pages)

    for path in (folder / SOURCE_NAME, folder / "narrative" / "foreword.md"):
        text = _written(path.read_text(encoding="utf-8"))
        path.write_text(text.replace("status: draft", "status: final"), encoding="utf-8")
    final = build_inspection(folder, tmp_path / "final", {"pdf"})
    assert final.diagnostics.errors == []
    pages = [page.extract_text() for page in PdfReader(tmp_path / "final" / "new-area-2025" / "new-area-2025.pdf").pages]
    assert not any("DRAFT" in text for text in pages)


def test_final_report_with_placeholders_is_an_error_at_file_and_line(tmp_path):
    folder = _new(tmp_path, "standards-2021")
    source = folder / SOURCE_NAME
    source.write_text(source.read_text(encoding="utf-8").replace("status: draft", "status: final"), encoding="utf-8")

    compiled = compile_inspection(folder)
    assert compiled.rated is None
    errors = [d for d in compiled.diagnostics.errors if d.code == "placeholder-in-final"]
    assert errors and not [d for d in compiled.diagnostics.warnings if d.code == "placeholder"]
    service = next(d for d in errors if "full name of the inspected service" in d.message)
    assert Path(service.span.path) == source
    assert service.span.line == line_of(source, "full name of the inspected service")
    line_text = source.read_text(encoding="utf-8").splitlines()[service.span.line - 1]
    assert line_text[service.span.column - 1:].startswith("[[placeholder:")
    foreword = next(d for d in errors if Path(d.span.path).name == "foreword.md")
    assert (foreword.span.line, foreword.span.column) == (1, 1)
    hinted = [d for d in errors if d.hints]
    assert len(hinted) == 1 and any("status: draft" in hint for hint in hinted[0].hints)


def test_cli_validate_reports_final_placeholders_with_exit_1(tmp_path):
    folder = _new(tmp_path, "fji-2013")
    source = folder / SOURCE_NAME
    source.write_text(source.read_text(encoding="utf-8").replace("status: draft", "status: final"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(folder)])
    assert result.exit_code == 1
    line = line_of(source, "full title of the report")
    assert re.search(rf"inspection\.yaml:{line}:\d+: error: placeholder left in a final report", result.output)


def test_filled_in_final_report_has_no_placeholder_problems(tmp_path):
    folder = _new(tmp_path, "standards-2018")
    for path in (folder / SOURCE_NAME, folder / "narrative" / "foreword.md"):
        text = _written(path.read_text(encoding="utf-8"))
        path.write_text(text.replace("status: draft", "status: final"), encoding="utf-8")
    compiled = compile_inspection(folder)
    codes = _codes(compiled.diagnostics)
    assert "placeholder" not in codes and "placeholder-in-final" not in codes


def test_placeholder_positions_in_markdown_text():
    text = "First line.\n\nSome words [[placeholder: a figure]] and [[ placeholder:  two\n  lines ]]."
    found = find_in_text(text, "narrative/x.md")
    assert [(p.span.line, p.span.column, p.what) for p in found] == [(3, 12, "a figure"), (3, 42, "two lines")]
    assert find_in_text(placeholder("anything"), "x.md")[0].what == "anything"


def test_placeholders_in_a_literal_block_point_at_their_own_line(tmp_path):
    path = tmp_path / SOURCE_NAME
    path.write_text("status: draft\nbody: |\n  Line one.\n\n  Then [[placeholder: third]].\n", encoding="utf-8")
    source = load_yaml(path, Diagnostics())
    diagnostics = Diagnostics()
    check_placeholders("draft", [source], diagnostics)
    assert [(d.code, d.span.line, d.span.column) for d in diagnostics] == [("placeholder", 5, 8)]


def test_an_escaped_placeholder_points_at_its_own_scalar_not_a_later_twin(tmp_path):
    path = tmp_path / SOURCE_NAME
    path.write_text(
        'first: "[[placeholder: a \\u0066inding]]"\nsecond: "[[placeholder: a finding]]"\n', encoding="utf-8"
    )
    source = load_yaml(path, Diagnostics())
    assert source.data["first"] == source.data["second"]
    diagnostics = Diagnostics()
    check_placeholders("draft", [source], diagnostics)
    assert [(d.span.line, d.span.column) for d in diagnostics] == [(1, 8), (2, 10)]


def test_refuses_a_non_empty_folder_and_writes_nothing(tmp_path):
    folder = tmp_path / "taken-2025"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="not empty"):
        create_inspection(folder, load_ruleset("standards-2021"))
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]


def test_an_existing_empty_folder_is_fine(tmp_path):
    folder = tmp_path / "empty-2025"
    folder.mkdir()
    written = create_inspection(folder, load_ruleset("standards-2024"))
    assert folder / SOURCE_NAME in written


def test_refuses_a_folder_name_that_is_not_a_slug(tmp_path):
    with pytest.raises(ScaffoldError, match="slug"):
        create_inspection(tmp_path / "My Report", load_ruleset("standards-2021"))


def test_scaffold_files_are_pure_and_undated():
    files = scaffold_files("x-2025", load_ruleset("standards-2021"))
    assert files == scaffold_files("x-2025", load_ruleset("standards-2021"))
    assert set(files) == {SOURCE_NAME, "narrative/foreword.md"}
    assert not re.search(r"\b20\d\d-\d\d", files[SOURCE_NAME].replace("e.g. 2025-11", ""))


def test_dates_are_placeholders_that_a_final_report_refuses(tmp_path):
    folder = _new(tmp_path, "standards-2024")
    source = folder / SOURCE_NAME
    text = _written(source.read_text(encoding="utf-8"), keep=("as YYYY-MM",))
    source.write_text(text.replace("status: draft", "status: final"), encoding="utf-8")
    (folder / "narrative" / "foreword.md").write_text("Written text.\n", encoding="utf-8")
    errors = compile_inspection(folder).diagnostics.errors
    assert [(d.span.line, d.message) for d in errors] == [
        (line_of(source, "published:"), "placeholder left in a final report: month of publication as YYYY-MM, e.g. 2025-11"),
        (line_of(source, "start:"), "placeholder left in a final report: first day of fieldwork as YYYY-MM-DD"),
        (line_of(source, "end:"), "placeholder left in a final report: last day of fieldwork as YYYY-MM-DD"),
    ]


def _written(text: str, keep: tuple[str, ...] = ()) -> str:
    """The scaffold with its dates filled in and every other placeholder written, but those naming `keep`."""
    if not keep:
        text = text.replace(placeholder("month of publication as YYYY-MM, e.g. 2025-11"), "2025-11")
        text = text.replace(placeholder("first day of fieldwork as YYYY-MM-DD"), "2025-06-02")
        text = text.replace(placeholder("last day of fieldwork as YYYY-MM-DD"), "2025-06-06")
    return PLACEHOLDER_RE.sub(lambda m: m.group(0) if any(k in m.group(0) for k in keep) else "Written text.", text)


def test_cli_new_creates_and_then_refuses(tmp_path):
    runner = CliRunner()
    folder = tmp_path / "cli-area-2025"
    first = runner.invoke(main, ["new", str(folder), "--framework", "standards-2024"])
    assert first.exit_code == 0, first.output
    assert (folder / SOURCE_NAME).is_file()
    again = runner.invoke(main, ["new", str(folder), "--framework", "standards-2024"])
    assert again.exit_code == 2  # a usage error: nothing written
    assert "not empty" in again.output


def test_cli_new_unknown_framework_is_a_usage_error_with_a_suggestion(tmp_path):
    result = CliRunner().invoke(main, ["new", str(tmp_path / "a-2025"), "--framework", "standards-2012"])
    assert result.exit_code == 2
    assert "did you mean 'standards-20" in result.output
    assert not (tmp_path / "a-2025").exists()


def test_cli_new_help():
    result = CliRunner().invoke(main, ["new", "--help"])
    assert result.exit_code == 0
    assert "--framework" in result.output


def test_placeholders_are_placed_in_the_text_that_was_parsed_not_a_later_save(tmp_path):
    from compiler.sources.placeholders import find_in_source
    from compiler.sources.yaml_source import load_yaml

    path = tmp_path / "inspection.yaml"
    path.write_text("meta:\n  service: '[[placeholder: service name]]'\n", encoding="utf-8")
    source = load_yaml(path, Diagnostics())
    path.write_text("# saved again by the editor\n\n\nmeta:\n  service: x\n", encoding="utf-8")
    [found] = find_in_source(source)
    assert (found.span.line, found.span.column, found.what) == (2, 13, "service name")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_placeholder_positions_count_lines_as_the_yaml_parser_does(tmp_path, newline):
    from compiler.sources.placeholders import find_in_source
    from compiler.sources.yaml_source import load_yaml

    path = tmp_path / "inspection.yaml"
    path.write_bytes(newline.join(["meta:", "  area: Testshire", "  service: '[[placeholder: name]]'", ""]).encode())
    source = load_yaml(path, Diagnostics())
    [found] = find_in_source(source)
    assert (found.span.line, found.span.column) == (3, 13)
    assert source.span(("meta", "service")).line == 3
