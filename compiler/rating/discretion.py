"""Professional discretion: whether the rules allow a panel to move a standard's computed rating, and the decision."""

from __future__ import annotations

from typing import Optional

from ..sources.model import RATING_SCALE, Domain, Rating, Standard
from .bands import as_written, band_for, banded_value, exact_percent
from .context import Loc, ScoringContext
from .result import DiscretionDecision, RatedKeyQuestion
from .ruleset import StandardRule


def _triggers(
    ctx: ScoringContext, lowest: list[RatedKeyQuestion], domain: Domain, computed: Rating, wanted: Rating
) -> list[str]:
    """Which of the rules' conditions for discretion hold for a move from `computed` towards `wanted`.

    A boundary counts only if the move crosses it, and a one-case change only if it moves the band
    the same way the panel did.
    """
    conditions = ctx.rules.discretion
    if conditions is None:
        return []
    triggers: list[str] = []
    upper = max(computed, wanted, key=RATING_SCALE.index)
    crossed = [as_written(b.min) for b in ctx.rules.bands if b.rating == upper and b.min > 0]
    margin = as_written(conditions.boundary_margin)
    upwards = RATING_SCALE.index(wanted) > RATING_SCALE.index(computed)
    for question in lowest:
        value = as_written(question.percent)
        near = [
            b
            for b in crossed
            if (abs(value - b) <= margin if conditions.boundary_inclusive else abs(value - b) < margin)
        ]
        if near and "boundary" not in triggers:
            triggers.append("boundary")
        if conditions.one_case_change and question.yes is not None and question.of:
            other = question.yes + 1 if upwards else question.yes - 1
            if 0 <= other <= question.of:
                there = band_for(banded_value(exact_percent(other, question.of), ctx.rules), ctx.rules)
                if there == wanted and "one-case" not in triggers:
                    triggers.append("one-case")
        if question.of is not None and question.of <= conditions.small_sample and "small-sample" not in triggers:
            triggers.append("small-sample")
    if domain.sample is not None and domain.sample.cases <= conditions.small_sample and "small-sample" not in triggers:
        triggers.append("small-sample")
    return triggers


def decide_discretion(
    ctx: ScoringContext,
    rule: StandardRule,
    source: Standard,
    loc: Loc,
    computed: Rating,
    lowest: list[RatedKeyQuestion],
    domain: Domain,
) -> Optional[DiscretionDecision]:
    d_loc = loc + ("discretion",)
    wanted = source.discretion.to
    conditions = ctx.rules.discretion
    if conditions is None:
        ctx.problem(d_loc, "discretion-not-allowed", f"framework '{ctx.rules.id}' allows no professional discretion")
        return None
    ctx.note(conditions.assumption)
    if wanted == Rating.NOT_RATED:
        ctx.problem(d_loc + ("to",), "discretion-not-rated", "discretion cannot make a standard 'Not rated'")
        return None
    if wanted == computed:
        ctx.problem(
            d_loc + ("to",),
            "discretion-unchanged",
            f"discretion on standard {rule.id} leaves the computed rating ({computed.value}) unchanged",
            "warning",
        )
        return None
    steps = abs(RATING_SCALE.index(wanted) - RATING_SCALE.index(computed))
    if steps > conditions.max_bands:
        ctx.problem(
            d_loc + ("to",),
            "discretion-too-far",
            f"discretion may move a rating by {conditions.max_bands} band at most; standard {rule.id} "
            f"would move {steps} bands, from {computed.value} to {wanted.value}",
        )
        return None
    triggers = _triggers(ctx, lowest, domain, computed, wanted)
    if not triggers:
        shown = ", ".join(f"{q.id} at {q.percent:g}%" for q in lowest)
        ctx.problem(
            d_loc,
            "discretion-not-allowed",
            f"discretion on standard {rule.id} is not allowed: its lowest key question ({shown}) is not "
            f"within {conditions.boundary_margin:g} points of the boundary between {computed.value} and "
            f"{wanted.value}, one case judged differently would not move it to {wanted.value}, and the "
            f"sample is larger than {conditions.small_sample} cases",
        )
        return None
    return DiscretionDecision(from_=computed, to=wanted, reason=source.discretion.reason, triggers=triggers)
