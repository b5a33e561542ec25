"""Corpus builds: the cache, worker processes, isolated failures, duplicate slugs, whole sets under kills
and concurrent builds, and the corpus files (index.html, ratings.csv, ratings.json)."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.builds import sets
from compiler.builds.corpus import CORPUS_NAMES, build_corpus
from compiler.builds.workers import Task, run_tasks
from compiler.cli import main
from compiler.rating.ratings_rows import COLUMNS
from compiler.render.corpus import CORPUS_FILES
from helpers import EXAMPLE_SLUGS, examples_checkout

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"
SLUGS = ("alpha", "bravo", "charlie")
# Valid text that the renderer, patched by `_crashing_renderer`, fails on as a bug would.
CRASHING_LINE = "This line trips the renderer."
CRASHING_RENDERER = f"""
import compiler.render.markdown as markdown
_render_block = markdown.render_block
def render_block(text):
    if {CRASHING_LINE!r} in text:
        raise RecursionError("maximum recursion depth exceeded")
    return _render_block(text)
markdown.render_block = render_block
"""


def _corpus(root: Path, slugs=SLUGS) -> Path:
    for slug in slugs:
        shutil.copytree(MINIMAL, root / slug)
    return root


def _edit(folder: Path, text: str) -> None:
    foreword = folder / "narrative" / "foreword.md"
    foreword.write_text(foreword.read_text(encoding="utf-8") + "\n" + text + "\n", encoding="utf-8")


def _files(out: Path, slug: str) -> dict[str, str]:
    folder = out / slug
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _sets_of(out: Path, slug: str) -> list[str]:
    return sorted(p.name for p in (out / sets.SETS / slug).iterdir())


def _build(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "compiler", "build", *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, env={**os.environ, "NO_COLOR": "1", **(env or {})}, timeout=300)


def _crashing_renderer(folder: Path) -> dict:
    """Environment for a build whose renderer raises on CRASHING_LINE, in every worker process."""
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(CRASHING_RENDERER, encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join([str(folder), str(ROOT), os.environ.get("PYTHONPATH", "")])}


def test_a_cached_rebuild_renders_nothing_and_loads_no_renderer(tmp_path):
    src, out = _corpus(tmp_path / "src"), tmp_path / "out"
    first = build_corpus(sorted(src.iterdir()), out, ("html",), jobs=2, corpus=True)
    assert [r.slug for r in first.results] == list(SLUGS) and not any(r.cached for r in first.results)
    before = {slug: (_sets_of(out, slug), _files(out, slug)) for slug in SLUGS}
    corpus_before = sets.current_corpus(out)
    script = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('LOADED', *[m for m in ('weasyprint', 'jinja2', 'pydantic', 'yaml', "
        "'multiprocessing.popen_spawn_posix') if m in sys.modules]))\n"
        "from compiler.cli import main\n"
        f"main(['build', {str(src)!r}, '--out', {str(out)!r}, '--format', 'html'])\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert [line.split()[0] for line in lines[:3]] == ["cached"] * 3
    assert "3 reports: 0 built, 3 cached, 0 failed" in run.stdout
    assert "(unchanged)" in run.stdout
    assert lines[-1] == "LOADED"  # no renderer, template engine, parser or worker process
    assert {slug: (_sets_of(out, slug), _files(out, slug)) for slug in SLUGS} == before
    assert sets.current_corpus(out) == corpus_before


def test_an_edit_rebuilds_exactly_that_report_and_force_rebuilds_all(tmp_path):
    src, out = _corpus(tmp_path / "src"), tmp_path / "out"
    build_corpus(sorted(src.iterdir()), out, ("html",), jobs=2, corpus=True)
    before = {slug: (_sets_of(out, slug), _files(out, slug)) for slug in SLUGS}
    csv_before = (out / "ratings.csv").read_text()
    _edit(src / "bravo", "A sentence added after the first build.")
    again = build_corpus(sorted(src.iterdir()), out, ("html",), jobs=2, corpus=True)
    assert {r.slug: r.cached for r in again.results} == {"alpha": True, "bravo": False, "charlie": True}
    for slug in ("alpha", "charlie"):
        assert (_sets_of(out, slug), _files(out, slug)) == before[slug]
    assert _files(out, "bravo")["bravo.html"] != before["bravo"][1]["bravo.html"]
    assert _files(out, "bravo")["ratings.json"] == before["bravo"][1]["ratings.json"]
    assert len(_sets_of(out, "bravo")) == 1  # the old set is removed once the new one is current
    assert "A sentence added" in (out / "bravo" / "bravo.html").read_text(encoding="utf-8")
    assert again.corpus == "unchanged" and (out / "ratings.csv").read_text() == csv_before  # same ratings
    forced = build_corpus(sorted(src.iterdir()), out, ("html",), jobs=2, corpus=True, force=True)
    assert not any(r.cached for r in forced.results)
    assert {slug: _files(out, slug) for slug in SLUGS} == {
        slug: (before[slug][1] if slug != "bravo" else _files(out, "bravo")) for slug in SLUGS}


def test_a_rules_file_or_template_change_is_part_of_the_key(tmp_path):
    from compiler.builds.cache import cache_key

    inputs = [["inspection.yaml", "0" * 64]]
    assert cache_key("a", ("html",), inputs, "t1") != cache_key("a", ("html",), inputs, "t2")
    assert cache_key("a", ("html",), inputs, "t1") != cache_key("a", ("html", "pdf"), inputs, "t1")
    assert cache_key("a", ("html",), inputs, "t1") != cache_key("a", ("html",), [["inspection.yaml", "1" * 64]], "t1")
    src, out = _corpus(tmp_path / "src", ("alpha",)), tmp_path / "out"
    build_corpus([src / "alpha"], out, ("html",))
    manifest = sets.current_manifest(out, "alpha")
    assert any(name.endswith("standards-2021.yaml") for name, _ in manifest["inputs"])  # the rules file


def test_outputs_and_corpus_files_are_byte_identical_whatever_jobs_and_cache(tmp_path):
    src = _corpus(tmp_path / "src")
    one, two = tmp_path / "one", tmp_path / "two"
    build_corpus(sorted(src.iterdir()), one, ("html",), jobs=1, corpus=True)
    build_corpus(sorted(src.iterdir()), two, ("html",), jobs=3, corpus=True)
    build_corpus(sorted(src.iterdir()), two, ("html",), jobs=3, corpus=True, force=True)
    for name in CORPUS_FILES:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    for slug in SLUGS:
        assert _files(one, slug) == _files(two, slug)


def test_a_failure_among_good_reports_fails_alone_with_its_diagnostic(tmp_path):
    src, out = _corpus(tmp_path / "src"), tmp_path / "out"
    first = _build(str(src), "--out", str(out), "--format", "pdf", "--jobs", "2")
    assert first.returncode == 0, first.stdout + first.stderr
    charlie_before = _files(out, "charlie")
    entry = src / "bravo" / "inspection.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("framework: standards-2021", "framework: nonsense"))
    _edit(src / "charlie", CRASHING_LINE)
    _edit(src / "alpha", "Alpha changed too.")
    assert CliRunner().invoke(main, ["validate", str(src / "charlie")]).exit_code == 0  # valid input
    run = _build(str(src), "--out", str(out), "--format", "pdf", "--jobs", "2", env=_crashing_renderer(tmp_path / "site"))
    assert run.returncode == 1, run.stdout + run.stderr  # invalid input, not an internal error (3)
    assert re.search(r"^built alpha: ratings.json, alpha.pdf", run.stdout, re.M)
    assert "3 reports: 1 built, 0 cached, 2 failed" in run.stdout
    assert re.search(r"^failed bravo: .*inspection.yaml:\d+:\d+: error: unknown framework 'nonsense'", run.stdout, re.M)
    assert re.search(r"^failed charlie: .*inspection.yaml:1:1: error: the build failed with an internal error: "
                     r"RecursionError", run.stdout, re.M)
    assert _files(out, "charlie") == charlie_before  # its previous outputs stay
    rows = list(csv.DictReader(io.StringIO((out / "ratings.csv").read_text())))
    assert sorted({row["slug"] for row in rows}) == list(SLUGS)  # the corpus describes what is in the folder


def test_a_worker_process_that_dies_fails_only_its_report(tmp_path):
    src, out = _corpus(tmp_path / "src"), tmp_path / "out"
    tasks = [Task(str(src / slug), str(out), ("pdf",)) for slug in SLUGS]
    done = []
    runner = threading.Thread(target=lambda: done.extend(run_tasks(tasks, 2)))
    runner.start()
    import multiprocessing

    deadline = time.monotonic() + 30
    while not multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.01)
    victim = multiprocessing.active_children()[0]
    os.kill(victim.pid, signal.SIGKILL)
    runner.join(300)
    results = {o.result.slug: o.result for o in done}
    assert sorted(results) == list(SLUGS)
    failed = [r for r in results.values() if not r.ok]
    assert len(failed) == 1
    [error] = failed[0].diagnostics.errors
    assert "the build process stopped unexpectedly (killed by SIGKILL)" in error.message
    for result in results.values():
        if result.ok:
            assert (out / result.slug / f"{result.slug}.pdf").read_bytes().startswith(b"%PDF-")
        else:
            assert not (out / result.slug).exists()


def test_duplicate_slugs_are_an_error_naming_both_folders_before_anything_is_written(tmp_path):
    first, second = _corpus(tmp_path / "a", ("same",)), _corpus(tmp_path / "b", ("same",))
    out = tmp_path / "out"
    run = CliRunner().invoke(main, ["build", str(first / "same"), str(second / "same"), "--out", str(out)],
                             env={"NO_COLOR": "1"})
    assert run.exit_code == 1, run.output
    assert "two inspections have the slug 'same'" in run.output
    assert str(first / "same") in run.output and str(second / "same") in run.output
    assert not out.exists()


def _settle(out: Path) -> dict[str, dict[str, str]]:
    return {slug: _files(out, slug) for slug in SLUGS if (out / slug).exists()}


def test_a_build_killed_midway_leaves_whole_sets_and_the_next_build_cleans_up(tmp_path):
    src, out = _corpus(tmp_path / "src"), tmp_path / "out"
    assert _build(str(src), "--out", str(out), "--jobs", "2").returncode == 0
    old = _settle(out)
    for slug in SLUGS:
        _edit(src / slug, f"Second edition of {slug}.")
    process = subprocess.Popen([sys.executable, "-m", "compiler", "build", str(src), "--out", str(out), "--jobs", "2"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 120
    # Kill it once one report has its new set in place and the others are still being written.
    while time.monotonic() < deadline and not any(len(_sets_of(out, s)) > 1 or
                                                  any(n.startswith(".tmp-") for n in _sets_of(out, s))
                                                  for s in SLUGS):
        time.sleep(0.005)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    killed = _settle(out)
    after = _build(str(src), "--out", str(out), "--jobs", "2")
    assert after.returncode == 0, after.stdout + after.stderr
    new = _settle(out)
    assert sorted(killed) == list(SLUGS)
    for slug in SLUGS:
        assert killed[slug] in (old[slug], new[slug]), slug  # the whole old set or the whole new one
        assert old[slug] != new[slug]
        assert len(_sets_of(out, slug)) == 1  # leftovers cleaned
    assert not [p for p in out.iterdir() if sets.TEMP_PREFIX in p.name]


def test_two_builds_into_one_folder_at_once_leave_consistent_sets(tmp_path):
    one, two = _corpus(tmp_path / "one"), _corpus(tmp_path / "two")
    for slug in SLUGS:
        _edit(two / slug, f"The other source of {slug}.")
    expected = {}
    for name, src in (("one", one), ("two", two)):
        clean = tmp_path / f"clean-{name}"
        assert _build(str(src), "--out", str(clean), "--format", "html").returncode == 0
        expected[name] = _settle(clean)
    out = tmp_path / "out"
    processes = [subprocess.Popen([sys.executable, "-m", "compiler", "build", str(src), "--out", str(out),
                                   "--format", "html", "--jobs", "2"], cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for src in (one, two)]
    outputs = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    final = _settle(out)
    for slug in SLUGS:
        assert final[slug] in (expected["one"][slug], expected["two"][slug]), slug
    csv_text = (out / "ratings.csv").read_text()
    index = (out / "index.html").read_text()
    assert csv_text.count("\nalpha,") and "alpha/alpha.html" in index


def test_the_corpus_files_list_every_inspection(tmp_path):
    out = tmp_path / "out"
    checkout = examples_checkout(tmp_path)
    run = _build("--out", str(out), "--format", "html", cwd=checkout)  # default: every inspection under inspections/
    assert run.returncode == 0, run.stdout + run.stderr
    slugs = list(EXAMPLE_SLUGS)
    assert "corpus files ->" in run.stdout
    rows = list(csv.DictReader(io.StringIO((out / "ratings.csv").read_text(encoding="utf-8"))))
    assert tuple(rows[0]) == COLUMNS
    assert sorted({row["slug"] for row in rows}) == slugs
    bgc = [row for row in rows if row["slug"] == "blaenau-gwent-caerphilly-2022"]
    assert {(r["standard"], r["rating"], r["score"], r["max_score"], r["overall"]) for r in bgc} >= {
        ("2.4", "Outstanding", "28", "36", "Good")}
    powys = [row for row in rows if row["slug"] == "powys-2013"]
    assert powys and all(row["domain"] == "" and row["overall"] == "" for row in powys)
    document = json.loads((out / "ratings.json").read_text(encoding="utf-8"))
    assert [d["slug"] for d in document["inspections"]] == slugs
    assert document["inspections"][0] == json.loads((out / slugs[0] / "ratings.json").read_text(encoding="utf-8"))
    index = (out / "index.html").read_text(encoding="utf-8")
    for slug in slugs:
        assert f'href="{slug}/{slug}.html"' in index and (out / slug / f"{slug}.html").exists()
    assert f"{slugs[0]}/{slugs[0]}.pdf" not in index  # no PDF was built, none is linked


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[tuple[str, str]] = []  # (class of the enclosing td, text)
        self._cell = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "td":
            self._cell = dict(attrs).get("class", "")

    def handle_endtag(self, tag):
        if tag == "td":
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None and data.strip():
            self.text.append((self._cell, data.strip()))


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _rating_styles(page: str, colours: dict[str, str]) -> dict[str, tuple[str, str]]:
    """Each `.rating-NAME` class's (background, text) colours after the style sheet's rules in order."""
    background: dict[str, str] = {}
    text: dict[str, str] = {}
    base_text = None
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", page.split("<style>")[1].split("</style>")[0]):
        values = dict(re.findall(r"(background|color): var\(--([a-z-]+)\)", body))
        for selector in (s.strip() for s in selectors.split(",")):
            if selector == ".rating" and "color" in values:
                base_text = colours[values["color"]]
            match = re.fullmatch(r"\.rating-([a-z-]+)", selector)
            if match and "background" in values:
                background[match[1]] = colours[values["background"]]
            if match and "color" in values:
                text[match[1]] = colours[values["color"]]
    return {name: (fill, text.get(name, base_text)) for name, fill in background.items()}


def test_the_index_is_accessible_and_never_says_a_rating_by_colour_alone(tmp_path):
    from compiler.render.corpus import render_index, index_entry

    summary = {"slug": "x", "service": "X Service", "published": "2022-09", "framework_name": "F",
               "outputs": ["ratings.json", "x.html", "x.pdf"],
               "ratings": {"overall": "Requires improvement", "score": 17, "max_score": 36, "themes": [],
                           "standards": [{"id": "1.1", "name": "Governance", "rating": "Inadequate"},
                                         {"id": "1.2", "name": "Staff", "rating": "Outstanding"}]}}
    page = render_index([index_entry(summary)])
    parser = _Page()
    parser.feed(page)
    tags = parser.tags
    assert ("html", {"lang": "en-GB"}) in tags and "<title>" in page and ("main", {"id": "main"}) in tags
    assert any(t == "a" and a.get("href") == "#main" for t, a in tags)  # skip link
    headers = [a for t, a in tags if t == "th"]
    assert {"scope": "col"} in headers and {"scope": "row"} in headers
    assert page.count("<caption>") == 2 and page.count("<table") == 2
    rated = [(css, text) for css, text in parser.text if "rating-" in css]
    assert ("rating rating-inadequate", "Inadequate") in rated and ("rating rating-outstanding", "Outstanding") in rated
    assert all(text for _, text in rated)  # words in every coloured cell
    assert 'href="x/x.pdf"' in page and 'href="x/x.html"' in page
    colours = dict(re.findall(r"--([a-z-]+): (#[0-9a-f]{6})", page))
    # Every rating class's text on its fill, as the cascade leaves them, is at least 4.5:1.
    fills = _rating_styles(page, colours)
    assert {"outstanding", "good", "requires-improvement", "inadequate", "not-rated", "unsatisfactory"} <= set(fills)
    for name, (background, text) in fills.items():
        assert _contrast(background, text) >= 4.5, name
    assert "td.rating.rating-outstanding::after" in page  # the star the reports draw after Outstanding
    for name in ("ink", "muted", "accent"):
        assert _contrast(colours[name], "#ffffff") >= 4.5, name
    assert 'name="viewport"' in page


def test_the_corpus_file_names_agree():
    assert tuple(CORPUS_NAMES) == tuple(CORPUS_FILES)


def test_a_single_inspection_is_no_corpus_but_refreshes_the_corpus_it_belongs_to(tmp_path):
    src, out = _corpus(tmp_path / "src", ("alpha", "bravo")), tmp_path / "out"
    build_corpus([src / "alpha"], out, ("html",))
    assert not (out / "index.html").exists()
    build_corpus(sorted(src.iterdir()), out, ("html",), corpus=True)
    entry = src / "alpha" / "inspection.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("service: Riverside Youth Justice Service",
                                                               "service: Alpha Youth Justice Service"))
    single = build_corpus([src / "alpha"], out, ("html",))
    assert single.corpus == "written"
    rows = list(csv.DictReader(io.StringIO((out / "ratings.csv").read_text())))
    assert {(row["slug"], row["service"]) for row in rows} == {("alpha", "Alpha Youth Justice Service"),
                                                                ("bravo", "Riverside Youth Justice Service")}


def test_outputs_of_a_build_before_sets_are_replaced_whole(tmp_path):
    src, out = _corpus(tmp_path / "src", ("alpha",)), tmp_path / "out"
    legacy = out / "alpha"
    legacy.mkdir(parents=True)
    for name in ("ratings.json", "alpha.html", "alpha.pdf", ".alpha.pdf.x1.tmp"):
        (legacy / name).write_text("old")
    build_corpus([src / "alpha"], out, ("html",))
    assert (out / "alpha").is_symlink() and sorted(_files(out, "alpha")) == ["alpha.html", "ratings.json"]
    other = out / "beta"
    other.mkdir()
    (other / "notes.txt").write_text("mine")
    with pytest.raises(sets.InTheWay):
        sets.check_place(out, "beta")


def _listed(out: Path) -> set[str]:
    return {row["slug"] for row in csv.DictReader(io.StringIO((out / "ratings.csv").read_text()))}


def test_inspections_named_one_by_one_join_the_corpus_and_a_folder_build_defines_it(tmp_path):
    src, out = _corpus(tmp_path / "src", ("alpha", "bravo", "charlie", "delta")), tmp_path / "out"
    runner = CliRunner()
    named = [str(src / "alpha"), str(src / "bravo"), str(src / "alpha")]
    assert runner.invoke(main, ["build", "--format", "html", "--out", str(out), *named]).exit_code == 0
    assert _listed(out) == {"alpha", "bravo"}  # two named into a folder without a corpus start one
    shutil.rmtree(src / "delta")
    assert runner.invoke(main, ["build", "--format", "html", "--out", str(out), str(src)]).exit_code == 0
    assert _listed(out) == {"alpha", "bravo", "charlie"}
    shutil.copytree(MINIMAL, src / "delta")
    for group in ([src / "alpha", src / "bravo"], [src / "delta"]):
        result = runner.invoke(main, ["build", "--format", "html", "--out", str(out), *map(str, group)])
        assert result.exit_code == 0, result.output
        assert _listed(out) >= {"alpha", "bravo", "charlie"}  # a named build never drops a report
    assert _listed(out) == {"alpha", "bravo", "charlie", "delta"}
