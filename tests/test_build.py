"""build_inspection and `inspection build`: outputs written atomically, nothing on errors."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.builds.inspection import build_inspection
from compiler.cli import main
from compiler.rating.ratings_json import result_to_json
from helpers import minimal_copy
from test_render_support import FIXTURES, RULES_FILES, fixture_rated

ROOT = Path(__file__).resolve().parent.parent


def test_html_build_writes_html_and_ratings_json(tmp_path):
    result = build_inspection(FIXTURES / "standards", tmp_path, {"html"}, RULES_FILES["standards"])
    assert result.ok and result.slug == "standards"
    names = sorted(p.name for p in result.outputs)
    assert names == ["ratings.json", "standards.html"]
    folder = tmp_path / "standards"
    rated = fixture_rated("standards")
    assert json.loads((folder / "ratings.json").read_text()) == json.loads(
        json.dumps(result_to_json("standards", rated.result))
    )
    html = (folder / "standards.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and rated.inspection.meta.service in html
    assert any(p.name == "inspection.yaml" for p in result.files)


def test_pdf_build_writes_a_pdf(tmp_path):
    result = build_inspection(FIXTURES / "themes", tmp_path, {"pdf"}, RULES_FILES["themes"])
    assert result.ok
    pdf = tmp_path / "themes" / "themes.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert not (tmp_path / "themes" / "themes.html").exists()


def test_html_only_build_does_not_import_weasyprint(tmp_path):
    script = (
        "import sys\n"
        "from compiler.builds.inspection import build_inspection\n"
        f"r = build_inspection({str(FIXTURES / 'standards')!r}, {str(tmp_path)!r}, {{'html'}}, "
        f"{str(RULES_FILES['standards'])!r})\n"
        "assert r.ok, r.diagnostics\n"
        "print('weasyprint' in sys.modules, 'compiler.render.pdf' in sys.modules)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["False", "False"]
    assert (tmp_path / "standards" / "standards.html").exists()


def _broken_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "src" / "standards"
    shutil.copytree(FIXTURES / "standards", folder)
    entry = folder / "inspection.yaml"
    text = entry.read_text(encoding="utf-8")
    entry.write_text(text.replace('      - id: "1.1"\n        rating: Good', '      - id: "1.1"\n        rating: Superb'))
    return folder


def test_errors_write_nothing_and_keep_previous_outputs(tmp_path):
    out = tmp_path / "out"
    previous = out / "standards" / "standards.html"
    previous.parent.mkdir(parents=True)
    previous.write_text("previous build")
    result = build_inspection(_broken_copy(tmp_path), out, {"html", "pdf"}, RULES_FILES["standards"])
    assert not result.ok and result.outputs == []
    assert [d.span.line for d in result.diagnostics.errors]
    assert previous.read_text() == "previous build"
    assert sorted(p.name for p in previous.parent.iterdir()) == ["standards.html"]


def test_cli_builds_a_real_inspection_by_default_into_build(tmp_path, monkeypatch):
    inspections = tmp_path / "inspections"
    shutil.copytree(ROOT / "inspections" / "powys-2013", inspections / "powys-2013")
    shutil.copytree(FIXTURES / "standards", inspections / "riverside")  # names fixture rules: fails
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(main, ["build", "--format", "html"])
    assert run.exit_code == 1, run.output
    lines = run.output.splitlines()
    assert any(line.startswith("built powys-2013: ratings.json, powys-2013.html") for line in lines)
    assert any(line.startswith("failed riverside: nothing written") for line in lines)
    assert (tmp_path / "build" / "powys-2013" / "powys-2013.html").exists()
    assert (tmp_path / "build" / "powys-2013" / "ratings.json").exists()
    assert not (tmp_path / "build" / "riverside").exists()


def test_cli_build_help_and_usage_error(tmp_path, monkeypatch):
    runner = CliRunner()
    assert runner.invoke(main, ["build", "--help"]).exit_code == 0
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["build"]).exit_code == 2  # no PATH and no inspections/ here


def _previous_outputs(out: Path) -> dict[str, str]:
    folder = out / "standards"
    folder.mkdir(parents=True)
    for name in ("ratings.json", "standards.html", "standards.pdf"):
        (folder / name).write_text(f"previous {name}")
    return {p.name: p.read_text() for p in folder.iterdir()}


def test_a_pdf_renderer_crash_leaves_the_previous_outputs_and_no_temp_files(tmp_path, monkeypatch):
    import compiler.render.pdf

    def crash(*args, **kwargs):
        raise RuntimeError("renderer crashed")

    monkeypatch.setattr(compiler.render.pdf, "render_pdf", crash)
    out = tmp_path / "out"
    before = _previous_outputs(out)
    with pytest.raises(RuntimeError, match="renderer crashed"):
        build_inspection(FIXTURES / "standards", out, {"html", "pdf"}, RULES_FILES["standards"])
    assert {p.name: p.read_text() for p in (out / "standards").iterdir()} == before


def test_an_unwritable_output_is_an_error_and_keeps_every_previous_output(tmp_path, monkeypatch):
    import compiler.builds.output

    real_stage = compiler.builds.output._stage

    def disk_full_on_the_html(target, data):
        if target.suffix == ".html":
            raise OSError(28, "No space left on device", str(target))
        return real_stage(target, data)

    monkeypatch.setattr(compiler.builds.output, "_stage", disk_full_on_the_html)
    out = tmp_path / "out"
    before = _previous_outputs(out)
    result = build_inspection(FIXTURES / "standards", out, {"html"}, RULES_FILES["standards"])
    [error] = result.diagnostics.errors
    assert error.code == "output-unwritable" and "No space left on device" in error.message
    assert error.span.path == str(out / "standards" / "standards.html")
    assert not result.ok and result.outputs == []
    assert {p.name: p.read_text() for p in (out / "standards").iterdir()} == before


def test_cli_build_with_a_file_in_the_way_fails_with_a_diagnostic_not_a_crash(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "powys-2013").write_text("a file where the report folder goes")
    run = CliRunner().invoke(main, ["build", str(ROOT / "inspections" / "powys-2013"), "--out", str(out),
                                    "--format", "html"], env={"NO_COLOR": "1"})
    assert run.exit_code == 1, run.output
    assert re.search(r"powys-2013:1:1: error: cannot write the outputs into this folder: a file is in the way; nothing was written", run.output)
    assert "failed powys-2013: nothing written" in run.output
    assert sorted(p.name for p in out.iterdir()) == [".lock", "powys-2013"]  # the build lock stays


HARFBUZZ_NOTE = ("note: about this machine, not the report: the PDF renderer says: Please install HarfBuzz "
                 "version 13+ with harfbuzz-vector to display Noto Color Emoji COLR emoji fonts.")


def test_a_note_about_the_machine_is_no_warning_on_the_report(monkeypatch):
    import weasyprint
    from weasyprint.logger import LOGGER

    from compiler.builds.inspection import render_outputs

    render = weasyprint.HTML.render

    def on_a_machine_with_an_old_harfbuzz(document, *args, **kwargs):
        for family in ("Noto Color Emoji", "Twemoji"):  # WeasyPrint says it once a font, in these words
            LOGGER.warning("Please install HarfBuzz version 13+ with harfbuzz-vector "
                           "to display %s COLR emoji fonts.", family)
        return render(document, *args, **kwargs)

    monkeypatch.setattr(weasyprint.HTML, "render", on_a_machine_with_an_old_harfbuzz)
    notes: list[str] = []
    _, warnings = render_outputs(fixture_rated("standards"), {"pdf"}, notes)
    assert warnings == []
    assert HARFBUZZ_NOTE.removeprefix("note: ") in notes


def test_a_note_about_the_machine_is_said_once_a_run(tmp_path, monkeypatch):
    import compiler.builds.corpus
    from compiler.builds.corpus import CorpusBuild
    from compiler.builds.result import BuildResult

    def two_reports_on_one_machine(paths, out_dir, formats, *, on_result=None, **options):
        build = CorpusBuild()
        for path in paths:
            result = BuildResult(Path(path).name, machine_notes=[HARFBUZZ_NOTE.removeprefix("note: ")] * 2)
            build.results.append(result)
            on_result(result, 0.1)
        return build

    monkeypatch.setattr(compiler.builds.corpus, "build_corpus", two_reports_on_one_machine)
    for name in ("first", "second"):
        minimal_copy(tmp_path / "sources", name)
    run = CliRunner().invoke(main, ["build", str(tmp_path / "sources"), "--out", str(tmp_path / "out")],
                             env={"NO_COLOR": "1"})
    assert run.exit_code == 0, run.output
    assert [line for line in run.output.splitlines() if line.startswith("note:")] == [HARFBUZZ_NOTE]
    assert "warning" not in run.output.replace("0 warnings", "")
