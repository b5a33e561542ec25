"""Inspection folder -> its output set in OUT/<slug>/: ratings.json, <slug>.html and <slug>.pdf (and a
final report's ratings lock beside its source, when it is first built or its new ratings are accepted).

The inspection is compiled, and its cache key computed from what the compile read: when the
report's current set was built from the same key, nothing is rendered again. Otherwise every file
is rendered in memory, written into a new set and switched into place whole (`sets.py`), so a
failed build (invalid source, a renderer error, an unwritable output folder) leaves the previous
outputs in place. A caller that may race another build into the same folder holds
`sets.build_lock`.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

from ..rating.compile import compile_inspection
from ..rating.ratings_json import result_to_json
from ..rating.ratings_rows import ratings_rows, rules_version
from ..render.html import render_html
from ..render.resources import TEMPLATES_DIR
from ..sources.diagnostics import Span
from ..sources.paths import inspection_entry, inspection_folder
from . import sets
from .output import write_all_atomic
from .cache import cache_key, hash_inputs, toolchain_digest
from .result import FORMATS, BuildResult

MANIFEST_FORMAT = 1


def render_outputs(
    rated, formats: Iterable[str], notes: list[str] | None = None
) -> tuple[dict[str, bytes | str], list[str]]:
    """The rendered files of one rated inspection by file name, and the PDF renderer's warnings.

    The renderer's notes about the machine (a library to install) go to `notes` when a list is given.
    """
    formats = set(formats)
    unknown = formats - set(FORMATS)
    if unknown:
        raise ValueError(f"unknown output format(s): {', '.join(sorted(unknown))}")
    slug = rated.slug
    files: dict[str, bytes | str] = {
        "ratings.json": json.dumps(result_to_json(slug, rated.result), indent=2, ensure_ascii=False) + "\n"
    }
    warnings: list[str] = []
    if "html" in formats:
        files[f"{slug}.html"] = render_html(rated, media="screen")
    if "pdf" in formats:
        from ..render.pdf import render_pdf  # imports WeasyPrint: only when a PDF is wanted

        files[f"{slug}.pdf"] = render_pdf(
            render_html(rated, media="print"), TEMPLATES_DIR.as_uri() + "/", warnings=warnings, notes=notes
        )
    return files, warnings


def build_inspection(
    path: Path | str, out_dir: Path | str, formats: Iterable[str] = FORMATS, rules_file: Path | str | None = None,
    *, force: bool = False, accept_ratings: bool = False, record_ratings: bool = True,
) -> BuildResult:
    """Compile one inspection and put its outputs in `out_dir/<slug>/`: nothing new on errors,
    nothing rendered when its current outputs were built from the same inputs (unless `force`).

    A final report's ratings lock is written once its outputs are in place when `record_ratings`
    (the preview does not): on its first build, or with `accept_ratings` when its ratings moved.
    """
    formats = tuple(sorted(set(formats)))
    compiled = compile_inspection(path, rules_file, accept_ratings=accept_ratings)
    result = BuildResult(compiled.slug, [], compiled.diagnostics, list(compiled.files))
    if compiled.rated is None or compiled.diagnostics.has_errors():
        return result
    out_dir = Path(out_dir)
    folder = inspection_folder(path)
    entry = Span(str(inspection_entry(path)))
    try:
        inputs = hash_inputs(compiled.files, folder)
        sets.check_place(out_dir, compiled.slug)
    except OSError as exc:
        _unwritable(result, exc, out_dir / compiled.slug)
        return result
    key = cache_key(compiled.slug, formats, inputs, toolchain_digest())
    current = sets.current_manifest(out_dir, compiled.slug)
    if not force and current is not None and current.get("key") == key:
        result.cached, result.warnings = True, len(current.get("warnings", []))
        result.outputs = [out_dir / compiled.slug / name for name in current["outputs"]]
        return _record_ratings(result, compiled.lock_update if record_ratings else {})
    rendered, renderer_warnings = render_outputs(compiled.rated, formats, result.machine_notes)
    for message in dict.fromkeys(renderer_warnings):  # WeasyPrint repeats some warnings per element
        result.diagnostics.warning("pdf-render", f"PDF renderer: {message}", entry)
    result.warnings = len(result.diagnostics.warnings)
    manifest = {
        "manifest": MANIFEST_FORMAT, "slug": compiled.slug, "key": key, "formats": list(formats), "inputs": inputs,
        "outputs": list(rendered), "warnings": [d.format() for d in result.diagnostics.warnings],
        "corpus": _corpus_entry(compiled.rated),
    }
    try:
        set_dir = sets.write_set(out_dir, compiled.slug, rendered, manifest)
        sets.make_current(out_dir, compiled.slug, set_dir)
    except OSError as exc:
        _unwritable(result, exc, out_dir / compiled.slug)
        return result
    sets.remove_other_sets(out_dir, compiled.slug)
    result.outputs = [out_dir / compiled.slug / name for name in rendered]
    return _record_ratings(result, compiled.lock_update if record_ratings else {})


def _record_ratings(result: BuildResult, lock_update: dict[Path, str]) -> BuildResult:
    """Write the ratings lock the compile asked for (none, mostly); it joins the outputs listed."""
    try:
        result.outputs += write_all_atomic(lock_update) if lock_update else []
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else next(iter(lock_update))
        result.diagnostics.error("lock-unwritable", f"cannot record the published ratings ({exc.strerror or exc}); "
                                 "the outputs are built, the record is as it was", Span(str(where)))
    return result


def _corpus_entry(rated) -> dict:
    """What the corpus files (index, CSV) need of this report, kept in its manifest."""
    meta = rated.inspection.meta
    return {"service": meta.service, "published": str(meta.published), "framework_name": rated.rules.name,
            "rules_version": rules_version(rated), "rows": ratings_rows(rated)}


def _unwritable(result: BuildResult, exc: OSError, target: Path) -> None:
    where = Path(exc.filename) if exc.filename else target
    reason = exc.strerror or str(exc)
    result.diagnostics.error("output-unwritable",
                             f"cannot write the outputs into this folder: {reason}; nothing was written and any earlier outputs "
                             "are kept",
                             Span(str(where)))
