"""Inspection folder -> files in build/<slug>/: ratings.json, <slug>.html and <slug>.pdf (and a final
report's ratings lock beside its source, when it is first built or its new ratings are accepted).

Everything is rendered in memory first and written only when the inspection has no errors, all
files staged before any replaces its previous version, so a failed build (invalid source, a
renderer error, an unwritable output folder) leaves the previous outputs in place.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from ..rating.compile import compile_inspection
from ..rating.ratings_json import result_to_json
from ..render.html import render_html
from ..render.resources import TEMPLATES_DIR
from ..sources.diagnostics import Diagnostics, Span
from ..sources.validate import inspection_entry
from .output import PartlyWritten, write_all_atomic

FORMATS = ("html", "pdf")


@dataclass
class BuildResult:
    slug: str
    outputs: list[Path] = field(default_factory=list)
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    files: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.diagnostics.has_errors()


def render_outputs(rated, formats: Iterable[str]) -> tuple[dict[str, bytes | str], list[str]]:
    """The rendered files of one rated inspection by file name, and the PDF renderer's warnings."""
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
            render_html(rated, media="print"), TEMPLATES_DIR.as_uri() + "/", warnings=warnings
        )
    return files, warnings


def build_inspection(
    path: Path | str,
    out_dir: Path | str,
    formats: Iterable[str] = FORMATS,
    rules_file: Path | str | None = None,
    *,
    accept_ratings: bool = False,
    record_ratings: bool = True,
) -> BuildResult:
    """Compile one inspection and write its outputs to `out_dir/<slug>/`; nothing on errors.

    A final report's ratings lock is written with them when `record_ratings` (the preview does not):
    on its first build, or with `accept_ratings` when its ratings moved.
    """
    compiled = compile_inspection(path, rules_file, accept_ratings=accept_ratings)
    result = BuildResult(compiled.slug, [], compiled.diagnostics, list(compiled.files))
    if compiled.rated is None or compiled.diagnostics.has_errors():
        return result
    rendered, warnings = render_outputs(compiled.rated, formats)
    entry = Span(str(inspection_entry(path)))
    for message in dict.fromkeys(warnings):  # WeasyPrint repeats some warnings per element
        result.diagnostics.warning("pdf-render", f"PDF renderer: {message}", entry)
    target = Path(out_dir) / compiled.slug
    try:
        files = {target / name: data for name, data in rendered.items()}
        result.outputs = write_all_atomic({**files, **(compiled.lock_update if record_ratings else {})})
    except OSError as exc:
        where = Path(exc.filename) if exc.filename else target
        reason = exc.strerror or str(exc)
        if isinstance(exc, PartlyWritten):
            outcome = "only these were replaced: " + ", ".join(p.name for p in exc.replaced)
        else:
            outcome = "nothing was written; the previous outputs are as they were"
        result.diagnostics.error("output-unwritable", f"cannot write the outputs here ({reason}); {outcome}",
                                 Span(str(where)))
    return result
