"""Inspection folder -> `RatedInspection`: load, validate, load the rules, rate; problems positioned.

A report is rated under its own rules (the framework it names) unless other rules are given. Under
other rules (another framework's, or an edited copy of its own) the source is first checked under
its own, then rated under the others with nothing blocking: what they do not accept is a warning,
and what one side rates and the other does not is listed. A final report rated under its own rules
is checked against the ratings it was published with (`lock.py`).
"""
from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..sources.diagnostics import CompileError, Diagnostics, Severity, Span
from ..sources.model import Inspection
from ..sources.paths import inspection_entry, inspection_slug
from ..sources.validate import load_inspection
from ..sources.yaml_source import SourceFile
from . import lock
from . import ruleset as ruleset_module
from .rerate import Comparison, compare, not_comparable, not_compared
from .result import RatedInspection
from .ruleset import RuleSet
from .scoring import rate


@dataclass
class Compiled:
    """One inspection through the pipeline: the rated result (None on errors) and what was read.

    `lock_update` is the ratings lock to write with the outputs (path -> text): a final report's
    first build, or a build that accepts new ratings.
    """

    slug: str
    rated: RatedInspection | None
    diagnostics: Diagnostics
    files: list[Path] = field(default_factory=list)
    lock_update: dict[Path, str] = field(default_factory=dict)


@dataclass
class Loaded:
    """One inspection read and validated, not yet rated (`inspection` is None on errors)."""

    slug: str
    entry: Path
    inspection: Inspection | None
    diagnostics: Diagnostics
    sources: list[SourceFile]
    files: list[Path]


def load(path: Path | str) -> Loaded:
    """Read and validate one inspection, without rating it."""
    inspection, diagnostics, sources = load_inspection(path)
    files = [s.path for s in sources] or [inspection_entry(path)]
    return Loaded(inspection_slug(path), inspection_entry(path), inspection, diagnostics, sources, files)


def compile_inspection(
    path: Path | str, rules_file: Path | str | None = None, *, accept_ratings: bool = False
) -> Compiled:
    """Run one inspection through load -> validate -> rate and collect every diagnostic.

    `accept_ratings`: a final report whose ratings moved from the ones it was published with is
    rated anyway and its lock rewritten (`lock_update`), instead of being refused.
    """
    loaded = load(path)
    diagnostics = loaded.diagnostics
    compiled = Compiled(loaded.slug, None, diagnostics, loaded.files)
    if loaded.inspection is None:
        return compiled
    rules = own_rules(loaded, diagnostics) if rules_file is None else _given_rules(rules_file, diagnostics)
    if rules is not None and rules_file is not None:
        rules = in_its_wording(loaded, rules, diagnostics)
    if rules is None:
        return compiled
    compiled.files.append(ruleset_module.rules_path(rules_file if rules_file is not None else rules.id))
    if rules_file is not None and not is_own_rules(loaded.inspection, rules):
        compiled.rated = _rate_under_other_rules(loaded, rules, diagnostics)
        return compiled
    rated = rate_loaded(loaded, rules, diagnostics)
    if rated is not None and rules_file is None and loaded.inspection.status == "final":
        compiled.lock_update = lock.check(rated, loaded.entry, loaded.sources[0], diagnostics, accept=accept_ratings)
        if lock.lock_path(loaded.entry).exists():  # a build's inputs (and what the preview watches)
            compiled.files.append(lock.lock_path(loaded.entry))
    compiled.rated = None if diagnostics.has_errors() else rated
    return compiled


def rate_loaded(
    loaded: Loaded, rules: RuleSet, diagnostics: Diagnostics, *, other_rules: bool = False
) -> RatedInspection | None:
    """Rate a loaded inspection under `rules`, its problems added to `diagnostics` at their YAML positions.

    None if any problem is an error (under `other_rules` none is).
    """
    source = loaded.sources[0]
    result, problems = rate(loaded.inspection, rules, other_rules=other_rules)
    for problem in problems:
        add = diagnostics.warning if problem.severity == Severity.WARNING.value else diagnostics.error
        add(problem.code, problem.message, _problem_span(source, tuple(problem.loc)))
    if any(p.severity == Severity.ERROR.value for p in problems):
        return None
    return RatedInspection(slug=loaded.slug, inspection=loaded.inspection, rules=rules, result=result)


def own_rules(loaded: Loaded, diagnostics: Diagnostics) -> RuleSet | None:
    """The built-in rules of the framework the inspection names; an unknown one is an error at its line."""
    inspection, source = loaded.inspection, loaded.sources[0]
    known = ruleset_module.framework_ids()
    if inspection.framework not in known:
        close = difflib.get_close_matches(inspection.framework, known, n=1, cutoff=0.5)
        hints = [f"did you mean '{close[0]}'?"] if close else []
        hints.append("known frameworks: " + ", ".join(known))
        diagnostics.error(
            "unknown-framework", f"unknown framework '{inspection.framework}'", source.span(("framework",)), *hints
        )
        return None
    rules = _given_rules(inspection.framework, diagnostics)
    return in_its_wording(loaded, rules, diagnostics) if rules is not None else None


