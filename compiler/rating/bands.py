"""Percentages and bands: a key question's figure -> its band, points -> score -> overall rating, a theme's stars."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from typing import Optional

from ..sources.model import Descriptor, Rating
from .result import ScoreRange
from .ruleset import RuleSet


@lru_cache(maxsize=4096)
def as_written(value: float) -> Fraction:
    """A figure as written in a source or rules file, exactly (0.1 is a tenth, not its binary
    neighbour); kept, as the same few thresholds and percentages come back for every question."""
    return Fraction(str(value))


def exact_percent(yes: int, of: int) -> Fraction:
    return Fraction(yes * 100, of)


def round_percent(value: Fraction | float, rules: RuleSet) -> float:
    """The printed percentage: a whole number rounded half up, unless the rules say not to round."""
    if rules.percent_rounding == "none":
        return float(value)
    exact = (
        Decimal(value.numerator) / Decimal(value.denominator) if isinstance(value, Fraction) else Decimal(str(value))
    )
    return float(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def band_for(value: float | Fraction, rules: RuleSet) -> Rating:
    """The rating band a key-question percentage falls in (bands are listed highest first)."""
    for band in rules.bands:
        if value >= as_written(band.min):
            return band.rating
    return rules.bands[-1].rating


def banded_value(exact: Fraction | float, rules: RuleSet) -> Fraction | float:
    return as_written(round_percent(exact, rules)) if rules.band_on == "rounded" else exact


def points_for(rating: Rating, rules: RuleSet) -> Optional[int]:
    return rules.points.get(rating)


def overall_for(score: int, max_score: int, rules: RuleSet) -> Optional[Rating]:
    """The overall rating for a score; bands published for another maximum are scaled in proportion.

    A published band that starts at `min` covers every score above the previous band's top
    (`min - 1`), so on another maximum a score belongs to it when score * published_max exceeds
    (min - 1) * max_score.
    """
    if rules.overall is None or max_score <= 0:
        return None
    published = rules.overall.max
    for band in rules.overall.bands:
        if band.min <= 0:
            return band.rating
        if max_score == published:
            if score >= band.min:
                return band.rating
        elif score * published > (band.min - 1) * max_score:
            return band.rating
    return rules.overall.bands[-1].rating


def overall_bands(max_score: int, rules: RuleSet) -> list[ScoreRange]:
    """The score ranges that `overall_for` gives on this maximum, lowest first."""
    ranges: list[ScoreRange] = []
    for score in range(max_score + 1):
        rating = overall_for(score, max_score, rules)
        if rating is None:
            return []
        if ranges and ranges[-1].rating == rating:
            ranges[-1] = ranges[-1].model_copy(update={"high": score})
        else:
            ranges.append(ScoreRange(low=score, high=score, rating=rating))
    return ranges


def descriptor_for(value: float | Fraction, rules: RuleSet) -> tuple[Descriptor, int]:
    for band in rules.theme_bands:
        if value >= as_written(band.min):
            return band.descriptor, band.stars
    last = rules.theme_bands[-1]
    return last.descriptor, last.stars


def stars_for(descriptor: Descriptor, rules: RuleSet) -> Optional[int]:
    return next((b.stars for b in rules.theme_bands if b.descriptor == descriptor), None)
