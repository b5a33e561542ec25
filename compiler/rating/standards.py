"""The standards family: each domain's standards rated (case-based from key questions, qualitative as judged),
then points -> score -> overall rating, with the limiting judgements."""

from __future__ import annotations

from typing import Optional

from ..sources.model import RATING_SCALE, Domain, Rating, Standard
from .bands import overall_bands, overall_for, points_for
from .context import Loc, ScoringContext
from .discretion import decide_discretion
from .key_questions import band_value, blank_questions, check_sample, rate_questions
from .result import RatedKeyQuestion, RatedStandard, RatingResult
from .ruleset import DomainRule, StandardRule


def rate_standards(ctx: ScoringContext) -> RatingResult:
    rules = ctx.rules
    if ctx.inspection.themes:
        ctx.problem(("themes",), "themes-unexpected", f"framework '{rules.id}' rates standards, not themes")
    by_id = ctx.index([d.id for d in ctx.inspection.domains], ("domains",), "domain", {d.id for d in rules.domains})
    standards: list[RatedStandard] = []
    for domain_rule in rules.domains:
        d_index = by_id.get(domain_rule.id)
        if d_index is None:
            standards.extend(_absent_domain(ctx, domain_rule))
            continue
        standards.extend(_rate_domain(ctx, domain_rule, ctx.inspection.domains[d_index], d_index))

    counted = [s for s in standards if s.counts_to_score and s.points is not None]
    top = max(rules.points.values(), default=0)
    score = sum(s.points for s in counted)
    max_score = top * len(counted)
    overall = overall_for(score, max_score, rules) if counted else None
    if counted and rules.overall and max_score != rules.overall.max:
        ctx.note(rules.overall.assumption)
    before = overall
    limits: list[str] = []
    for limit in rules.limiting_judgements:
        limiting = next((s for s in standards if s.id == limit.standard), None)
        if limiting and limiting.rating == limit.when and overall == limit.blocks:
            overall = limit.cap
            limits.append(
                f"Standard {limit.standard} is rated {limit.when.value}, so the overall rating cannot be "
                f"{limit.blocks.value}; it is {limit.cap.value} instead."
            )
            ctx.assume("limiting-judgement")
    return RatingResult(
        framework=rules.id,
        overall=overall,
        overall_before_limits=before if limits else None,
        score=score if counted else None,
        max_score=max_score if counted else None,
        overall_bands=overall_bands(max_score, rules) if counted else [],
        standards=standards,
        limits_applied=limits,
        assumptions=ctx.assumptions,
    )


def _absent_domain(ctx: ScoringContext, domain_rule: DomainRule) -> list[RatedStandard]:
    if domain_rule.optional:
        if not ctx.rules.show_unrated_in_table:
            return []
        return [_not_rated(ctx, domain_rule, s, None, "No relevant cases.") for s in domain_rule.standards]
    ctx.problem(
        ("domains",),
        "domain-missing",
        f"domain {domain_rule.id} ({domain_rule.name}) is missing; framework '{ctx.rules.id}' requires it",
    )
    return [_not_rated(ctx, domain_rule, s, None, None) for s in domain_rule.standards]


def _not_rated(
    ctx: ScoringContext,
    domain_rule: DomainRule,
    rule: StandardRule,
    source: Optional[Standard],
    reason: Optional[str],
    key_questions: Optional[list[RatedKeyQuestion]] = None,
) -> RatedStandard:
    return RatedStandard(
        id=rule.id,
        name=rule.name,
        statement=rule.statement,
        method=rule.method,
        domain=domain_rule.id,
        rating=Rating.NOT_RATED,
        points=None,
        computed=None,
        discretion=None,
        counts_to_score=domain_rule.counts_to_score,
        not_rated_reason=(source.not_rated_reason if source and source.not_rated_reason else reason),
        key_questions=key_questions if key_questions is not None else blank_questions(ctx, rule, source),
    )


