"""The themed reports' sections of the view: each theme with its score, stars, chart and numbered
explanation."""
from __future__ import annotations

from markupsafe import Markup

from ..rating.result import RatedInspection
from ..rating.ruleset import RuleSet
from ..sources.model import Theme
from . import chart
from .formatting import anchor, format_percent
from .phrases import phrases
from .view_types import ThemeView


def _explanation(theme: Theme) -> list[dict]:
    parts = []
    for p_index, part in enumerate(theme.explanation, start=1):
        blocks, para = [], 0
        for block in part.paragraphs:
            number = None
            if hasattr(block, "text") or hasattr(block, "file"):
                para += 1
                number = f"{p_index}.{para}."
            blocks.append({"number": number, "block": block})
        parts.append({"heading": f"{p_index}. {part.title}", "blocks": blocks})
    return parts


def star_slots(rules: RuleSet) -> int:
    """How many places a row of stars has: as the published table prints them, else the most stars a band gives."""
    return rules.star_slots or max((b.stars for b in rules.theme_bands), default=4)


def stars_key(rules: RuleSet) -> list[dict]:
    """The key to the stars: each descriptor with its stars, best first."""
    return [{"descriptor": b.descriptor.value, "stars": b.stars} for b in rules.theme_bands]


def summary_parts(rated: RatedInspection) -> list[dict]:
    """The front summary of a themed report: each theme's summary under its name, descriptor and stars."""
    parts = []
    for theme in rated.inspection.themes:
        if not theme.summary:
            continue
        rated_theme = rated.result.theme(theme.id)
        descriptor = rated_theme.descriptor if rated_theme else theme.descriptor
        parts.append({
            "title": theme.title or (rated_theme.name if rated_theme else theme.id),
            "body": theme.summary,
            "descriptor": descriptor.value if descriptor else None,
            "stars": rated_theme.stars if rated_theme else None,
        })
    return parts


def theme_views(rated: RatedInspection) -> list[ThemeView]:
    """Each theme, numbered in report order, with its score, descriptor, stars and chart."""
    rules, result = rated.rules, rated.result
    ph = phrases(rated.inspection.meta.language)
    views = []
    for number, theme in enumerate(rated.inspection.themes, start=1):
        rule = next((t for t in rules.themes if t.id == theme.id), None)
        rated_theme = result.theme(theme.id)
        name = theme.title or (rated_theme.name if rated_theme else (rule.name if rule else theme.id))
        percent = rated_theme.percent if rated_theme else None
        descriptor = rated_theme.descriptor if rated_theme else theme.descriptor
        views.append(ThemeView(
            anchor=anchor("theme", number),
            number=number,
            heading=f"Theme {number}: {name}",
            source=theme,
            percent_text=format_percent(percent) if percent is not None else None,
            descriptor=descriptor.value if descriptor else None,
            stars=rated_theme.stars if rated_theme else None,
            star_slots=star_slots(rules),
            explanation=_explanation(theme),
            chart=(Markup(chart.results_chart(f"chart-theme-{number}", theme.data_chart, ph, name))
                   if theme.data_chart and chart.drawn(rated) else None),
            name=name,
        ))
    return views
