"""The themes family (FJI 2013): each theme's case score -> descriptor and stars, with moderation."""

from __future__ import annotations

from ..sources.model import Theme
from .bands import banded_value, descriptor_for, round_percent, stars_for
from .context import Loc, ScoringContext
from .key_questions import figures
from .result import RatedTheme, RatingResult
from .ruleset import ThemeRule


def rate_themes(ctx: ScoringContext) -> RatingResult:
    rules = ctx.rules
    if ctx.inspection.domains:
        ctx.problem(("domains",), "domains-unexpected", f"framework '{rules.id}' rates themes, not domains")
    by_id = ctx.index([t.id for t in ctx.inspection.themes], ("themes",), "theme", {t.id for t in rules.themes})
    themes: list[RatedTheme] = []
    for theme_rule in rules.themes:
        index = by_id.get(theme_rule.id)
        if index is None:
            ctx.problem(
                ("themes",),
                "theme-missing",
                f"theme '{theme_rule.id}' ({theme_rule.name}) is missing; framework '{rules.id}' requires it",
            )
            themes.append(
                RatedTheme(
                    id=theme_rule.id, name=theme_rule.name, percent=None, computed=None, descriptor=None, stars=None
                )
            )
            continue
        themes.append(_rate_theme(ctx, theme_rule, ctx.inspection.themes[index], ("themes", index)))
    for index, theme in enumerate(ctx.inspection.themes):
        for r_index, result in enumerate(theme.data_chart):
            if result.yes > result.of:
                ctx.problem(("themes", index, "data_chart", r_index, "yes"), "yes-over-of",
                            f"data chart of theme '{theme.id}': 'yes: {result.yes}' is more than 'of: {result.of}'")
    return RatingResult(
        framework=rules.id, overall=None, score=None, max_score=None, themes=themes, assumptions=ctx.assumptions
    )


def _rate_theme(ctx: ScoringContext, rule: ThemeRule, theme: Theme, loc: Loc) -> RatedTheme:
    name = theme.title or rule.name
    if not rule.scored:
        if theme.score is not None:
            ctx.problem(loc + ("score",), "theme-score-unexpected", f"theme '{rule.id}' has no case assessment score")
        if theme.descriptor is None:
            ctx.problem(
                loc, "descriptor-missing", f"theme '{rule.id}' is judged qualitatively and needs a 'descriptor'"
            )
        if theme.moderation is not None:
            ctx.problem(
                loc + ("moderation",), "moderation-not-allowed", f"theme '{rule.id}' has no case score to moderate"
            )
        return RatedTheme(id=rule.id, name=name, percent=None, computed=None, descriptor=theme.descriptor, stars=None)
    exact = None
    if theme.score is None:
        ctx.problem(loc, "theme-score-missing", f"theme '{rule.id}' needs a case assessment 'score'")
    else:
        exact, given = figures(
            ctx, theme.score.yes, theme.score.of, theme.score.percent, loc + ("score",), f"theme '{rule.id}'"
        )
        if not given:
            ctx.problem(
                loc + ("score",), "theme-score-missing", f"theme '{rule.id}' needs 'yes' and 'of' or a 'percent'"
            )
    if exact is None:
        return RatedTheme(id=rule.id, name=name, percent=None, computed=None, descriptor=theme.descriptor, stars=None)
    ctx.assume("rounding")
    percent = round_percent(exact, ctx.rules)
    computed, stars = descriptor_for(banded_value(exact, ctx.rules), ctx.rules)
    final, reason = computed, None
    if theme.moderation is not None:
        if theme.moderation.to == computed:
            ctx.problem(
                loc + ("moderation", "to"),
                "moderation-unchanged",
                f"moderation of theme '{rule.id}' leaves the descriptor ({computed.value}) unchanged",
                "warning",
            )
        else:
            final, reason = theme.moderation.to, theme.moderation.reason
            stars = stars_for(final, ctx.rules)
    if theme.descriptor is not None and theme.descriptor != final:
        ctx.problem(
            loc + ("descriptor",),
            "descriptor-contradicts-data",
            f"theme '{rule.id}' is given as {theme.descriptor.value}, but its score of {percent:g}% gives "
            f"{final.value}; descriptor contradicts the data",
        )
    ctx.assume("stars")
    return RatedTheme(
        id=rule.id,
        name=name,
        percent=percent,
        computed=computed,
        descriptor=final,
        stars=stars,
        moderation_reason=reason,
    )