def _rate_domain(ctx: ScoringContext, domain_rule: DomainRule, domain: Domain, d_index: int) -> list[RatedStandard]:
    loc = ("domains", d_index)
    too_small = bool(
        ctx.rules.min_cases and domain.sample is not None and domain.sample.cases < ctx.rules.min_cases.value
    )
    if too_small and domain.not_rated_reason is None:
        ctx.note(ctx.rules.min_cases.assumption)
        _warn_unexplained_small_sample(ctx, domain_rule, domain, loc)
    by_id = ctx.index(
        [s.id for s in domain.standards], loc + ("standards",), "standard", {s.id for s in domain_rule.standards}
    )
    rated: list[RatedStandard] = []
    for rule in domain_rule.standards:
        s_index = by_id.get(rule.id)
        source = domain.standards[s_index] if s_index is not None else None
        s_loc = loc + ("standards", s_index)
        domain_off = domain.not_rated_reason is not None or (too_small and rule.method == "case-based")
        if source is None:
            if not domain_off:
                ctx.problem(
                    loc + ("standards",),
                    "standard-missing",
                    f"standard {rule.id} ({rule.name}) is missing; framework '{ctx.rules.id}' requires it",
                )
            rated.append(_not_rated(ctx, domain_rule, rule, None, domain.not_rated_reason))
            continue
        if domain_off:
            if source.rating not in (None, Rating.NOT_RATED):
                why = (
                    "the domain is marked not rated"
                    if domain.not_rated_reason is not None
                    else f"the domain sample of {domain.sample.cases} is below the minimum of "
                    f"{ctx.rules.min_cases.value} cases"
                )
                ctx.problem(
                    s_loc + ("rating",),
                    "rating-contradicts-data",
                    f"standard {rule.id} is rated {source.rating.value}, but {why}",
                )
            _no_discretion_when_not_rated(ctx, rule, source, s_loc)
            questions = (
                rate_questions(ctx, rule, source, s_loc, required=False) if rule.method == "case-based" else None
            )
            rated.append(_not_rated(ctx, domain_rule, rule, source, domain.not_rated_reason, questions))
            continue
        if source.rating == Rating.NOT_RATED or source.not_rated_reason is not None:
            if rule.method == "case-based" and source.not_rated_reason is None:
                _warn_hidden_rating(ctx, rule, domain, s_loc)
            if source.rating not in (None, Rating.NOT_RATED):
                ctx.problem(
                    s_loc + ("rating",),
                    "rating-contradicts-data",
                    f"standard {rule.id} gives a reason for not being rated but is rated {source.rating.value}",
                )
            _no_discretion_when_not_rated(ctx, rule, source, s_loc)
            questions = (
                rate_questions(ctx, rule, source, s_loc, required=False) if rule.method == "case-based" else None
            )
            rated.append(_not_rated(ctx, domain_rule, rule, source, None, questions))
            continue
        if rule.method == "qualitative":
            rated.append(_rate_qualitative(ctx, domain_rule, rule, source, s_loc))
        else:
            rated.append(_rate_case_based(ctx, domain_rule, rule, source, s_loc, domain))
    return rated


def _no_discretion_when_not_rated(ctx: ScoringContext, rule: StandardRule, source: Standard, loc: Loc) -> None:
    if source.discretion is not None:
        ctx.problem(
            loc + ("discretion",),
            "discretion-not-allowed",
            f"standard {rule.id} is Not rated, so there is no rating for professional discretion to move",
        )


def _warn_hidden_rating(ctx: ScoringContext, rule: StandardRule, domain: Domain, loc: Loc) -> None:
    """`rating: Not rated` on a case-based standard of a domain large enough to rate hides what the data say."""
    if domain.sample is None:
        return
    needed = ctx.rules.min_cases.value if ctx.rules.min_cases else 1
    ctx.problem(
        loc + ("rating",),
        "not-rated-hides-data",
        f"standard {rule.id} is typed 'Not rated', but domain {domain.id} has a sample of {domain.sample.cases} "
        f"cases, enough to rate it (the minimum is {needed}); delete the rating to have it computed, or give a "
        "'not_rated_reason' saying why it is not rated",
        severity="warning",
    )


def _warn_unexplained_small_sample(ctx: ScoringContext, domain_rule: DomainRule, domain: Domain, loc: Loc) -> None:
    """A domain too small to rate should say why; silence usually means the counts are unfinished."""
    case_based = {s.id for s in domain_rule.standards if s.method == "case-based"}
    present = [s for s in domain.standards if s.id in case_based]
    if present and all(s.not_rated_reason for s in present):
        return
    where = "the domain" if len(case_based) == len(domain_rule.standards) else "each of its case-based standards"
    ctx.problem(
        loc + ("sample", "cases"),
        "domain-too-small",
        f"domain {domain_rule.id} ({domain_rule.name}) has {domain.sample.cases} cases, fewer than the "
        f"{ctx.rules.min_cases.value} needed to rate it, so its case-based standards are Not rated; "
        f"give {where} a 'not_rated_reason' to say why in the report",
        severity="warning",
    )


