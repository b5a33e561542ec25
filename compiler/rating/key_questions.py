"""Key questions and prompts: counts -> exact and printed percentages and bands, with the checks on the figures."""

from __future__ import annotations

from fractions import Fraction
from typing import Optional

from ..sources.model import Domain, KeyQuestion, Standard
from .bands import as_written, band_for, banded_value, exact_percent, round_percent
from .context import Loc, ScoringContext
from .result import RatedKeyQuestion, RatedPrompt
from .ruleset import StandardRule


def blank_questions(ctx: ScoringContext, rule: StandardRule, source: Optional[Standard]) -> list[RatedKeyQuestion]:
    overrides = {q.id: q.text for q in (source.key_questions if source else []) if q.text}
    return [
        RatedKeyQuestion(id=q.id, text=overrides.get(q.id) or q.text, yes=None, of=None, percent=None, band=None)
        for q in rule.key_questions
    ]


def rate_questions(
    ctx: ScoringContext, rule: StandardRule, source: Standard, loc: Loc, *, required: bool = True
) -> list[RatedKeyQuestion]:
    """Percent and band of every key question, in rules order, reporting bad (and, if required, missing) data."""
    q_loc = loc + ("key_questions",)
    by_id = ctx.index([q.id for q in source.key_questions], q_loc, "key question", {q.id for q in rule.key_questions})
    rated: list[RatedKeyQuestion] = []
    for question_rule in rule.key_questions:
        index = by_id.get(question_rule.id)
        if index is None:
            if required:
                ctx.problem(
                    q_loc, "key-question-missing", f"standard {rule.id} has no data for key question {question_rule.id}"
                )
            rated.append(
                RatedKeyQuestion(
                    id=question_rule.id, text=question_rule.text, yes=None, of=None, percent=None, band=None
                )
            )
            continue
        question = source.key_questions[index]
        prompts = _rate_prompts(ctx, question_rule, question, q_loc + (index,))
        rated.append(
            _rate_question(ctx, question_rule.id, question_rule.text, question, q_loc + (index,), required, prompts)
        )
    return rated


def figures(
    ctx: ScoringContext, yes: Optional[int], of: Optional[int], percent: Optional[float], loc: Loc, what: str
) -> tuple[Optional[Fraction | float], bool]:
    """The exact percentage from counts (or a published one), and whether any figure was given."""
    if yes is None and of is None and percent is None:
        return None, False
    if percent is not None and percent > 100:
        ctx.problem(loc + ("percent",), "percent-over-100", f"{what}: a percentage cannot exceed 100 ({percent:g})")
        return None, True
    if (yes is None) != (of is None):
        missing = "of" if of is None else "yes"
        ctx.problem(loc + (missing,), "counts-incomplete", f"{what}: 'yes' and 'of' must be given together")
        return None, True
    if yes is not None and of is not None:
        if yes > of:
            ctx.problem(loc + ("yes",), "yes-over-of", f"{what}: 'yes: {yes}' is more than 'of: {of}'")
            return None, True
        if of == 0:
            return None, True
        exact = exact_percent(yes, of)
        if percent is not None and round_percent(exact, ctx.rules) != round_percent(percent, ctx.rules):
            ctx.problem(
                loc + ("percent",),
                "percent-mismatch",
                f"{what}: percent {percent:g} does not match {yes}/{of} ({round_percent(exact, ctx.rules):g}%)",
            )
        return exact, True
    return percent, True


def _rate_question(
    ctx: ScoringContext,
    qid: str,
    text: str,
    question: KeyQuestion,
    loc: Loc,
    required: bool,
    prompts: list[RatedPrompt],
) -> RatedKeyQuestion:
    exact, given = figures(ctx, question.yes, question.of, question.percent, loc, f"key question {qid}")
    if not given and required:
        ctx.problem(loc, "key-question-no-data", f"key question {qid} needs 'yes' and 'of' (or a published 'percent')")
    if question.of == 0 and required:
        ctx.problem(
            loc + ("of",),
            "no-relevant-cases",
            f"key question {qid}: 'of: 0' means no relevant cases, so it is left out of the rating",
            severity="warning",
        )
    percent = round_percent(exact, ctx.rules) if exact is not None else None
    band = band_for(banded_value(exact, ctx.rules), ctx.rules) if exact is not None else None
    return RatedKeyQuestion(
        id=qid,
        text=question.text or text,
        yes=question.yes,
        of=question.of,
        percent=percent,
        band=band,
        prompts=prompts,
    )


def _rate_prompts(ctx: ScoringContext, question_rule, question: KeyQuestion, loc: Loc) -> list[RatedPrompt]:
    """Each prompt's figures checked and its percentage rounded as a key question's is."""
    p_loc = loc + ("prompts",)
    ctx.index([p.id for p in question.prompts], p_loc, "prompt", {p.id for p in question_rule.prompts})
    rated: list[RatedPrompt] = []
    for index, prompt in enumerate(question.prompts):
        exact, _ = figures(
            ctx, prompt.yes, prompt.of, prompt.percent, p_loc + (index,), f"prompt {question_rule.id} {prompt.id})"
        )
        if prompt.of is not None and question.of is not None and prompt.of > question.of:
            ctx.problem(
                p_loc + (index, "of"),
                "prompt-over-key-question",
                f"prompt {question_rule.id} {prompt.id}): 'of: {prompt.of}' is more than the {question.of} "
                f"relevant cases of key question {question_rule.id}",
                severity="warning",
            )
        percent = round_percent(exact, ctx.rules) if exact is not None else None
        rated.append(RatedPrompt(id=prompt.id, yes=prompt.yes, of=prompt.of, percent=percent))
    return rated


def check_sample(ctx: ScoringContext, source: Standard, loc: Loc, domain: Domain) -> None:
    """Warn where a key question counts more relevant cases than the domain inspected."""
    if domain.sample is None:
        return
    for index, question in enumerate(source.key_questions):
        if question.of is not None and question.of > domain.sample.cases:
            ctx.problem(
                loc + ("key_questions", index, "of"),
                "of-over-sample",
                f"key question {question.id}: 'of: {question.of}' is more than the "
                f"{domain.sample.cases} cases inspected in domain {domain.id}",
                severity="warning",
            )


def band_value(ctx: ScoringContext, question: RatedKeyQuestion) -> Fraction:
    """The value a key question is banded on (the rounded figure, or the exact one)."""
    if ctx.rules.band_on == "exact" and question.yes is not None and question.of:
        return exact_percent(question.yes, question.of)
    return as_written(question.percent)
