"""benchmarks/synth.py: synthetic inspections are deterministic, valid for every framework, hold
what real reports hold, and grow with --pages."""
from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from pathlib import Path

import pytest

from compiler.builds.inspection import build_inspection
from compiler.rating.compile import compile_inspection
from compiler.rating.ruleset import framework_ids, load_ruleset
from compiler.render.html import render_html

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
synth = importlib.util.module_from_spec(_spec)
sys.modules["synth"] = synth
_spec.loader.exec_module(synth)


def _digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_same_arguments_write_byte_identical_files_and_another_seed_does_not(tmp_path):
    first = synth.write_corpus(tmp_path / "a", framework="standards-2021", pages=60, count=2, seed=7)
    again = synth.write_corpus(tmp_path / "b", framework="standards-2021", pages=60, count=2, seed=7)
    other = synth.write_corpus(tmp_path / "c", framework="standards-2021", pages=60, count=1, seed=8)
    assert [f.name for f in first] == ["synth-0001", "synth-0002"]
    assert _digests(tmp_path / "a") == _digests(tmp_path / "b")
    assert len(_digests(first[0])) > 10  # inspection.yaml and its Markdown files
    # Each inspection of a corpus is its own, and so is another seed's.
    assert _digests(first[0]) != _digests(first[1])
    assert _digests(first[0]) != _digests(other[0])


def test_a_folder_with_files_is_refused_before_anything_is_written(tmp_path):
    synth.write_corpus(tmp_path, pages=20, count=1)
    before = _digests(tmp_path)
    with pytest.raises(ValueError, match="synth-0001 is not empty"):
        synth.write_corpus(tmp_path, pages=20, count=2)
    assert _digests(tmp_path) == before
    assert synth.main([str(tmp_path), "--pages", "20"]) == 1


@pytest.mark.parametrize("pages", [20, 60])
@pytest.mark.parametrize("framework", framework_ids())
def test_every_framework_validates_with_no_errors_and_no_warnings(tmp_path, framework, pages):
    (folder,) = synth.write_corpus(tmp_path, framework=framework, pages=pages, seed=3)
    compiled = compile_inspection(folder)
    assert [d.format() for d in compiled.diagnostics] == []
    rated = compiled.rated
    rules = load_ruleset(framework)
    if rules.family == "themes":
        assert [t.id for t in rated.inspection.themes] == [t.id for t in rules.themes]
        return
    required = [d.id for d in rules.domains if not d.optional]
    assert [d.id for d in rated.inspection.domains if d.id in required] == required
    # Counts agree with the samples, and the ratings come out of them.
    for domain in rated.inspection.domains:
        for standard in domain.standards:
            for question in standard.key_questions:
                if question.of is not None:
                    assert 0 <= question.yes <= question.of <= domain.sample.cases
                for prompt in question.prompts:
                    assert prompt.percent is not None or 0 <= prompt.yes <= prompt.of <= question.of


def test_a_report_holds_what_real_reports_hold(tmp_path):
    (folder,) = synth.write_corpus(tmp_path, framework="standards-2024", pages=100, seed=2)
    source = (folder / "inspection.yaml").read_text(encoding="utf-8")
    markdown = "\n".join(p.read_text(encoding="utf-8") for p in sorted((folder / "narrative").glob("*.md")))
    for key in ("- text: |", "- file: narrative/", "- bullets:", "- quote:", "- example:", "- table:",
                "prompts:", "key_data:", "kind: glossary", "kind: rules", "kind: inspection-data", "footnotes:"):
        assert key in source, key
    assert re.search(r"^#{1,2} \w", markdown, flags=re.M)  # headings
    assert re.search(r"^- \w", markdown, flags=re.M) and re.search(r"^1\. \w", markdown, flags=re.M)  # lists
    assert re.search(r"^> \w", markdown, flags=re.M)  # quotes
    assert re.search(r"^\|.*\|$\n^\|---\|", markdown, flags=re.M)  # tables
    html = render_html(compile_inspection(folder).rated, media="screen")
    for tag in ("<h4>", "<ul>", "<ol>", "<blockquote>", '<table class="data">', 'class="fnref"', "<strong>", "<em>"):
        assert tag in html, tag
    assert "Good" in html and "Outstanding" in html  # qualitative ratings given, others computed


def _words(folder: Path) -> int:
    html = render_html(compile_inspection(folder).rated, media="print")
    return len(re.sub(r"<[^>]+>", " ", html).split())


def test_the_text_grows_with_pages_in_proportion(tmp_path):
    sizes = {pages: synth.write_corpus(tmp_path / str(pages), pages=pages)[0] for pages in (20, 100, 300)}
    words = {pages: _words(folder) for pages, folder in sizes.items()}
    assert words[20] < words[100] < words[300]
    # Narrative makes most of a long report: three times the pages, nearly three times the words.
    assert 2.5 < words[300] / words[100] < 3.5


def test_a_20_page_report_prints_about_20_pages(tmp_path):
    from pypdf import PdfReader

    (folder,) = synth.write_corpus(tmp_path / "src", framework="standards-2021", pages=20)
    result = build_inspection(folder, tmp_path / "out", ["pdf"])
    assert result.ok, [d.format() for d in result.diagnostics]
    pages = len(PdfReader(tmp_path / "out" / folder.name / f"{folder.name}.pdf").pages)
    assert 16 <= pages <= 24