def _rate_qualitative(
    ctx: ScoringContext, domain_rule: DomainRule, rule: StandardRule, source: Standard, loc: Loc
) -> RatedStandard:
    known = {q.id for q in rule.key_questions}
    ctx.index([q.id for q in source.key_questions], loc + ("key_questions",), "key question", known)
    if source.discretion is not None:
        ctx.problem(
            loc + ("discretion",),
            "discretion-not-allowed",
            f"standard {rule.id} is judged qualitatively; professional discretion applies only to case-based standards",
        )
    for index, question in enumerate(source.key_questions):
        if question.yes is not None or question.of is not None or question.percent is not None:
            ctx.problem(
                loc + ("key_questions", index),
                "counts-on-qualitative",
                f"key question {question.id}: standard {rule.id} is judged qualitatively, so its "
                "figures are not used or printed",
                severity="warning",
            )
    if source.rating is None:
        ctx.problem(
            loc, "rating-missing", f"standard {rule.id} ({rule.name}) is judged qualitatively and needs a 'rating'"
        )
        return _not_rated(ctx, domain_rule, rule, source, None)
    return RatedStandard(
        id=rule.id,
        name=rule.name,
        statement=rule.statement,
        method=rule.method,
        domain=domain_rule.id,
        rating=source.rating,
        points=points_for(source.rating, ctx.rules),
        computed=None,
        counts_to_score=domain_rule.counts_to_score,
        key_questions=blank_questions(ctx, rule, source),
    )


def _rate_case_based(
    ctx: ScoringContext, domain_rule: DomainRule, rule: StandardRule, source: Standard, loc: Loc, domain: Domain
) -> RatedStandard:
    questions = rate_questions(ctx, rule, source, loc)
    check_sample(ctx, source, loc, domain)
    scored = [q for q in questions if q.percent is not None]
    if not scored:
        if source.key_questions:
            ctx.problem(
                loc + ("key_questions",),
                "standard-no-data",
                f"standard {rule.id} has no key-question figures to rate it by",
            )
        return _not_rated(ctx, domain_rule, rule, source, None, questions)
    # The standard takes the worst key-question band; its lowest figure is the one shown in bold.
    computed = min((q.band for q in scored), key=RATING_SCALE.index)
    in_band = [q for q in scored if q.band == computed]
    lowest_value = min(band_value(ctx, q) for q in in_band)
    lowest_ids = {q.id for q in in_band if band_value(ctx, q) == lowest_value}
    questions = [q.model_copy(update={"lowest": q.id in lowest_ids}) for q in questions]
    rating, decision = computed, None
    if source.discretion is not None:
        decision = decide_discretion(ctx, rule, source, loc, computed, [q for q in questions if q.lowest], domain)
        if decision is not None:
            rating = decision.to
    # A refused discretion is one error, at the discretion: a rating typed as the discretion wanted is not a second.
    refused = source.discretion is not None and decision is None and source.rating == source.discretion.to
    if source.rating is not None and source.rating != rating and not refused:
        if ctx.other_rules:
            ctx.problem(
                loc + ("rating",),
                "published-rating-moves",
                f"standard {rule.id} was published as {source.rating.value}; under '{ctx.rules.id}' the data "
                f"rate it {rating.value}",
            )
        else:
            hint = f" (computed {computed.value}" + (f", {rating.value} after discretion)" if decision else ")")
            ctx.problem(
                loc + ("rating",),
                "rating-contradicts-data",
                f"standard {rule.id} is given as {source.rating.value}, but the data rate it "
                f"{rating.value}{hint}; rating contradicts the data",
            )
    return RatedStandard(
        id=rule.id,
        name=rule.name,
        statement=rule.statement,
        method=rule.method,
        domain=domain_rule.id,
        rating=rating,
        points=points_for(rating, ctx.rules),
        computed=computed,
        discretion=decision,
        counts_to_score=domain_rule.counts_to_score,
        key_questions=questions,
    )
