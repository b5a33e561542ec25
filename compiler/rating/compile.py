"""Inspection folder -> `RatedInspection`: load, validate, load the rules, rate; problems positioned."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

from ..sources.diagnostics import CompileError, Diagnostics, Severity, Span
from ..sources.model import Inspection
from ..sources.paths import inspection_entry, inspection_slug
from ..sources.validate import load_inspection
from ..sources.yaml_source import SourceFile
from . import ruleset as ruleset_module
from .result import RatedInspection
from .ruleset import RuleSet
from .scoring import rate


@dataclass
class Compiled:
    """One inspection through the pipeline: the rated result (None on errors) and what was read."""

    slug: str
    rated: RatedInspection | None
    diagnostics: Diagnostics
    files: list[Path] = field(default_factory=list)


def compile_inspection(path: Path | str, rules_file: Path | str | None = None) -> Compiled:
    """Run one inspection through load -> validate -> rate and collect every diagnostic."""
    slug = inspection_slug(path)
    inspection, diagnostics, sources = load_inspection(path)
    files = [s.path for s in sources] or [inspection_entry(path)]
    if inspection is None:
        return Compiled(slug, None, diagnostics, files)
    source = sources[0]
    rules = _load_rules(inspection, source, rules_file, diagnostics)
    if rules is None:
        return Compiled(slug, None, diagnostics, files)
    files.append(Path(rules_file) if rules_file else ruleset_module.RULES_DIR / f"{rules.id}.yaml")
    result, problems = rate(inspection, rules)
    for problem in problems:
        add = diagnostics.warning if problem.severity == Severity.WARNING.value else diagnostics.error
        add(problem.code, problem.message, _problem_span(source, tuple(problem.loc)))
    if diagnostics.has_errors():
        return Compiled(slug, None, diagnostics, files)
    rated = RatedInspection(slug=slug, inspection=inspection, rules=rules, result=result)
    return Compiled(slug, rated, diagnostics, files)


def _problem_span(source: SourceFile, loc: tuple) -> Span:
    """Where a scoring problem stands: a mapping or list at its key line, a scalar at its value."""
    value = source.data
    for part in loc:
        try:
            value = value[part]
        except (KeyError, IndexError, TypeError):
            return source.span(loc)
    if isinstance(value, (dict, list)):
        return source.key_span(loc)
    return source.span(loc)


def _load_rules(
    inspection: Inspection, source: SourceFile, rules_file: Path | str | None, diagnostics: Diagnostics
) -> RuleSet | None:
    """The inspection's rules: a given rules file, else the built-in framework it names."""
    if rules_file is None:
        known = ruleset_module.framework_ids()
        if inspection.framework not in known:
            close = difflib.get_close_matches(inspection.framework, known, n=1, cutoff=0.5)
            hints = [f"did you mean '{close[0]}'?"] if close else []
            hints.append("known frameworks: " + ", ".join(known))
            diagnostics.error(
                "unknown-framework",
                f"unknown framework '{inspection.framework}'",
                source.span(("framework",)),
                *hints,
            )
            return None
    reference = str(rules_file) if rules_file is not None else inspection.framework
    try:
        rules = ruleset_module.load_ruleset(reference, diagnostics)
    except CompileError:  # its diagnostics are already in `diagnostics`
        return None
    if inspection.wording is None:
        return rules
    editions = [e.id for e in rules.editions]
    if inspection.wording not in editions:
        hint = (f"its later printings: {', '.join(editions)}; leave out `wording` for the first" if editions
                else "it has only the wording as first published: leave out `wording`")
        diagnostics.error(
            "unknown-wording",
            f"framework '{rules.id}' has no printing of its wording called '{inspection.wording}'",
            source.span(("wording",)),
            hint,
        )
        return None
    return rules.in_wording(inspection.wording)
