"""Rate an inspection under its rules: key-question bands, standard ratings, score and overall, FJI themes.

Pure functions: no I/O. Every figure is computed from the source's counts; typed ratings are
checked against the data (a record of what was published: under other rules a difference is a
warning, never an error), and anything the rules do not allow becomes a `Problem` whose `loc`
is the path of the offending node in the inspection's YAML data. The work is split by what is
rated: `key_questions`, `discretion`, `standards`, `themes`, over the figures of `bands`.
"""

from __future__ import annotations

from ..sources.model import Inspection
from . import standards, themes
from .context import Problem, ScoringContext
from .result import RatingResult
from .ruleset import RuleSet


def rate(
    inspection: Inspection, rules: RuleSet, *, other_rules: bool = False
) -> tuple[RatingResult, list[Problem]]:
    """Rate one inspection under `rules`; problems are returned, never raised.

    `other_rules`: rules the inspection was not written for, under which every problem is a warning
    (typed ratings and discretion decisions are a record, checked again but never blocking).
    """
    ctx = ScoringContext(inspection, rules, other_rules)
    if rules.family == "themes":
        result = themes.rate_themes(ctx)
    else:
        result = standards.rate_standards(ctx)
        if any(q.percent is not None and q.yes is not None for s in result.standards for q in s.key_questions):
            ctx.assume("rounding")
    recorded = {"assumptions": list(ctx.assumptions), "rules_version": rules.version, "rules_sha256": rules.sha256}
    return result.model_copy(update=recorded), ctx.problems