def in_its_wording(loaded: Loaded, rules: RuleSet, diagnostics: Diagnostics) -> RuleSet | None:
    """`rules` with the printing of the wording the inspection names (`wording`), if it names one.

    Its own framework must have that printing; other rules without it keep their first printing.
    """
    wording = loaded.inspection.wording
    if wording is None:
        return rules
    editions = [e.id for e in rules.editions]
    if wording in editions:
        return rules.in_wording(wording)
    if rules.id != loaded.inspection.framework:
        return rules
    hint = (f"its later printings: {', '.join(editions)}; leave out `wording` for the first" if editions
            else "it has only the wording as first published: leave out `wording`")
    diagnostics.error(
        "unknown-wording",
        f"framework '{rules.id}' has no printing of its wording called '{wording}'",
        loaded.sources[0].span(("wording",)),
        hint,
    )
    return None


def is_own_rules(inspection: Inspection, rules: RuleSet) -> bool:
    """Whether `rules` are those the inspection was written for: the built-in file of its framework, byte for
    byte (or, for a framework with no built-in file, any file of that id)."""
    if rules.id != inspection.framework:
        return False
    builtin = ruleset_module.RULES_DIR / f"{rules.id}.yaml"
    try:
        return hashlib.sha256(builtin.read_bytes()).hexdigest() == rules.sha256
    except OSError:
        return True


def _rate_under_other_rules(loaded: Loaded, rules: RuleSet, diagnostics: Diagnostics) -> RatedInspection | None:
    """Check the source under its own rules, then rate it under `rules` with nothing blocking."""
    source = loaded.sources[0]
    where = source.span(("framework",))
    own = own_rules(loaded, Diagnostics()) if loaded.inspection.framework in ruleset_module.framework_ids() else None
    if own is None:  # no rules of its own to check it by: the given ones are the only judge
        diagnostics.warning(
            "other-rules", f"rated under '{rules.id}'; the report names '{loaded.inspection.framework}'", where
        )
        return rate_loaded(loaded, rules, diagnostics)
    before = rate_loaded(loaded, own, diagnostics)
    if before is None:
        return None  # the source itself is wrong: its own rules said where
    if own.family != rules.family:
        diagnostics.error(
            "rules-do-not-map", f"cannot rate this report under '{rules.id}': {not_comparable(own, rules)}", where
        )
        return None
    after = rate_loaded(loaded, rules, diagnostics, other_rules=True)
    own_name = "its own rules" if rules.id == own.id else f"its own '{own.id}'"
    diagnostics.warning(
        "other-rules",
        f"rated under '{rules.id}' (version {rules.version}, fingerprint {rules.sha256[:12]}), not under "
        f"{own_name}; standards are matched by id",
        where,
    )
    comparison = compare(before, after)
    for move in comparison.moves:
        if move.rated_on_one_side:
            side = rules.id if move.before is None else own.id
            diagnostics.warning("other-rules", f"{move.id} is rated under '{side}' only", where)
    for text in comparison.renamed:
        diagnostics.warning("other-rules", text, where)
    return after


def _given_rules(reference: Path | str, diagnostics: Diagnostics) -> RuleSet | None:
    try:
        return ruleset_module.load_ruleset(str(reference), diagnostics)
    except CompileError:  # its diagnostics are already in `diagnostics`
        return None


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


def rerate_inspection(
    path: Path | str, rules: RuleSet, own_cache: dict[str, RuleSet] | None = None
) -> tuple[Comparison | None, Diagnostics]:
    """Rate one inspection under its own rules and under `rules` and compare (None if its source is invalid).

    `own_cache` keeps each framework's rules between calls, so a corpus parses every rules file once.
    Problems under `rules` are not reported: the comparison says what they change.
    """
    loaded = load(path)
    diagnostics = loaded.diagnostics
    if loaded.inspection is None:
        return None, diagnostics
    cache = own_cache if own_cache is not None else {}
    framework = loaded.inspection.framework
    if framework in cache:
        own = in_its_wording(loaded, cache[framework], diagnostics)
    else:
        own = own_rules(loaded, diagnostics)
        if own is not None:
            cache[framework] = ruleset_module.load_ruleset(framework)  # as first printed: wording is per report
    if own is None:
        return None, diagnostics
    before = rate_loaded(loaded, own, diagnostics)
    if before is None:
        return None, diagnostics
    record = None
    if loaded.inspection.status == "final":
        record = lock.read_lock(lock.lock_path(loaded.entry), diagnostics)
        if diagnostics.has_errors():  # a lock that cannot be read: the published ratings are unknown
            return None, diagnostics
    if own.family != rules.family:
        return not_compared(before, rules), diagnostics
    after = rate_loaded(loaded, rules, Diagnostics(), other_rules=True)
    return compare(before, after, record), diagnostics
