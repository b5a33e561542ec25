"""Inspection paths -> every report built (or taken from the cache) under one lock, and the corpus files.

Before anything is written, two inspections with one slug are refused. Under the output folder's
lock, what killed builds left is removed, each report whose current outputs were built from its
files as they are now is taken as cached (a few file reads, no renderer loaded), and the rest are
built on worker processes, the largest first. The corpus files (index.html, ratings.csv,
ratings.json) describe the current outputs of the corpus's reports: a corpus build names them
(its own reports, in slug order); a later build of some of them refreshes the files.
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from ..sources.diagnostics import CompileError, Diagnostics, Span
from ..sources.paths import inspection_entry, inspection_folder, inspection_slug
from . import sets
from .cache import digest, toolchain_digest, up_to_date
from .result import BuildResult
from .workers import Outcome, Task, run_tasks

CORPUS_NAMES = ("index.html", "ratings.csv", "ratings.json")  # as render.corpus names them


@dataclass
class CorpusBuild:
    results: list[BuildResult] = field(default_factory=list)  # in slug order
    seconds: dict[str, float] = field(default_factory=dict)
    corpus: str | None = None  # "written", "unchanged", or None when no corpus files are kept
    seconds_total: float = 0.0

    @property
    def failed(self) -> list[BuildResult]:
        return [r for r in self.results if not r.ok]


def check_slugs(paths: list[Path]) -> None:
    """Raise CompileError when two inspections share a slug or one takes a name the build uses itself."""
    diagnostics = Diagnostics()
    seen: dict[str, Path] = {}
    for path in paths:
        slug, folder = inspection_slug(path), inspection_folder(path)
        where = Span(str(inspection_entry(path)))
        if slug in seen and seen[slug] != folder:
            diagnostics.error("duplicate-slug",
                              f"two inspections have the slug '{slug}': {seen[slug]} and {folder}; "
                              "their outputs would overwrite each other", where,
                              "the folder name is the slug: rename one of the folders")
        elif slug.startswith(".") or slug in CORPUS_NAMES or slug in sets.RESERVED:
            diagnostics.error("reserved-slug", f"the slug '{slug}' names a file the build writes itself", where,
                              "rename the inspection's folder")
        seen.setdefault(slug, folder)
    if diagnostics.has_errors():
        raise CompileError(diagnostics)


def build_corpus(
    paths: Iterable[Path], out_dir: Path | str, formats: Iterable[str], *, jobs: int = 1, force: bool = False,
    corpus: bool = False, rules_file: str | None = None, accept_ratings: bool = False,
    on_result: Callable[[BuildResult, float], None] | None = None, on_wait: Callable[[], None] | None = None,
) -> CorpusBuild:
    """Build each inspection into `out_dir`; with `corpus` (a folder's build) these reports are the corpus,
    otherwise they join the corpus the output folder already has."""
    started = time.perf_counter()
    paths = list(dict.fromkeys(inspection_folder(p) for p in paths))
    check_slugs(paths)
    formats = tuple(sorted(set(formats)))
    out_dir = Path(out_dir)
    build = CorpusBuild()
    done: dict[str, BuildResult] = {}

    def finished(result: BuildResult, seconds: float) -> None:
        done[result.slug] = result
        build.seconds[result.slug] = seconds
        if on_result is not None:
            on_result(result, seconds)

    with sets.build_lock(out_dir, on_wait):
        sets.clean_leftovers(out_dir)
        toolchain = toolchain_digest()
        tasks = []
        for path in paths:
            slug = path.name
            manifest = None if force or rules_file else sets.current_manifest(out_dir, slug)
            if manifest is not None and up_to_date(manifest, path, formats, toolchain):
                finished(BuildResult(slug, [out_dir / slug / n for n in manifest["outputs"]], cached=True,
                                     warnings=len(manifest.get("warnings", []))), 0.0)
            else:
                tasks.append(Task(str(path), str(out_dir), formats, rules_file, force, accept_ratings))
        tasks.sort(key=lambda t: -_size(Path(t.path)))  # the largest first: the last to finish is short

        def outcome(o: Outcome) -> None:
            finished(o.result, o.seconds)

        run_tasks(tasks, jobs, outcome)
        build.results = [done[slug] for slug in sorted(done)]
        build.corpus = _update_corpus(out_dir, sorted(done) if corpus else None, set(done), toolchain)
    build.seconds_total = time.perf_counter() - started
    return build


def _size(folder: Path) -> int:
    """Bytes of an inspection's sources: how long its build will take, roughly."""
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml", ".md"))


def _update_corpus(out_dir: Path, members: list[str] | None, built: set[str], toolchain: str) -> str | None:
    """Write the corpus files again when what they describe has changed."""
    previous = sets.current_corpus(out_dir)
    if members is None:  # reports named one by one: they join the corpus already there
        if previous is None and len(built) < 2:
            return None  # one report alone is no corpus
        members = sorted(set(previous.get("members", []) if previous else ()) | built)
    summaries = []
    for slug in members:
        set_dir = sets.current_set(out_dir, slug)
        manifest = sets.read_manifest(set_dir)
        if manifest is None or "corpus" not in manifest:
            continue  # never built: nothing to describe
        ratings = json.loads((set_dir / sets.FILES / "ratings.json").read_text(encoding="utf-8"))
        summaries.append({"slug": slug, "outputs": manifest["outputs"], "ratings": ratings,
                          **manifest["corpus"]})
    # Keyed on what the files show, not on the reports' keys: an edit of a report's text alone
    # leaves the corpus files as they were.
    key = digest({"toolchain": toolchain, "members": members, "reports": summaries})
    if previous is not None and previous.get("key") == key:
        return "unchanged"
    from ..render.corpus import corpus_files  # loads Jinja: only when the corpus changed

    files = corpus_files(summaries)
    manifest = {"key": key, "members": members, "outputs": list(files)}
    set_dir = sets.write_set(out_dir, "corpus", files, manifest, shown=out_dir, group=sets.CORPUS)
    sets.make_corpus_current(out_dir, set_dir, list(files))
    sets.clean_leftovers(out_dir)
    return "written"
