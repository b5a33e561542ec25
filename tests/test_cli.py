"""The command line, in process: help, exit codes, diagnostics format, `rate --json` shape."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler import __version__
from compiler.cli import main
from compiler.rating.ruleset import framework_ids
from helpers import minimal_copy

FIXTURES = Path(__file__).parent / "fixtures"
MINIMAL = FIXTURES / "minimal"
INVALID = FIXTURES / "invalid"
ROOT = Path(__file__).parent.parent
DIAGNOSTIC_LINE = re.compile(r"^(?P<path>[^:\s]+):(?P<line>\d+):(?P<column>\d+): (?P<severity>error|warning): .+")


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("INSPECTION_DEBUG", raising=False)
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_has_help(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: ")
    assert command in result.output.splitlines()[0]


def test_group_help_lists_the_core_commands(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in ("frameworks", "validate", "rate"):
        assert re.search(rf"^\s+{command}\s", result.output, re.MULTILINE)


def test_version(run):
    result = run("--version")
    assert result.exit_code == 0
    assert __version__ in result.output


def test_frameworks_lists_every_rules_file(run):
    result = run("frameworks")
    assert result.exit_code == 0
    listed = [line.split()[0] for line in result.output.splitlines() if line and not line.startswith(" ")]
    assert listed == framework_ids()
    assert "standards-2021" in listed


def test_validate_valid_inspection_exits_0(run):
    result = run("validate", MINIMAL)
    assert result.exit_code == 0, result.output
    assert "1 inspection checked: 0 errors, 0 warnings" in result.output


def test_validate_invalid_inspection_exits_1_with_positioned_lines(run):
    result = run("validate", INVALID / "yes-over-of")
    assert result.exit_code == 1
    [line] = [line for line in result.output.splitlines() if DIAGNOSTIC_LINE.match(line)]
    match = DIAGNOSTIC_LINE.match(line)
    assert Path(match["path"]).resolve() == (INVALID / "yes-over-of" / "inspection.yaml").resolve()
    assert match["severity"] == "error"
    expected_line = next(
        n
        for n, text in enumerate((INVALID / "yes-over-of" / "inspection.yaml").read_text().splitlines(), 1)
        if "expect: yes-over-of" in text
    )
    assert int(match["line"]) == expected_line


def test_validate_hints_are_indented_under_their_diagnostic(run):
    result = run("validate", INVALID / "unknown-key")
    lines = result.output.splitlines()
    first = next(i for i, line in enumerate(lines) if DIAGNOSTIC_LINE.match(line))
    assert lines[first + 1] == "  hint: did you mean 'short_name'?"


def test_validate_several_paths_sorts_diagnostics_and_counts_all(run):
    result = run("validate", INVALID / "wrong-type", INVALID / "duplicate-key", MINIMAL)
    assert result.exit_code == 1
    paths = [DIAGNOSTIC_LINE.match(line)["path"] for line in result.output.splitlines() if DIAGNOSTIC_LINE.match(line)]
    assert len(paths) == 2 and paths == sorted(paths)
    assert "3 inspections checked: 2 errors, 0 warnings" in result.output


def test_validate_expands_a_folder_of_inspections(run, tmp_path):
    for name in ("one", "two"):
        minimal_copy(tmp_path, name)
    result = run("validate", tmp_path)
    assert result.exit_code == 0, result.output
    assert "2 inspections checked" in result.output


def test_validate_strict_fails_on_warnings(run, tmp_path):
    folder = minimal_copy(tmp_path, "spare", append="  spare: Never cited.\n").parent
    assert run("validate", folder).exit_code == 0
    strict = run("validate", "--strict", folder)
    assert strict.exit_code == 1
    assert "warning: footnote 'spare' is never cited" in strict.output


def test_validate_json_format(run):
    result = run("validate", "--format", "json", INVALID / "missing-key")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["ok"] is False
    assert (document["errors"], document["warnings"]) == (1, 0)
    [diagnostic] = document["diagnostics"]
    assert set(diagnostic) == {"severity", "code", "message", "path", "line", "column", "hints"}
    assert (diagnostic["code"], diagnostic["line"], diagnostic["column"]) == ("missing-key", 3, 1)
    assert document["inspections"][0]["slug"] == "missing-key"


def test_usage_errors_exit_2(run):
    assert run("validate").exit_code == 2
    assert run("validate", "no/such/folder").exit_code == 2
    assert run("rate", MINIMAL, "--bogus").exit_code == 2
    assert run("validate", "--format", "xml", MINIMAL).exit_code == 2
    assert run("no-such-command").exit_code == 2


def test_rate_prints_the_ratings_table(run):
    result = run("rate", MINIMAL)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(re.match(r"^2\.4 Reviewing\s+Inadequate\s+0\s+Inadequate\s+-$", line) for line in lines)
    assert any(re.match(r"^1\.3 Partnerships and services\s+Requires improvement\s+1\s+-\s+-$", line) for line in lines)
    assert "Score: 23/36" in lines
    assert "Overall: Good" in lines
    assert "Assumptions applied:" in lines


def test_rate_table_explains_points_rated_separately(run, tmp_path):
    folder = minimal_copy(
        tmp_path, "minimal",
        "        rating: Good\n\nfootnotes:",
        '        rating: Good\n  - id: "4"\n    standards:\n      - id: "4.1"\n        rating: Outstanding\n\nfootnotes:',
    ).parent
    result = run("rate", folder)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(re.match(r"^4\.1 Resettlement policy and provision\s+Outstanding\s+\(3\)", line) for line in lines)
    assert any(line.startswith("(n): ") and "not added to the score" in line for line in lines)
    assert "Score: 23/36" in lines
    assert not any(line.startswith("(n): ") for line in run("rate", MINIMAL).output.splitlines())


def test_rate_json_shape(run):
    result = run("rate", "--json", MINIMAL)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert set(document) >= {"slug", "framework", "overall", "score", "max_score", "standards", "themes"}
    assert (document["slug"], document["framework"]) == ("minimal", "standards-2021")
    assert (document["score"], document["max_score"], document["overall"]) == (23, 36, "Good")
    assert len(document["standards"]) == 12
    standard = next(s for s in document["standards"] if s["id"] == "2.2")
    assert set(standard) >= {"id", "name", "rating", "points", "computed", "discretion", "key_questions"}
    assert (standard["rating"], standard["points"], standard["discretion"]) == ("Good", 2, None)
    question = next(q for q in standard["key_questions"] if q["id"] == "2.2.2")
    assert set(question) >= {"id", "text", "yes", "of", "percent", "band"}
    assert (question["yes"], question["of"], question["percent"], question["band"]) == (4, 6, 67, "Good")
    assert document["themes"] == []


def test_rate_with_rules_file(run):
    rules = ROOT / "compiler" / "rating" / "rules" / "standards-2024.yaml"
    result = run("rate", "--json", "--rules", rules, MINIMAL)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["framework"] == "standards-2024"
    # Another framework's rules are never taken silently.
    assert "warning: rated under 'standards-2024'" in result.stderr
    assert "4.1 is rated under 'standards-2024' only" in result.stderr


def test_rate_invalid_inspection_exits_1_and_prints_diagnostics(run):
    result = run("rate", "--json", INVALID / "discretion-not-allowed")
    assert result.exit_code == 1
    assert "error: discretion" in result.output
    assert "{" not in result.output


@pytest.fixture
def bug_in_pipeline(monkeypatch):
    """Compiling any inspection raises an unexpected exception, as a bug would."""
    import compiler.rating.compile

    def broken(*args, **kwargs):
        raise ZeroDivisionError("simulated bug")

    monkeypatch.setattr(compiler.rating.compile, "compile_inspection", broken)


def test_internal_error_is_reported_briefly_with_exit_3(run, bug_in_pipeline):
    result = run("validate", MINIMAL)
    assert result.exit_code == 3
    assert "internal error, please report" in result.output
    assert "Traceback" not in result.output


def test_internal_error_traceback_with_inspection_debug(run, bug_in_pipeline, monkeypatch):
    monkeypatch.setenv("INSPECTION_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        run("validate", MINIMAL)


def test_colour_only_when_allowed(monkeypatch):
    runner = CliRunner()
    monkeypatch.delenv("NO_COLOR", raising=False)
    coloured = runner.invoke(main, ["validate", str(INVALID / "wrong-type")], color=True)
    assert "\x1b[" in coloured.output
    monkeypatch.setenv("NO_COLOR", "1")
    plain = runner.invoke(main, ["validate", str(INVALID / "wrong-type")], color=True)
    assert "\x1b[" not in plain.output
    piped = CliRunner().invoke(main, ["validate", str(INVALID / "wrong-type")])
    assert "\x1b[" not in piped.output


def test_readme_opens_with_install_and_test_commands_that_ci_runs():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.match(r"\A```[a-z]*\n(?P<first>[^\n]+)\n(?P<second>[^\n]+)\n```", readme)
    assert match, "README must open with a fenced block of two commands"
    assert "pip install" in match["first"] and "inspection build" in match["first"]
    assert "pytest" in match["second"]
    assert match["second"] in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_a_folder_of_inspections_is_a_usage_error_for_one_inspection_commands(run, tmp_path):
    minimal_copy(tmp_path, "minimal")
    for command in ("serve",):
        result = run(command, tmp_path)
        assert result.exit_code == 2, result.output
        assert "is a folder of inspections; give one of them (minimal)" in result.output


def test_a_folder_without_inspections_is_a_usage_error(run, tmp_path):
    for command in ("validate", "build", "rate"):
        result = run(command, tmp_path)
        assert result.exit_code == 2, result.output
        assert f"no inspection.yaml in '{tmp_path}'" in result.output


@pytest.mark.parametrize("args", [
    ["build", MINIMAL, "--out", ""],
    ["schema", "--out", ""],
    ["validate", MINIMAL / "narrative" / "foreword.md"],
    ["rate", "/dev/null"],
], ids=["build-out-empty", "schema-out-empty", "markdown-as-path", "device-as-path"])
def test_unusable_paths_are_usage_errors(run, args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # an empty --out would otherwise mean the current folder
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert "Error: Invalid value for" in result.output


def test_schema_out_under_a_file_is_a_usage_error(run, tmp_path):
    (tmp_path / "taken").write_text("x")
    result = run("schema", "--out", tmp_path / "taken" / "schema.json")
    assert result.exit_code == 2
    assert "cannot write" in result.output and "a file is in the way" in result.output


def test_new_under_a_file_is_a_usage_error_and_writes_nothing(run, tmp_path):
    (tmp_path / "taken").write_text("x")
    result = run("new", tmp_path / "taken" / "newtown-2025", "--framework", "standards-2024")
    assert result.exit_code == 2, result.output
    assert "nothing was written" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


@pytest.mark.parametrize("args", [["frameworks", "--verbose"], ["schema"]])
def test_a_reader_that_stops_early_is_no_internal_error(args):
    import os
    import subprocess
    import sys

    read_end, write_end = os.pipe()
    os.close(read_end)  # `| head -1` gone before the first line is written
    try:
        run = subprocess.run([sys.executable, "-m", "compiler", *args], stdout=write_end, stderr=subprocess.PIPE,
                             text=True, timeout=60)
    finally:
        os.close(write_end)
    assert (run.returncode, run.stderr) == (0, "")


def test_every_command_has_a_whole_summary_in_the_help():
    listing = CliRunner().invoke(main, ["--help"]).output.split("Commands:")[1]
    lines = [line.strip() for line in listing.strip().splitlines()]
    assert len(lines) == len(main.commands)
    assert all(not line.endswith("...") for line in lines), lines


def test_schema_out_under_a_file_is_refused_and_writes_nothing(tmp_path):
    (tmp_path / "taken").write_text("not a folder")
    target = tmp_path / "taken" / "editor" / "schema.json"
    result = CliRunner().invoke(main, ["schema", "--out", str(target)])
    assert result.exit_code == 2, result.output
    assert "a file is in the way" in result.output and "nothing was written" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]
