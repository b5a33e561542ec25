"""A rated inspection as a table for the terminal (`inspection rate`), styled with click."""
from __future__ import annotations

import click

_RATING_STYLE = {
    "Outstanding": "green",
    "Good": "green",
    "Requires improvement": "yellow",
    "Inadequate": "red",
}


def _styled_rating(rating) -> str:
    if rating is None:
        return "-"
    text = getattr(rating, "value", str(rating))
    colour = _RATING_STYLE.get(text)
    return click.style(text, fg=colour) if colour else text


def ratings_table(rated) -> str:
    """The ratings in the terminal: standards by domain, or FJI themes; score, overall, assumptions."""
    result = rated.result
    meta = rated.inspection.meta
    lines = [
        click.style(f"{meta.service} ({rated.slug}, {result.framework})", bold=True),
        f"Rules: {rated.rules.name}, version {result.rules_version}, fingerprint (sha256) {result.rules_sha256}",
        "",
    ]
    if result.standards:
        domain_names = {d.id: d.name for d in getattr(rated.rules, "domains", [])}
        rows = []
        for standard in result.standards:
            points = "-" if standard.points is None else str(standard.points)
            if not standard.counts_to_score and standard.points is not None:
                points = f"({points})"  # rated separately: shown, not added to the score
            decision = standard.discretion
            rows.append(
                (
                    standard.domain,
                    f"{standard.id} {standard.name}",
                    standard.rating,
                    points,
                    standard.computed.value if standard.computed else "-",
                    f"{decision.from_.value} -> {decision.to.value}" if decision else "-",
                )
            )
        name_width = max(len("Standard"), *(len(r[1]) for r in rows))
        rating_width = max(len("Rating"), *(len(r[2].value) for r in rows))
        computed_width = max(len("Computed"), *(len(r[4]) for r in rows))
        header = (
            f"{'Standard':<{name_width}}  {'Rating':<{rating_width}}  {'Points':>6}  "
            f"{'Computed':<{computed_width}}  Discretion"
        )
        lines.append(click.style(header, bold=True))
        current = None
        for domain, name, rating, points, computed, discretion in rows:
            if domain != current:
                current = domain
                lines.append(click.style(f"{domain}. {domain_names.get(domain, '')}".rstrip(), underline=True))
            padding = " " * (rating_width - len(rating.value))
            lines.append(
                f"{name:<{name_width}}  {_styled_rating(rating)}{padding}  {points:>6}  "
                f"{computed:<{computed_width}}  {discretion}"
            )
    if result.themes:
        lines.append(click.style(f"{'Theme':<46} {'Score':>6}  {'Descriptor':<15} Stars", bold=True))
        for theme in result.themes:
            percent = "-" if theme.percent is None else f"{theme.percent:g}%"
            descriptor = theme.descriptor.value if theme.descriptor else "-"
            stars = "*" * theme.stars if theme.stars else "-"
            lines.append(f"{theme.name[:46]:<46} {percent:>6}  {descriptor:<15} {stars}")
    lines.append("")
    if any(not s.counts_to_score and s.points is not None for s in result.standards):
        lines.append("(n): points of a standard rated separately, not added to the score")
    if result.score is not None:
        lines.append(f"Score: {result.score}/{result.max_score}")
    if result.overall is not None:
        lines.append(f"Overall: {_styled_rating(result.overall)}")
    for limit in result.limits_applied:
        lines.append(f"Limiting judgement: {limit}")
    if result.assumptions:
        lines.append("Assumptions applied:")
        lines.extend(f"  - {assumption}" for assumption in result.assumptions)
    return "\n".join(lines)
