"""Published ratings never change silently: a final report's ratings lock, written on its first build, checked
before rendering (build, validate and the preview agree), and accepted only with `build --accept-ratings`."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.builds.inspection import build_inspection
from compiler.cli import main
from compiler.rating import ruleset
from compiler.rating.compile import compile_inspection
from compiler.rating.lock import LOCK_NAME
from helpers import line_of, minimal_copy

ROOT = Path(__file__).resolve().parent.parent
BGC = ROOT / "inspections" / "blaenau-gwent-caerphilly-2022"


@pytest.fixture
def run(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("INSPECTION_DEBUG", raising=False)
    return lambda *args: CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def final_copy(tmp_path: Path) -> Path:
    entry = minimal_copy(tmp_path, "newtown", "status: draft", "status: final")
    return entry.parent


def edit(entry: Path, old: str, new: str) -> None:
    text = entry.read_text(encoding="utf-8")
    assert old in text
    entry.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_first_build_of_a_final_report_records_its_ratings_beside_the_source(run, tmp_path):
    folder = final_copy(tmp_path)
    result = run("build", "--format", "html", "--out", tmp_path / "out", folder)
    assert result.exit_code == 0, result.output
    assert f"recorded the ratings of newtown in {os.path.relpath(folder / LOCK_NAME)}" in result.output
    record = json.loads((folder / LOCK_NAME).read_text(encoding="utf-8"))
    rated = compile_inspection(folder).rated
    assert (record["framework"], record["score"], record["overall"]) == (
        "standards-2021", rated.result.score, rated.result.overall.value)
    assert (record["rules_version"], record["rules_sha256"]) == (rated.rules.version, rated.rules.sha256)
    assert {s["id"]: s["rating"] for s in record["standards"]} == {s.id: s.rating.value for s in rated.result.standards}
    assert not (tmp_path / "out" / "newtown" / LOCK_NAME).exists()


def test_drafts_rebuild_freely_and_write_no_lock(tmp_path):
    entry = minimal_copy(tmp_path, "draft")
    assert build_inspection(entry.parent, tmp_path / "out", {"html"}).ok
    assert not (entry.parent / LOCK_NAME).exists()
    edit(entry, "{id: \"2.1.1\", yes: 6, of: 6}", "{id: \"2.1.1\", yes: 1, of: 6}")
    assert build_inspection(entry.parent, tmp_path / "out", {"html"}).ok


def test_a_changed_count_that_moves_a_rating_is_an_error_naming_it_until_accepted(run, tmp_path):
    folder = final_copy(tmp_path)
    entry = folder / "inspection.yaml"
    assert build_inspection(folder, tmp_path / "out", {"html"}).ok
    before = (folder / LOCK_NAME).read_text(encoding="utf-8")
    edit(entry, "{id: \"2.1.1\", yes: 6, of: 6}", "{id: \"2.1.1\", yes: 3, of: 6}")  # 50 %: 2.1 drops to RI
    html = tmp_path / "out" / "newtown" / "newtown.html"
    stamp = html.stat().st_mtime_ns

    result = run("build", "--format", "html", "--out", tmp_path / "out", folder)
    assert result.exit_code == 1
    standard_line = line_of(entry, 'id: "2.1"')
    assert (f"inspection.yaml:{standard_line}:13: error: 2.1 Assessment was published as "
            "Outstanding (3 points) and is now Requires improvement (1 point)") in result.output
    assert (f"inspection.yaml:{line_of(entry, 'status: final')}:9: error: the ratings of this final report differ "
            "from those it was published with (ratings.lock): 2.1 Assessment: Outstanding (3 points) -> "
            "Requires improvement (1 point); score: ") in result.output
    assert f"hint: if the change is meant, accept it with `inspection build --accept-ratings {folder}`" in result.output
    assert html.stat().st_mtime_ns == stamp and (folder / LOCK_NAME).read_text(encoding="utf-8") == before
    assert run("validate", folder).exit_code == 1  # validate says what build would

    accepted = run("build", "--accept-ratings", "--format", "html", "--out", tmp_path / "out", folder)
    assert accepted.exit_code == 0, accepted.output
    record = json.loads((folder / LOCK_NAME).read_text(encoding="utf-8"))
    assert next(s for s in record["standards"] if s["id"] == "2.1")["rating"] == "Requires improvement"
    assert run("build", "--format", "html", "--out", tmp_path / "out", folder).exit_code == 0


def test_an_edit_that_moves_no_rating_builds(tmp_path):
    folder = final_copy(tmp_path)
    assert build_inspection(folder, tmp_path / "out", {"html"}).ok
    edit(folder / "inspection.yaml", "{id: \"2.1.1\", yes: 6, of: 6}", "{id: \"2.1.1\", yes: 5, of: 6}")  # 83 %: still O
    result = build_inspection(folder, tmp_path / "out", {"html"})
    assert result.ok and not result.diagnostics.errors


def test_the_preview_checks_the_lock_but_never_writes_one(tmp_path):
    folder = final_copy(tmp_path)
    preview = build_inspection(folder, tmp_path / "scratch", {"html"}, record_ratings=False)
    assert preview.ok and not (folder / LOCK_NAME).exists()
    assert build_inspection(folder, tmp_path / "out", {"html"}).ok
    edit(folder / "inspection.yaml", "{id: \"2.1.1\", yes: 6, of: 6}", "{id: \"2.1.1\", yes: 3, of: 6}")
    preview = build_inspection(folder, tmp_path / "scratch", {"html"}, record_ratings=False)
    assert "published-rating-changed" in [d.code for d in preview.diagnostics.errors]
    assert folder / LOCK_NAME in [Path(p) for p in preview.files]  # the preview rebuilds when the lock changes


def test_a_lock_that_is_not_json_is_an_error_at_the_lock(tmp_path):
    folder = final_copy(tmp_path)
    (folder / LOCK_NAME).write_text('{"standards": [\n', encoding="utf-8")
    compiled = compile_inspection(folder)
    [error] = compiled.diagnostics.errors
    assert error.code == "lock-invalid" and error.span.path == str(folder / LOCK_NAME) and error.span.line == 2
    assert compiled.rated is None
    rerated = CliRunner().invoke(main, ["rerate", "--rules", "standards-2024", str(folder)])
    assert rerated.exit_code == 1 and "error: ratings.lock is not valid JSON" in rerated.stderr


def test_editing_the_rules_of_a_final_example_fails_naming_2_4_and_accepting_it_works(run, tmp_path, monkeypatch):
    """The issue's case: raise the Outstanding band of the 2021 rules to 90 % in place."""
    rules_dir = tmp_path / "rules"
    shutil.copytree(ruleset.RULES_DIR, rules_dir)
    path = rules_dir / "standards-2021.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("- min: 80\n", "- min: 90\n", 1), encoding="utf-8")
    monkeypatch.setattr(ruleset, "RULES_DIR", rules_dir)
    example = tmp_path / "inspections" / BGC.name
    shutil.copytree(BGC, example)
    out = tmp_path / "out"

    # What `inspection build` runs for each report (in its worker processes, which read the real rules folder).
    refused = build_inspection(example, out, {"html"})
    messages = [d.message for d in refused.diagnostics.errors]
    assert "2.4 Reviewing was published as Outstanding (3 points) and is now Good (2 points); the ratings of a " \
           "final report do not change silently" in messages
    assert any("2.4 Reviewing: Outstanding (3 points) -> Good (2 points); score: 28 -> 27" in m for m in messages)
    assert not (out / BGC.name).exists()

    shown = run("rerate", "--rules", "standards-2021", example)
    assert "  2.4 Reviewing: published Outstanding, now Good (2 points)" in shown.stdout
    assert "  score: published 28/36, now 27/36" in shown.stdout

    accepted = build_inspection(example, out, {"html"}, accept_ratings=True)
    assert accepted.ok, [d.format() for d in accepted.diagnostics]
    assert example / LOCK_NAME in accepted.outputs
    record = json.loads((example / LOCK_NAME).read_text(encoding="utf-8"))
    assert (record["score"], next(s for s in record["standards"] if s["id"] == "2.4")["rating"]) == (27, "Good")
    assert record["rules_sha256"] == ruleset.load_ruleset("standards-2021").sha256
    assert json.loads((out / BGC.name / "ratings.json").read_text(encoding="utf-8"))["score"] == 27
    assert build_inspection(example, out, {"html"}).ok


def test_a_rules_edit_that_moves_no_rating_builds_and_accepting_records_the_new_fingerprint(tmp_path, monkeypatch):
    rules_dir = tmp_path / "rules"
    shutil.copytree(ruleset.RULES_DIR, rules_dir)
    path = rules_dir / "standards-2021.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# a comment moves no rating\n", encoding="utf-8")
    monkeypatch.setattr(ruleset, "RULES_DIR", rules_dir)
    example = tmp_path / "inspections" / BGC.name
    shutil.copytree(BGC, example)
    before = (example / LOCK_NAME).read_text(encoding="utf-8")
    assert build_inspection(example, tmp_path / "out", {"html"}).ok
    assert (example / LOCK_NAME).read_text(encoding="utf-8") == before
    assert build_inspection(example, tmp_path / "out", {"html"}, accept_ratings=True).ok
    record = json.loads((example / LOCK_NAME).read_text(encoding="utf-8"))
    assert record["rules_sha256"] == ruleset.load_ruleset("standards-2021").sha256 != json.loads(before)["rules_sha256"]
    assert record["standards"] == json.loads(before)["standards"]
